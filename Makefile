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
OUT ?=

# Redis and Kafka for tests and the fleet: the scripts start them on these
# ports and every test and service reads the matching URLs.
REDIS_PORT ?= 6379
KAFKA_PORT ?= 9092
export REDIS_PORT KAFKA_PORT
export REDIS_URL ?= redis://127.0.0.1:$(REDIS_PORT)
export KAFKA_BROKERS ?= 127.0.0.1:$(KAFKA_PORT)

.PHONY: help demo test setup system node venv gen build lint test-unit test-python \
        test-integration test-e2e tiny-artifacts infra-up infra-down train eval bench clean \
        up down FORCE

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

# The FAISS addon is compiled against Debian's libfaiss-dev (make -C packages/ann).
build: gen
	pnpm --filter @recsys/ann run build:native
	pnpm exec tsc -b

# Real artifacts from a tiny training run, shared by the TypeScript tests;
# retrained whenever the training code changes.
TINY := .run/artifacts-tiny
$(TINY)/manifest.json: $(shell find training/src -name '*.py' -not -path '*/gen/*' 2>/dev/null) training/pyproject.toml
	rm -rf $(TINY) $(TINY).tmp
	cd training && .venv/bin/python -m recsys_training.train --tiny --out ../$(TINY).tmp
	mv $(TINY).tmp $(TINY)

tiny-artifacts: venv gen $(TINY)/manifest.json

# ---- checks -------------------------------------------------------------

lint: node
	pnpm --filter @recsys/contracts run lint:proto
	pnpm exec eslint .
	pnpm exec prettier --check .

test-unit: build tiny-artifacts
	pnpm exec vitest run --project unit

test-python: gen
	$(PY) -m pytest training

infra-up: system
	deploy/local/infra.sh start

infra-down:
	deploy/local/infra.sh stop

# Integration tests run against the real Redis and Kafka started here, which
# are stopped again whatever the outcome.
test-integration: build tiny-artifacts infra-up
	status=0; pnpm exec vitest run --project integration || status=$$?; \
	deploy/local/infra.sh stop; exit $$status

# e2e: the fleet as separate processes (tests/e2e spawns them on free ports) on
# the real Redis and Kafka, through REST; infra stopped again whatever the outcome.
# The infra is started in the recipe, not through infra-up: within `make test`
# infra-up has already run (and test-integration stopped it again).
test-e2e: build tiny-artifacts system
	deploy/local/infra.sh start
	status=0; pnpm exec vitest run --project e2e || status=$$?; \
	deploy/local/infra.sh stop; exit $$status

test: setup lint test-unit test-python test-integration test-e2e

# ---- training and evaluation ----------------------------------------------

# DATA is a MovieLens or generic folder; without it, the synthetic catalog.
DATA_ARG := $(if $(DATA),--data $(DATA),--data synthetic)

train: venv gen
	$(PY) -m recsys_training.train $(DATA_ARG) --out $(or $(OUT),artifacts/latest)

eval: venv gen
	$(PY) -m recsys_training.evaluate $(DATA_ARG) --out $(or $(OUT),artifacts/eval)

# ---- benchmarks -------------------------------------------------------------

# Stage benchmarks (retrieval over 1 M items, ranking, candidates); each writes
# its command, machine and numbers under benchmarks/results/. Ranking reads
# session features from the Redis started here.
bench: build tiny-artifacts infra-up
	pnpm run bench

# ---- the demo --------------------------------------------------------------

# The demo trains on a synthetic catalog of DEMO_USERS x DEMO_ITEMS (or DATA=)
# into artifacts/demo once, and again only when the training code, the data or
# the flags change; then every service runs in one process (in-memory store and
# bus) on port 8080, in the foreground. The catalog is generated once into
# .run/demo-data (seconds). DEMO_TRAIN_FLAGS picks the budget: the demo preset
# (about 2.5 CPU minutes on 5,000 x 20,000); the default one takes well over
# 10 minutes on 2 cores (DEMO_TRAIN_FLAGS= trains it).
DEMO := artifacts/demo
DEMO_USERS ?= 5000
DEMO_ITEMS ?= 20000
DEMO_DATA := .run/demo-data/synthetic-$(DEMO_USERS)x$(DEMO_ITEMS)
DEMO_DATA_ARG := $(if $(DATA),--data $(DATA),--data $(DEMO_DATA))
DEMO_TRAIN_FLAGS ?= --preset demo --text-encoder hashing
DEMO_PORT ?= 8080
DEMO_HOST ?= 127.0.0.1
TRAIN_SOURCES := $(shell find training/src -name '*.py' -not -path '*/gen/*' 2>/dev/null) training/pyproject.toml

# The data and flags the demo was trained with; rewritten only on a change,
# so it can be a prerequisite.
$(STAMPS)/demo-data: FORCE
	@mkdir -p $(STAMPS)
	@[ "$$(cat $@ 2>/dev/null)" = "$(DEMO_DATA_ARG) $(DEMO_TRAIN_FLAGS)" ] || echo "$(DEMO_DATA_ARG) $(DEMO_TRAIN_FLAGS)" > $@

# The generator is seeded: the same size gives the same catalog, so it is made once.
$(DEMO_DATA)/items.csv: $(wildcard training/src/recsys_training/data/synthetic*.py)
	rm -rf $(DEMO_DATA).tmp
	$(PY) -m recsys_training.data.synthetic --users $(DEMO_USERS) --items $(DEMO_ITEMS) --out $(DEMO_DATA).tmp
	rm -rf $(DEMO_DATA) && mv $(DEMO_DATA).tmp $(DEMO_DATA)

$(DEMO)/manifest.json: $(TRAIN_SOURCES) $(STAMPS)/demo-data $(if $(DATA),,$(DEMO_DATA)/items.csv)
	rm -rf $(DEMO).tmp
	$(PY) -m recsys_training.train $(DEMO_DATA_ARG) $(DEMO_TRAIN_FLAGS) --out $(DEMO).tmp
	rm -rf $(DEMO) && mv $(DEMO).tmp $(DEMO)

demo: setup $(DEMO)/manifest.json
	@echo "starting every service in one process; the page will be at http://$(DEMO_HOST):$(DEMO_PORT)/"
	ARTIFACTS_DIR=$(DEMO) PORT=$(DEMO_PORT) HOST=$(DEMO_HOST) PUBLIC_HOST=$(DEMO_HOST) LOG_LEVEL=$${LOG_LEVEL:-warn} \
	  exec node services/gateway/dist/all-in-one.js

# ---- fleet mode ------------------------------------------------------------

# One process per service on real Redis and Kafka, in the background; logs and
# PID files under .run/fleet. `make down` stops exactly those, then the infra.
ARTIFACTS ?= artifacts/latest

up: build infra-up
	deploy/local/fleet-up.sh $(ARTIFACTS)

down:
	deploy/local/fleet-down.sh
	deploy/local/infra.sh stop

FORCE:

clean: infra-down
	rm -rf .run artifacts node_modules packages/*/dist services/*/dist $(VENV)
