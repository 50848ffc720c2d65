# A thin wrapper over meson and scripts/: every target installs what is
# missing first, so a fresh Debian 12 machine needs only `make run` or
# `make test`.

BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
CONFIG ?= config/frontierd.conf

.PHONY: all deps build run test clean

all: build

deps:
	scripts/install-deps

build: deps
	scripts/build $(BUILD_DIR)

run: build
	exec $(BUILD_DIR)/frontierd --config $(CONFIG)

test: deps
	scripts/test $(BUILD_DIR) $(SANITIZE_DIR)

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
