# streamspec: a conformance harness for byte-stream transports.
GO      ?= go
GINKGO  := $(GO) tool ginkgo
PKGS    := ./...

.PHONY: all test conformance lint browser

all: lint test

## test: the harness's own tests, self-test zoo included
test: browser
	$(GO) test -count=1 $(PKGS)

## conformance: every spec against every built-in transport; prints the
## matrix, writes out/report/suites/conformance.{txt,md,json,html}
conformance:
	$(GINKGO) run --label-filter='!zoo' ./suites

## browser: headless Chromium for the HTML report check, installed with
## apt-get where missing and allowed (root); else the check is skipped
browser:
	@command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      -o DPkg::Lock::Timeout=300 chromium chromium-driver) >/dev/null 2>&1 || \
	      echo "browser: apt-get could not install chromium: the HTML report check will be skipped"; \
	  else echo "browser: no chromium and no root apt-get to install it: the HTML report check will be skipped"; fi

## lint: gofmt, go vet on Linux and for macOS
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=darwin $(GO) vet $(PKGS)
