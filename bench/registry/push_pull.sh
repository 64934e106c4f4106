#!/bin/sh
# Push and pull of a ~200 MB multi-layer image to a loopback docker-registry:
# distill against skopeo copy of the same image. Prints times and ratios.
# usage: bench/registry/push_pull.sh [BUILD_DIR]   (default: build)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
distill=$build/cli/distill
for tool in docker-registry skopeo /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "skip: $tool is not installed"; exit 0; }
done
work=$(mktemp -d /tmp/distill-bench-registry-XXXXXX | tr 'A-Z' 'a-z')
mkdir -p "$work"
port=$(/usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cleanup() { [ -f "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/config.yml" <<EOC
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: bench}
EOC
docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 & echo $! > "$work/pid"
until curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; do sleep 0.05; done
host=127.0.0.1:$port

# Four 50 MB layers of incompressible data, built by distill itself (FROM scratch, one COPY each).
export XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/xdg
mkdir -p "$work/big"
printf 'FROM scratch\n' > "$work/big/Dockerfile"
for i in 1 2 3 4; do
  head -c 50000000 /dev/urandom > "$work/big/blob$i"
  printf 'COPY blob%s /data/\n' "$i" >> "$work/big/Dockerfile"
done
"$distill" build --progress quiet -t big:1 "$work/big" >/dev/null 2>&1
store=$XDG_DATA_HOME/distill/store

now() { date +%s.%N; }
t0=$(now); "$distill" push --quiet big:1 "$host/distill/big:1" >/dev/null; t1=$(now)
skopeo copy -q --dest-tls-verify=false "oci:$store:big:1" "docker://$host/skopeo/big:1"; t2=$(now)
# Pull: distill builds FROM the image (pull + unpack into the store); skopeo copies to a layout.
mkdir -p "$work/ctx"; echo "FROM $host/distill/big:1" > "$work/ctx/Dockerfile"
t3=$(now); "$distill" build --progress quiet -t pulled:1 "$work/ctx" >/dev/null 2>&1; t4=$(now)
skopeo copy -q --src-tls-verify=false "docker://$host/skopeo/big:1" "oci:$work/pulled:1"; t5=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" 'BEGIN {
  printf "push: distill %.2f s, skopeo %.2f s, ratio %.2f\n", b-a, c-b, (b-a)/(c-b);
  printf "pull: distill build FROM %.2f s (pull+unpack), skopeo copy %.2f s, ratio %.2f\n", e-d, f-e, (e-d)/(f-e) }'
