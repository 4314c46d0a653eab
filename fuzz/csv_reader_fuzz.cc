// Fuzzes the CSV reader and the field parsers every input row goes through.
// Properties checked (a failure aborts, which libFuzzer reports):
//  - reading never crashes, never loops, and always moves forward;
//  - every record's line number grows, and its raw bytes lie in the input;
//  - reading the input in parallel chunks gives exactly the records a
//    single sequential read gives (the ingest relies on this).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv_reader.h"
#include "common/date.h"
#include "ingest/marks_ingest.h"
#include "model/register_codes.h"
#include "model/upn.h"

namespace {

struct Rec {
  std::vector<std::string> fields;
  uint64_t line;
  lantern::CsvError error;
  bool operator==(const Rec&) const = default;
};

std::vector<Rec> ReadAll(std::string_view data, uint64_t first_line, size_t expected) {
  std::vector<Rec> out;
  lantern::CsvReader reader(data, first_line);
  if (expected) reader.set_expected_fields(expected);
  lantern::CsvRecord rec;
  size_t last_pos = 0;
  uint64_t last_line = 0;
  while (reader.Next(&rec)) {
    if (reader.position() <= last_pos && !out.empty()) std::abort();  // no progress
    if (rec.line < last_line) std::abort();
    if (rec.raw.data() < data.data() ||
        rec.raw.data() + rec.raw.size() > data.data() + data.size()) {
      std::abort();
    }
    last_pos = reader.position();
    last_line = rec.line;
    out.push_back(
        {std::vector<std::string>(rec.fields.begin(), rec.fields.end()), rec.line, rec.error});
    // Exercise the field parsers on every field.
    for (auto f : rec.fields) {
      (void)lantern::ParseIsoDate(f);
      if (lantern::ValidateUpn(f) == lantern::UpnProblem::kNone) {
        if (lantern::UnpackUpn(lantern::PackUpn(f)) != f) std::abort();
      }
      (void)lantern::ParseMarkCode(f);
      std::vector<uint8_t> sessions;
      (void)lantern::DecodeCompactMarks(f, &sessions);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ReadAll(text, 1, 0);
  std::vector<Rec> whole = ReadAll(text, 1, 5);
  // For well-formed CSV, reading in parallel chunks must give exactly the
  // records of one sequential read: the ingest depends on it.
  bool well_formed = true;
  for (const Rec& r : whole) well_formed = well_formed && r.error == lantern::CsvError::kNone;
  if (well_formed) {
    std::vector<Rec> chunked;
    for (const auto& chunk : lantern::SplitCsvChunks(text, 1, 3, /*min_bytes=*/0)) {
      auto part = ReadAll(chunk.data, chunk.first_line, 5);
      chunked.insert(chunked.end(), part.begin(), part.end());
    }
    if (chunked != whole) std::abort();
  }
  return 0;
}
