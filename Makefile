# streamspec: a conformance harness for byte-stream transports.
GO      ?= go
GINKGO  := $(GO) tool ginkgo
PKGS    := ./...
N       ?= 20
MODULE  := github.com/streamspec/streamspec
LOAD    ?= cpu

# command:package pairs that make tools installs where missing and allowed:
# socat for the socat relay transport, ip and tc (iproute2) for the netns
# transport, Chromium for the HTML report check
TOOLS   := socat:socat ip:iproute2 tc:iproute2 chromium|chromium-browser|google-chrome|google-chrome-stable:chromium

.PHONY: all test conformance lint tools bench soak

all: lint test

## test: the harness's own tests, self-test zoo included; the harness, the
## transports and the built-in matrix (./suites) under the race detector
RACE_PKGS := ./harness/... ./transports/... ./suites
test: tools
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(GO) test -count=1 $$($(GO) list $(PKGS) | grep -v -x -e '$(MODULE)/harness.*' -e '$(MODULE)/transports.*' -e '$(MODULE)/suites')

## conformance: every spec against every built-in transport, in parallel;
## prints the matrix, writes out/report/suites/conformance.{txt,md,json,html}
## and, on Linux, refreshes docs/conformance-linux.md and README.md's copy
conformance: tools
	$(GINKGO) run -p ./suites
	@scripts/publish-matrix.sh out/report/suites/conformance.md

## lint: gofmt, go vet on Linux and for macOS
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=darwin $(GO) vet $(PKGS)

## bench: streamspec's contract suite beside nettest.TestConn, wall times and ratio
bench: tools
	scripts/bench.sh

## soak: the full matrix N times (default 20) under load; fails on any failure.
## LOAD=cpu (default): one busy thread a core; LOAD=oversubscribed: four busy
## threads a core, heap churn and an fsync'ing disk writer
soak: tools
	N=$(N) LOAD=$(LOAD) scripts/soak.sh

## tools: install the Debian packages the specs use where missing and allowed;
## elsewhere their specs are skipped as unavailable
tools:
	@scripts/tools.sh $(foreach t,$(TOOLS),'$(t)')
