// Fuzzes the validation of the record input files (src/ingest/
// record_ingest.cc): every file `lantern ingest` reads but the marks, on a
// store holding one LA, one school and one pupil. The input's first byte
// picks the file; the rest is the file, header first. Properties checked (a
// failure aborts, which libFuzzer reports):
//  - validating never crashes, throws or loops;
//  - every rejected row is reported with a line of the file's body and, when
//    the reason is about one field, a column of the file's schema;
//  - every data row is counted once: new, updated, unchanged or rejected.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv_reader.h"
#include "fuzz/one_school.h"
#include "ingest/ingest_context.h"
#include "ingest/input_files.h"
#include "ingest/record_ingest.h"
#include "measures/qualifications.h"
#include "model/upn.h"
#include "store/store.h"

namespace {

lantern::StoreState MakeState() {
  lantern::StoreState s = lantern::fuzz::OneSchoolState();
  // Two pupils, a Reception child and a Year 11, on the school's roll, read
  // as pupils.csv and enrolments.csv are.
  auto read = [&s](lantern::InputFile kind, std::string text) {
    lantern::InputSource src;
    src.schema = &lantern::SchemaOf(kind);
    src.owned_text = std::move(text);
    lantern::CsvReader reader(src.owned_text, 1);
    lantern::CsvRecord head;
    reader.Next(&head);
    std::vector<std::string> warnings;
    src.header = lantern::HeaderMap::Resolve(*src.schema, head, &warnings).value();
    src.body = std::string_view(src.owned_text).substr(reader.position());
    lantern::IngestContext ctx(&s, 1);
    ctx.year = s.year;
    ctx.NoteSchool(900001, 0);
    lantern::IngestRecords(ctx, src);
  };
  read(lantern::InputFile::kPupils,
       "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
       "looked_after,home_la_code,year_group,ethnicity,ks2_reading_ss,ks2_maths_ss\n"
       "K805212618001,2014-04-13,F,Y,Y,N,,N,N,805,R,,,\n"
       "P805332107001,2002-11-03,M,N,N,N,,N,N,805,11,,92,98\n");
  read(lantern::InputFile::kEnrolments,
       "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n"
       "K805212618001,900001,2018-09-03,,,C\n"
       "P805332107001,900001,2014-09-03,,,C\n");
  if (s.pupils.size() != 2 || s.enrolments.size() != 2) std::abort();
  return s;
}

// The files read by IngestRecords (the marks have their own reader and
// fuzzer input; the voice files that need the question bank are left out).
std::vector<const lantern::FileSchema*> RecordSchemas() {
  std::vector<const lantern::FileSchema*> out;
  for (const lantern::FileSchema& s : lantern::InputFileSchemas()) {
    switch (s.id) {
      case lantern::InputFile::kAttendance:
      case lantern::InputFile::kAttendanceCompact:
      case lantern::InputFile::kVoiceLocalItems:
      case lantern::InputFile::kVoiceResponses:
        break;
      default:
        out.push_back(&s);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<const lantern::FileSchema*> schemas = RecordSchemas();
  static const std::optional<lantern::QualCatalogue> catalogue = [] {
    auto c = lantern::QualCatalogue::Load(lantern::DefaultCatalogueDir());
    if (!c.ok()) std::abort();
    return std::optional<lantern::QualCatalogue>(std::move(c).value());
  }();
  if (size < 1) return 0;
  const lantern::FileSchema& schema = *schemas[data[0] % schemas.size()];

  auto src = std::make_unique<lantern::InputSource>();
  src->schema = &schema;
  src->owned_text.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  lantern::CsvReader reader(src->owned_text, 1);
  lantern::CsvRecord head;
  if (!reader.Next(&head)) return 0;
  std::vector<std::string> warnings;
  auto header = lantern::HeaderMap::Resolve(schema, head, &warnings);
  if (!header.ok()) return 0;
  src->header = std::move(header).value();
  src->body = std::string_view(src->owned_text).substr(reader.position());
  src->body_first_line = head.line + 1;

  lantern::StoreState state = MakeState();
  lantern::IngestContext ctx(&state, 1);
  ctx.year = state.year;
  ctx.catalogue = &*catalogue;
  ctx.NoteSchool(900001, 0);
  lantern::IngestRecords(ctx, *src);

  const uint64_t last_line =
      head.line + static_cast<uint64_t>(std::count(src->body.begin(), src->body.end(), '\n')) + 1;
  for (const lantern::Reject& r : src->rejects.rejects()) {
    if (r.line < src->body_first_line || r.line > last_line) std::abort();
    if (!r.column.empty() &&
        std::none_of(schema.columns.begin(), schema.columns.end(),
                     [&](const lantern::ColumnSpec& c) { return r.column == c.name; })) {
      std::abort();
    }
  }
  const lantern::FileCounts& n = src->counts;
  if (n.inserted + n.updated + n.unchanged + n.rejected != n.rows) std::abort();
  return 0;
}
