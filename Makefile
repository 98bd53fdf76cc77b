# streamspec: a conformance harness for byte-stream transports.
GO      ?= go
GINKGO  := $(GO) tool ginkgo
PKGS    := ./...

.PHONY: all test conformance lint tools

all: lint test

## test: the harness's own tests, self-test zoo included
test: tools
	$(GO) test -count=1 $(PKGS)

## conformance: every spec against every built-in transport
conformance: tools
	$(GINKGO) run --label-filter='!zoo' ./suites

## lint: gofmt, go vet on Linux and for macOS
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=darwin $(GO) vet $(PKGS)

## tools: install socat (the socat relay transport) where missing and the
## machine allows (root or passwordless sudo, and apt-get); elsewhere the
## socat specs are skipped as unavailable
tools:
	@command -v socat >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=no; fi; \
	  if [ "$$sudo" != no ] && command -v apt-get >/dev/null 2>&1; then \
	    { $$sudo apt-get install -y -qq socat || { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq socat; }; } \
	      >/dev/null 2>&1 || echo "make tools: apt-get could not install socat; socat specs will be skipped"; \
	  else echo "make tools: socat is missing and cannot be installed here; socat specs will be skipped"; fi; }
