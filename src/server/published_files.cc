#include "server/published_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "common/csv_reader.h"
#include "common/file_util.h"
#include "common/json_text.h"

namespace lantern::server {

int HeaderColumn(const std::vector<std::string>& header, std::string_view name) {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

Status IndexPublishedFile(const std::string& path, const std::vector<FileIndex>& indexes,
                          const RowVisitor& each_row) {
  LANTERN_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file, MappedFile::Open(path));
  file->AdviseSequential();
  CsvReader reader(file->data());
  CsvRecord rec;
  if (!reader.Next(&rec) || rec.error != CsvError::kNone) {
    return Status::Corruption(fmt::format("{}: no readable header line", path));
  }
  const std::vector<std::string> header(rec.fields.begin(), rec.fields.end());
  const int level = HeaderColumn(header, "geographic_level");
  std::vector<int> keys;
  for (const FileIndex& x : indexes) {
    keys.push_back(HeaderColumn(header, x.key_column));
    if (keys.back() < 0) {
      return Status::Corruption(fmt::format("{} has no {} column", path, x.key_column));
    }
  }
  std::string head = "{\"columns\":";
  AppendJsonStrings(header, &head);
  head += ",\"rows\":[";
  // Per index: key -> its rows' text so far.
  std::vector<std::map<std::string, std::string, std::less<>>> rows(indexes.size());
  std::string row_text;  // the row as JSON, written once for every index that keeps it
  reader.set_expected_fields(header.size());
  while (reader.Next(&rec)) {
    if (rec.error != CsvError::kNone) continue;
    row_text.clear();
    for (size_t i = 0; i < indexes.size(); ++i) {
      const FileIndex& x = indexes[i];
      std::string_view k = rec.fields[static_cast<size_t>(keys[i])];
      if (k.empty() || k == "z" || k == "x" || !k.starts_with(x.prefix)) continue;
      k.remove_prefix(x.prefix.size());
      if (k.empty()) continue;
      if (!x.levels.empty() && level >= 0 &&
          std::find(x.levels.begin(), x.levels.end(), rec.fields[static_cast<size_t>(level)]) ==
              x.levels.end()) {
        continue;
      }
      if (row_text.empty()) AppendJsonStrings(rec.fields, &row_text);
      auto it = rows[i].find(k);
      if (it == rows[i].end()) {
        it = rows[i].emplace(std::string(k), head).first;
      } else {
        it->second.push_back(',');
      }
      it->second += row_text;
    }
    if (each_row) each_row(header, rec.fields);
  }
  for (size_t i = 0; i < indexes.size(); ++i) {
    for (auto& [k, text] : rows[i]) {
      text += "]}";
      (*indexes[i].out)[k] = std::move(text);
    }
  }
  return Status::Ok();
}

}  // namespace lantern::server
