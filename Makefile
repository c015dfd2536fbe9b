# Thin wrapper over scripts/install-deps, CMake and ctest.
#   make run            install what is missing, build, show the host working
#   make test           same set-up, then the whole suite through ctest
#   make test SANITIZE=1  the same with AddressSanitizer + UBSan (build-asan/)
#   make bench          build and run the benchmarks
#   make install PREFIX=/opt/packhost
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-asan
CMAKE_FLAGS += -DPACKHOST_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DPACKHOST_BUILD_BENCH=OFF
else
BUILD ?= build
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
PACKHOST := $(BUILD)/bin/packhost

.PHONY: deps configure build run test bench install clean

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@echo "== packhost pack list"
	@$(PACKHOST) pack list
	@echo
	@echo "== packhost action list"
	@$(PACKHOST) action list
	@echo
	@echo "== packhost run core.echo message='hello from packhost'"
	@$(PACKHOST) run core.echo message='hello from packhost'

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@$(BUILD)/bin/packhost-bench

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	@rm -rf build build-asan
