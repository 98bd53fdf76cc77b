#!/usr/bin/env bash
# make soak: the full built-in matrix, as make conformance runs it (ginkgo -p),
# N times (default 20) while a CPU hog keeps every core busy; fails on any spec
# failure. Zero failures is the bar.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-20}
tmp=$(mktemp -d)
go build -o "$tmp/cpuhog" ./suites/internal/cpuhog
go tool ginkgo build -o "$tmp" ./suites >/dev/null
"$tmp/cpuhog" & hog=$!
trap 'kill $hog 2>/dev/null; wait $hog 2>/dev/null || true; rm -rf "$tmp"' EXIT
fails=0
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  if STREAMSPEC_REPORT_DIR=off go tool ginkgo run -p --no-color "$tmp/suites.test" >"$tmp/run.log" 2>&1; then
    echo "soak $i/$n: pass ($(( $(date +%s) - start )) s)"
  else
    fails=$((fails + 1))
    echo "soak $i/$n: FAIL ($(( $(date +%s) - start )) s)"
    grep -A14 '\[FAIL\]\|\[FAILED\]\|\[TIMEDOUT\]\|\[PANICKED\]' "$tmp/run.log" | head -80
  fi
done
echo "soak: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
