// Checking one input row: each problem becomes a reject line with the
// column, value, check id and a sentence; the row is accepted only when no
// check failed.
#ifndef LANTERN_INGEST_ROW_CHECK_H_
#define LANTERN_INGEST_ROW_CHECK_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/csv_reader.h"
#include "common/date.h"
#include "ingest/input_files.h"
#include "ingest/rejects.h"
#include "model/codes.h"
#include "model/upn.h"

namespace lantern {

class RowCheck {
 public:
  RowCheck(const FileSchema& schema, const HeaderMap& header, const CsvRecord& record,
           RejectList* rejects)
      : schema_(schema), header_(header), record_(record), rejects_(rejects) {}

  // The text of schema column c ("" for an absent optional column).
  std::string_view Text(size_t c) const {
    int pos = header_[c];
    return pos < 0 ? std::string_view() : record_.fields[static_cast<size_t>(pos)];
  }
  const char* Name(size_t c) const { return schema_.columns[c].name; }
  bool ok() const { return ok_; }
  // The row's physical line and its bytes as they were in the file.
  uint64_t line() const { return record_.line; }
  std::string_view raw() const { return record_.raw; }

  void Fail(size_t c, std::string_view check, std::string reason) {
    FailColumn(Name(c), Text(c), check, std::move(reason));
  }
  void FailColumn(std::string_view column, std::string_view value, std::string_view check,
                  std::string reason);
  void FailRow(std::string_view check, std::string reason) {
    FailColumn("", "", check, std::move(reason));
  }

  // Required columns must not be empty; returns false (and fails) if one is.
  bool RequiredPresent(size_t c) { return !Text(c).empty() || FailRequired(c); }

  // Each parser returns nullopt and fails the row when the text is bad;
  // an empty optional column gives nullopt without failing.
  std::optional<uint64_t> Upn(size_t c) {
    // The usual case inline (every marks row has a UPN); problems reported
    // out of line.
    const std::string_view t = Text(c);
    uint64_t key = 0;
    const UpnProblem problem = t.empty() ? UpnProblem::kLength : ParseUpn(t, &key);
    if (problem == UpnProblem::kNone) return key;
    FailUpn(c, problem);
    return std::nullopt;
  }
  std::optional<int32_t> Urn(size_t c);
  std::optional<int16_t> LaCode(size_t c);
  std::optional<Date> DateField(size_t c);
  std::optional<bool> YesNo(size_t c);
  std::optional<int64_t> Integer(size_t c, int64_t min, int64_t max, std::string_view check);
  std::optional<double> Number(size_t c, double min, double max, std::string_view check);
  template <typename E>
  std::optional<E> Code(size_t c, std::span<const CodeEntry<E>> table) {
    std::string_view t = Text(c);
    if (t.empty()) {
      if (schema_.columns[c].required) RequiredPresent(c);
      return std::nullopt;
    }
    auto v = ParseCode(table, t);
    if (!v) Fail(c, "code", UnknownCodeMessage(c, t));
    return v;
  }

 private:
  std::string UnknownCodeMessage(size_t c, std::string_view t) const;
  bool FailRequired(size_t c);  // fails the row; returns false
  void FailUpn(size_t c, UpnProblem problem);

  const FileSchema& schema_;
  const HeaderMap& header_;
  const CsvRecord& record_;
  RejectList* rejects_;
  bool ok_ = true;
};

}  // namespace lantern

#endif  // LANTERN_INGEST_ROW_CHECK_H_
