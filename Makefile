# A thin wrapper over meson and scripts/: every target installs what is
# missing first, so a fresh Debian 12 machine needs only `make run` or
# `make test`.

BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
BENCH_BUILD_DIR ?= build-release
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
CONFIG ?= config/frontierd.conf

.PHONY: all deps build run test fuzz bench clean

all: build

deps:
	scripts/install-deps

build: deps
	scripts/build $(BUILD_DIR)

run: build
	exec $(BUILD_DIR)/frontierd --config $(CONFIG)

test: deps
	scripts/test $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)

# Every libFuzzer harness (fuzz/README.md) for FUZZ_SECONDS each, two at a
# time, from its seed corpus; a crash, leak or sanitizer report fails it.
fuzz: deps
	fuzz/run-all $(FUZZ_DIR) $(FUZZ_SECONDS)

# The side-by-side benchmark (bench/README.md): a release build of frontierd
# against nginx and json-server, then durable writes beside readers.
# Timings are never part of `make test`.
bench: deps
	bench/install-deps
	scripts/build $(BENCH_BUILD_DIR) --buildtype=release
	bench/run $(BENCH_BUILD_DIR)/frontierd
	bench/writes $(BENCH_BUILD_DIR)/frontierd

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(BENCH_BUILD_DIR) $(FUZZ_DIR)
