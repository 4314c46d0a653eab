// Build speed against the floor: how long it takes to read a store's marks
// once from memory, next to counting every enrolment's sessions from them and
// the whole `lantern build`. Run on a store made by `lantern ingest`:
//
//   LANTERN_BENCH_STORE=out/bench/region/store build/bench/store_scan_bench
//
// Without LANTERN_BENCH_STORE the store benchmarks are skipped; the
// histogram benchmark runs on synthetic marks either way.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "derive/enrolment_sessions.h"
#include "lantern/build.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {
namespace {

const char* StorePath() { return std::getenv("LANTERN_BENCH_STORE"); }

struct LoadedStore {
  std::unique_ptr<Store> store;
  StoreState state;
  std::vector<CountWindow> windows;
};

LoadedStore* Loaded() {
  static LoadedStore* loaded = [] {
    auto* l = new LoadedStore();
    auto s = Store::Open(StorePath(), Store::Mode::kRead);
    if (!s.ok()) return static_cast<LoadedStore*>(nullptr);
    l->store = std::move(s).value();
    auto st = l->store->Load();
    if (!st.ok()) return static_cast<LoadedStore*>(nullptr);
    l->state = std::move(st).value();
    for (const auto& b : l->state.marks.blocks) b->file().Prefault();
    const EnrolmentTable& e = l->state.enrolments;
    l->windows.resize(e.size());
    for (size_t i = 0; i < e.size(); ++i) l->windows[i] = {e.entry_date[i], e.leaving_date[i]};
    return l;
  }();
  return loaded;
}

int Threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// The floor: every stored mark byte read once, on every core.
void BM_ReadMarksOnce(benchmark::State& state) {
  LoadedStore* l = StorePath() ? Loaded() : nullptr;
  if (l == nullptr) {
    state.SkipWithError("set LANTERN_BENCH_STORE to a store");
    return;
  }
  uint64_t bytes = 0;
  for (auto _ : state) {
    std::vector<uint64_t> sums(static_cast<size_t>(Threads()), 0);
    std::vector<std::thread> workers;
    for (const auto& b : l->state.marks.blocks) {
      const uint64_t n = b->data_bytes();
      const uint8_t* p = b->data();
      bytes = n;
      for (int k = 0; k < Threads(); ++k) {
        workers.emplace_back([&, k, p, n] {
          const uint64_t lo = n * static_cast<uint64_t>(k) / static_cast<uint64_t>(Threads());
          const uint64_t hi = n * static_cast<uint64_t>(k + 1) / static_cast<uint64_t>(Threads());
          uint64_t s = 0;
          const auto* w = reinterpret_cast<const uint64_t*>(p + lo);
          for (uint64_t i = 0; i < (hi - lo) / 8; ++i) s += w[i];
          sums[static_cast<size_t>(k)] = s;
        });
      }
    }
    for (auto& w : workers) w.join();
    benchmark::DoNotOptimize(sums);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
}
BENCHMARK(BM_ReadMarksOnce)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// Counting every enrolment's sessions by code from the same marks.
void BM_CountEnrolmentSessions(benchmark::State& state) {
  LoadedStore* l = StorePath() ? Loaded() : nullptr;
  if (l == nullptr) {
    state.SkipWithError("set LANTERN_BENCH_STORE to a store");
    return;
  }
  for (auto _ : state) {
    auto out = CountEnrolmentSessions(l->state.marks, CodeTreatments(), l->windows, Threads());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(l->state.marks.MarkBytes()) * state.iterations());
}
BENCHMARK(BM_CountEnrolmentSessions)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// The whole build: load, cohort, count, aggregate, suppress, write.
void BM_LanternBuild(benchmark::State& state) {
  if (!StorePath()) {
    state.SkipWithError("set LANTERN_BENCH_STORE to a store");
    return;
  }
  BuildOptions o;
  o.store_dir = StorePath();
  o.out_dir = std::filesystem::temp_directory_path() / "lantern_bench_build";
  BuildReport r;
  for (auto _ : state) {
    Status st = Build(o, &r);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
  }
  state.counters["load_s"] = r.seconds_load;
  state.counters["aggregate_s"] = r.seconds_aggregate;
  state.counters["write_s"] = r.seconds_write;
}
BENCHMARK(BM_LanternBuild)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The counting kernel alone on synthetic marks (93% present, the rest mixed).
void BM_CountKernel(benchmark::State& state) {
  std::mt19937 rng(1);
  std::vector<uint8_t> marks(380 * 100000);
  for (auto& m : marks) {
    uint32_t r = rng() % 100;
    m = r < 93 ? static_cast<uint8_t>(1 + (r & 1)) : static_cast<uint8_t>(3 + r % 30);
  }
  const MarkTally tally{CodeTreatments()};
  for (auto _ : state) {
    EnrolmentSessions s;
    for (size_t e = 0; e < 100000; ++e) tally.Add(&marks[e * 380], 380, &s);
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(marks.size()) * state.iterations());
}
BENCHMARK(BM_CountKernel)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lantern

BENCHMARK_MAIN();
