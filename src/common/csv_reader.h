// RFC 4180 CSV reading over an in-memory buffer (usually a memory-mapped file).
//
// - A UTF-8 byte-order mark at the start is skipped; CRLF and LF both end a record.
// - Quoted fields may hold commas, doubled quotes ("") and line breaks.
// - A record that breaks the grammar (an unterminated quote, text after a
//   closing quote, a quote inside an unquoted field, bytes that are not
//   UTF-8) is returned with `error` set and never aborts the read: the reader
//   resynchronises at the next line break and goes on, so every later record
//   is still seen. Callers report such records; they do not vanish.
// - `line` is the 1-based physical line on which a record starts (the header
//   is line 1), as a person opening the file in an editor would count.
#ifndef LANTERN_COMMON_CSV_READER_H_
#define LANTERN_COMMON_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lantern {

enum class CsvError : uint8_t {
  kNone = 0,
  kUnterminatedQuote,  // a quoted field runs to the end of the file
  kTextAfterQuote,     // "abc"x
  kQuoteInField,       // ab"c
  kInvalidUtf8,        // bytes that are not UTF-8 (e.g. a Windows-1252 export)
  kFieldCount,         // not as many fields as the header has columns
};
std::string_view CsvErrorMessage(CsvError error);

struct CsvRecord {
  std::vector<std::string_view> fields;  // valid until the next call to Next()
  std::string_view raw;                  // the record's bytes, without its line break
  uint64_t line = 0;
  CsvError error = CsvError::kNone;
};

class CsvReader {
 public:
  // `first_line` is the physical line number of data[0]; pass it when reading
  // one chunk of a larger file.
  explicit CsvReader(std::string_view data, uint64_t first_line = 1);

  // Reads the next record; false at the end of the data. Empty lines are
  // skipped (they hold no record), but still counted for line numbers.
  bool Next(CsvRecord* record);

  // When set, a record with another number of fields has error kFieldCount.
  // A bad record that spans several lines (a stray quote swallowing line
  // breaks) is cut back to its first line, so it never hides later records.
  void set_expected_fields(size_t n) { expected_fields_ = n; }
  // Plain records (no quote, lone carriage return or byte over 0x7F) are
  // split 16 bytes at a time; off, every record is read byte by byte. The
  // two give the same records (tests compare them).
  void set_plain_fast_path(bool on) { plain_fast_path_ = on; }

  // Bytes consumed so far (for progress and chunking).
  size_t position() const { return pos_; }

 private:
  struct FieldSpan {
    uint32_t offset;
    uint32_t length;
    bool in_scratch;
  };
  bool ParseRecord(CsvRecord* record);
  // A record of plain fields (no quote, carriage return or byte over
  // 0x7F, ended by a line feed) split 16 bytes at a time; false, with
  // nothing consumed, for any other record (ParseRecord reads it).
  bool ParsePlainRecord(CsvRecord* record);
  // Fills `record` from spans_ (and scratch_) for the record at `start`
  // whose text ends at raw_end; reading goes on at next.
  void Emit(CsvRecord* record, size_t start, uint64_t start_line, size_t raw_end, size_t next,
            uint64_t lines_inside, CsvError error);
  // Reports the record as bad, keeping only its first line, and resumes
  // reading on the next line.
  bool FirstLineOnly(CsvRecord* record, size_t start, uint64_t start_line, CsvError error);

  std::string_view data_;
  size_t expected_fields_ = 0;
  bool plain_fast_path_ = true;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  std::string scratch_;
  std::vector<FieldSpan> spans_;
};

// True when every byte sequence in text is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

// Strips a leading UTF-8 byte-order mark.
std::string_view StripBom(std::string_view data);

// Splits data (after its header) into up to n pieces that each start at a
// record boundary, for parsing in parallel. Quote parity is tracked so a
// line break inside a quoted field is never chosen as a boundary.
struct CsvChunk {
  std::string_view data;
  uint64_t first_line;
};
// Bodies smaller than min_bytes stay in one piece (threads cost more than
// they save there). The body is scanned (quotes, line breaks) on `threads`
// threads.
std::vector<CsvChunk> SplitCsvChunks(std::string_view body, uint64_t body_first_line, int n,
                                     size_t min_bytes = 1 << 20, int threads = 1);

}  // namespace lantern

#endif  // LANTERN_COMMON_CSV_READER_H_
