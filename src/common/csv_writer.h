// CSV writing (RFC 4180, UTF-8, LF line ends), fast enough for the generator's
// billions of marks and the tidy output files.
#ifndef LANTERN_COMMON_CSV_WRITER_H_
#define LANTERN_COMMON_CSV_WRITER_H_

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_util.h"
#include "common/parallel.h"
#include "lantern/status.h"

namespace lantern {

class CsvWriter {
 public:
  static Result<std::unique_ptr<CsvWriter>> Create(const std::string& path,
                                                   size_t buffer_bytes = 1 << 22);

  // Rows formatted into memory (BufferedWriter::InMemory): read them with
  // raw_writer().contents(), drop them with raw_writer().Clear().
  static std::unique_ptr<CsvWriter> InMemory(size_t initial_bytes = 1 << 16);

  // A field, quoted only when it holds a comma, quote or line break.
  CsvWriter& Field(std::string_view text);
  // A field written as is: the caller promises it needs no quoting.
  CsvWriter& Raw(std::string_view text) {
    Sep();
    out_->Write(text);
    return *this;
  }
  CsvWriter& Int(int64_t v) {
    Sep();
    char* p = out_->Reserve(24);
    auto r = std::to_chars(p, p + 24, v);
    out_->Commit(static_cast<size_t>(r.ptr - p));
    return *this;
  }
  // Fixed decimal places, rounding half away from zero (see RoundHalfUp).
  CsvWriter& Decimal(double v, int dp);
  CsvWriter& Empty() {
    Sep();
    return *this;
  }
  void EndRow() {
    out_->Put('\n');
    first_ = true;
  }
  void Row(const std::vector<std::string_view>& fields) {
    for (auto f : fields) Field(f);
    EndRow();
  }
  BufferedWriter& raw_writer() { return *out_; }
  Status Close(bool sync = false) { return out_->Close(sync); }

 private:
  void Sep() {
    if (!first_) out_->Put(',');
    first_ = false;
  }
  std::unique_ptr<BufferedWriter> out_;
  bool first_ = true;
};

// Whether a field holds a comma, quote or line break (and so is quoted).
bool CsvNeedsQuotes(std::string_view text);
// Quotes a field for CSV if it needs it.
std::string CsvQuote(std::string_view text);

// The rows of items [0, items) formatted on `threads` workers, `per_block`
// items to a block, and handed to write(text) in item order (write returns
// a Status). format(i, csv) writes item i's rows, as many as it has.
template <typename Format, typename Write>
Status WriteCsvInBlocks(size_t items, size_t per_block, int threads, Format&& format,
                        Write&& write) {
  struct Block {
    std::unique_ptr<CsvWriter> csv = CsvWriter::InMemory(1 << 20);
  };
  return WriteOrderedBlocks<Block>(
      (items + per_block - 1) / per_block, threads,
      [&](size_t b, Block* block, int) {
        CsvWriter& csv = *block->csv;
        csv.raw_writer().Clear();
        for (size_t i = b * per_block; i < std::min(items, (b + 1) * per_block); ++i) {
          format(i, csv);
        }
      },
      [&](const Block& block) { return write(block.csv->raw_writer().contents()); });
}

}  // namespace lantern

#endif  // LANTERN_COMMON_CSV_WRITER_H_
