#!/usr/bin/env bash
# make gallery: run streamspec's catalogue against the real transports in
# gallery/ (its own Go module): libraries, and proxies from the system's
# packages, whose lifetimes TestGallery also runs with a 65 s horizon in
# child processes meanwhile (gallery/out/long/); then run the TCP
# implementations side by side (TestImplementations); then check every
# verdict against gallery/findings.go and gallery/implementations.go and,
# when they agree, regenerate docs/gallery.md and docs/tcp-implementations.md.
# Real libraries fail specs, so the run's own exit status says nothing; the
# check does: it fails on a failure without a finding, a stale finding, or a
# run that broke off.
set -euo pipefail
cd "$(dirname "$0")/../gallery"
GO=${GO:-go}
rm -rf out
mkdir -p out
start=$(date +%s)
# Serial and with a fixed seed: the order of specs, and so what a
# process-wide first use is charged to, is the same every run.
set +e
STREAMSPEC_GALLERY=1 "$GO" test -count=1 -timeout 10m -run '^TestGallery$' . \
	-ginkgo.seed=1 -ginkgo.no-color -ginkgo.json-report=out/ginkgo.json \
	-streamspec.report-dir=out/report >out/gallery.log 2>&1
status=$?
set -e
echo "gallery: run took $(($(date +%s) - start)) s (go test exit $status; the log: gallery/out/gallery.log)"
if [ ! -f out/report/conformance.json ]; then
	tail -n 40 out/gallery.log
	echo "gallery: the run wrote no report" >&2
	exit 1
fi
# The TCP implementations view: Linux TCP, MPTCP and gVisor's netstack side
# by side (docs/tcp-implementations.md).
start=$(date +%s)
set +e
STREAMSPEC_GALLERY=1 "$GO" test -count=1 -timeout 5m -run '^TestImplementations$' . \
	-ginkgo.seed=1 -ginkgo.no-color -streamspec.report-dir=out/implementations >out/implementations.log 2>&1
status=$?
set -e
echo "gallery: implementations run took $(($(date +%s) - start)) s (go test exit $status; the log: gallery/out/implementations.log)"
"$GO" run ./cmd/gallery-doc -report out/report/conformance.json -ginkgo out/ginkgo.json -o ../docs/gallery.md \
	-impl out/implementations/conformance.json -impl-o ../docs/tcp-implementations.md
