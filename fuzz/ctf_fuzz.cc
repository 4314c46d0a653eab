// Fuzzes the Common Transfer File reader (src/ingest/ctf.cc) on a store
// holding one school and one pupil. Properties checked (a failure aborts,
// which libFuzzer reports):
//  - converting never crashes and never loops;
//  - every reject's line lies in the file;
//  - every derived file has one origin per data row, naming a kept <Pupil>.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/csv_reader.h"
#include "fuzz/one_school.h"
#include "ingest/ctf.h"
#include "ingest/ingest_context.h"
#include "model/upn.h"
#include "store/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static lantern::StoreState state = lantern::fuzz::OneSchoolState();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  lantern::IngestContext ctx(&state, 1);
  ctx.year = state.year;
  ctx.NoteSchool(900001, 0);
  lantern::CtfConversion c = lantern::ConvertCtf("fuzz.xml", text, ctx);
  const uint64_t lines = lantern::LineAt(text, text.size());
  for (const auto& r : c.rejects.rejects()) {
    if (r.line < 1 || r.line > lines) std::abort();
  }
  for (const auto& f : c.files) {
    lantern::CsvReader reader(f.csv, 1);
    lantern::CsvRecord rec;
    size_t rows = 0;
    while (reader.Next(&rec)) ++rows;
    if (rows != f.row_pupil.size() + 1) std::abort();  // + the header
    for (uint32_t p : f.row_pupil) {
      if (p >= c.pupils.size()) std::abort();
    }
  }
  return 0;
}
