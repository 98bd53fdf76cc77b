# streamspec: a conformance harness for byte-stream transports.
GO      ?= go
GINKGO  := $(GO) tool ginkgo
PKGS    := ./...
N       ?= 20

.PHONY: all deps test conformance lint bench soak

all: lint test

## deps: iproute2 (ip, tc) for the netns transport, where missing and root
deps:
	scripts/iproute2.sh

## test: the harness's own tests, self-test zoo included
test: deps
	$(GO) test -count=1 $(PKGS)

## conformance: every spec against every built-in transport
conformance: deps
	$(GINKGO) run --label-filter='!zoo' ./suites

## lint: gofmt, go vet on Linux and for macOS
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=darwin $(GO) vet $(PKGS)

## bench: streamspec's contract suite beside nettest.TestConn, wall times and ratio
bench:
	scripts/bench.sh

## soak: the full matrix N times (default 20) under a CPU hog; fails on any failure
soak:
	N=$(N) scripts/soak.sh
