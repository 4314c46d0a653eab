// The segment format against its header comment, read from the file bytes
// themselves: round trips, 64-byte and page alignment, a CRC-32 per column,
// and damaged files giving an error Status, never a crash.
#include "store/segment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "common/file_util.h"
#include "tests/scratch_dir.h"

namespace lantern {
namespace {

// CRC-32 (IEEE, reflected), one bit at a time: independent of zlib.
uint32_t BitwiseCrc32(std::string_view s) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char ch : s) {
    crc ^= ch;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

template <typename T>
T Get(const std::string& b, size_t at) {
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}

// One header entry as the layout comment describes it, with where its
// fields are in the file (to damage them).
struct Entry {
  std::string name;
  uint8_t kind, width;
  uint64_t rows, offset, bytes;
  uint32_t crc;
  size_t rows_at, offset_at, bytes_at;
};
std::vector<Entry> ParseHeader(const std::string& b, size_t* header_end) {
  std::vector<Entry> out;
  size_t pos = 16;
  for (uint32_t i = 0; i < Get<uint32_t>(b, 12); ++i) {
    Entry e;
    const uint16_t len = Get<uint16_t>(b, pos);
    e.name = b.substr(pos + 2, len);
    pos += 2 + len;
    e.kind = Get<uint8_t>(b, pos);
    e.width = Get<uint8_t>(b, pos + 1);
    e.rows_at = pos + 2, e.offset_at = pos + 10, e.bytes_at = pos + 18;
    e.rows = Get<uint64_t>(b, e.rows_at);
    e.offset = Get<uint64_t>(b, e.offset_at);
    e.bytes = Get<uint64_t>(b, e.bytes_at);
    e.crc = Get<uint32_t>(b, pos + 26);
    pos += 30;
    out.push_back(e);
  }
  *header_end = pos;
  return out;
}

class SegmentTest : public testing::ScratchDirTest {
 protected:
  SegmentTest() : ScratchDirTest("lantern_segment") {}
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Bytes(const std::string& path) const { return ReadFileToString(path).value(); }
  std::string Put(const std::string& name, const std::string& bytes) const {
    std::ofstream(Path(name), std::ios::binary) << bytes;
    return Path(name);
  }
  // A small segment: a u64 column, a string column, then an int16 column last.
  std::string Small() {
    SegmentWriter w;
    w.AddColumn("ids", ids_);
    w.AddStringColumn("names", names_);
    w.AddColumn("codes", codes_);
    EXPECT_TRUE(w.Write(Path("small.seg")).ok());
    return Path("small.seg");
  }
  std::vector<uint64_t> ids_ = {1, 2, 3, 1ull << 40, ~0ull};
  std::vector<std::string> names_ = {"AAAAAAAA", "", "b"};
  std::vector<int16_t> codes_ = {-7, 805, 32767};
};

struct Triple {
  int32_t a;
  float b;
  uint8_t c[4];
  bool operator==(const Triple& o) const {
    return a == o.a && b == o.b && std::memcmp(c, o.c, 4) == 0;
  }
};

TEST_F(SegmentTest, FixedWidthColumnsOfEveryWidthRoundTrip) {
  const std::vector<uint8_t> u8 = {0, 1, 255};
  const std::vector<int16_t> i16 = {-32768, -1, 0, 32767};
  const std::vector<int32_t> i32 = {std::numeric_limits<int32_t>::min(), 17, 2147483647};
  const std::vector<double> f64 = {-0.5, 1e300, 3.25};
  const std::vector<Triple> wide = {{1, 2.5f, {1, 2, 3, 4}}, {-9, -0.0f, {255, 0, 7, 8}}};
  const std::vector<int32_t> none;
  SegmentWriter w;
  w.AddColumn("u8", u8);
  w.AddColumn("i16", i16);
  w.AddColumn("i32", i32);
  w.AddColumn("f64", f64);
  w.AddColumn("wide", wide);
  w.AddColumn("none", none);
  ASSERT_TRUE(w.Write(Path("f.seg")).ok());
  auto r = SegmentReader::Open(Path("f.seg"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const SegmentReader& s = **r;
  EXPECT_EQ(s.Read<uint8_t>("u8").value(), u8);
  EXPECT_EQ(s.Read<int16_t>("i16").value(), i16);
  EXPECT_EQ(s.Read<int32_t>("i32").value(), i32);
  EXPECT_EQ(s.Read<double>("f64").value(), f64);
  EXPECT_EQ(s.Read<Triple>("wide").value(), wide);
  EXPECT_TRUE(s.Has("none"));
  EXPECT_TRUE(s.Read<int32_t>("none").value().empty());
  EXPECT_EQ(s.Rows("i16"), 4u);
  EXPECT_EQ(s.Rows("none"), 0u);
  const ColumnVector<int16_t> col = s.ReadColumn<int16_t>("i16").value();
  EXPECT_EQ(std::vector<int16_t>(col.begin(), col.end()), i16);
  EXPECT_GE(s.Read<int32_t>("i32", 10).value().capacity(), 13u);  // room for `spare` more
  EXPECT_TRUE(s.Verify().ok());
  // The width is checked: a column is not read as another type.
  EXPECT_EQ(s.Read<int32_t>("i16").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.ReadColumn<uint8_t>("f64").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.ReadStrings("i32").status().code(), StatusCode::kCorruption);
}

TEST_F(SegmentTest, StringColumnsRoundTripAsEndOffsetsThenBytes) {
  const std::vector<std::string> text = {"",
                                         "a,b",
                                         "\"quoted\", \"twice\"",
                                         "line\nbreak",
                                         "na\xc3\xafve \xe2\x80\x94 \xf0\x9f\x8e\x93",
                                         std::string("nul\0inside", 10),
                                         std::string(10000, 'x'),
                                         ""};
  const std::vector<std::string> empties(3), none;
  SegmentWriter w;
  w.AddStringColumn("text", text);
  w.AddStringColumn("empties", empties);
  w.AddStringColumn("none", none);
  ASSERT_TRUE(w.Write(Path("s.seg")).ok());
  auto r = SegmentReader::Open(Path("s.seg"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->ReadStrings("text").value(), text);
  EXPECT_EQ((*r)->ReadStrings("empties").value(), empties);
  EXPECT_TRUE((*r)->ReadStrings("none").value().empty());
  EXPECT_EQ((*r)->Rows("text"), text.size());
  EXPECT_EQ((*r)->Read<int32_t>("text").status().code(), StatusCode::kCorruption);
  // In the file: rows uint64 end offsets, then the bytes one after another.
  const std::string b = Bytes(Path("s.seg"));
  size_t end = 0;
  const Entry e = ParseHeader(b, &end)[0];
  ASSERT_EQ(e.name, "text");
  EXPECT_EQ(e.kind, static_cast<uint8_t>(ColumnKind::kString));
  uint64_t total = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint64_t at = Get<uint64_t>(b, e.offset + i * 8);
    EXPECT_EQ(b.substr(e.offset + text.size() * 8 + total, text[i].size()), text[i]);
    total += text[i].size();
    EXPECT_EQ(at, total) << i;
  }
  EXPECT_EQ(e.bytes, text.size() * 8 + total);
}

// A string column read in place: each row a view of the file's bytes (no
// copy), rows appended and rows changed since held in memory, and written
// back as the same layout.
TEST_F(SegmentTest, AStringColumnReadInPlaceIsTheFileAndTakesChanges) {
  const std::vector<std::string> text = {"raised", "", std::string("nul\0inside", 10),
                                         std::string(5000, 'x'), "last"};
  SegmentWriter w;
  w.AddStringColumn("text", text);
  ASSERT_TRUE(w.Write(Path("v.seg")).ok());
  StringColumn col;
  {
    auto r = SegmentReader::Open(Path("v.seg"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto read = (*r)->ReadStringColumn("text");
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    col = std::move(read).value();
    EXPECT_EQ((*r)->ReadStringColumn("text").value(), col);
    EXPECT_TRUE((*r)->ReadStringColumn("nope").value().empty());
    EXPECT_EQ((*r)->ReadStringColumn("text").value().size(), text.size());
  }  // the reader is gone; the column keeps the file mapped
  ASSERT_EQ(col.size(), text.size());
  for (size_t i = 0; i < text.size(); ++i) EXPECT_EQ(col[i], text[i]) << i;
  // Neighbouring rows are neighbouring bytes of one mapping: views, not copies.
  EXPECT_EQ(col[0].data() + col[0].size(), col[1].data());
  EXPECT_EQ(col[3].data() + col[3].size(), col[4].data());

  // Appending moves no row: a view taken before is still good after.
  const std::string_view appended_first = (col.push_back("new row"), col.back());
  for (int i = 0; i < 1000; ++i) col.push_back(std::string(i % 40, 'y'));
  EXPECT_EQ(col.size(), text.size() + 1001);
  EXPECT_EQ(appended_first, "new row");
  EXPECT_EQ(col[text.size()].data(), appended_first.data());
  // Set changes a loaded row and an appended one; the others are as read.
  col.Set(1, "now written");
  col.Set(text.size() + 1, "changed too");
  EXPECT_EQ(col[1], "now written");
  EXPECT_EQ(col[text.size() + 1], "changed too");
  EXPECT_EQ(col[0], "raised");
  EXPECT_EQ(col[2], text[2]);
  // The iterator walks every row in order.
  std::vector<std::string> walked(col.begin(), col.end());
  ASSERT_EQ(walked.size(), col.size());
  EXPECT_EQ(walked[1], "now written");
  EXPECT_EQ(walked.back(), col.back());

  // Written back and read again: the same rows.
  SegmentWriter w2;
  w2.AddStringColumn("text", col);
  ASSERT_TRUE(w2.Write(Path("v2.seg")).ok());
  auto again = SegmentReader::Open(Path("v2.seg")).value()->ReadStringColumn("text").value();
  EXPECT_EQ(again, col);
  EXPECT_EQ(SegmentReader::Open(Path("v2.seg")).value()->ReadStrings("text").value(), walked);

  // SetView keeps the text's owner: the row outlives the caller's handle.
  {
    auto owner = std::make_shared<const std::string>("two rows share this text");
    col.SetView(2, std::string_view(*owner).substr(0, 8), owner);
    col.SetView(text.size() + 2, std::string_view(*owner).substr(9), owner);
  }
  EXPECT_EQ(col[2], "two rows");
  EXPECT_EQ(col[text.size() + 2], "share this text");
  // So does push_back_view: rows appended as views of one owner's text.
  {
    auto owner = std::make_shared<const std::string>("shared by appended rows");
    col.push_back_view(std::string_view(*owner).substr(0, 6), owner);
    col.push_back_view(std::string_view(*owner).substr(10), owner);
  }
  EXPECT_EQ(col[col.size() - 2], "shared");
  EXPECT_EQ(col.back(), "appended rows");
  EXPECT_EQ(col[col.size() - 2].data() + 10, col.back().data());  // one text, not copies
  walked.assign(col.begin(), col.end());

  // A copy shares the rows so far; each then appends its own without
  // touching the other's text.
  StringColumn copy = col;
  const std::string_view before_copy = col.back();
  col.push_back("only in the first");
  copy.push_back("only in the copy");
  col.Set(0, "set in the first");
  EXPECT_EQ(col.back(), "only in the first");
  EXPECT_EQ(copy.back(), "only in the copy");
  EXPECT_EQ(copy[0], "raised");
  EXPECT_EQ(col[0], "set in the first");
  EXPECT_EQ(copy[copy.size() - 2], before_copy);
  EXPECT_EQ(before_copy, walked.back());

  // Shrinking drops the last rows, loaded or appended, and their changes.
  col.resize(text.size() + 3);
  EXPECT_EQ(col.size(), text.size() + 3);
  col.resize(1);
  EXPECT_EQ(col.size(), 1u);
  EXPECT_EQ(col[0], "set in the first");  // a kept row keeps its change
  col.resize(3);
  EXPECT_EQ(col[1], "");  // grown rows are empty, the old change gone
  EXPECT_EQ(col[2], "");
}

// Text with few distinct values is written as a dictionary, laid out as
// the header comment says, and reads as the same rows by either reader.
TEST_F(SegmentTest, TextWithFewValuesIsADictionaryAndReadsTheSame) {
  const std::vector<std::string> values = {"", "Trust A", "link officer; inclusion lead; panel",
                                           std::string("nul\0inside", 10)};
  std::vector<std::string> rows;
  for (size_t i = 0; i < 1000; ++i) rows.push_back(values[(i * 7 / 3) % values.size()]);
  // The same rows as views of shared text (as the referrals keep them).
  StringColumn shared;
  auto owner = std::make_shared<const std::vector<std::string>>(values);
  for (const std::string& r : rows) {
    const auto at = std::find(values.begin(), values.end(), r) - values.begin();
    shared.push_back_view((*owner)[static_cast<size_t>(at)], owner);
  }
  SegmentWriter w;
  w.AddStringColumn("text", rows);
  w.AddStringColumn("shared", shared);
  ASSERT_TRUE(w.Write(Path("d.seg")).ok());
  auto r = SegmentReader::Open(Path("d.seg"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->Verify().ok());
  for (const char* name : {"text", "shared"}) {
    EXPECT_EQ((*r)->Kind(name), ColumnKind::kDictionary) << name;
    EXPECT_EQ((*r)->ReadStrings(name).value(), rows) << name;
    const StringColumn col = (*r)->ReadStringColumn(name).value();
    ASSERT_EQ(col.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(col[i], rows[i]) << name << " " << i;
  }
  // In the file: the count, a byte per row, zeros to 8, then the distinct
  // values in the order first met, as end offsets and bytes.
  const std::string b = Bytes(Path("d.seg"));
  size_t end = 0;
  const Entry e = ParseHeader(b, &end)[0];
  EXPECT_EQ(e.kind, static_cast<uint8_t>(ColumnKind::kDictionary));
  EXPECT_EQ(e.width, 1);
  ASSERT_EQ(Get<uint64_t>(b, e.offset), values.size());
  std::vector<std::string> met;
  for (const std::string& v : rows) {
    if (std::find(met.begin(), met.end(), v) == met.end()) met.push_back(v);
  }
  const size_t ends_at = e.offset + 8 + 1000;  // 1000 is a multiple of 8
  uint64_t total = 0;
  for (size_t k = 0; k < met.size(); ++k) {
    EXPECT_EQ(b.substr(ends_at + met.size() * 8 + total, met[k].size()), met[k]);
    total += met[k].size();
    EXPECT_EQ(Get<uint64_t>(b, ends_at + k * 8), total) << k;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(met[static_cast<uint8_t>(b[e.offset + 8 + i])], rows[i]) << i;
  }
  EXPECT_EQ(e.bytes, 8 + 1000 + met.size() * 8 + total);
  EXPECT_EQ(e.crc, BitwiseCrc32(b.substr(e.offset, e.bytes)));

  // A loaded dictionary column takes changes, and writes back the same rows.
  StringColumn col = (*r)->ReadStringColumn("text").value();
  col.Set(3, "changed");
  col.push_back("appended");
  std::vector<std::string> expect = rows;
  expect[3] = "changed";
  expect.push_back("appended");
  SegmentWriter w2;
  w2.AddStringColumn("text", col);
  ASSERT_TRUE(w2.Write(Path("d2.seg")).ok());
  auto r2 = SegmentReader::Open(Path("d2.seg")).value();
  EXPECT_EQ(r2->Kind("text"), ColumnKind::kDictionary);
  EXPECT_EQ(r2->ReadStrings("text").value(), expect);
}

// Which text becomes a dictionary: many rows to each value, and enough rows.
TEST_F(SegmentTest, ADictionaryIsChosenOnlyWhereItPays) {
  auto written = [&](const std::vector<std::string>& rows) {
    SegmentWriter w;
    w.AddStringColumn("text", rows);
    EXPECT_TRUE(w.Write(Path("c.seg")).ok());
    auto r = SegmentReader::Open(Path("c.seg")).value();
    EXPECT_EQ(r->ReadStrings("text").value(), rows);
    size_t end = 0;
    const Entry e = ParseHeader(Bytes(Path("c.seg")), &end)[0];
    return std::make_pair(r->Kind("text"), e.width);
  };
  std::vector<std::string> rows;
  for (int i = 0; i < 2400; ++i) rows.push_back("route " + std::to_string(i % 300));
  EXPECT_EQ(written(rows), std::make_pair(ColumnKind::kDictionary, uint8_t{2}));  // 300 values
  rows.resize(2399);  // 300 values in 2399 rows: under eight rows each
  EXPECT_EQ(written(rows).first, ColumnKind::kString);
  EXPECT_EQ(written(std::vector<std::string>(64, "same")).first, ColumnKind::kDictionary);
  EXPECT_EQ(written(std::vector<std::string>(63, "same")).first, ColumnKind::kString);
  // Even one-byte values: a plain column spends an 8-byte offset on each row.
  std::vector<std::string> letters;
  for (int i = 0; i < 4000; ++i) letters.push_back(std::string(1, static_cast<char>('a' + i % 26)));
  EXPECT_EQ(written(letters).first, ColumnKind::kDictionary);
  std::vector<std::string> unique;
  for (int i = 0; i < 4000; ++i) unique.push_back("reason " + std::to_string(i));
  EXPECT_EQ(written(unique).first, ColumnKind::kString);
  // Over half the first 1024 rows distinct: plain, though the rest would
  // have paid; half of them: read on.
  std::vector<std::string> prefix;
  for (int i = 0; i < 1024; ++i) prefix.push_back("reason " + std::to_string(i % 513));
  prefix.resize(20000, "the same from here");
  EXPECT_EQ(written(prefix).first, ColumnKind::kString);
  for (int i = 0; i < 1024; ++i) prefix[i] = "reason " + std::to_string(i % 512);
  EXPECT_EQ(written(prefix).first, ColumnKind::kDictionary);
}

// A damaged dictionary is an error when opened or read, never a read past
// the file.
TEST_F(SegmentTest, ADamagedDictionaryIsAnError) {
  const std::vector<std::string> same(100, "same");
  SegmentWriter w;
  w.AddStringColumn("text", same);
  ASSERT_TRUE(w.Write(Path("g.seg")).ok());
  const std::string good = Bytes(Path("g.seg"));
  size_t end = 0;
  const Entry e = ParseHeader(good, &end)[0];
  ASSERT_EQ(e.kind, static_cast<uint8_t>(ColumnKind::kDictionary));
  auto with = [&](size_t at, const std::string& bytes) {
    std::string b = good;
    b.replace(at, bytes.size(), bytes);
    return Put("g2.seg", b);
  };
  auto u64 = [](uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
  // A code past the one value: read as an error by both readers.
  auto r = SegmentReader::Open(with(e.offset + 8 + 41, std::string(1, '\1')));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->ReadStringColumn("text").status().code(), StatusCode::kCorruption);
  EXPECT_EQ((*r)->ReadStrings("text").status().code(), StatusCode::kCorruption);
  // A value's end past the bytes.
  r = SegmentReader::Open(with(e.offset + 8 + 104, u64(99)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->ReadStringColumn("text").status().code(), StatusCode::kCorruption);
  // More values than the column holds, and a code width that is not 1, 2 or 4.
  EXPECT_EQ(SegmentReader::Open(with(e.offset, u64(~0ull / 2))).status().code(),
            StatusCode::kCorruption);
  const size_t width_at = e.rows_at - 1;
  EXPECT_EQ(SegmentReader::Open(with(width_at, std::string(1, '\3'))).status().code(),
            StatusCode::kCorruption);
  EXPECT_TRUE(SegmentReader::Open(with(width_at, std::string(1, '\1'))).ok());
}

TEST_F(SegmentTest, AStringColumnWithBadOffsetsIsAnErrorWhenRead) {
  const std::vector<std::string> text = {"abc", "defgh", "ij"};
  SegmentWriter w;
  w.AddStringColumn("text", text);
  ASSERT_TRUE(w.Write(Path("o.seg")).ok());
  const std::string good = Bytes(Path("o.seg"));
  size_t end = 0;
  const Entry e = ParseHeader(good, &end)[0];
  auto with_end = [&](size_t row, uint64_t v) {
    std::string b = good;
    std::memcpy(b.data() + e.offset + row * 8, &v, 8);
    return SegmentReader::Open(Put("o2.seg", b)).value()->ReadStringColumn("text");
  };
  EXPECT_TRUE(with_end(1, 8).ok());  // still in order and inside the column
  EXPECT_EQ(with_end(1, 2).status().code(), StatusCode::kCorruption);    // before the last end
  EXPECT_EQ(with_end(2, 999).status().code(), StatusCode::kCorruption);  // past the bytes
  auto fixed = SegmentReader::Open(Small()).value()->ReadStringColumn("ids");
  EXPECT_EQ(fixed.status().code(), StatusCode::kCorruption);  // not a text column
}

TEST_F(SegmentTest, ColumnsAreAlignedAndCarryTheirCrc) {
  EXPECT_EQ(Crc32("123456789", 9), 0xCBF43926u);  // the standard check value
  const std::vector<uint8_t> odd = {1, 2, 3};
  const std::vector<std::string> words = {"one", "three"};
  const std::vector<int32_t> mib(262144, 7);             // exactly 1 MiB: a page
  const std::vector<uint64_t> under(131071, 9);          // 8 bytes short: 64 will do
  const std::vector<std::string> big_text(300000, "x");  // > 1 MiB, but text
  std::vector<uint64_t> over(131077);
  for (size_t i = 0; i < over.size(); ++i) over[i] = i * 2654435761u;
  SegmentWriter w;
  w.AddColumn("odd", odd);
  w.AddStringColumn("words", words);
  w.AddColumn("under", under);
  w.AddColumn("mib", mib);
  w.AddStringColumn("big_text", big_text);
  w.AddColumn("over", over);
  ASSERT_TRUE(w.Write(Path("a.seg")).ok());
  const std::string b = Bytes(Path("a.seg"));
  ASSERT_EQ(b.substr(0, 8), "LNTSEG01");
  size_t header_end = 0;
  const std::vector<Entry> cols = ParseHeader(b, &header_end);
  ASSERT_EQ(cols.size(), 6u);
  EXPECT_EQ(Get<uint32_t>(b, 8), header_end);  // header_bytes
  uint64_t prev_end = header_end;
  for (const Entry& e : cols) {
    const bool fixed = e.kind == static_cast<uint8_t>(ColumnKind::kFixed);
    EXPECT_EQ(e.offset % 64, 0u) << e.name;
    if (fixed && e.bytes >= (1u << 20)) {
      EXPECT_EQ(e.offset % 4096, 0u) << e.name;
    }
    if (fixed) {
      EXPECT_EQ(e.bytes, e.rows * e.width) << e.name;
    }
    EXPECT_GE(e.offset, prev_end) << e.name;  // in order, no overlap
    prev_end = e.offset + e.bytes;
    EXPECT_EQ(e.crc, BitwiseCrc32(std::string_view(b).substr(e.offset, e.bytes))) << e.name;
  }
  EXPECT_NE(cols[2].offset % 4096, 0u);  // below 1 MiB: not padded to a page
  EXPECT_EQ(cols[3].offset % 4096, 0u);  // exactly 1 MiB: on a page
  EXPECT_EQ(prev_end, b.size());
  auto r = SegmentReader::Open(Path("a.seg"));
  ASSERT_TRUE(r.ok());
  const ColumnVector<uint64_t> o = (*r)->ReadColumn<uint64_t>("over").value();
  EXPECT_TRUE(std::equal(o.begin(), o.end(), over.begin(), over.end()));
  EXPECT_EQ((*r)->Read<int32_t>("mib").value(), mib);
  EXPECT_TRUE((*r)->Verify().ok());
}

TEST_F(SegmentTest, AFlippedByteInAnyColumnFailsVerify) {
  const std::string good = Bytes(Small());
  size_t end = 0;
  for (const Entry& e : ParseHeader(good, &end)) {
    for (uint64_t at : {e.offset, e.offset + e.bytes / 2, e.offset + e.bytes - 1}) {
      std::string bad = good;
      bad[at] ^= 0x04;
      auto r = SegmentReader::Open(Put("flip.seg", bad));
      ASSERT_TRUE(r.ok()) << "the CRC is checked by Verify, not on open";
      const Status st = (*r)->Verify();
      EXPECT_EQ(st.code(), StatusCode::kCorruption) << e.name << " byte " << at;
      EXPECT_NE(st.message().find(e.name), std::string::npos) << st.message();
    }
  }
}

TEST_F(SegmentTest, TruncatedForeignAndMissingFilesAreErrors) {
  const std::string good = Bytes(Small());
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(SegmentReader::Open(Put("cut.seg", good.substr(0, n))).ok()) << n << " bytes";
  }
  std::string magic = good;
  magic[7] = '2';
  EXPECT_EQ(SegmentReader::Open(Put("magic.seg", magic)).status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(SegmentReader::Open(Put("text.seg", "time_period,geographic_level\n")).ok());
  EXPECT_FALSE(SegmentReader::Open(Path("absent.seg")).ok());
}

TEST_F(SegmentTest, AHeaderPointingPastTheEndIsAnError) {
  const std::string good = Bytes(Small());
  size_t end = 0;
  const std::vector<Entry> cols = ParseHeader(good, &end);
  auto patched = [&](size_t at, uint64_t v) {
    std::string b = good;
    std::memcpy(b.data() + at, &v, 8);
    return SegmentReader::Open(Put("patched.seg", b));
  };
  const Entry& ids = cols[0];
  EXPECT_FALSE(patched(ids.offset_at, good.size()).ok());
  EXPECT_FALSE(patched(ids.offset_at, good.size() - ids.bytes + 1).ok());
  EXPECT_FALSE(patched(ids.bytes_at, good.size()).ok());
  EXPECT_FALSE(patched(ids.rows_at, ids.rows + 1).ok());  // rows x width != bytes
  // An offset so large that offset + bytes wraps past 2^64 is past the end too.
  EXPECT_FALSE(patched(ids.offset_at, ~uint64_t{0} - 7).ok());
}

TEST_F(SegmentTest, UnknownColumnsReadAsEmpty) {
  auto r = SegmentReader::Open(Small());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->Has("nope"));
  EXPECT_TRUE((*r)->Has("ids"));
  EXPECT_EQ((*r)->Rows("nope"), 0u);
  auto fixed = (*r)->Read<int32_t>("nope", 4);
  ASSERT_TRUE(fixed.ok());
  EXPECT_TRUE(fixed->empty());
  auto column = (*r)->ReadColumn<double>("nope");
  ASSERT_TRUE(column.ok());
  EXPECT_TRUE(column->empty());
  auto text = (*r)->ReadStrings("nope");
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->empty());
}

// A header whose counts do not fit its column must give an error Status
// from Open or the read, never a crash: each case runs in a child process.
using SegmentDeathTest = SegmentTest;

TEST_F(SegmentDeathTest, ImpossibleRowCountsGiveAStatusNotACrash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string good = Bytes(Small());
  size_t end = 0;
  const std::vector<Entry> cols = ParseHeader(good, &end);
  // Exit 0: an error Status; 1: the damage went unnoticed; 2: an exception
  // escaped (it would end the program); a signal: a crash.
  auto check = [&](const std::string& path, auto read) {
    int code = 2;
    try {
      auto r = SegmentReader::Open(path);
      code = !r.ok() || !read(**r) ? 0 : 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "exception: %s\n", e.what());
    }
    std::filesystem::remove_all(dir_);  // the child's own folder: no TearDown after _Exit
    std::_Exit(code);
  };
  std::string b = good;
  // "names" (3 x 8 offset bytes + 9 text bytes) said to hold 5 rows: its
  // offsets would run past the column, into its text.
  const uint64_t rows = 5;
  std::memcpy(b.data() + cols[1].rows_at, &rows, 8);
  const std::string strings = Put("strings.seg", b);
  EXPECT_EXIT(check(strings, [](const SegmentReader& s) { return s.ReadStrings("names").ok(); }),
              ::testing::ExitedWithCode(0), "");
  // An empty u64 column whose rows x 8 wraps to 0 bytes.
  SegmentWriter w;
  const std::vector<uint64_t> none;
  w.AddColumn("none", none);
  w.AddColumn("codes", codes_);
  ASSERT_TRUE(w.Write(Path("empty.seg")).ok());
  b = Bytes(Path("empty.seg"));
  const uint64_t wrap = uint64_t{1} << 61;
  std::memcpy(b.data() + ParseHeader(b, &end)[0].rows_at, &wrap, 8);
  const std::string fixed = Put("wrap.seg", b);
  EXPECT_EXIT(check(fixed, [](const SegmentReader& s) { return s.Read<uint64_t>("none").ok(); }),
              ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace lantern
