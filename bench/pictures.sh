#!/usr/bin/env bash
# The pictures of 100 camera photos (4000 × 3000, 9 to 15 MB each), one per
# post of a generated site with every network on: each network's variant
# (`social/`) and the page's own (`img/`: 240 to 1600 px, WebP and JPEG,
# for the post's `<picture>`). `rounds build`
# timed with an empty picture cache (cold), again over its own output (warm:
# the pictures are taken from the previous build), and into a fresh output
# folder with the cache kept (cached: a CI checkout with its cache restored).
#
#   bench/pictures.sh            N=100 photos
#   N=20 bench/pictures.sh
#   NO_BUILD=1                   use the existing release binary
#   ROUNDS_BIN=...               the rounds binary (default: <target dir>/release/rounds)
#   SKIP_PHOTOS=1                use the photos already made, without building make_photos
# The photos are made by bench/make_photos.rs (an example, in the dev profile,
# whose dependencies are optimised), once: they are kept in photos/.
#
# Writes under target/bench/pictures/: site/, cache/, and the timings.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
N=${N:-100}
OUT=$ROOT/target/bench/pictures
SITE=$OUT/site
CACHE=$OUT/cache
ROUNDS_BIN=${ROUNDS_BIN:-$TARGET_DIR/release/rounds}

if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release --manifest-path "$ROOT/Cargo.toml" >&2
fi
# A smaller N after a larger one must not keep the larger run's posts.
rm -rf "$SITE/content/blog"
mkdir -p "$SITE/content/blog" "$OUT/photos"
# SKIP_PHOTOS=1: the photos already in photos/ (no cargo build of the example).
[ -n "${SKIP_PHOTOS:-}" ] || cargo run --quiet --manifest-path "$ROOT/Cargo.toml" --example make_photos -- "$OUT/photos" "$N" >&2

cat >"$SITE/config.toml" <<'TOML'
title = "Riverside Heart"
description = "Heart care for Springfield"
base_url = "https://heart.example"

[check]
"review/missing" = "warning"

[clinic]
name = "Riverside Heart"

[networks.mastodon]
instance = "https://med.example"
[networks.bluesky]
instance = "https://bsky.social"
[networks.x]
account = "@RiversideHeart"
[networks.linkedin]
id = "urn:li:organization:5550100"
reach = "both"
[networks.facebook]
id = "555010012345"
[networks.threads]
account = "@riversideheart"
TOML
printf '+++\ntitle = "Blog"\n+++\n' >"$SITE/content/blog/_index.md"
for ((i = 0; i < N; i++)); do
  n=$(printf '%03d' "$i")
  dir=$SITE/content/blog/photo-$n
  mkdir -p "$dir"
  ln -f "$OUT/photos/photo-$n.jpg" "$dir/photo.jpg" 2>/dev/null || cp "$OUT/photos/photo-$n.jpg" "$dir/photo.jpg"
  printf '+++\ntitle = "Photo %s"\ndate = 2026-01-01\nimage = "photo.jpg"\nimage_alt = "A walk by the river, number %s"\n+++\n\nA short walk each day helps the heart.\n' "$n" "$n" >"$dir/index.md"
done

run() { # label, build arguments...
  local label=$1
  shift
  local start end
  start=$(date +%s.%N)
  XDG_CACHE_HOME=$CACHE ROUNDS_CACHE_DIR= "$ROUNDS_BIN" build --root "$SITE" --quiet --timings "$@" 2>"$OUT/$label.log" || {
    cat "$OUT/$label.log" >&2
    exit 1
  }
  end=$(date +%s.%N)
  local lap
  lap=$(awk '$1 == "pictures" {print $2}' "$OUT/$label.log")
  awk -v l="$label" -v s="$start" -v e="$end" -v p="${lap:-0}" \
    'BEGIN { printf "%-8s %8.2f s build, %8.2f s pictures\n", l, e - s, p / 1000 }'
}

rm -rf "$CACHE" "$SITE/public" "$SITE/outreach" "$SITE/fresh" "$SITE/fresh-outreach"
echo "$N photos of 4000 x 3000 ($(du -sh "$OUT/photos" | cut -f1)), $(nproc) CPUs"
run cold
run warm
run cached --output fresh --outreach fresh-outreach
echo "outreach variants: $(find "$SITE/public/social" -type f | wc -l) files, $(du -sh "$SITE/public/social" | cut -f1) on disk (identical versions share one)"
echo "page variants: $(find "$SITE/public/img" -type f | wc -l) files, $(du -sh "$SITE/public/img" | cut -f1) on disk"
