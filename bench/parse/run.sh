#!/bin/sh
# Parser throughput: a generated Dockerfile (default 32 MiB), then the
# examples and the shared real-world corpus, with the peak memory.
# Usage: bench/parse/run.sh [BUILD_DIR]   (default: build)
# Goal: at least 20 MB/s of Dockerfile text on one core.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
cmake --build "$build" --target distill_parse_bench >/dev/null
set -- "$root/examples"
if [ -d "$root/../shared/corpus/real" ]; then
  set -- "$@" "$root/../shared/corpus/real"
else
  echo "note: $root/../shared/corpus/real not found; only the examples are parsed" >&2
fi
exec "$build/bench/parse/distill_parse_bench" --mib "${MIB:-32}" "$@"
