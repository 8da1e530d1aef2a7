# The two set-up commands: `make serve` and `make test`. Both install what is
# missing first (scripts/install-deps.sh is idempotent), then build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DATA ?= $(CURDIR)/data

.PHONY: all deps configure build test serve staging-test bench fuzz clean format

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	bash scripts/run-tests.sh $(BUILD_DIR)

# OMP_WAIT_POLICY: see deploy/docker/Dockerfile (neural threads sleep, not spin, when waiting).
serve: build
	OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-PASSIVE} $(BUILD_DIR)/src/cli/vox serve --listen $(LISTEN) --data $(DATA)

# The staging suite against a running Vox (deploy/staging/README.md): builds only `vox`.
# The key goes through the environment (exported), never onto a command line.
STAGING_CONFIG ?= deploy/staging/thresholds.json
export STAGING_URL STAGING_KEY
staging-test: configure
	@test -n "$(STAGING_URL)" && test -n "$$STAGING_KEY" || \
	  { echo "usage: make staging-test STAGING_URL=https://host STAGING_KEY=vox_..." >&2; exit 2; }
	cmake --build $(BUILD_DIR) -j $(JOBS) --target vox
	$(BUILD_DIR)/src/cli/vox staging-test --config $(STAGING_CONFIG)

bench: build
	bash bench/run.sh $(BUILD_DIR)

# Longer fuzzing than the suite's smoke run: FUZZ_SECONDS per target (tests/fuzz/README.md).
FUZZ_SECONDS ?= 300
fuzz: deps
	bash tests/fuzz/run_fuzz.sh $(CURDIR) $(CURDIR)/$(BUILD_DIR)/fuzz-clang $(FUZZ_SECONDS)

format:
	git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'bench/*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
