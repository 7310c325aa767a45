#!/usr/bin/env bash
# Runs the fuzz targets one after another for a bounded time each (default 60 s):
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). cargo-fuzz passes `-Z` flags to
# rustc, so it needs a nightly toolchain; without one (or with FUZZ_TOOLCHAIN=stable) it runs
# on stable with RUSTC_BOOTSTRAP=1. FUZZ_SANITIZER picks the sanitizer (default address;
# `none` if ASan does not link). FUZZ_LOG_DIR, when set, keeps each target's output in
# $FUZZ_LOG_DIR/TARGET.log. Crashes land in fuzz/artifacts/TARGET/; turn each into a
# regression test in tests/fuzz_regressions.rs. Run it under `nice -n 19` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(front_matter paths markdown data nesting templates feeds)
fi
toolchain="${FUZZ_TOOLCHAIN:-}"
if [ -z "$toolchain" ]; then
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=nightly
  else
    toolchain=stable
  fi
fi
if [ "$toolchain" != nightly ]; then
  export RUSTC_BOOTSTRAP=1
fi
sanitizer="${FUZZ_SANITIZER:-address}"
# An empty corpus of a target that reads one text starts from the example site's files.
seed() {
  local target=$1 folder=$2 ext=$3
  if [ -z "$(ls -A "corpus/$target" 2>/dev/null)" ]; then
    mkdir -p "corpus/$target"
    find "../$folder" -name "*.$ext" -size -4k | while read -r file; do
      cp "$file" "corpus/$target/seed-$(echo "$file" | tr '/.' '__')"
    done
  fi
}
seed markdown content md
seed data data toml
status=0
for target in "${targets[@]}"; do
  echo "--- fuzzing $target for ${seconds}s (toolchain $toolchain, sanitizer $sanitizer)"
  mkdir -p "corpus/$target"
  run=(cargo "+$toolchain" fuzz run -s "$sanitizer" "$target" --
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  if [ -n "${FUZZ_LOG_DIR:-}" ]; then
    mkdir -p "$FUZZ_LOG_DIR"
    "${run[@]}" >"$FUZZ_LOG_DIR/$target.log" 2>&1 || status=1
    tail -n 4 "$FUZZ_LOG_DIR/$target.log"
  else
    "${run[@]}" || status=1
  fi
done
exit "$status"
