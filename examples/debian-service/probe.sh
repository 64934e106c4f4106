#!/bin/sh
# Prints the HTTP status of $PROBE_URL every $PROBE_INTERVAL seconds.
set -eu

url="${PROBE_URL:-http://localhost:8080/healthz}"
interval="${PROBE_INTERVAL:-30}"

while true; do
  status=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 10 "$url" || echo "000")
  printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$url" "$status"
  sleep "$interval"
done
