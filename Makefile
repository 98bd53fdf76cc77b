# streamspec: a conformance harness for byte-stream transports.
GO      ?= go
GINKGO  := $(GO) tool ginkgo
PKGS    := ./...
N       ?= 20
MODULE  := github.com/streamspec/streamspec
LOAD    ?= cpu

# The Debian packages each target uses, as command:package pairs for
# scripts/tools.sh, which installs the missing ones where allowed (apt-get
# as root or with passwordless sudo; Homebrew on macOS for socat and
# shellcheck); elsewhere the specs that need them are skipped as
# unavailable. A command may list alternatives (a|b: any will do) or be a
# file the package installs.
#   conformance, soak: socat for the socat relay transports; ip and tc
#     (iproute2) for the netns transport
#   test: those, for ./suites and ./transports; nft (nftables) for the
#     netns transport's random loss (TestLossyPath); haproxy, tinyproxy (an
#     HTTP CONNECT proxy) and Dante's danted (a SOCKS5 server) for the tests
#     of ./transports and cmd/streamspec through real proxies; Chromium only
#     for suites/reporttest's check of the HTML report in a headless browser
#   gallery: the proxies it runs: haproxy, nginx with its stream module (a
#     file, not a command), stunnel, tinyproxy, danted
#   lint: shellcheck (staticcheck and actionlint come through go install
#     and go run at the pinned versions below, in no go.mod)
#   bench: none
CONFORMANCE_TOOLS := socat:socat ip:iproute2 tc:iproute2
TEST_TOOLS        := $(CONFORMANCE_TOOLS) nft:nftables haproxy:haproxy tinyproxy:tinyproxy-bin danted:dante-server \
                     chromium|chromium-browser|google-chrome|google-chrome-stable:chromium
GALLERY_TOOLS     := haproxy:haproxy nginx:nginx /usr/lib/nginx/modules/ngx_stream_module.so:libnginx-mod-stream \
                     stunnel4|stunnel:stunnel4 tinyproxy:tinyproxy-bin danted:dante-server
LINT_TOOLS        := shellcheck:shellcheck
install-tools      = @scripts/tools.sh $(foreach t,$(1),'$(t)')

STATICCHECK_VERSION := v0.8.2
ACTIONLINT_VERSION  := v1.7.12
## staticcheck's findings fail lint (exceptions: //lint:ignore with the
## reason); STATICCHECK=off skips it
STATICCHECK ?= on

.PHONY: all test conformance publish-matrix stable reference gallery lint tools bench soak

all: lint test

## test: the harness's own tests, self-test zoo included; the harness, the
## transports and the built-in matrix (./suites) under the race detector.
## TESTFLAGS go to go test (CI: -v, to list what was skipped)
RACE_PKGS := ./harness/... ./internal/... ./transports/... ./suites
TESTFLAGS ?=
test:
	$(call install-tools,$(TEST_TOOLS))
	$(GO) test -count=1 -race $(TESTFLAGS) $(RACE_PKGS)
	$(GO) test -count=1 $(TESTFLAGS) $$($(GO) list $(PKGS) | grep -v -x -e '$(MODULE)/harness.*' -e '$(MODULE)/internal.*' -e '$(MODULE)/transports.*' -e '$(MODULE)/suites')

## conformance: every spec against every built-in transport, in parallel;
## prints the matrix and writes out/report/suites/TestBuiltin/conformance.{txt,md,json,html},
## and nothing outside out/
CONFORMANCE_REPORT := out/report/suites/TestBuiltin
conformance:
	$(call install-tools,$(CONFORMANCE_TOOLS))
	@status=0; $(GINKGO) run -p ./suites || status=$$?; \
	  if [ -f $(CONFORMANCE_REPORT)/conformance.json ]; then \
	    echo "conformance: the report is in $(CONFORMANCE_REPORT)/ (conformance.{txt,md,json,html})"; fi; \
	  exit $$status

## publish-matrix (maintainers, on Linux): a fresh make conformance, then
## its matrix copied to docs/conformance-linux.md, the published example;
## the only tracked file it writes
publish-matrix: conformance
	@scripts/publish-matrix.sh $(CONFORMANCE_REPORT)/conformance.md

## stable: the built-in matrix twice, in fresh runs; fails unless the two
## verdict columns are the same
stable:
	$(call install-tools,$(CONFORMANCE_TOOLS))
	STREAMSPEC_REPORT_DIR=out/report/stable-1 $(GINKGO) run -p ./suites
	STREAMSPEC_REPORT_DIR=out/report/stable-2 $(GINKGO) run -p ./suites
	$(GO) run ./cmd/streamspec-report verdicts out/report/stable-1/conformance.json out/report/stable-2/conformance.json

## reference: the reference columns (tcp4, unix, os-pipe) that a run of custom
## transports alone is shown beside, for this OS, from a fresh built-in run:
## writes internal/report/reference/$GOOS.json, with its kernel, Go and date
reference: conformance
	$(GO) run ./cmd/streamspec-report reference out/report/suites/TestBuiltin/conformance.json > out/reference.json
	mv out/reference.json internal/report/reference/$$($(GO) env GOOS).json

## lint: gofmt, go vet on Linux and for macOS (amd64 and arm64), staticcheck
## (see STATICCHECK), scripts free of what bash 3.2 lacks, shellcheck on the
## scripts, actionlint on the GitHub workflow
lint:
	$(call install-tools,$(LINT_TOOLS))
	@scripts/check-bash32.sh
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=darwin GOARCH=amd64 $(GO) vet $(PKGS)
	GOOS=darwin GOARCH=arm64 $(GO) vet $(PKGS)
	cd gallery && $(GO) vet ./... && GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	@GO='$(GO)' STATICCHECK='$(STATICCHECK)' STATICCHECK_VERSION=$(STATICCHECK_VERSION) scripts/staticcheck.sh
	@if command -v shellcheck >/dev/null 2>&1; then \
	  shellcheck scripts/*.sh .ci/run && echo "shellcheck: scripts/*.sh .ci/run: no findings"; \
	elif [ -n "$${CI:-}" ]; then echo "lint: shellcheck is missing (scripts/tools.sh could not install it)" >&2; exit 1; \
	else echo "lint: shellcheck is not installed and could not be: the scripts were not checked"; fi
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION) && echo "actionlint: .github/workflows: no findings"

## bench: streamspec's contract suite beside nettest.TestConn, wall times and ratio
bench:
	scripts/bench.sh

## soak: the full matrix N times (default 20) under load; fails on any failure.
## LOAD=cpu (default): one busy thread a core; LOAD=oversubscribed: four busy
## threads a core, heap churn and an fsync'ing disk writer
soak:
	$(call install-tools,$(CONFORMANCE_TOOLS))
	N=$(N) LOAD=$(LOAD) scripts/soak.sh

## gallery: the catalogue against real third-party transports (gallery/, its
## own module); fails unless every verdict agrees with gallery/findings.go,
## then regenerates docs/gallery.md
gallery:
	$(call install-tools,$(GALLERY_TOOLS))
	GO=$(GO) scripts/gallery.sh

## tools: install what every target uses (each target installs its own
## list, above), where missing and allowed
tools:
	$(call install-tools,$(sort $(TEST_TOOLS) $(GALLERY_TOOLS) $(LINT_TOOLS)))
