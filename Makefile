# The README's two commands, `make demo` and `make test`, and the steps they
# call. Every step installs what it needs when missing and caches the rest,
# so a second run is fast and a clean clone needs nothing done by hand.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PNPM_VERSION := 12.4.2
VENV := training/.venv
PY := $(VENV)/bin/python
STAMPS := .run/stamps
DATA ?=
OUT ?= artifacts/latest

.PHONY: help demo test setup system node venv gen build lint test-unit test-python \
        test-integration infra-up infra-down train eval bench clean

help:
	@echo "make demo   set up everything and run the demo"
	@echo "make test   set up everything and run every test"

# ---- set-up -------------------------------------------------------------

setup: system node venv build

system: $(STAMPS)/system
$(STAMPS)/system: deploy/local/setup-system.sh
	deploy/local/setup-system.sh
	@mkdir -p $(STAMPS) && touch $@

node: $(STAMPS)/node
$(STAMPS)/node: package.json pnpm-lock.yaml pnpm-workspace.yaml $(wildcard packages/*/package.json services/*/package.json tests/package.json benchmarks/package.json)
	@command -v pnpm >/dev/null && [ "$$(pnpm --version)" = "$(PNPM_VERSION)" ] || npm install -g -E pnpm@$(PNPM_VERSION)
	pnpm install --frozen-lockfile
	@mkdir -p $(STAMPS) && touch $@

venv: $(STAMPS)/venv
$(STAMPS)/venv: training/pyproject.toml
	[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e 'training[dev]'
	@mkdir -p $(STAMPS) && touch $@

gen: node venv
	pnpm run gen
	$(PY) -m recsys_training.gen_proto

build: gen
	pnpm exec tsc -b

# ---- checks -------------------------------------------------------------

lint: node
	pnpm exec buf lint proto
	pnpm exec eslint .
	pnpm exec prettier --check .

test-unit: build
	pnpm exec vitest run --project unit

test-python: gen
	$(PY) -m pytest training

infra-up: system
	deploy/local/infra.sh start

infra-down:
	deploy/local/infra.sh stop

# Integration tests run against the real Redis and Kafka started here, which
# are stopped again whatever the outcome.
test-integration: build infra-up
	status=0; pnpm exec vitest run --project integration || status=$$?; \
	deploy/local/infra.sh stop; exit $$status

test: setup lint test-unit test-python test-integration

# ---- the demo and the training commands ----------------------------------

demo: setup infra-up
	@echo "Infrastructure is up (Redis, Kafka). Serving lands with the serving issue;"
	@echo "until then the demo trains nothing and serves nothing."

clean: infra-down
	rm -rf .run artifacts node_modules packages/*/dist services/*/dist $(VENV)
