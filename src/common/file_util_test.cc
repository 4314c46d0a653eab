#include "common/file_util.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common/csv_writer.h"

namespace lantern {
namespace {

TEST(BufferedWriterTest, InMemoryGrowsPastItsFirstBufferAndKeepsEveryByte) {
  auto w = BufferedWriter::InMemory(64);
  std::string want;
  for (int i = 0; i < 1000; ++i) {
    const std::string piece = "row " + std::to_string(i) + ",";
    w->Write(piece);
    want += piece;
    w->Put('\n');
    want += '\n';
    char* p = w->Reserve(20);
    const int n = std::snprintf(p, 20, "%d;", i * 7);
    w->Commit(static_cast<size_t>(n));
    want += std::to_string(i * 7) + ";";
  }
  const std::string big(5000, 'x');  // more than the buffer holds at once
  w->Write(big);
  want += big;
  EXPECT_EQ(w->contents(), want);
  EXPECT_EQ(w->bytes_written(), want.size());
  w->Clear();
  EXPECT_TRUE(w->contents().empty());
  w->Write("again");
  EXPECT_EQ(w->contents(), "again");
  EXPECT_TRUE(w->Close().ok());
}

TEST(BufferedWriterTest, CsvRowsFormattedInMemoryAreQuotedAsInAFile) {
  auto csv = CsvWriter::InMemory(16);
  csv->Field("plain").Field("with, comma").Int(-42).Decimal(2.345, 2);
  csv->EndRow();
  EXPECT_EQ(csv->raw_writer().contents(), "plain,\"with, comma\",-42,2.35\n");
}

TEST(BufferedWriterTest, AFieldIsQuotedWhenItHoldsACommaQuoteOrLineBreak) {
  for (std::string_view plain : {"", "abc", "a;b", "caf\xc3\xa9", "tab\there"}) {
    EXPECT_FALSE(CsvNeedsQuotes(plain)) << plain;
    EXPECT_EQ(CsvQuote(plain), plain);
  }
  EXPECT_EQ(CsvQuote("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvQuote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvQuote("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvQuote("cr\r"), "\"cr\r\"");
  EXPECT_TRUE(CsvNeedsQuotes(std::string_view("x\0,", 3)));  // past a NUL byte too
}

// Field writes the quoted text in pieces; it must give what CsvQuote gives.
TEST(BufferedWriterTest, AFieldWrittenIsTheQuotedText) {
  for (std::string_view text : {"", "abc", "a,b", "\"", "\"\"", "say \"hi\", twice",
                                "\"at the start", "at the end\"", "two\nlines"}) {
    auto csv = CsvWriter::InMemory(4);
    csv->Field(text);
    EXPECT_EQ(csv->raw_writer().contents(), CsvQuote(text)) << text;
  }
}

// CopyOut gives the bytes of the view, whether it reads the file (kept
// open) or the mapping.
TEST(MappedFileTest, CopyOutGivesTheViewsBytesReadFromTheFileOrTheMapping) {
  const std::string path = ::testing::TempDir() + "/lantern_copy_out.bin";
  std::string bytes;
  for (int i = 0; i < 10000; ++i) bytes += static_cast<char>(i * 7 + i / 256);
  {
    auto w = BufferedWriter::Create(path).value();
    w->Write(bytes);
    ASSERT_TRUE(w->Close().ok());
  }
  for (const bool keep_open : {false, true}) {
    auto f = MappedFile::Open(path, keep_open).value();
    ASSERT_EQ(f->data(), bytes);
    for (const size_t at : {size_t{0}, size_t{4095}, size_t{4096}, size_t{9990}}) {
      char out[10] = {};
      f->CopyOut(f->data().data() + at, sizeof out, out);
      EXPECT_EQ(std::string(out, sizeof out), bytes.substr(at, sizeof out))
          << keep_open << " " << at;
    }
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace lantern
