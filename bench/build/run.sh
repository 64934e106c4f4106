#!/bin/bash
# distill build on the examples, side by side with buildah and mmdebstrap on
# the same Dockerfiles and the same mirror (the host's apt sources). Run by
# hand; prints Markdown tables. About 26 minutes on 2 busy cores, 15 with
# SKIP=mmdebstrap.
# Usage: bench/build/run.sh [EXAMPLE...]   (default: every examples/*/)
# Environment:
#   DISTILL=path      the binary (default: build/cli/distill; it is not rebuilt)
#   REPEAT=n          repetitions per measurement; the median time is shown (default 1)
#   SKIP="buildah mmdebstrap limit"   columns to leave out
#   BENCH_CACHE=dir   where the mmdebstrap minbase tarball for buildah's base
#                     image is kept between runs (default ~/.cache/distill-bench)
#   STEP_TIMEOUT=s    per command (default 900)
#   KEEP=1            keep the work dir (/tmp/distill-bench-PID) with every log
# Workloads, each with wall time and peak RSS (/usr/bin/time %M, the largest
# single process): cold = empty XDG_CACHE_HOME and XDG_DATA_HOME; fresh =
# --no-cache with the .debs already downloaded; rebuild = after changing one
# copied source; minimal = fresh with --minimal. Goals (issue 5): fresh 5x
# faster than buildah, within 1.3x of the dpkg-deb|gzip limit, rebuild under
# 0.3 s, --minimal 3x smaller than compat.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
distill=${DISTILL:-$root/build/cli/distill}
repeat=${REPEAT:-1}
skip=" ${SKIP:-} "
step_timeout=${STEP_TIMEOUT:-900}
bench_cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/distill-bench}
[ -x "$distill" ] || { echo "bench/build: no binary at $distill (set DISTILL)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/build: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

if [ $# -gt 0 ]; then examples=("$@"); else
  examples=(); for d in "$root"/examples/*/; do examples+=("$(basename "$d")"); done
fi

# Lower case: podman and buildah reject image paths with capitals.
work=/tmp/distill-bench-$$
mkdir -p "$work"
cstore="$work/containers"
cleanup() {
  if [ -d "$cstore" ]; then
    buildah --root "$cstore/root" --runroot "$cstore/run" rm --all >/dev/null 2>&1
    grep -o " $cstore/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m" 2>/dev/null; done
  fi
  if [ -n "${KEEP:-}" ]; then echo "bench/build: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A snapshot of the binary: others may relink build/ while this runs.
cp "$distill" "$work/distill" || exit 1
distill_src=$distill
distill=$work/distill

have() { command -v "$1" >/dev/null 2>&1; }
skipped() { [[ "$skip" == *" $1 "* ]]; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# The host's apt sources, handed to mmdebstrap as files, so the mirror name
# never appears here.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] && grep -qv '^[[:space:]]*\(#\|$\)' "$f" && sources+=("$f")
done

# run_timed RESULT LOG CMD...: appends "seconds kilobytes rc" to RESULT.
run_timed() {
  local result=$1 log=$2; shift 2
  local t; t=$(mktemp "$work/time.XXXXXX")
  timeout "$step_timeout" /usr/bin/time -f '%e %M' -o "$t" "$@" >>"$log" 2>&1
  local rc=$?
  # /usr/bin/time writes "Command exited with non-zero status N" first.
  echo "$(tail -n 1 "$t") $rc" >>"$result"
  rm -f "$t"
  return $rc
}

# cell RESULT: "median s / max MB", or "n/a (REASON)" when any run failed.
cell() {
  local result=$1 reason=${2:-failed}
  [ -s "$result" ] || { echo "n/a ($reason)"; return; }
  sort -n "$result" | awk -v reason="$reason" '
    { t[NR] = $1; if ($2 > m) m = $2; if ($3 != 0) bad = $3 }
    END {
      if (bad == 124) { print "n/a (timeout)"; exit }
      if (bad) { print "n/a (" reason ")"; exit }
      med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
      printf "%.1f s / %.0f MB\n", med, m / 1024 }'
}
median_s() { sort -n "$1" | awk '$3 == 0 { t[++n] = $1 } END { if (n) print (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2 }'; }

# "built NAME (N layers, X MB compressed)" from a distill log.
built_size() { sed -n 's/^built .* (\([0-9]*\) layers, \([0-9.]*\) MB compressed)$/\2 MB, \1 layers/p' "$1" | tail -n 1; }
first_error() {
  grep -m1 -A1 -E '^distill[^:]*: |error' "$1" | tr -s ' \n' ' ' | sed 's/^distill[^:]*: \(error: \)\?//' | cut -c1-100 | tr '|' '/'
}

# Changes one copied source of the example in CTX (the n-th time): a context
# file when the Dockerfile copies one, otherwise the inline source (heredoc
# body, the C program of multi-stage). Prints what it changed.
edit_source() {
  local ex=$1 ctx=$2 n=$3
  case "$ex" in
    debian-service) echo "# bench $n" >>"$ctx/probe.sh"; echo "probe.sh (COPY)" ;;
    heredoc-mount) sed -i "s|^server {.*|server { # bench $n|" "$ctx/Dockerfile"; echo "status.conf (COPY heredoc)" ;;
    multi-stage) sed -i "s|hello from distill[^\"]*|hello from distill $n|" "$ctx/Dockerfile"; echo "hello.c (RUN printf, COPY --from)" ;;
    *)
      local f; f=$(find "$ctx" -maxdepth 1 -type f ! -name Dockerfile ! -name distill.lock ! -name '.*' | sort | head -n 1)
      [ -n "$f" ] || return 1
      echo "# bench $n" >>"$f"; basename "$f" ;;
  esac
}

# Packages the Dockerfile installs, from the lock the cold build wrote.
lock_requests() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
lock = json.load(open(sys.argv[1]))
seen = []
for stage in lock.get("stages", []):
    for inst in stage.get("installs", []):
        for r in inst.get("requests", []):
            if r not in seen:
                seen.append(r)
print(",".join(seen))
PY
}
# The cached .deb of every package in the final image (compat), one a line.
lock_final_debs() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, os, sys
lock = json.load(open(sys.argv[1]))
stage = lock["stages"][-1]
pkgs = list(stage.get("base", {}).get("packages", []))
for inst in stage.get("installs", []):
    pkgs += inst.get("packages", [])
for p in {p["sha256"]: p for p in pkgs}.values():
    path = os.path.join(sys.argv[2], p["sha256"])
    if not os.path.exists(path):
        sys.exit("missing " + p["name"])
    print(path)
PY
}

echo "# distill build benchmark"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); host: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM"
echo "- distill: $distill_src ($(git -C "$root" log -1 --format=%h 2>/dev/null || echo '?')); repetitions: $repeat"
echo "- apt sources: ${#sources[@]} file(s) from the host; load average at start: $(loadavg)"
tools=""
for t in buildah mmdebstrap podman hyperfine dpkg-deb gzip; do
  if have "$t"; then tools+="$t ok, "; else tools+="$t MISSING, "; fi
done
echo "- tools: ${tools%, } (scripts/install-deps installs them)"
echo

# buildah's base image: mmdebstrap minbase of the same suite and sources,
# imported under every debian:* name the examples start FROM. Kept between
# runs (a week) because it takes minutes and is not what is measured.
base_note=""
if ! skipped buildah; then
  if ! have buildah || ! have podman || ! have mmdebstrap; then
    base_note="buildah, podman or mmdebstrap missing"
  elif [ ${#sources[@]} -eq 0 ]; then
    base_note="no apt sources on the host"
  else
    mkdir -p "$bench_cache"
    base_tar="$bench_cache/minbase-bookworm.tar"
    if [ -z "$(find "$base_tar" -mtime -7 2>/dev/null)" ]; then
      echo "(making buildah's base: mmdebstrap --variant=minbase bookworm ...)" >&2
      r="$work/base.time"
      if run_timed "$r" "$work/base.log" mmdebstrap --quiet --variant=minbase bookworm "$base_tar.tmp" "${sources[@]}"; then
        mv "$base_tar.tmp" "$base_tar"
        echo "- buildah base made now: mmdebstrap minbase $(cell "$r")"
      else
        rm -f "$base_tar.tmp"; base_note="mmdebstrap of the base failed"
      fi
    else
      echo "- buildah base: mmdebstrap minbase tarball from $(date -u -r "$base_tar" +%Y-%m-%d) (reused)"
    fi
    if [ -z "$base_note" ]; then
      p=(podman --root "$cstore/root" --runroot "$cstore/run" --events-backend file --cgroup-manager cgroupfs)
      if "${p[@]}" import "$base_tar" bench/minbase:1 >>"$work/base.log" 2>&1; then
        for name in $(for ex in "${examples[@]}"; do cat "$root/examples/$ex/Dockerfile"; done 2>/dev/null |
                      sed -n 's/^FROM[[:space:]]\+\(--[^ ]* \+\)*\(debian:[^ ]*\).*/\2/Ip' | sort -u); do
          "${p[@]}" tag bench/minbase:1 "docker.io/library/$name" >>"$work/base.log" 2>&1
        done
      else
        base_note="podman import failed"
      fi
    fi
  fi
fi

rows_time=(); rows_size=(); rows_ratio=()
for ex in "${examples[@]}"; do
  src="$root/examples/$ex"
  [ -f "$src/Dockerfile" ] || { echo "bench/build: no $src/Dockerfile" >&2; continue; }
  echo "($ex: start, load $(loadavg))" >&2
  d="$work/$ex"; mkdir -p "$d"
  log="$d/distill.log"
  tag="bench-$ex:1"

  # cold: every repetition gets new, empty cache and data dirs. The last
  # pair is kept warm for the other workloads.
  for ((i = 0; i < repeat; i++)); do
    rm -rf "$d/ctx" "$d/xdg"; cp -r "$src" "$d/ctx"; mkdir -p "$d/xdg/cache" "$d/xdg/data"
    : >"$log.cold"
    XDG_CACHE_HOME="$d/xdg/cache" XDG_DATA_HOME="$d/xdg/data" \
      run_timed "$d/cold" "$log.cold" "$distill" build --progress plain -t "$tag" "$d/ctx"
  done
  cat "$log.cold" >>"$log"
  export XDG_CACHE_HOME="$d/xdg/cache" XDG_DATA_HOME="$d/xdg/data"

  for ((i = 0; i < repeat; i++)); do
    : >"$log.fresh"
    run_timed "$d/fresh" "$log.fresh" "$distill" build --no-cache --progress plain -t "$tag" "$d/ctx"
  done
  # --minimal rewrites distill.lock; keep the compat one for the columns below.
  cp "$d/ctx/distill.lock" "$d/compat.lock" 2>/dev/null
  compat_size=$(built_size "$log.fresh"); [ -n "$compat_size" ] || compat_size="n/a ($(first_error "$log.fresh"))"

  edited=""
  for ((i = 1; i <= repeat; i++)); do
    edited=$(edit_source "$ex" "$d/ctx" "$i") || { edited=""; break; }
    run_timed "$d/rebuild" "$log" "$distill" build --progress plain -t "$tag" "$d/ctx"
  done

  for ((i = 0; i < repeat; i++)); do
    : >"$log.min"
    run_timed "$d/minimal" "$log.min" "$distill" build --no-cache --minimal --progress plain -t "$tag-min" "$d/ctx"
  done
  min_size=$(built_size "$log.min")
  min_reason=$(first_error "$log.min")
  if [ -n "$min_size" ]; then min_cell=$(cell "$d/minimal"); else min_cell="fails: ${min_reason:-see log}"; min_size="n/a (fails)"; fi
  unset XDG_CACHE_HOME XDG_DATA_HOME

  # The packages the example installs, for mmdebstrap.
  pkgs=""
  [ -f "$d/compat.lock" ] && pkgs=$(lock_requests "$d/compat.lock" 2>/dev/null)

  # buildah bud on a pristine copy of the context (no distill.lock).
  bud_cell="n/a (skipped)"; bud_size="n/a"
  if ! skipped buildah; then
    if [ -n "$base_note" ]; then bud_cell="n/a ($base_note)"; else
      b=(buildah --root "$cstore/root" --runroot "$cstore/run")
      rm -rf "$d/bctx"; cp -r "$src" "$d/bctx"
      for ((i = 0; i < repeat; i++)); do
        run_timed "$d/buildah" "$d/buildah.log" "${b[@]}" bud --no-cache --isolation chroot --pull=never \
          -t "localhost/$tag" "$d/bctx"
      done
      reason=$(grep -m1 -oE '(Unknown instruction: "[A-Z]+"|Error: .{0,50})' "$d/buildah.log" | tr '|' '/')
      bud_cell=$(cell "$d/buildah" "${reason:-failed}")
      if "${b[@]}" push "localhost/$tag" "oci:$d/bud-oci:1" >>"$d/buildah.log" 2>&1; then
        bud_size=$(/usr/bin/python3 - "$d/bud-oci" <<'PY'
import json, sys, os
lay = sys.argv[1]
idx = json.load(open(os.path.join(lay, "index.json")))
man = json.load(open(os.path.join(lay, "blobs", *idx["manifests"][0]["digest"].split(":"))))
print("%.1f MB, %d layers" % (sum(l["size"] for l in man["layers"]) / 1e6, len(man["layers"])))
PY
)
      fi
      "${b[@]}" rmi -f "localhost/$tag" >/dev/null 2>&1
    fi
  fi

  # mmdebstrap of the same packages from the same sources.
  mm_cell="n/a (skipped)"; mm_size="n/a"
  if ! skipped mmdebstrap; then
    if ! have mmdebstrap; then mm_cell="n/a (mmdebstrap missing)"
    elif [ -z "$pkgs" ]; then mm_cell="n/a (no package list: cold build failed)"
    else
      for ((i = 0; i < repeat; i++)); do
        rm -f "$d/mm.tar"
        run_timed "$d/mmdebstrap" "$d/mmdebstrap.log" mmdebstrap --quiet --variant=minbase --include="$pkgs" \
          bookworm "$d/mm.tar" "${sources[@]}"
      done
      mm_cell=$(cell "$d/mmdebstrap")
      if [ -s "$d/mm.tar" ]; then
        mm_size=$(awk -v t="$(stat -c %s "$d/mm.tar")" -v g="$(gzip -6 -c "$d/mm.tar" | wc -c)" \
          'BEGIN { printf "%.1f MB tar, %.1f MB gzip -6", t / 1e6, g / 1e6 }')
      fi
      rm -f "$d/mm.tar"
    fi
  fi

  # The physical limit: each .deb of the compat image through
  # dpkg-deb --fsys-tarfile | gzip -6, both cores.
  limit_cell="n/a (skipped)"; limit_s=""
  if ! skipped limit; then
    if [ ! -f "$d/compat.lock" ]; then limit_cell="n/a (no lock)"
    elif ! lock_final_debs "$d/compat.lock" "$d/xdg/cache/distill/blobs/sha256" >"$d/debs" 2>"$d/limit.log"; then
      limit_cell="n/a ($(head -c 60 "$d/limit.log"))"
    else
      cmd="xargs -P $(nproc) -I{} sh -c 'dpkg-deb --fsys-tarfile {} | gzip -6 >/dev/null' <$d/debs"
      if have hyperfine; then
        if hyperfine --style none --warmup 1 --runs "$repeat" --export-json "$d/limit.json" "$cmd" >>"$d/limit.log" 2>&1; then
          limit_s=$(/usr/bin/python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$d/limit.json")
        fi
      else
        run_timed "$d/limit" "$d/limit.log" sh -c "$cmd" && limit_s=$(median_s "$d/limit")
      fi
      if [ -n "$limit_s" ]; then limit_cell="$limit_s s ($(wc -l <"$d/debs") debs)"; else limit_cell="n/a (failed)"; fi
    fi
  fi

  rebuild_cell=$(cell "$d/rebuild")
  [ -n "$edited" ] || rebuild_cell="n/a (no copied source to change)"
  rows_time+=("| $ex | $(cell "$d/cold") | $(cell "$d/fresh") | $rebuild_cell | $min_cell | $bud_cell | $mm_cell | $limit_cell |")
  rows_size+=("| $ex | $compat_size | $min_size | $bud_size | $mm_size |")

  fresh_s=$(median_s "$d/fresh"); bud_s=$( [ -s "$d/buildah" ] && median_s "$d/buildah")
  rebuild_s=$( [ -n "$edited" ] && median_s "$d/rebuild")
  cm=$(awk -v a="${compat_size%% MB*}" -v b="${min_size%% MB*}" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1fx", a / b; else print "n/a" }')
  bf=$(awk -v a="$bud_s" -v b="$fresh_s" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1fx", a / b; else print "n/a" }')
  fl=$(awk -v a="$fresh_s" -v b="$limit_s" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1fx", a / b; else print "n/a" }')
  rows_ratio+=("| $ex | $bf | $fl | ${rebuild_s:-n/a} s | $cm | ${edited:-none} |")
  echo "($ex: done, load $(loadavg))" >&2
  [ -n "${KEEP:-}" ] || rm -rf "$d/xdg" "$d/bud-oci"
done

echo
echo "Time and peak memory (wall s / MB):"
echo
echo "| example | distill cold | distill fresh (--no-cache) | distill rebuild | distill --minimal fresh | buildah bud --no-cache | mmdebstrap --include | limit: dpkg-deb\\|gzip -6 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows_time[@]}"
echo
echo "Image size (compressed layers unless noted):"
echo
echo "| example | distill compat | distill --minimal | buildah | mmdebstrap --include |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${rows_size[@]}"
echo
echo "Ratios (goals: buildah/fresh >= 5, fresh/limit <= 1.3, rebuild < 0.3 s, compat/minimal >= 3):"
echo
echo "| example | buildah / fresh | fresh / limit | rebuild | compat / minimal | changed for rebuild |"
echo "| --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows_ratio[@]}"
echo
echo "Load average at the end: $(loadavg)"
