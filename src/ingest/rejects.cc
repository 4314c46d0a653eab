#include "ingest/rejects.h"

#include <algorithm>
#include <filesystem>

#include "common/csv_writer.h"

namespace lantern {

void RejectList::Add(uint64_t line, std::string_view column, std::string_view value,
                     std::string_view check, std::string reason, std::string_view raw) {
  rejects_.push_back(Reject{line, std::string(column), RedactValue(column, value),
                            std::string(check), std::move(reason), std::string(raw)});
}

void RejectList::Append(RejectList&& other) {
  rejects_.insert(rejects_.end(), std::make_move_iterator(other.rejects_.begin()),
                  std::make_move_iterator(other.rejects_.end()));
}

void RejectList::SortByLine() {
  std::stable_sort(rejects_.begin(), rejects_.end(),
                   [](const Reject& a, const Reject& b) { return a.line < b.line; });
}

std::string RedactValue(std::string_view column, std::string_view value) {
  if (column == "upn" && value.size() > 4) return std::string(value.substr(0, 4)) + "...";
  if (value.size() > 80) return std::string(value.substr(0, 77)) + "...";
  return std::string(value);
}

Result<size_t> WriteRejects(
    const std::string& dir,
    const std::map<std::string, std::pair<std::string, RejectList>>& by_file) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  LANTERN_ASSIGN_OR_RETURN(auto report, CsvWriter::Create(dir + "/rejects.csv"));
  report->Row({"file", "line", "column", "value", "check", "reason"});
  size_t total = 0;
  for (const auto& [file, entry] : by_file) {
    const auto& [header, list] = entry;
    if (list.size() == 0) continue;
    LANTERN_ASSIGN_OR_RETURN(auto kept, BufferedWriter::Create(dir + "/" + file));
    kept->Write(header);
    kept->Put('\n');
    uint64_t last_line = 0;
    for (const Reject& r : list.rejects()) {
      report->Field(file).Int(static_cast<int64_t>(r.line)).Field(r.column).Field(r.value);
      report->Field(r.check).Field(r.reason);
      report->EndRow();
      ++total;
      // A row with several problems is reported once per problem, kept once.
      if (r.line != last_line && !r.raw.empty()) {
        kept->Write(r.raw);
        kept->Put('\n');
        last_line = r.line;
      }
    }
    LANTERN_RETURN_IF_ERROR(kept->Close());
  }
  LANTERN_RETURN_IF_ERROR(report->Close());
  return total;
}

}  // namespace lantern
