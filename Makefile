# Lantern: the two commands are `make demo` and `make test`.
# Both install what the project needs first (scripts/install-deps), then build.

BUILD_DIR ?= build
JOBS ?= 2
LANTERN := $(BUILD_DIR)/lantern
DEMO_LA ?= 805
DEMO_OUT ?= out/demo
SEED ?= 20190101

.PHONY: all deps build demo test test-sanitize bench fuzz format clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)
	cd web && npm run --silent build

# The main job on the embedded default: one real local authority (805,
# Hartlepool), generated pupils, validated ingest, the attendance family and
# the inclusion scorecards. Results land in $(DEMO_OUT)/.
demo: build
	rm -rf $(DEMO_OUT)
	$(LANTERN) generate --scale la --la $(DEMO_LA) --seed $(SEED) --with-errors --out $(DEMO_OUT)/input
	$(LANTERN) ingest $(DEMO_OUT)/input --store $(DEMO_OUT)/store || test $$? -eq 3
	$(LANTERN) build --store $(DEMO_OUT)/store --out $(DEMO_OUT)/output
	$(LANTERN) scorecard --store $(DEMO_OUT)/store --out $(DEMO_OUT)/scorecard --pages
	scripts/demo-accounts $(DEMO_OUT)/store $(DEMO_OUT)/input
	$(LANTERN) flags --store $(DEMO_OUT)/store --out $(DEMO_OUT)/flags --from 2018-09-01
	scripts/demo-passport $(LANTERN) $(DEMO_OUT)/store $(DEMO_OUT)/input $(DEMO_OUT)/passport
	@echo
	@echo "Demo finished. Outputs: $(DEMO_OUT)/output (attendance.csv, suspensions.csv and their metadata);"
	@echo "$(DEMO_OUT)/scorecard (pupil-level inclusion scorecards: scorecards/URN.html per school, offline);"
	@echo "rejected rows and the rejects report: $(DEMO_OUT)/store/rejects/"
	@echo "at-risk flags (pupil-level) and LIPA effectiveness: $(DEMO_OUT)/flags; referrals: $(LANTERN) referrals list --store $(DEMO_OUT)/store"
	@echo "one pupil's skills passport: $(DEMO_OUT)/passport/passport; check it: $(LANTERN) passport verify $(DEMO_OUT)/passport/passport/passport.json --status-list $(DEMO_OUT)/passport/issuer/status-list.json"
	@echo
	@echo "The server, on the demo store (accounts, pupil records for the entitled, audited):"
	@echo "  $(LANTERN) serve --store $(DEMO_OUT)/store --port 8080     # then open http://127.0.0.1:8080/"
	@echo "  log in as demo-school, demo-academy, demo-trust, demo-la, demo-board or demo-national,"
	@echo "  password lantern-demo-password (generated data only; $(DEMO_OUT)/store/demo-accounts.env)"
	@echo "Every school in England from the published files alone (public, no accounts):"
	@echo "  $(LANTERN) serve --open-data --port 8081"

# Every test: the engine and server (ctest), the web app in Chromium against
# a real server (scripts/web-test), then the unit tests again under the
# sanitizers (test-sanitize).
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	BUILD_DIR=$(BUILD_DIR) scripts/web-test
	$(MAKE) --no-print-directory test-sanitize

# The tests again under AddressSanitizer and UndefinedBehaviorSanitizer, in a
# build of their own ($(BUILD_DIR)-sanitize), compiled by clang at -O0: it
# compiles the instrumented tree in about two thirds of GCC's time
# (bench/RESULTS.md, "Session 10"), the tests' speed mattering less here
# than the build's, and a second compiler's warnings and checks come with it.
# Left to the optimised run above (SANITIZE_SKIP, a GoogleTest negative
# filter applied where ctest registers the suites: tests/add_test_suites.cmake):
# the national-scale checks (RegionCheckTest: a whole region generated,
# ingested and built; OpenDataScorecardTest: every school in England), the
# statistical checks on a generated local authority (GenerateTest,
# PupilLevelGeneratedTest, VoiceGeneratedTest, GeneratedKs4Test,
# GenerateScopeTest, OutcomesTruthTest, DailyFlagsTest: a whole LA's year
# generated for each suite, the last then taken through a school week of
# daily jobs, whose flags path AttendanceRingsRunTest runs here on a hand-made
# store; NetFlowsLinkedTest and MovementFilesTest: Norfolk's (and, for the
# second, Birmingham's), the readers of the published files, run here as
# MovementFlowsLinkedTest on Hartlepool is)
# and the scorecard's simulations
# (ScorecardSimulationTest: thousands of simulated schools), which run the
# same code as the small end-to-end tests kept here at ten times the data;
# and two of the three OpenDataOutcomesTest checks, which read the same
# published files through the same code as the third, kept here.
# Kept: every unit test, every test of input (the CSV and CTF readers, the
# rules and agreements files, the server's requests, the real published
# files of OpenDataOutcomesTest) and every end-to-end test on a fixture.
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SANITIZE_SKIP := RegionCheckTest.*:OpenDataScorecardTest.*:GenerateTest.*:PupilLevelGeneratedTest.*:VoiceGeneratedTest.*:GeneratedKs4Test.*:GenerateScopeTest.*:OutcomesTruthTest.*:DailyFlagsTest.*:NetFlowsLinkedTest.*:MovementFilesTest.*:ScorecardSimulationTest.*:OpenDataOutcomesTest.Sen2*:OpenDataOutcomesTest.Neet*
test-sanitize: deps
	cmake -S . -B $(BUILD_DIR)-sanitize -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)" \
	  -DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE_FLAGS)" -DLANTERN_BUILD_BENCH=OFF \
	  -DLANTERN_TEST_FILTER='$(SANITIZE_SKIP)'
	cmake --build $(BUILD_DIR)-sanitize -j $(JOBS)
	cd $(BUILD_DIR)-sanitize && \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	scripts/run-bench

fuzz: deps
	cmake -S . -B $(BUILD_DIR)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DLANTERN_FUZZ=ON -DLANTERN_BUILD_TESTS=OFF -DLANTERN_BUILD_BENCH=OFF
	cmake --build $(BUILD_DIR)-fuzz -j $(JOBS) --target csv_reader_fuzz ctf_fuzz passport_fuzz records_fuzz rules_fuzz
	scripts/run-fuzz $(BUILD_DIR)-fuzz

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-fuzz $(BUILD_DIR)-sanitize out
