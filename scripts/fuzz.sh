#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each). Needs a nightly toolchain
# and cargo-fuzz (`cargo +nightly install cargo-fuzz`). Crashes land in fuzz/artifacts/;
# turn each into a regression test in tests/fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
for target in front_matter paths markdown data nesting templates feeds; do
  echo "--- fuzzing $target for ${seconds}s"
  cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -max_len=4096
done
