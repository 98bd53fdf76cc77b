#!/usr/bin/env bash
# make soak: the full built-in matrix, as make conformance runs it (ginkgo -p),
# N times (default 20) under load; fails on any spec failure. Zero failures is
# the bar.
#   LOAD=cpu (default)      one busy thread a core
#   LOAD=oversubscribed     four busy threads a core, heap churn and an
#                           fsync'ing disk writer: a shared CI runner
# Each failed run's log is kept in out/soak/ (SOAK_LOGS to change); the
# summary gives the counts and the wall time of every run. bash 3.2.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-20}
load=${LOAD:-cpu}
logs=${SOAK_LOGS:-out/soak}
case "$load" in
  cpu) hogflags= ;;
  oversubscribed) hogflags=-oversubscribe ;;
  *) echo "soak: LOAD must be cpu or oversubscribed, not $load" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
hog=
cleanup() {
  if [ -n "$hog" ]; then kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/cpuhog" ./suites/internal/cpuhog
go tool ginkgo build -o "$tmp" ./suites >/dev/null
mkdir -p "$logs"
# The hog outlives the runs (three minutes a run; the trap stops it), so
# the last runs are loaded like the first.
"$tmp/cpuhog" $hogflags -for "$((n * 3))m" & hog=$!
fails=0
: >"$tmp/times"
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  if STREAMSPEC_REPORT_DIR=off go tool ginkgo run -p --no-color "$tmp/suites.test" >"$tmp/run.log" 2>&1; then
    verdict=pass
  else
    verdict=FAIL
    fails=$((fails + 1))
  fi
  wall=$(( $(date +%s) - start ))
  echo "$wall" >>"$tmp/times"
  echo "soak $i/$n ($load, load average $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')): $verdict ($wall s)"
  if [ "$verdict" = FAIL ]; then
    log="$logs/run-$(date +%Y%m%dT%H%M%S)-$i.log"
    cp "$tmp/run.log" "$log"
    grep -A14 '\[FAIL\]\|\[FAILED\]\|\[TIMEDOUT\]\|\[PANICKED\]' "$tmp/run.log" | head -80 || true
    echo "full log: $log"
  fi
done
sorted=$(sort -n "$tmp/times")
min=$(echo "$sorted" | head -1)
max=$(echo "$sorted" | tail -1)
median=$(echo "$sorted" | sed -n "$(( (n + 1) / 2 ))p")
echo "soak ($load): $((n - fails)) of $n passed, $fails failed; wall per run min $min s, median $median s, max $max s"
[ "$fails" -eq 0 ]
