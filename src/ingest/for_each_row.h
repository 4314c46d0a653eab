// Reading the data rows of one input file: every row the CSV grammar
// rejects is reported and counted; every other row is handed to fn as a
// RowCheck, and counted as rejected when a check failed.
#ifndef LANTERN_INGEST_FOR_EACH_ROW_H_
#define LANTERN_INGEST_FOR_EACH_ROW_H_

#include <string>
#include <string_view>

#include "ingest/ingest_context.h"
#include "ingest/row_check.h"

namespace lantern {

// Reports a row the CSV grammar rejects (check "encoding" for invalid
// UTF-8, "malformed" otherwise) and returns true; false for a good row.
inline bool RejectUnreadableRow(const CsvRecord& rec, RejectList* rejects) {
  if (rec.error == CsvError::kNone) return false;
  std::string_view check = rec.error == CsvError::kInvalidUtf8 ? "encoding" : "malformed";
  rejects->Add(rec.line, "", "", check, std::string(CsvErrorMessage(rec.error)), rec.raw);
  return true;
}

template <typename Fn>
void ForEachRow(InputSource& src, Fn&& fn) {
  CsvReader reader(src.body, src.body_first_line);
  reader.set_expected_fields(src.header.field_count());
  CsvRecord rec;
  while (reader.Next(&rec)) {
    ++src.counts.rows;
    if (RejectUnreadableRow(rec, &src.rejects)) {
      ++src.counts.rejected;
      continue;
    }
    RowCheck check(*src.schema, src.header, rec, &src.rejects);
    fn(check);
    if (!check.ok()) ++src.counts.rejected;
  }
}

}  // namespace lantern

#endif  // LANTERN_INGEST_FOR_EACH_ROW_H_
