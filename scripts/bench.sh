#!/usr/bin/env bash
# Build-speed benchmark (never part of `cargo test`).
#
#   scripts/bench.sh [SIZES...]        default sizes: 1000 10000 100000 pages
#
# For each size: generates the corpus (examples/gen_corpus.rs, 50 pages per chapter), then
# measures a cold build (no output folder), a warm rebuild (output present, nothing changed),
# wall time, pages per second and peak RSS (/usr/bin/time -v), and the floor of copying the
# output tree. When `hugo` is installed (Debian package `hugo`) it builds the same markdown
# with a minimal equivalent Hugo layout in the same run and prints the ratio. Finally it
# times a tiny site (startup).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000 100000)
work="${BENCH_DIR:-$(mktemp -d)}"
# Reproducible builds: "now" is fixed, so an unchanged site is recognised as unchanged.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1795000000}"
cargo build --release --quiet
cargo build --release --quiet --example gen_corpus
bin="$PWD/target/release/chapterhouse"
gen="$PWD/target/release/examples/gen_corpus"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "work folder: $work"

# This machine's ext4 runs without a journal, and then the kernel will not reuse an inode
# freed in the last 60 s (300 s while its block is dirty): every file created soon after
# deleting a big tree first steps over all those inodes one by one, which can double a
# cold build. Before each cold measurement (chapterhouse and Hugo alike) the script waits
# for earlier deletions to age out; BENCH_SETTLE=0 skips the wait.
settle() { sync; sleep "${BENCH_SETTLE:-65}"; }

measure() { # label, command... -> prints wall seconds and peak RSS
  local label="$1"; shift
  local log="$work/time.log"
  /usr/bin/time -v "$@" >"$work/out.log" 2>"$log" || { cat "$work/out.log" "$log"; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  echo "$wall $rss"
  LAST_WALL="$wall"; LAST_RSS="$rss"; LAST_LABEL="$label"
}

hugo_site() { # corpus -> a minimal Hugo site with the same markdown
  local corpus="$1" site="$2"
  rm -rf "$site"; mkdir -p "$site/layouts/_default"
  cp -r "$corpus/content" "$site/content"
  printf 'baseURL = "https://bench.example/"\ntitle = "Synthetic Institute"\ndisableKinds = ["taxonomy", "term", "RSS"]\n[markup.goldmark.renderer]\nunsafe = false\n' >"$site/hugo.toml"
  cat >"$site/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title><link rel="stylesheet" href="/style.css"></head>
<body><header><a href="/">{{ site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
  printf '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}\n' >"$site/layouts/_default/single.html"
  printf '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n' >"$site/layouts/_default/list.html"
}

for pages in "${sizes[@]}"; do
  chapters=$(( (pages + 49) / 50 ))
  corpus="$work/corpus-$pages"
  [ -d "$corpus" ] || "$gen" --chapters "$chapters" --pages 50 "$corpus" >/dev/null
  echo
  echo "== $pages pages ($chapters chapters x 50) =="
  # Cold: no output folder and no earlier output left to delete in the background.
  rm -rf "$corpus/public" "$corpus"/.public.chapterhouse-*
  settle
  read -r cold cold_rss < <(measure cold "$bin" build -r "$corpus")
  built=$(grep -o 'Built [0-9]* pages' "$work/out.log" | grep -o '[0-9]*' || true)
  [ -n "$built" ] || { echo "the cold build failed:"; cat "$work/out.log" "$work/time.log"; exit 1; }
  printf 'chapterhouse cold : %6.2f s  %8.0f pages/s  %5s MB peak RSS  (%s pages)\n' "$cold" "$(echo "$built / $cold" | bc -l)" "$cold_rss" "$built"
  read -r warm warm_rss < <(measure warm "$bin" build -r "$corpus")
  printf 'chapterhouse warm : %6.2f s  (nothing changed)  %5s MB peak RSS\n' "$warm" "$warm_rss"
  printf '\nEdited.\n' >>"$corpus/content/chapters/chapter-0000/page-0000.md"
  read -r edit edit_rss < <(measure edit "$bin" build -r "$corpus")
  printf 'chapterhouse edit : %6.2f s  (one page changed, full render, unchanged files hard-linked)\n' "$edit"
  rm -rf "$work/copy"
  read -r copy _ < <(measure copy cp -r "$corpus/public" "$work/copy")
  rm -rf "$work/copy"
  printf 'copy floor (cp -r): %6.2f s\n' "$copy"
  printf 'time per page     : %6.1f us\n' "$(echo "$cold * 1000000 / $built" | bc -l)"
  if command -v hugo >/dev/null; then
    hugo_site "$corpus" "$work/hugo-$pages"
    settle
    read -r hugo hugo_rss < <(measure hugo hugo --quiet -s "$work/hugo-$pages" -d "$work/hugo-$pages/public")
    printf 'hugo cold         : %6.2f s  %5s MB peak RSS   ratio chapterhouse/hugo = %.2f\n' "$hugo" "$hugo_rss" "$(echo "$cold / $hugo" | bc -l)"
  else
    echo "hugo              : not installed (apt-get install hugo to compare)"
  fi
done

echo
tiny="$work/tiny"
rm -rf "$tiny"; "$bin" init "$tiny" >/dev/null
"$bin" build -r "$tiny" >/dev/null
rm -rf "$tiny/public" "$tiny"/.public.chapterhouse-*
read -r t _ < <(measure tiny "$bin" build -r "$tiny")
printf 'tiny site (init)  : %6.3f s\n' "$t"
