// CSV reading throughput on a long-form attendance file (one row per pupil
// per day), the hot path of the daily ingest.
#include <benchmark/benchmark.h>

#include <string>

#include "common/csv_reader.h"
#include "model/register_codes.h"
#include "model/upn.h"

namespace lantern {
namespace {

std::string LongForm(size_t rows) {
  std::string s = "upn,urn,date,am,pm\n";
  for (size_t i = 0; i < rows; ++i) {
    s += MakeUpn(805, 2001 + static_cast<int>(i / 500000), 10, static_cast<int>(i % 1000));
    s += ",100000,2019-07-19,";
    s += i % 17 == 0 ? "I,I\n" : "/,\\\n";
  }
  return s;
}

// Arg 1: plain records split 16 bytes at a time (the default); 0: byte by byte.
void BM_CsvReaderLongForm(benchmark::State& state) {
  const std::string data = LongForm(1000000);
  state.SetLabel(state.range(0) ? "plain fast path" : "byte by byte");
  for (auto _ : state) {
    CsvReader reader(data);
    reader.set_plain_fast_path(state.range(0) != 0);
    reader.set_expected_fields(5);
    CsvRecord rec;
    size_t n = 0;
    while (reader.Next(&rec)) n += rec.fields.size();
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(data.size()) * state.iterations());
  state.SetItemsProcessed(1000000 * state.iterations());
}
BENCHMARK(BM_CsvReaderLongForm)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

// Reading plus the per-row field checks the ingest makes.
void BM_CsvReaderWithFieldChecks(benchmark::State& state) {
  const std::string data = LongForm(1000000);
  for (auto _ : state) {
    CsvReader reader(data);
    reader.set_expected_fields(5);
    CsvRecord rec;
    uint64_t acc = 0;
    reader.Next(&rec);
    while (reader.Next(&rec)) {
      if (ValidateUpn(rec.fields[0]) == UpnProblem::kNone) acc += PackUpn(rec.fields[0]);
      acc += ParseMarkCode(rec.fields[3]).value_or(0) + ParseMarkCode(rec.fields[4]).value_or(0);
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(data.size()) * state.iterations());
  state.SetItemsProcessed(1000000 * state.iterations());
}
BENCHMARK(BM_CsvReaderWithFieldChecks)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lantern

BENCHMARK_MAIN();
