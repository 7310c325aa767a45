#!/usr/bin/env bash
# Validates the CI files `chapterhouse init --ci github|gitlab` writes against the schemas
# GitHub and GitLab publish (check-jsonschema's vendor.github-workflows and vendor.gitlab-ci),
# and runs the GitLab planning job's script on the example site and on a fresh site so the
# child pipelines it writes (with chapters, and with none) are validated too.
#   scripts/ci-files-check.sh [CHAPTERHOUSE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/chapterhouse}"
[ -x "$bin" ] || cargo build --release --quiet
bin="$(realpath "$bin")"
if ! check-jsonschema --version 2>/dev/null | grep -q '0.39.0'; then
  python3 -m pip install --quiet check-jsonschema==0.39.0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$bin" init "$work/gh" --ci github --install-from https://github.com/example/chapterhouse.git >/dev/null
"$bin" init "$work/gl" --ci gitlab >/dev/null
"$bin" init "$work/none" --ci none >/dev/null
if [ -e "$work/none/.github" ] || [ -e "$work/none/.gitlab-ci.yml" ]; then
  echo "FAIL init --ci none wrote CI files"; exit 1
fi
check-jsonschema --builtin-schema vendor.github-workflows "$work/gh/.github/workflows/site.yml"
check-jsonschema --builtin-schema vendor.gitlab-ci "$work/gl/.gitlab-ci.yml" "$work/gl/.gitlab/chapter-site.yml"

# The planning job's own script, run where the pipeline would run it.
plan_script() {
  python3 -c 'import sys, yaml; print("\n".join(yaml.safe_load(open(sys.argv[1]))["chapters:plan"]["script"]))' "$1"
}
plan_script "$work/gl/.gitlab-ci.yml" > "$work/plan.sh"
for site in "$PWD" "$work/gl"; do
  (cd "$site" && PATH="$(dirname "$bin"):$PATH" sh -e "$work/plan.sh" >/dev/null && mv chapters.yml "$work/child-$(basename "$site").yml")
done
check-jsonschema --builtin-schema vendor.gitlab-ci "$work"/child-*.yml
grep -q 'CHAPTER: \["london","paris","toronto"\]' "$work/child-$(basename "$PWD").yml" \
  || { echo "FAIL the example's child pipeline does not list london, paris and toronto"; exit 1; }
grep -q 'extends: .no-chapter-site' "$work/child-gl.yml" \
  || { echo "FAIL a site without standalone chapters gets no placeholder job"; exit 1; }
# GitHub's matrix reads the same list with fromJSON: it must be a JSON array of strings.
(cd "$PWD" && "$bin" chapters --standalone --json) | python3 -c 'import json, sys; v = json.load(sys.stdin); assert isinstance(v, list) and all(isinstance(s, str) for s in v), v'

# This repository's own CI is .ci/run, a shell script; no workflow files to validate.
for own in .github/workflows/*.yml .gitlab-ci.yml; do
  [ -f "$own" ] || continue
  case "$own" in
    .github/*) check-jsonschema --builtin-schema vendor.github-workflows "$own" ;;
    *) check-jsonschema --builtin-schema vendor.gitlab-ci "$own" ;;
  esac
done
echo "ok   CI files of init --ci github|gitlab validate (workflow, pipeline, child pipelines)"
