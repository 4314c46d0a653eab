# Lantern: the two commands are `make demo` and `make test`.
# Both install what the project needs first (scripts/install-deps), then build.

BUILD_DIR ?= build
JOBS ?= 2
LANTERN := $(BUILD_DIR)/lantern
DEMO_LA ?= 805
DEMO_OUT ?= out/demo
SEED ?= 20190101

.PHONY: all deps build demo test test-fast bench fuzz format clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The main job on the embedded default: one real local authority (805,
# Hartlepool), generated pupils, validated ingest, the attendance family and
# the inclusion scorecards. Results land in $(DEMO_OUT)/.
demo: build
	rm -rf $(DEMO_OUT)
	$(LANTERN) generate --scale la --la $(DEMO_LA) --seed $(SEED) --with-errors --out $(DEMO_OUT)/input
	$(LANTERN) ingest $(DEMO_OUT)/input --store $(DEMO_OUT)/store || test $$? -eq 3
	$(LANTERN) build --store $(DEMO_OUT)/store --out $(DEMO_OUT)/output
	$(LANTERN) scorecard --store $(DEMO_OUT)/store --out $(DEMO_OUT)/scorecard
	@echo
	@echo "Demo finished. Outputs: $(DEMO_OUT)/output (attendance.csv and its metadata);"
	@echo "$(DEMO_OUT)/scorecard (pupil-level inclusion scorecards: scorecards/URN.html per school);"
	@echo "rejected rows and the rejects report: $(DEMO_OUT)/store/rejects/"

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	scripts/run-bench

fuzz: deps
	cmake -S . -B $(BUILD_DIR)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DLANTERN_FUZZ=ON -DLANTERN_BUILD_TESTS=OFF -DLANTERN_BUILD_BENCH=OFF
	cmake --build $(BUILD_DIR)-fuzz -j $(JOBS) --target csv_reader_fuzz
	scripts/run-fuzz $(BUILD_DIR)-fuzz

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-fuzz out
