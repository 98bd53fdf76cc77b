#!/usr/bin/env bash
# make bench: streamspec's contract suite beside golang.org/x/net/nettest.TestConn
# on the same healthy transports, wall time of each from one prebuilt test binary;
# the same for custom transports as whole processes, median of RUNS (default 5);
# and the built-in matrix without netns as make conformance runs it (ginkgo -p).
#
# Budgets, on 2 cores: the contract suite on a healthy kernel transport (tcp4,
# unix, os-pipe) in 0.5 s; on a custom transport no slower than nettest on the
# same one (net.Pipe, the README's example), or 1.2 times on TCP behind a
# wrapper that hides its descriptor; the matrix without netns in 10 s (the
# mptcp column's write-to-closed-peer waits out its 3 s bound by design:
# MPTCP's Writes to a closed peer block until its 60 s close timeout).
# Neither counts the deliberate silences and horizons some specs must wait out
# (a reply after 1 s of silence, idle lifetimes): those specs, named by ID in
# SILENCES, are timed apart and shown beside the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/suites.test
go test -c -o "$bin" ./suites
# now: seconds since the epoch, to the millisecond. GNU date's %N is not in
# macOS's date (it prints a literal N); Perl's Time::HiRes is on both.
now() { perl -MTime::HiRes=time -e 'printf "%.3f\n", time'; }
now >/dev/null 2>&1 || { echo "bench: needs perl with Time::HiRes to time the runs" >&2; exit 2; }
silences=${SILENCES:-half-close-reply-after-silence lifetimes}
fast=${FAST:-tcp4 unix os-pipe}
# shellcheck disable=SC2086 # unquoted: any run of blanks becomes one |
skip="(^| )($(echo $silences | tr ' ' '|'))\$"
over=0

# ran prints how many specs a run's output says it ran.
ran() { sed -n 's/^Ran \([0-9]*\) of .*/\1/p' "$1" | tail -1; }

t0=$(now)
if ! STREAMSPEC_REPORT_DIR=off go tool ginkgo run -p --no-color --label-filter='!transport:netns' --skip="$skip" "$bin" >"$tmp/matrix.log" 2>&1; then
  over=1
  echo "matrix without netns: FAILED"
  sed -n '/^Summarizing/,/^Ran /p' "$tmp/matrix.log"
fi
t1=$(now)
STREAMSPEC_REPORT_DIR=off go tool ginkgo run -p --no-color --label-filter='!transport:netns' --focus="$skip" "$bin" >"$tmp/silences.log" || true
t2=$(now)
n=$(ran "$tmp/silences.log")
aside=""
[ "${n:-0}" -gt 0 ] && aside=$(awk -v a="$t1" -v b="$t2" -v n="$n" -v ids="$silences" \
  'BEGIN { printf "  (+ %d specs of deliberate silence, run apart in %.2f s: %s)", n, b - a, ids }')
awk -v t0="$t0" -v t1="$t1" -v aside="$aside" 'BEGIN { d = t1 - t0
  printf "matrix without netns (ginkgo -p): %.2f s of 10 s budget%s%s\n", d, (d > 10 ? "  OVER" : ""), aside; exit (d > 10) }' || over=1

printf '%-16s %14s %14s %8s  %s\n' transport streamspec_s nettest_s ratio nettest
for tr in ${TRANSPORTS:-tcp4 unix os-pipe net-pipe}; do
  budget=0
  case " $fast " in *" $tr "*) budget=0.5 ;; esac
  t0=$(now)
  "$bin" -test.run '^TestBuiltin$' -ginkgo.label-filter="contract && transport:$tr" -ginkgo.skip="$skip" >/dev/null
  t1=$(now)
  verdict=pass
  STREAMSPEC_NETTEST=$tr "$bin" -test.run '^TestNettest$' >/dev/null || verdict=FAIL
  t2=$(now)
  aside=""
  for id in $silences; do
    s0=$(now)
    "$bin" -test.run '^TestBuiltin$' -ginkgo.label-filter="contract && transport:$tr" -ginkgo.no-color -ginkgo.focus="(^| )$id\$" >"$tmp/one.log" 2>&1 || true
    s1=$(now)
    [ "$(ran "$tmp/one.log")" = 1 ] && aside="$aside $(awk -v id="$id" -v a="$s0" -v b="$s1" 'BEGIN { printf "(+ %s %.2f s)", id, b - a }')"
  done
  awk -v tr="$tr" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v v="$verdict" -v b="$budget" -v aside="$aside" 'BEGIN { d = t1 - t0
    printf "%-16s %14.2f %14.2f %8.2f  %s%s%s\n", tr, d, t2 - t1, d / (t2 - t1), v, (b > 0 && d > b ? "  OVER " b " s budget" : ""), aside
    exit (b > 0 && d > b) }' || over=1
done

# Custom transports, as a user runs them: one test process each, report
# files written (to a temporary directory), median of RUNS wall times.
runs=${RUNS:-5}
go test -c -o "$tmp/bench.test" ./suites/internal/bench
# median times cmd RUNS times and prints the median wall time in seconds.
median() {
  i=0
  while [ "$i" -lt "$runs" ]; do
    s0=$(now)
    "$@" >"$tmp/run.log" 2>&1 || { echo "bench: $* failed:" >&2; tail -20 "$tmp/run.log" >&2; exit 1; }
    s1=$(now)
    awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.3f\n", b - a }'
    i=$((i + 1))
  done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
printf '%-16s %14s %14s %8s  %s\n' custom streamspec_s nettest_s ratio "(whole processes, median of $runs)"
for tr in net-pipe:1.0 hidden-tcp:1.2; do
  name=${tr%:*} budget=${tr#*:}
  s=$(STREAMSPEC_BENCH_TRANSPORT=$name STREAMSPEC_REPORT_DIR="$tmp/report" median "$tmp/bench.test" -test.run '^TestStreamspec$' -ginkgo.label-filter=contract)
  n=$(STREAMSPEC_BENCH_TRANSPORT=$name median "$tmp/bench.test" -test.run '^TestNettest$')
  awk -v tr="$name" -v s="$s" -v n="$n" -v b="$budget" 'BEGIN { r = s / n
    printf "%-16s %14.2f %14.2f %8.2f  %s\n", tr, s, n, r, (r > b ? "OVER " b : "within " b)
    exit (r > b) }' || over=1
done

# HANG=1: the same for a transport whose Read never returns and ignores
# deadlines and Close. nettest gives each subtest a minute, then closes the
# pipe, which does not help here, so it is cut off after HANG_LIMIT seconds.
[ "${HANG:-0}" = 1 ] || exit $over
limit=${HANG_LIMIT:-150}
go test -c -o "$tmp/zoo.test" ./suites/internal/zoo
t0=$(now)
STREAMSPEC_ZOO_GROUP=zoo-read-hangs "$tmp/zoo.test" -test.run '^TestZooSpecs$' \
  -ginkgo.label-filter=contract >/dev/null 2>&1 || true
t1=$(now)
STREAMSPEC_NETTEST=zoo-read-hangs "$bin" -test.run '^TestNettest$' -test.timeout="${limit}s" >/dev/null 2>&1 || true
t2=$(now)
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v l="$limit" \
  'BEGIN { printf "%-16s %14.2f %14.2f %8s  %s\n", "zoo-read-hangs", t1 - t0, t2 - t1, "-", (t2 - t1 >= l ? "cut off at " l " s" : "") }'
exit $over
