# Thin wrapper over scripts/install-deps, CMake and ctest.
#   make run            install what is missing, build, run the service on 127.0.0.1:9101 (state in ./var)
#   make test           same set-up, then the whole suite through ctest
#   make test SANITIZE=1  the same with AddressSanitizer + UBSan (build-asan/)
#   make release-check  compile everything at -O3 with warnings as errors (build-release/)
#   make bench          build and run the benchmarks
#   make format         apply .clang-format to the sources; make format-check fails when it would change any
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
# ccache (installed by scripts/install-deps) makes rebuilds after a pull cheap.
ifneq ($(shell command -v ccache 2>/dev/null),)
CMAKE_FLAGS += -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
endif
PREFIX ?= /usr/local
PACKHOST := $(BUILD)/bin/packhost

WERROR ?= 0
ifeq ($(WERROR),1)
CMAKE_FLAGS += -DPACKHOST_WERROR=ON
endif

.PHONY: deps configure build run test bench fuzz format format-check install clean release-check

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The service in the foreground, its state (the SQLite store, the key, pack
# configs, an API key for trying it) in ./var; Ctrl-C stops it.
run: export PACKHOST_HOME := $(CURDIR)/var
run: build
	@scripts/run-service $(PACKHOST)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@$(BUILD)/bin/packhost-bench
	@echo
	@$(BUILD)/bin/packhost-template-bench
	@echo
	@$(BUILD)/bin/packhost-workflow-bench
	@echo
	@$(BUILD)/bin/packhost-startup-bench
	@echo
	@$(BUILD)/bin/packhost-rules-bench
	@echo
	@$(BUILD)/bin/packhost-alias-bench
	@echo
	@$(BUILD)/bin/packhost-chat-core-bench
	@echo
	@$(BUILD)/bin/packhost-openstack-bench
	@echo
	@bench/chat_irc.sh $(PACKHOST)
	@echo
	@bench/http_load.sh $(PACKHOST)

# libFuzzer on the template engine (clang, build-fuzz/) for FUZZ_SECONDS
# in FUZZ_JOBS forked workers, seeded with every template of the jinja2
# table; a crash, a timeout or running out of memory stops it (nothing is
# ignored). A finding leaves crash-*/timeout-*/oom-* files: copy the input
# to tests/fuzz/regressions/ once fixed.
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= $(JOBS)
fuzz: deps
	@scripts/install-deps fuzz
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DPACKHOST_FUZZ=ON \
	  -DPACKHOST_BUILD_TESTS=OFF -DPACKHOST_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-fuzz --target template_fuzz -j $(JOBS)
	@mkdir -p build-fuzz/corpus
	@python3 -c "import json,hashlib; [open('build-fuzz/corpus/'+hashlib.sha1(c['template'].encode()).hexdigest(),'w').write(c['template']) for c in json.load(open('tests/expr/cases.json'))['cases']]"
	@cd build-fuzz && ./bin/template_fuzz -fork=$(FUZZ_JOBS) -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
	  -timeout=10 -rss_limit_mb=4096 corpus ../tests/fuzz/regressions

# GCC warns about some things at -O3 only (its -Wrestrict false positives
# among them): the release build must compile clean too. Without the unity
# build, so that every file, tests included, is shown to compile on its own.
release-check: deps
	@cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DPACKHOST_WERROR=ON -DPACKHOST_UNITY_BUILD=OFF \
	  -DPACKHOST_BUILD_BENCH=OFF $(filter -DCMAKE_%_LAUNCHER=%,$(CMAKE_FLAGS)) >/dev/null
	@cmake --build build-release -j $(JOBS)

# The C and C++ sources under version control (abi.h keeps its hand layout
# with clang-format off/on around it).
FORMATTED = $(shell git ls-files '*.cpp' '*.hpp' '*.h' '*.c')
CLANG_FORMAT ?= clang-format-14
format:
	@scripts/install-deps format
	@$(CLANG_FORMAT) -i $(FORMATTED)

format-check:
	@scripts/install-deps format
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMATTED)

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	@rm -rf build build-asan build-fuzz build-release
