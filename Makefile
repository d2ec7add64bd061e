# llmctl: the two commands of the Quick start, plus install and housekeeping.
#   make run                    set up, build, then `llmctl size qwen3-1.7b` (ARGS="..." for any command)
#   make test                   set up, build, every test (unit, completions, end-to-end)
#   make install PREFIX=/usr/local
# Variables: BUILD_DIR (build), BUILD_TYPE (Release), LLMCTL_CUDA (AUTO|ON|OFF), JOBS.

BUILD_DIR  ?= build
BUILD_TYPE ?= Release
LLMCTL_CUDA ?= AUTO
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
ARGS       ?= $(DEFAULT_ARGS)
# Until `llmctl size` exists, `make run` shows the catalog.
DEFAULT_ARGS ?= $(if $(wildcard cmd/size.cpp),size qwen3-1.7b,models)

LLMCTL := $(BUILD_DIR)/llmctl

.PHONY: all deps configure build run test unit-test e2e-test install completions clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLLMCTL_CUDA=$(LLMCTL_CUDA)

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@$(LLMCTL) $(ARGS)

unit-test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --repeat until-pass:2

e2e-test: build
	LLMCTL_BIN=$(abspath $(LLMCTL)) scripts/run-e2e

test: unit-test e2e-test

install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# Regenerates completions/ from the CLI definition (the tests check they are current).
completions: build
	$(LLMCTL) completion bash > completions/llmctl.bash
	$(LLMCTL) completion zsh > completions/_llmctl
	$(LLMCTL) completion fish > completions/llmctl.fish

clean:
	rm -rf $(BUILD_DIR)
