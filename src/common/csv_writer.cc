#include "common/csv_writer.h"

#include "common/rounding.h"

namespace lantern {

Result<std::unique_ptr<CsvWriter>> CsvWriter::Create(const std::string& path, size_t buffer_bytes) {
  LANTERN_ASSIGN_OR_RETURN(auto out, BufferedWriter::Create(path, buffer_bytes));
  std::unique_ptr<CsvWriter> w(new CsvWriter());
  w->out_ = std::move(out);
  return w;
}

std::unique_ptr<CsvWriter> CsvWriter::InMemory(size_t initial_bytes) {
  std::unique_ptr<CsvWriter> w(new CsvWriter());
  w->out_ = BufferedWriter::InMemory(initial_bytes);
  return w;
}

bool CsvNeedsQuotes(std::string_view text) {
  // One pass of plain compares: find_first_of calls memchr for every byte.
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

std::string CsvQuote(std::string_view text) {
  if (!CsvNeedsQuotes(text)) return std::string(text);
  std::string s;
  s.reserve(text.size() + 2);
  s.push_back('"');
  for (char c : text) {
    if (c == '"') s.push_back('"');
    s.push_back(c);
  }
  s.push_back('"');
  return s;
}

CsvWriter& CsvWriter::Field(std::string_view text) {
  Sep();
  if (!CsvNeedsQuotes(text)) {
    out_->Write(text);
    return *this;
  }
  // Quoted: each run up to a quote, then the quote doubled.
  out_->Put('"');
  for (size_t q; (q = text.find('"')) != std::string_view::npos; text.remove_prefix(q + 1)) {
    out_->Write(text.substr(0, q + 1));
    out_->Put('"');
  }
  out_->Write(text);
  out_->Put('"');
  return *this;
}

CsvWriter& CsvWriter::Decimal(double v, int dp) {
  Sep();
  char buf[64];
  size_t n = FormatDecimal(v, dp, buf, sizeof buf);
  out_->Write(std::string_view(buf, n));
  return *this;
}

}  // namespace lantern
