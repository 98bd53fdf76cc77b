#!/usr/bin/env bash
# make bench: streamspec's contract suite beside golang.org/x/net/nettest.TestConn
# on the same healthy transports, wall time of each from one prebuilt test binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/suites.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./suites
now() { date +%s.%N; }
# Budgets (issue 8, on 2 cores): the matrix without the netns transport in
# 15 s, run as make conformance runs it; the contract suite for one healthy
# transport in 3 s.
over=0
t0=$(now)
STREAMSPEC_REPORT_DIR=off go tool ginkgo run -p --no-color --label-filter='!transport:netns' ./suites >/dev/null
t1=$(now)
awk -v t0="$t0" -v t1="$t1" 'BEGIN { d = t1 - t0; printf "matrix without netns (ginkgo -p): %.2f s of 15 s budget%s\n", d, (d > 15 ? "  OVER" : "") ; exit (d > 15) }' || over=1

printf '%-16s %14s %14s %8s  %s\n' transport streamspec_s nettest_s ratio nettest
for tr in ${TRANSPORTS:-tcp4 unix os-pipe net-pipe}; do
  t0=$(now)
  "$bin" -test.run '^TestBuiltin$' -ginkgo.label-filter="contract && transport:$tr" >/dev/null
  t1=$(now)
  verdict=pass
  STREAMSPEC_NETTEST=$tr "$bin" -test.run '^TestNettest$' >/dev/null || verdict=FAIL
  t2=$(now)
  awk -v tr="$tr" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v v="$verdict" \
    'BEGIN { printf "%-16s %14.2f %14.2f %8.1f  %s%s\n", tr, t1 - t0, t2 - t1, (t1 - t0) / (t2 - t1), v, (t1 - t0 > 3 ? "  OVER 3 s budget" : ""); exit (t1 - t0 > 3) }' || over=1
done

# HANG=1: the same for a transport whose Read never returns and ignores
# deadlines and Close. nettest gives each subtest a minute, then closes the
# pipe, which does not help here, so it is cut off after HANG_LIMIT seconds.
[ "${HANG:-0}" = 1 ] || exit $over
limit=${HANG_LIMIT:-150}
go test -c -o "$(dirname "$bin")/zoo.test" ./suites/internal/zoo
t0=$(now)
STREAMSPEC_ZOO_GROUP=zoo-read-hangs "$(dirname "$bin")/zoo.test" -test.run '^TestZooSpecs$' \
  -ginkgo.label-filter=contract >/dev/null 2>&1 || true
t1=$(now)
STREAMSPEC_NETTEST=zoo-read-hangs "$bin" -test.run '^TestNettest$' -test.timeout="${limit}s" >/dev/null 2>&1 || true
t2=$(now)
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v l="$limit" \
  'BEGIN { printf "%-16s %14.2f %14.2f %8s  %s\n", "zoo-read-hangs", t1 - t0, t2 - t1, "-", (t2 - t1 >= l ? "cut off at " l " s" : "") }'
exit $over
