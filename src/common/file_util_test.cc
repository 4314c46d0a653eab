#include "common/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
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

// A staged run's files reach OUT together on Commit; a run that is not
// committed leaves OUT as it was; the file a commit replaces is written over
// by the run after next (recycled), unless another folder links it.
TEST(StagedFolderTest, FilesReachOutTogetherAndARecycledFileLinkedElsewhereIsLeftAlone) {
  namespace fs = std::filesystem;
  const std::string out = ::testing::TempDir() + "/lantern_staged_out";
  const std::string other = ::testing::TempDir() + "/lantern_staged_other";
  fs::remove_all(out);
  fs::remove_all(other);
  auto read = [](const std::string& path) {
    auto text = ReadFileToString(path);
    return text.ok() ? *text : std::string("(none)");
  };
  auto inode = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
  };
  // One run: a.csv (recycled) and b.csv written, then committed or not.
  auto run = [&](const std::string& a, bool commit) {
    auto f = StagedFolder::Open(out, {"a.csv"});
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    for (const auto& [name, text] : {std::pair{"a.csv", a}, std::pair{"b.csv", a + "b"}}) {
      auto w = BufferedWriter::Create((*f)->dir() + "/" + name).value();
      w->Write(text);
      ASSERT_TRUE(w->Close().ok());
    }
    EXPECT_NE(read(out + "/a.csv"), a) << "in OUT before the commit";
    if (commit) ASSERT_TRUE((*f)->Commit().ok());
  };
  run("first run", true);
  EXPECT_EQ(read(out + "/a.csv"), "first run");
  EXPECT_EQ(read(out + "/b.csv"), "first runb");
  const auto first = inode(out + "/a.csv");
  run("failed", false);
  EXPECT_EQ(read(out + "/a.csv"), "first run");
  EXPECT_EQ(read(out + "/b.csv"), "first runb");
  for (const auto& e : fs::directory_iterator(out)) {
    EXPECT_EQ(e.path().filename().string().rfind(".staging", 0), std::string::npos)
        << "left behind: " << e.path();
  }
  run("third, the longest of all", true);
  EXPECT_EQ(read(out + "/.spare/a.csv"), "first run");
  run("4th", true);
  // The first run's file, written over and cut to length.
  EXPECT_EQ(read(out + "/a.csv"), "4th");
  EXPECT_EQ(inode(out + "/a.csv"), first);
  // Another folder takes a second name for it, then two more runs: the one
  // after next would write over it as its spare, but another name links it.
  {
    auto f = StagedFolder::Open(other, {"a.csv"}).value();
    ASSERT_TRUE(f->Link(out + "/a.csv", "a.csv").ok());
    ASSERT_TRUE(f->Commit().ok());
  }
  EXPECT_EQ(inode(other + "/a.csv"), first);
  run("sixth", true);
  run("seventh", true);
  EXPECT_EQ(read(out + "/a.csv"), "seventh");
  EXPECT_EQ(read(other + "/a.csv"), "4th");
  fs::remove_all(out);
  fs::remove_all(other);
}

}  // namespace
}  // namespace lantern
