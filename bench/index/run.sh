#!/bin/sh
# Benchmarks loading the host's amd64 Packages lists (apt keeps them in
# /var/lib/apt/lists, usually lz4-compressed) into distill's PackageIndex.
# Usage: bench/index/run.sh [BUILD_DIR]   (default: build)
# Goal: the whole bookworm main amd64 index loads in well under a second.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
lists=/var/lib/apt/lists
cmake --build "$build" --target distill_index_bench >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
found=0
for f in "$lists"/*_binary-amd64_Packages*; do
  [ -e "$f" ] || continue
  out="$tmp/$(basename "$f" | sed 's/\.\(lz4\|xz\|gz\)$//')"
  case "$f" in
    *.lz4) lz4 -dc "$f" > "$out" ;;
    *.xz) xz -dc "$f" > "$out" ;;
    *.gz) gzip -dc "$f" > "$out" ;;
    *) cp "$f" "$out" ;;
  esac
  found=1
done
if [ "$found" = 0 ]; then
  echo "no amd64 Packages lists in $lists; run apt-get update first" >&2
  exit 1
fi
main=$(ls "$tmp"/*_dists_bookworm_main_binary-amd64_Packages 2>/dev/null || true)
if [ -n "$main" ]; then
  echo "== bookworm main amd64 alone"
  "$build/bench/index/distill_index_bench" "$main"
fi
echo "== every host list, and resolving a few requests on it"
"$build/bench/index/distill_index_bench" --resolve "curl ca-certificates" --resolve "build-essential" \
  --resolve "nodejs npm" "$tmp"/*
