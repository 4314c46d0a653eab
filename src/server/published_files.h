// The published CSV files the server answers from (the Local Outcomes
// Framework's, the LIPA effectiveness table), indexed for the endpoints as
// JSON text. Each file is read once, row by row from a mapping, whatever the
// number of indexes made of it: England's movement.csv is 160 MB and 619,000
// rows, indexed four ways.
#ifndef LANTERN_SERVER_PUBLISHED_FILES_H_
#define LANTERN_SERVER_PUBLISHED_FILES_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"

namespace lantern::server {

// One index of a file: the rows whose `key_column` is set (not empty, `z` or
// `x`), starting with `prefix` (which the key drops), and whose
// geographic_level is one of `levels` (any when empty, or when the file has
// no such column), as {"columns": [...], "rows": [[...], ...]} JSON text by
// key, in the file's order. A key already in `out` is replaced.
struct FileIndex {
  std::string key_column;
  std::vector<std::string> levels;
  std::map<std::string, std::string>* out = nullptr;
  std::string prefix = "";
};

// The place of the column `name` in a file's header, or -1.
int HeaderColumn(const std::vector<std::string>& header, std::string_view name);

// Sees each row of the file, after its header (the fields are valid during
// the call only).
using RowVisitor = std::function<void(const std::vector<std::string>& header,
                                      const std::vector<std::string_view>& row)>;

// Reads the CSV file at `path` into each of `indexes`, and shows each row to
// `each_row` when given. A row with the wrong number of fields is skipped;
// a file without a header, or without an index's key column, is an error
// (nothing is added to any index then).
Status IndexPublishedFile(const std::string& path, const std::vector<FileIndex>& indexes,
                          const RowVisitor& each_row = nullptr);

}  // namespace lantern::server

#endif  // LANTERN_SERVER_PUBLISHED_FILES_H_
