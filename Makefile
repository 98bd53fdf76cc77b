# streamspec: a conformance harness for byte-stream transports.
GO      ?= go
GINKGO  := $(GO) tool ginkgo
PKGS    := ./...
N       ?= 20
MODULE  := github.com/streamspec/streamspec
LOAD    ?= cpu

# command:package pairs that make tools installs where missing and allowed:
# socat for the socat relay transport, ip and tc (iproute2) for the netns
# transport, nft (nftables) for its random loss, Chromium for the HTML report check; haproxy, nginx with its
# stream module (a file, not a command) and stunnel for the gallery's
# proxies, haproxy also for cmd/streamspec's test
TOOLS   := socat:socat ip:iproute2 tc:iproute2 nft:nftables chromium|chromium-browser|google-chrome|google-chrome-stable:chromium \
           haproxy:haproxy nginx:nginx /usr/lib/nginx/modules/ngx_stream_module.so:libnginx-mod-stream stunnel4|stunnel:stunnel4

.PHONY: all test conformance gallery lint tools bench soak

all: lint test

## test: the harness's own tests, self-test zoo included; the harness, the
## transports and the built-in matrix (./suites) under the race detector
RACE_PKGS := ./harness/... ./internal/... ./transports/... ./suites
test: tools
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(GO) test -count=1 $$($(GO) list $(PKGS) | grep -v -x -e '$(MODULE)/harness.*' -e '$(MODULE)/internal.*' -e '$(MODULE)/transports.*' -e '$(MODULE)/suites')

## conformance: every spec against every built-in transport, in parallel;
## prints the matrix, writes out/report/suites/TestBuiltin/conformance.{txt,md,json,html}
## and, on Linux, refreshes docs/conformance-linux.md and README.md's copy
conformance: tools
	$(GINKGO) run -p ./suites
	@scripts/publish-matrix.sh out/report/suites/TestBuiltin/conformance.md

## lint: gofmt, go vet on Linux and for macOS (amd64 and arm64), scripts free of what bash 3.2 lacks
lint:
	@scripts/check-bash32.sh
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=darwin GOARCH=amd64 $(GO) vet $(PKGS)
	GOOS=darwin GOARCH=arm64 $(GO) vet $(PKGS)
	cd gallery && $(GO) vet ./... && GOOS=darwin GOARCH=arm64 $(GO) vet ./...

## bench: streamspec's contract suite beside nettest.TestConn, wall times and ratio
bench: tools
	scripts/bench.sh

## soak: the full matrix N times (default 20) under load; fails on any failure.
## LOAD=cpu (default): one busy thread a core; LOAD=oversubscribed: four busy
## threads a core, heap churn and an fsync'ing disk writer
soak: tools
	N=$(N) LOAD=$(LOAD) scripts/soak.sh

## gallery: the catalogue against real third-party transports (gallery/, its
## own module); fails unless every verdict agrees with gallery/findings.go,
## then regenerates docs/gallery.md
gallery: tools
	GO=$(GO) scripts/gallery.sh

## tools: install the Debian packages the specs use where missing and allowed;
## elsewhere their specs are skipped as unavailable
tools:
	@scripts/tools.sh $(foreach t,$(TOOLS),'$(t)')
