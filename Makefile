# Sail's build. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

GO         ?= go
MODULE     := github.com/sailmesh/sail
TOOLS_BIN  := $(CURDIR)/.cache/tools/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(TOOLS_BIN)/staticcheck

VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GIT_COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BUILD_DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS    := -X $(MODULE)/pkg/version.gitVersion=$(VERSION) \
              -X $(MODULE)/pkg/version.gitCommit=$(GIT_COMMIT) \
              -X $(MODULE)/pkg/version.buildDate=$(BUILD_DATE)

BINARIES := \
	pilot/cmd/pilot-discovery \
	mixer/cmd/mixs \
	mixer/cmd/mixc \
	security/cmd/citadel \
	security/cmd/node-agent \
	galley/cmd/galley \
	galley/cmd/sidecar-injector \
	proxy/cmd/sail-proxy \
	istioctl/cmd/istioctl

# Test flags: -race always; TEST_FLAGS adds more (e.g. -run, -v).
TEST_FLAGS ?=
FUZZ_TIME  ?= 60s
# Go minimizes each new interesting input for up to 60 s by default, which
# starves exploration in short runs.
FUZZ_MINIMIZE ?= 5s

.PHONY: build
build: ## Build all binaries into bin/.
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/ $(addprefix ./,$(BINARIES))

.PHONY: run
run: build ## Until the local mesh lands: build everything and validate the BookInfo corpus.
	@echo "Validating the BookInfo configuration corpus with istioctl validate:"
	bin/istioctl validate -f samples/bookinfo -f samples/httpbin -f samples/tcp-echo
	@echo
	@echo "All binaries are in bin/. The local mesh (istioctl local up) is not implemented yet."

.PHONY: deps
deps: ## Install Debian packages and build the Kubernetes test assets (idempotent).
	tools/install-deps.sh

$(STATICCHECK):
	GOBIN=$(TOOLS_BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

.PHONY: gen
gen: ## Regenerate protobuf Go code and the CRD manifests.
	tools/protogen/gen.sh
	$(GO) test ./pkg/config/crd -run TestCommittedCRDsAreCurrent -update

.PHONY: check-gen
check-gen: ## Fail if generated code is stale.
	tools/protogen/check.sh
	$(GO) test -count=1 ./pkg/config/crd -run TestCommittedCRDsAreCurrent

.PHONY: fmt-check
fmt-check: ## Fail if any Go file is not gofmt-clean.
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
	if [[ -n "$$out" ]]; then echo "not gofmt-clean (run gofmt -w):"; echo "$$out"; exit 1; fi

.PHONY: lint
lint: fmt-check $(STATICCHECK) ## gofmt, go vet and staticcheck.
	$(GO) vet ./...
	$(STATICCHECK) ./...

.PHONY: test
test: deps check-gen lint ## Everything CI runs: set-up, generated-code and lint checks, all tests with -race.
	$(GO) test -race -count=1 -timeout 30m $(TEST_FLAGS) ./...

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZ_TIME each (not part of CI).
	@for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs grep -H '^func Fuzz' | sed -E 's#^\./([^:]*)/[^/]*:func (Fuzz[A-Za-z0-9_]*).*#\1:\2#' | sort -u); do \
		dir=$${spec%%:*}; fn=$${spec##*:}; \
		echo "== $$fn in ./$$dir"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZ_TIME) -fuzzminimizetime=$(FUZZ_MINIMIZE) ./$$dir; \
	done

.PHONY: clean
clean:
	rm -rf bin/

.PHONY: help
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'
