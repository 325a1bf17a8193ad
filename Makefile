# Entry points for people and CI; the build itself is CMake + Ninja.
#
#   make demo        install missing Debian packages, build Release, then compile and run the
#                    credit-risk example (up to its approval gate; after approvals, through
#                    its canary deploy)
#   make test        build Release in build/ and run every test (unit, golden, e2e)
#   make test-asan   the same with AddressSanitizer + UBSan, Debug, in build-asan/
#   make fuzz        run each fuzz target (or those in FUZZ_TARGETS) for FUZZ_SECONDS seconds,
#                    one at a time (tests/fuzz/run-fuzz; clang-14, build-fuzz/); FUZZ_SANITIZERS=undefined
#                    fuzzes for throughput without ASan (build-fuzz-undefined/)
#   make package     the Debian package and the self-contained release archive, in dist/
#                    (mlopsc_<version>_amd64.deb; mlopsc-<version>-linux-x86_64.tar.gz and .sha256)
#   make test-package  make package, then test both artifacts as a user gets them
#                    (lintian; apt-get install ./deb and remove again, as root; the archive with env -i)
#   make bench       run the parse benchmark (bench/parse)
#   make clean       remove the build trees (build/, build-asan/, build-fuzz*/) and bench/out/
#
# MLOPS_SHARED_DIR=DIR points the e2e tests at the shared validators
# (tools/validate-json, schemas/) when they are not in ../shared.

BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
FUZZ_SECONDS   ?= 60
FUZZ_TARGETS   ?=
FUZZ_SANITIZERS ?= address,undefined
JOBS           ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE          ?= cmake
CTEST          ?= ctest

CMAKE_FLAGS := $(if $(MLOPS_SHARED_DIR),-DMLOPS_SHARED_DIR=$(abspath $(MLOPS_SHARED_DIR)))

# Ninja on a fresh build directory; an existing one keeps the generator it was made with.
generator = $(if $(wildcard $(1)/CMakeCache.txt),,-G Ninja)

.PHONY: demo test test-asan fuzz bench clean deps build build-asan package test-package

deps:
	scripts/install-deps

build:
	$(CMAKE) -S . -B $(BUILD_DIR) $(call generator,$(BUILD_DIR)) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	$(CMAKE) --build $(BUILD_DIR) --parallel $(JOBS)

build-asan:
	$(CMAKE) -S . -B $(ASAN_BUILD_DIR) $(call generator,$(ASAN_BUILD_DIR)) -DCMAKE_BUILD_TYPE=Debug -DMLOPS_SANITIZE=ON $(CMAKE_FLAGS)
	$(CMAKE) --build $(ASAN_BUILD_DIR) --parallel $(JOBS)

DEMO := examples/credit-risk

# `mlopsc run` exits 5 while the gate waits for approvals: for the demo that
# is the expected stop, not a failure.
demo: deps
	$(MAKE) --no-print-directory build
	$(BUILD_DIR)/mlopsc build $(DEMO)/credit_risk.mlops -o $(DEMO)/build/mlops
	@# git checks the published demo keys out 0644; ssh-keygen signs only with private ones
	chmod 600 $(DEMO)/demo-keys/*.key
	@status=0; cd $(DEMO) && ../../$(BUILD_DIR)/mlopsc run credit_risk.mlops \
	  --secrets-file demo.secrets.env --interval-scale 0.001 || status=$$?; \
	if [ $$status -eq 5 ]; then \
	  echo; echo "demo: the run stopped at gate production, waiting for approvals. Approve as the people named above,"; \
	  echo "each signing with their demo key (published on purpose: $(DEMO)/demo-keys/README.md):"; \
	  echo "  cd $(DEMO) && for who in carol grace alice; do ../../$(BUILD_DIR)/mlopsc approve production --key demo-keys/\$$who.key; done"; \
	  echo "then run \`make demo\` again: the gate passes and the canary deploy rolls out; the rest is cached."; \
	elif [ $$status -ne 0 ]; then exit $$status; fi

test: deps
	$(MAKE) --no-print-directory build
	$(CTEST) --test-dir $(BUILD_DIR) --output-on-failure --parallel $(JOBS)

# The `browser` tests check pages in Chromium: what mlopsc does for them
# (records, the dashboard, its server) runs under the sanitizers in
# e2e_dashboard and e2e_dashboard_state; the browser's part gains nothing
# from a sanitized mlopsc and takes minutes more there. The `login-env` test
# (the SLURM submit script on a real cluster) spends its six minutes in
# SLURM's login shells; `run --node` runs sanitized in e2e_run and e2e_ci.
test-asan: deps
	$(MAKE) --no-print-directory build-asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(CTEST) --test-dir $(ASAN_BUILD_DIR) --output-on-failure --parallel $(JOBS) --label-exclude 'browser|login-env'

package: deps
	$(MAKE) --no-print-directory build
	rm -rf $(BUILD_DIR)/cpack && mkdir -p dist
	cd $(BUILD_DIR) && cpack -G DEB -B cpack >cpack.log || { cat cpack.log; exit 1; }
	mv $(BUILD_DIR)/cpack/mlopsc_*.deb dist/
	packaging/make-release-archive $(BUILD_DIR) dist
	@ls -l dist

test-package: package
	tests/package/run dist

fuzz:
	SANITIZERS=$(FUZZ_SANITIZERS) tests/fuzz/run-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: build
	bench/parse

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) build-fuzz build-fuzz-undefined bench/out dist
