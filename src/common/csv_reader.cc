#include "common/csv_reader.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>

#include "common/parallel.h"

namespace lantern {

namespace {
// A quoted field longer than this is treated as unterminated: no real field in
// an education return is a megabyte long, and the cap keeps a stray quote
// from making a read quadratic.
constexpr size_t kMaxQuotedFieldBytes = 1 << 20;
}  // namespace

std::string_view CsvErrorMessage(CsvError error) {
  switch (error) {
    case CsvError::kNone:
      return "";
    case CsvError::kUnterminatedQuote:
      return "malformed CSV: quoted field is never closed";
    case CsvError::kTextAfterQuote:
      return "malformed CSV: text after a closing quote";
    case CsvError::kQuoteInField:
      return "malformed CSV: quote inside an unquoted field";
    case CsvError::kInvalidUtf8:
      return "encoding error: bytes are not valid UTF-8";
    case CsvError::kFieldCount:
      return "malformed CSV: wrong number of fields for the header";
  }
  return "malformed CSV";
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

std::string_view StripBom(std::string_view data) {
  if (data.size() >= 3 && static_cast<unsigned char>(data[0]) == 0xEF &&
      static_cast<unsigned char>(data[1]) == 0xBB && static_cast<unsigned char>(data[2]) == 0xBF) {
    data.remove_prefix(3);
  }
  return data;
}

CsvReader::CsvReader(std::string_view data, uint64_t first_line) : line_(first_line) {
  if (first_line == 1) data = StripBom(data);
  data_ = data;
}

bool CsvReader::Next(CsvRecord* record) {
  // Skip blank lines: they carry no record.
  while (pos_ < data_.size()) {
    char c = data_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
    } else if (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
    } else {
      break;
    }
  }
  if (pos_ >= data_.size()) return false;
  return (plain_fast_path_ && ParsePlainRecord(record)) || ParseRecord(record);
}

namespace {
// Bytes an unquoted field must stop at: delimiter, line ends, quote, and
// the bytes of multi-byte UTF-8 (checked once per record).
constexpr std::array<bool, 256> kSpecialByte = [] {
  std::array<bool, 256> t{};
  t[','] = t['\n'] = t['\r'] = t['"'] = true;
  for (int c = 0x80; c < 256; ++c) t[static_cast<size_t>(c)] = true;
  return t;
}();
}  // namespace

bool CsvReader::ParseRecord(CsvRecord* record) {
  const char* d = data_.data();
  const size_t n = data_.size();
  const size_t start = pos_;
  const uint64_t start_line = line_;
  size_t i = pos_;
  uint64_t lines_inside = 0;
  CsvError error = CsvError::kNone;
  bool high_bytes = false;
  scratch_.clear();
  spans_.clear();

  for (;;) {
    // One field starts at i.
    if (i < n && d[i] == '"') {
      ++i;
      const uint32_t scratch_start = static_cast<uint32_t>(scratch_.size());
      const size_t content_start = i;
      bool escaped = false;
      bool closed = false;
      const size_t limit = std::min(n, content_start + kMaxQuotedFieldBytes);
      while (i < limit) {
        char c = d[i];
        if (c == '"') {
          if (i + 1 < n && d[i + 1] == '"') {
            if (!escaped) {
              scratch_.append(d + content_start, i - content_start);
              escaped = true;
            }
            scratch_.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        if (c == '\n') ++lines_inside;
        if (static_cast<unsigned char>(c) >= 0x80) high_bytes = true;
        if (escaped) scratch_.push_back(c);
        ++i;
      }
      if (!closed) return FirstLineOnly(record, start, start_line, CsvError::kUnterminatedQuote);
      if (escaped) {
        spans_.push_back(
            {scratch_start, static_cast<uint32_t>(scratch_.size() - scratch_start), true});
      } else {
        spans_.push_back({static_cast<uint32_t>(content_start - start),
                          static_cast<uint32_t>(i - 1 - content_start), false});
      }
      // After a closing quote only a delimiter or a line end may follow.
      if (i < n && d[i] != ',' && d[i] != '\n' &&
          !(d[i] == '\r' && i + 1 < n && d[i + 1] == '\n') && !(d[i] == '\r' && i + 1 == n)) {
        if (error == CsvError::kNone) error = CsvError::kTextAfterQuote;
        while (i < n && d[i] != ',' && d[i] != '\n') ++i;
      }
    } else {
      const size_t field_start = i;
      while (i < n) {
        // Ordinary bytes in one tight loop; the few that matter are sorted out below.
        while (i < n && !kSpecialByte[static_cast<unsigned char>(d[i])]) ++i;
        if (i == n) break;
        const char c = d[i];
        if (c == ',' || c == '\n') break;
        if (c == '\r' && (i + 1 == n || d[i + 1] == '\n')) break;
        if (c == '"' && error == CsvError::kNone) error = CsvError::kQuoteInField;
        if (static_cast<unsigned char>(c) >= 0x80) high_bytes = true;
        ++i;
      }
      spans_.push_back({static_cast<uint32_t>(field_start - start),
                        static_cast<uint32_t>(i - field_start), false});
    }
    if (i < n && d[i] == ',') {
      ++i;
      continue;
    }
    break;  // end of record: line break or end of data
  }

  if (error == CsvError::kNone && expected_fields_ != 0 && spans_.size() != expected_fields_) {
    error = CsvError::kFieldCount;
  }
  if (error != CsvError::kNone && lines_inside > 0) {
    return FirstLineOnly(record, start, start_line, error);
  }

  const size_t raw_end = i;
  if (i < n && d[i] == '\r') ++i;
  if (i < n && d[i] == '\n') ++i;
  if (error == CsvError::kNone && high_bytes &&
      !IsValidUtf8(data_.substr(start, raw_end - start))) {
    error = CsvError::kInvalidUtf8;
  }
  Emit(record, start, start_line, raw_end, i, lines_inside, error);
  return true;
}

void CsvReader::Emit(CsvRecord* record, size_t start, uint64_t start_line, size_t raw_end,
                     size_t next, uint64_t lines_inside, CsvError error) {
  pos_ = next;
  line_ = start_line + lines_inside + 1;
  record->raw = data_.substr(start, raw_end - start);
  record->line = start_line;
  record->error = error;
  record->fields.resize(spans_.size());
  const char* d = data_.data();
  for (size_t f = 0; f < spans_.size(); ++f) {
    const FieldSpan& s = spans_[f];
    record->fields[f] = s.in_scratch ? std::string_view(scratch_.data() + s.offset, s.length)
                                     : std::string_view(d + start + s.offset, s.length);
  }
}

bool CsvReader::ParsePlainRecord(CsvRecord* record) {
#if defined(__SSE2__)
  const char* d = data_.data();
  const size_t n = data_.size();
  const size_t start = pos_;
  spans_.clear();
  size_t field_start = start;
  auto field_ends_at = [&](size_t end) {
    spans_.push_back({static_cast<uint32_t>(field_start - start),
                      static_cast<uint32_t>(end - field_start), false});
    field_start = end + 1;
  };
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i line_feed = _mm_set1_epi8('\n');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  const __m128i quote = _mm_set1_epi8('"');
  for (size_t i = start; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
    unsigned commas = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)));
    // Line ends, quotes and (the sign bit) bytes over 0x7F.
    const unsigned stops = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, line_feed), _mm_cmpeq_epi8(v, carriage_return)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, quote), v))));
    if (stops != 0) commas &= (1u << __builtin_ctz(stops)) - 1;  // the commas before the stop
    for (; commas != 0; commas &= commas - 1)
      field_ends_at(i + static_cast<size_t>(__builtin_ctz(commas)));
    if (stops == 0) continue;
    const size_t end = i + static_cast<size_t>(__builtin_ctz(stops));
    size_t next = end + 1;
    if (d[end] == '\r' && next < n && d[next] == '\n') {
      ++next;
    } else if (d[end] != '\n') {
      return false;  // a quote, a lone carriage return or UTF-8: ParseRecord
    }
    field_ends_at(end);
    CsvError error = CsvError::kNone;
    if (expected_fields_ != 0 && spans_.size() != expected_fields_) error = CsvError::kFieldCount;
    Emit(record, start, line_, end, next, 0, error);
    return true;
  }
#else
  (void)record;
#endif
  return false;  // too near the end of the data: ParseRecord
}

bool CsvReader::FirstLineOnly(CsvRecord* record, size_t start, uint64_t start_line,
                              CsvError error) {
  size_t eol = data_.find('\n', start);
  size_t end = eol == std::string_view::npos ? data_.size() : eol;
  size_t raw_end = (end > start && data_[end - 1] == '\r') ? end - 1 : end;
  record->raw = data_.substr(start, raw_end - start);
  record->fields.clear();
  record->line = start_line;
  record->error = error;
  pos_ = eol == std::string_view::npos ? data_.size() : eol + 1;
  line_ = start_line + 1;
  return true;
}

namespace {
// Line breaks and double quotes in [p, end), in one pass: 16 bytes at a
// time, each byte's matches counted in a byte lane (at most 255 rounds)
// and the lanes added up with a sum of absolute differences.
void CountBreaksAndQuotes(const char* p, const char* end, uint64_t* breaks, uint64_t* quotes) {
#if defined(__SSE2__)
  const __m128i line_feed = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i zero = _mm_setzero_si128();
  auto add_lanes = [&](__m128i lanes, uint64_t* total) {
    const __m128i sums = _mm_sad_epu8(lanes, zero);
    *total += static_cast<uint64_t>(_mm_cvtsi128_si64(sums)) +
              static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  };
  while (end - p >= 16) {
    const size_t rounds = std::min<size_t>(255, static_cast<size_t>(end - p) / 16);
    __m128i b = zero, q = zero;
    for (size_t r = 0; r < rounds; ++r, p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      b = _mm_sub_epi8(b, _mm_cmpeq_epi8(v, line_feed));  // a match is -1
      q = _mm_sub_epi8(q, _mm_cmpeq_epi8(v, quote));
    }
    add_lanes(b, breaks);
    add_lanes(q, quotes);
  }
#endif
  for (; p < end; ++p) {
    *breaks += *p == '\n';
    *quotes += *p == '"';
  }
}
}  // namespace

std::vector<CsvChunk> SplitCsvChunks(std::string_view body, uint64_t body_first_line, int n,
                                     size_t min_bytes, int threads) {
  std::vector<CsvChunk> chunks;
  if (n <= 1 || body.size() < min_bytes || body.empty()) {
    chunks.push_back({body, body_first_line});
    return chunks;
  }
  const char* data = body.data();
  const size_t pieces = static_cast<size_t>(n);
  auto piece_start = [&](size_t k) { return body.size() * k / pieces; };
  // One pass over the body on every thread: each piece's quotes and line
  // breaks, so the quote parity and the line number at each piece's start
  // are prefix sums (the body is read once, in parallel).
  std::vector<uint64_t> quotes(pieces, 0), breaks(pieces, 0);
  ParallelFor(pieces, threads, 1, [&](size_t b, size_t e, int) {
    for (size_t k = b; k < e; ++k) {
      CountBreaksAndQuotes(data + piece_start(k), data + piece_start(k + 1), &breaks[k],
                           &quotes[k]);
    }
  });
  // Each cut: the first line break outside quotes at or after a piece's
  // start (a quoted field may carry the cut past the next piece's start:
  // then that piece makes no cut of its own).
  size_t begin = 0;
  uint64_t line = body_first_line, line_at_piece = body_first_line;
  bool parity = false;  // inside quotes at the piece's start
  for (size_t k = 0; k + 1 < pieces; ++k) {
    line_at_piece += breaks[k];
    parity ^= (quotes[k] & 1) != 0;
    const size_t from = piece_start(k + 1);
    if (from < begin) continue;
    bool in_quotes = parity;
    size_t scan = from, cut = std::string_view::npos;
    while (scan < body.size()) {
      const char* nl = static_cast<const char*>(std::memchr(data + scan, '\n', body.size() - scan));
      if (nl == nullptr) break;
      const size_t at = static_cast<size_t>(nl - data);
      for (const char* q = data + scan;
           (q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(nl - q)))); ++q) {
        in_quotes = !in_quotes;
      }
      scan = at + 1;
      if (!in_quotes) {
        cut = scan;
        break;
      }
    }
    if (cut == std::string_view::npos) break;
    if (cut <= begin || cut >= body.size()) continue;
    chunks.push_back({body.substr(begin, cut - begin), line});
    // The line at the cut: the piece's first line and the breaks before the cut.
    line = line_at_piece + static_cast<uint64_t>(std::count(data + from, data + cut, '\n'));
    begin = cut;
  }
  if (begin < body.size()) chunks.push_back({body.substr(begin), line});
  return chunks;
}

}  // namespace lantern
