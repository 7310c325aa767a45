#!/usr/bin/env bash
# Benchmark of `watch` (not a test): a one-page edit, a page title change, a notice edit, a
# template change and a data change on a generated
# corpus, each repeated, printing the median "Rebuilt in N ms" that watch reports (render in
# memory + write the changed files), beside a cold build of the same corpus.
#
#   scripts/bench-watch.sh [PAGES]      default 10000
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-10000}"
chapters=$(( (pages + 49) / 50 ))
work="${BENCH_DIR:-$(mktemp -d)}/watch-$pages"
cargo build --release --quiet
cargo build --release --quiet --example gen_corpus
rm -rf "$work"
target/release/examples/gen_corpus --chapters "$chapters" --pages 50 "$work" >/dev/null
mkdir -p "$work/themes/default/templates"
cp themes/default/templates/base.html "$work/themes/default/templates/base.html"
if ! cold=$( { /usr/bin/time -f "%e" target/release/chapterhouse build -r "$work" -o "$work/cold" >/dev/null; } 2>&1 ); then
  echo "the cold build failed:"; echo "$cold"; exit 1
fi
log="$work.log"
target/release/chapterhouse watch -r "$work" -o "$work/public" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_for() { # count of "Rebuilt" lines to wait for
  for _ in $(seq 1 600); do
    [ "$(grep -c '^Rebuilt' "$log" || true)" -ge "$1" ] && return 0
    sleep 0.1
  done
  echo "watch did not rebuild; log:"; cat "$log"; exit 1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wait_for 1
page="$work/content/chapters/chapter-0000/page-0000.md"
n=1
for i in 1 2 3 4 5; do
  printf '\nEdit %s.\n' "$i" >>"$page"; n=$((n + 1)); wait_for $n; sleep 0.3
done
edit=$(grep '^Rebuilt' "$log" | tail -5 | sed -E 's/Rebuilt in ([0-9]+) ms.*/\1/' | median)
# A new title: the page, its chapter's pages (their menu), the home, directory and sitemap.
for i in 1 2 3 4 5; do
  sed -i -E "2s/^title = .*/title = \"Retitled $i\"/" "$page"; n=$((n + 1)); wait_for $n; sleep 0.3
done
retitle=$(grep '^Rebuilt' "$log" | tail -5 | sed -E 's/Rebuilt in ([0-9]+) ms.*/\1/' | median)
# A notice's text: the notice and the feeds carrying it.
notice=$(ls "$work"/content/chapters/chapter-0000/notices/*.md | head -1)
for i in 1 2 3 4 5; do
  printf '\nUpdate %s.\n' "$i" >>"$notice"; n=$((n + 1)); wait_for $n; sleep 0.3
done
noticed=$(grep '^Rebuilt' "$log" | tail -5 | sed -E 's/Rebuilt in ([0-9]+) ms.*/\1/' | median)
mkdir -p "$work/themes/default/templates"
for i in 1 2 3; do
  sed "s|</main>|<!-- edit $i --></main>|" themes/default/templates/base.html >"$work/themes/default/templates/base.html"
  n=$((n + 1)); wait_for $n; sleep 0.3
done
template=$(grep '^Rebuilt' "$log" | tail -3 | sed -E 's/Rebuilt in ([0-9]+) ms.*/\1/' | median)
# A data change: the site title appears on every page.
for i in 1 2 3; do
  sed -i -E "1s/^title = .*/title = \"Synthetic Institute $i\"/" "$work/data/site.toml"
  n=$((n + 1)); wait_for $n; sleep 0.3
done
data=$(grep '^Rebuilt' "$log" | tail -3 | sed -E 's/Rebuilt in ([0-9]+) ms.*/\1/' | median)
echo "corpus: $pages pages ($chapters chapters), machine: $(nproc) cores"
echo "cold build                     : ${cold} s"
echo "one-page edit (median of 5)    : ${edit} ms"
echo "page title change (median of 5): ${retitle} ms"
echo "notice text edit (median of 5) : ${noticed} ms"
echo "template change (median of 3)  : ${template} ms"
echo "data change (median of 3)      : ${data} ms"
grep '^Rebuilt' "$log" | tail -21
