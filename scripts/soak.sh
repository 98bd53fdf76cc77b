#!/usr/bin/env bash
# make soak: the full built-in matrix N times (default 20) while a CPU hog keeps
# every core busy; fails on any spec failure. Zero failures is the bar.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-20}
tmp=$(mktemp -d)
go test -c -o "$tmp/suites.test" ./suites
go build -o "$tmp/cpuhog" ./suites/internal/cpuhog
"$tmp/cpuhog" & hog=$!
trap 'kill $hog 2>/dev/null; wait $hog 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  if "$tmp/suites.test" -test.run '^TestBuiltin$' >"$tmp/run.log" 2>&1; then
    echo "soak $i/$n: pass ($(( $(date +%s) - start )) s)"
  else
    fails=$((fails + 1))
    echo "soak $i/$n: FAIL ($(( $(date +%s) - start )) s)"
    sed 's/\x1b\[[0-9;]*m//g' "$tmp/run.log" | grep -A12 '\[FAIL\]\|\[FAILED\]\|\[TIMEDOUT\]' | head -60
  fi
done
echo "soak: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
