#include "common/csv_table.h"

#include <fmt/format.h>
#include <zlib.h>

#include <charconv>

#include "common/csv_reader.h"
#include "common/file_util.h"

namespace lantern {

namespace {
Result<std::string> ReadGzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Status::NotFound(fmt::format("cannot open {}", path));
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  gzclose(f);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) {
    return Status::Corruption(fmt::format("{}: {}", path, msg));
  }
  return out;
}
}  // namespace

Result<std::string> ReadGzipFile(const std::string& path) { return ReadGzip(path); }

std::string Windows1252ToUtf8(std::string_view text) {
  // Code points for 0x80-0x9F in Windows-1252 (0 = undefined, kept as U+FFFD).
  static constexpr char16_t kHigh[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    uint32_t cp = c >= 0xA0 ? c : kHigh[c - 0x80];
    if (cp == 0) cp = 0xFFFD;
    if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

Result<CsvTable> CsvTable::Load(const std::string& path, TextEncoding encoding) {
  std::string text;
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    LANTERN_ASSIGN_OR_RETURN(text, ReadGzip(path));
  } else {
    LANTERN_ASSIGN_OR_RETURN(text, ReadFileToString(path));
  }
  if (encoding == TextEncoding::kWindows1252) text = Windows1252ToUtf8(text);
  return FromString(text, path);
}

Result<CsvTable> CsvTable::FromString(std::string_view text, std::string name) {
  CsvTable t;
  t.name_ = std::move(name);
  CsvReader reader(text);
  CsvRecord rec;
  if (!reader.Next(&rec) || rec.error != CsvError::kNone) {
    return Status::InvalidInput(fmt::format("{}: no readable header line", t.name_));
  }
  for (auto f : rec.fields) {
    t.index_.emplace(std::string(f), static_cast<int>(t.header_.size()));
    t.header_.emplace_back(f);
  }
  reader.set_expected_fields(t.header_.size());
  while (reader.Next(&rec)) {
    if (rec.error != CsvError::kNone) {
      ++t.malformed_;
      continue;
    }
    std::vector<std::string> row;
    row.reserve(rec.fields.size());
    for (auto f : rec.fields) row.emplace_back(f);
    t.rows_.push_back(std::move(row));
  }
  return t;
}

int CsvTable::Column(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? -1 : it->second;
}

Result<int> CsvTable::RequireColumn(std::string_view name) const {
  int c = Column(name);
  if (c < 0) return Status::InvalidInput(fmt::format("{}: missing column '{}'", name_, name));
  return c;
}

std::optional<double> ParsePublishedNumber(std::string_view s) {
  while (!s.empty() && (s.front() == ' ')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '%')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  std::string cleaned;
  if (s.find(',') != std::string_view::npos) {
    for (char c : s)
      if (c != ',') cleaned.push_back(c);
    s = cleaned;
  }
  if (s.front() == '+') s.remove_prefix(1);
  double v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace lantern
