// A small CSV file read whole into memory, with columns found by name.
// For reference and published files (thousands of rows), not for pupil data.
#ifndef LANTERN_COMMON_CSV_TABLE_H_
#define LANTERN_COMMON_CSV_TABLE_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lantern/status.h"

namespace lantern {

enum class TextEncoding { kUtf8, kWindows1252 };

class CsvTable {
 public:
  // Reads path (UTF-8 with or without BOM, or Windows-1252 converted to UTF-8;
  // .gz files are decompressed). Malformed records are counted, not kept.
  static Result<CsvTable> Load(const std::string& path,
                               TextEncoding encoding = TextEncoding::kUtf8);
  static Result<CsvTable> FromString(std::string_view text, std::string name = "<memory>");

  size_t rows() const { return rows_.size(); }
  const std::vector<std::string>& header() const { return header_; }
  // Column index by exact name, or -1.
  int Column(std::string_view name) const;
  // Fails with a clear message naming the file when a column is missing.
  Result<int> RequireColumn(std::string_view name) const;
  const std::string& Cell(size_t row, int col) const {
    return rows_[row][static_cast<size_t>(col)];
  }
  const std::vector<std::string>& Row(size_t row) const { return rows_[row]; }
  size_t malformed_records() const { return malformed_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::vector<std::string>> rows_;
  size_t malformed_ = 0;
};

// Parses a published number: "12.5", "12.5%", "1,234". Returns nullopt for
// the symbols published in place of a number (NA, SUPP, NE, NP, SP, x, c, z,
// low, ~, :, -, empty).
std::optional<double> ParsePublishedNumber(std::string_view text);

std::string Windows1252ToUtf8(std::string_view text);

// The whole of a gzip file, decompressed (for streaming a large published
// file through CsvReader without a CsvTable's copy of every cell).
Result<std::string> ReadGzipFile(const std::string& path);

}  // namespace lantern

#endif  // LANTERN_COMMON_CSV_TABLE_H_
