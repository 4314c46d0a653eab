#include "common/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lantern {
namespace {

struct Parsed {
  std::vector<std::vector<std::string>> rows;
  std::vector<uint64_t> lines;
  std::vector<CsvError> errors;
};

Parsed ParseAll(std::string_view text, size_t expected_fields = 0) {
  Parsed p;
  CsvReader reader(text);
  if (expected_fields) reader.set_expected_fields(expected_fields);
  CsvRecord rec;
  while (reader.Next(&rec)) {
    p.rows.emplace_back(rec.fields.begin(), rec.fields.end());
    p.lines.push_back(rec.line);
    p.errors.push_back(rec.error);
  }
  return p;
}

// Every record of `text` with its raw text, line, error and the position
// after it, read with the plain-record fast path on or off.
std::vector<std::string> Trace(std::string_view text, bool fast, size_t expected_fields) {
  std::vector<std::string> out;
  CsvReader reader(text);
  reader.set_plain_fast_path(fast);
  if (expected_fields) reader.set_expected_fields(expected_fields);
  CsvRecord rec;
  while (reader.Next(&rec)) {
    std::string t = std::to_string(rec.line) + "|" + std::to_string(static_cast<int>(rec.error)) +
                    "|" + std::to_string(reader.position()) + "|" + std::string(rec.raw) + "|";
    for (std::string_view f : rec.fields) t += std::string(f) + "\x1f";
    out.push_back(std::move(t));
  }
  return out;
}

TEST(CsvReaderTest, PlainFastPathReadsExactlyAsTheByteByByteReader) {
  // Short and long fields, empty fields, CRLF and lone CR, quotes (good
  // and stray), UTF-8 (valid and not), blank lines, the last record with
  // and without its line end: random texts from these pieces.
  const std::vector<std::string> pieces = {
      "a",    "bb",       "URN100000", "2019-07-24", "0123456789abcdefghij",
      "",     ",",        ",",         ",",          "\n",
      "\n",   "\r\n",     "\r",        "\"q\"",      "\"a,b\nc\"",
      "x\"y", "\xc3\xa9", "\xff",      "\n\n"};
  uint64_t state = 20261204;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state >> 33);
  };
  size_t records = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t n = next() % 60;
    for (size_t i = 0; i < n; ++i) {
      // Mostly plain pieces, so long plain records occur.
      const size_t k = next() % 10 < 7 ? next() % 11 : next() % pieces.size();
      text += pieces[k];
    }
    for (size_t expected : {size_t{0}, size_t{3}}) {
      const auto slow = Trace(text, false, expected);
      const auto fast = Trace(text, true, expected);
      ASSERT_EQ(fast, slow) << "text: " << text;
      records += fast.size();
    }
  }
  EXPECT_GT(records, 10000u);
}

TEST(CsvReaderTest, ReadsPlainRecordsWithLfAndCrlf) {
  auto p = ParseAll("a,b,c\n1,2,3\r\n4,5,6");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[1], (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(p.rows[2], (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 2, 3}));
}

TEST(CsvReaderTest, SkipsByteOrderMark) {
  auto p = ParseAll("\xEF\xBB\xBFurn,name\n1,x\n");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0][0], "urn");
}

TEST(CsvReaderTest, HandlesQuotesEscapesAndEmbeddedLineBreaks) {
  auto p = ParseAll("name,note\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\nnext,row\n");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[1][0], "Smith, J");
  EXPECT_EQ(p.rows[1][1], "said \"hi\"\nthen left");
  EXPECT_EQ(p.lines[2], 4u);  // the embedded line break still counts as a line
  EXPECT_EQ(p.rows[2][0], "next");
}

TEST(CsvReaderTest, KeepsEmptyFields) {
  auto p = ParseAll("a,b,c\n,,\n");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[1], (std::vector<std::string>{"", "", ""}));
}

TEST(CsvReaderTest, ReportsBadQuotingAndCarriesOn) {
  auto p = ParseAll("a,b\nab\"c,1\n\"x\"y,2\nok,3\n");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.errors[1], CsvError::kQuoteInField);
  EXPECT_EQ(p.errors[2], CsvError::kTextAfterQuote);
  EXPECT_EQ(p.errors[3], CsvError::kNone);
  EXPECT_EQ(p.rows[3][0], "ok");
}

TEST(CsvReaderTest, UnterminatedQuoteLosesOnlyItsOwnLine) {
  auto p = ParseAll("a,b\n\"never closed,1\nrow,2\nrow,3\n", 2);
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.errors[1], CsvError::kUnterminatedQuote);
  EXPECT_EQ(p.lines[1], 2u);
  EXPECT_EQ(p.errors[2], CsvError::kNone);
  EXPECT_EQ(p.rows[2][0], "row");
  EXPECT_EQ(p.lines[3], 4u);
}

TEST(CsvReaderTest, StrayQuoteDoesNotSwallowLaterLines) {
  // The quote opens on line 2 and closes on line 3, giving a record with the
  // wrong number of fields: it is cut back to line 2 and line 3 is read again.
  auto p = ParseAll("a,b\n\"x,1\ny\",2,5\nz,3\n", 2);
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.errors[1], CsvError::kFieldCount);
  EXPECT_EQ(p.lines[1], 2u);
  EXPECT_EQ(p.lines[2], 3u);
  EXPECT_EQ(p.rows.back()[0], "z");
  EXPECT_EQ(p.errors.back(), CsvError::kNone);
}

TEST(CsvReaderTest, FlagsWrongFieldCountAndInvalidUtf8) {
  auto p = ParseAll("a,b\n1,2,3\n\xE9t\xE9,2\n", 2);
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.errors[1], CsvError::kFieldCount);
  EXPECT_EQ(p.errors[2], CsvError::kInvalidUtf8);
}

TEST(CsvReaderTest, AcceptsValidUtf8) {
  auto p = ParseAll("name\nSt Mary\xE2\x80\x99s\n", 1);
  EXPECT_EQ(p.errors[1], CsvError::kNone);
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
}

TEST(CsvReaderTest, ChunksStartOnRecordBoundariesOutsideQuotes) {
  std::string body;
  for (int i = 0; i < 200000; ++i) {
    body += std::to_string(i) + ",\"multi\nline " + std::to_string(i) + "\"\n";
  }
  for (int threads : {1, 2, 3}) {
    auto chunks = SplitCsvChunks(body, 2, 4, 1 << 20, threads);
    ASSERT_GT(chunks.size(), 1u);
    size_t total = 0;
    int records = 0;
    uint64_t expected_line = 2;
    for (const auto& c : chunks) {
      EXPECT_EQ(c.first_line, expected_line);
      CsvReader r(c.data, c.first_line);
      r.set_expected_fields(2);
      CsvRecord rec;
      while (r.Next(&rec)) {
        ASSERT_EQ(rec.error, CsvError::kNone);
        ASSERT_EQ(rec.line, 2u + 2u * static_cast<uint64_t>(records));
        ++records;
      }
      total += c.data.size();
      expected_line += static_cast<uint64_t>(std::count(c.data.begin(), c.data.end(), '\n'));
    }
    EXPECT_EQ(total, body.size());
    EXPECT_EQ(records, 200000);
  }
}

// A quoted field longer than a piece (line breaks and doubled quotes
// inside it) carries the cut past the next piece's start: the records and
// their line numbers are those of the whole body read in one go.
TEST(CsvReaderTest, AQuotedFieldLongerThanAPieceIsNeverCut) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += std::to_string(i) + ",plain\n";
  body += "long,\"";
  for (int i = 0; i < 40000; ++i) body += "say \"\"hi\"\"\nagain ";  // under 1 MB
  body += "\"\n";
  for (int i = 0; i < 20000; ++i) body += std::to_string(i) + ",\"quoted\nrow\"\n";
  auto records_of = [](std::string_view data, uint64_t first_line) {
    std::vector<std::pair<uint64_t, std::string>> out;
    CsvReader r(data, first_line);
    r.set_expected_fields(2);
    CsvRecord rec;
    while (r.Next(&rec)) {
      EXPECT_EQ(rec.error, CsvError::kNone);
      out.emplace_back(rec.line, std::string(rec.fields.size() > 1 ? rec.fields[1] : ""));
    }
    return out;
  };
  const auto whole = records_of(body, 2);
  ASSERT_EQ(whole.size(), 40001u);
  for (int threads : {1, 2}) {
    auto chunks = SplitCsvChunks(body, 2, 16, 1 << 10, threads);
    ASSERT_GT(chunks.size(), 2u);
    ASSERT_LT(chunks.size(), 16u);  // the long field's pieces make no cut
    std::vector<std::pair<uint64_t, std::string>> joined;
    for (const auto& c : chunks) {
      for (auto& r : records_of(c.data, c.first_line)) joined.push_back(std::move(r));
    }
    EXPECT_EQ(joined, whole);
  }
}

TEST(CsvReaderTest, ChunksOfAPlainFileCoverItExactlyWithTheirLineNumbers) {
  std::string body;
  for (int i = 0; i < 100000; ++i)
    body += "K80521261800" + std::to_string(i % 10) + ",111581,2018-09-04,/,\\\n";
  body += "last,row,without,a,break";
  for (int n : {2, 3, 7}) {
    auto chunks = SplitCsvChunks(body, 5, n, 1 << 20, n == 3 ? 1 : 2);
    ASSERT_EQ(chunks.size(), static_cast<size_t>(n));
    size_t offset = 0;
    uint64_t line = 5;
    for (const auto& c : chunks) {
      EXPECT_EQ(c.data.data(), body.data() + offset);
      EXPECT_EQ(c.first_line, line);
      if (&c != &chunks.back()) {
        EXPECT_EQ(c.data.back(), '\n');
      }
      offset += c.data.size();
      line += static_cast<uint64_t>(std::count(c.data.begin(), c.data.end(), '\n'));
    }
    EXPECT_EQ(offset, body.size());
  }
}

TEST(CsvReaderTest, ChunkLineNumbersHoldThroughRunsOfBlankLinesAndQuotes) {
  // Runs of line breaks and of quotes longer than the scan counts in one
  // byte lane before adding up (255 rounds of 16 bytes).
  std::string body;
  for (int block = 0; block < 40; ++block) {
    body += std::string(5000 + block, '\n');
    body += "a,\"" + std::string(4500, '"') + "\",c\n";  // 4502 quotes: an even count
    for (int i = 0; i < 2000; ++i) body += "x,y,z\n";
  }
  for (int n : {2, 5}) {
    auto chunks = SplitCsvChunks(body, 2, n, 1 << 16, 2);
    ASSERT_GE(chunks.size(), 2u);
    uint64_t line = 2;
    size_t offset = 0;
    for (const auto& c : chunks) {
      EXPECT_EQ(c.first_line, line);
      EXPECT_EQ(c.data.data(), body.data() + offset);
      line += static_cast<uint64_t>(std::count(c.data.begin(), c.data.end(), '\n'));
      offset += c.data.size();
    }
    EXPECT_EQ(offset, body.size());
  }
}

}  // namespace
}  // namespace lantern
