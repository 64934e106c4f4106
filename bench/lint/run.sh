#!/bin/bash
# distill lint throughput over the shared real-world corpus, pinned to one
# core: files per second of CPU time (user + system) and of wall time.
# Usage: bench/lint/run.sh [BUILD_DIR] [REPEAT]   (defaults: build, 5)
# DISTILL=path/to/distill skips the build and uses that binary.
# Goal: more than 500 files per second on one core.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
repeat=${2:-5}
corpus="$root/../shared/corpus/real"
[ -d "$corpus" ] || { echo "bench/lint: corpus absent: $corpus" >&2; exit 1; }
if [ -n "${DISTILL:-}" ]; then
  distill=$DISTILL
else
  cmake --build "$build" --target distill >/dev/null
  distill="$build/cli/distill"
fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$corpus" -maxdepth 1 -type f ! -name '*.tsv' ! -name '*.md' | sort >"$list"
files=$(wc -l <"$list")
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
start=$(date +%s.%N)
TIMEFORMAT='%U %S'
cpu=$( { time (
  for ((i = 0; i < repeat; i++)); do
    xargs -d '\n' -a "$list" $pin "$distill" lint --format gnu --failure-threshold none >/dev/null 2>&1 || true
  done
) ; } 2>&1 )
end=$(date +%s.%N)
echo "$(echo "$cpu" | tail -n 1) $start $end $files $repeat" | awk '{
  cpu = $1 + $2; wall = $4 - $3; n = $5 * $6;
  printf "distill lint: %d files x %d runs\n", $5, $6;
  printf "  cpu:  %.3f s, %.0f files/s (goal > 500)\n", cpu, (cpu > 0 ? n / cpu : 0);
  printf "  wall: %.3f s, %.0f files/s\n", wall, (wall > 0 ? n / wall : 0);
}'
