#include "store/column_memory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "common/file_util.h"
#include "store/table_ops.h"
#include "tests/scratch_dir.h"

namespace lantern {
namespace {

class ColumnMemoryTest : public testing::ScratchDirTest {
 protected:
  ColumnMemoryTest() : ScratchDirTest("lantern_colmem") {}
};

// Enrolments big enough that every fixed-width column of 4 bytes is mapped
// (1 MiB and more) while the byte columns are copied.
EnrolmentTable BigEnrolments(size_t n) {
  EnrolmentTable t;
  for (size_t i = 0; i < n; ++i) {
    t.pupil.push_back(static_cast<uint32_t>(i * 7 + 1));
    t.school.push_back(static_cast<uint32_t>(i % 977));
    t.entry_date.push_back(static_cast<int32_t>(17000 + i % 300));
    t.leaving_date.push_back(i % 11 == 0 ? 17400 : kNoDate);
    t.leaving_reason.push_back(static_cast<uint8_t>(i % 5));
    t.status.push_back(static_cast<uint8_t>(i % 3));
    t.boarder.push_back(static_cast<uint8_t>(i % 2));
  }
  return t;
}

TEST_F(ColumnMemoryTest, BigColumnsStartOnAPageAndLoadEqual) {
  const size_t n = 400000;  // 1.6 MB per 4-byte column, 400 KB per byte column
  EnrolmentTable t = BigEnrolments(n);
  const std::string path = dir_ + "/e.seg";
  ASSERT_TRUE(SaveTable(t, path).ok());
  auto loaded = LoadTable<EnrolmentTable>(path);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), n);
  for (size_t i = 0; i < n; i += 997) EXPECT_TRUE(RowsEqual(t, i, *loaded, i)) << i;
  EXPECT_TRUE(RowsEqual(t, n - 1, *loaded, n - 1));
  EXPECT_EQ(loaded->pupil, t.pupil);
  EXPECT_EQ(loaded->leaving_date, t.leaving_date);
  EXPECT_EQ(loaded->boarder, t.boarder);
  // The 4-byte columns sit on page boundaries in the file, so they were
  // mapped: their rows start on a page in memory too.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(loaded->pupil.data()) % kColumnPageBytes, 0u);
  auto reader = SegmentReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->Verify().ok());
}

TEST_F(ColumnMemoryTest, ChangingAMappedColumnNeverChangesTheFile) {
  const size_t n = 300000;
  EnrolmentTable t = BigEnrolments(n);
  const std::string path = dir_ + "/e.seg";
  ASSERT_TRUE(SaveTable(t, path).ok());
  auto read_before = ReadFileToString(path);
  ASSERT_TRUE(read_before.ok());
  const std::string bytes_before = std::move(read_before).value();
  {
    auto loaded = LoadTable<EnrolmentTable>(path, /*spare=*/5000);
    ASSERT_TRUE(loaded.ok());
    EnrolmentTable& m = *loaded;
    ASSERT_GE(m.pupil.capacity(), n + 5000);
    m.pupil[0] = 42;
    m.pupil[n / 2] = 43;
    m.leaving_date[n - 1] = 1;
    // Appending uses the reserved room after the mapped rows.
    const uint32_t* before = m.pupil.data();
    for (uint32_t i = 0; i < 5000; ++i) m.pupil.push_back(1000000 + i);
    EXPECT_EQ(m.pupil.data(), before);
    EXPECT_EQ(m.pupil[n + 4999], 1004999u);
    EXPECT_EQ(m.pupil[0], 42u);
    EXPECT_EQ(m.pupil[1], t.pupil[1]);
    // Growing past the room moves the column to the heap with its values.
    m.pupil.resize(n + 200000);
    EXPECT_EQ(m.pupil[n / 2], 43u);
    EXPECT_EQ(m.pupil[n + 1], 1000001u);
    EXPECT_EQ(m.pupil[n + 100000], 0u);  // new elements are zero, as in any vector
  }
  // The file is as written, and loads as it was.
  auto read_after = ReadFileToString(path);
  ASSERT_TRUE(read_after.ok());
  EXPECT_TRUE(std::move(read_after).value() == bytes_before);
  auto again = LoadTable<EnrolmentTable>(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pupil, t.pupil);
  EXPECT_EQ(again->leaving_date, t.leaving_date);
}

TEST_F(ColumnMemoryTest, AMappedColumnCopiesAndMovesLikeAnyVector) {
  const size_t n = 300000;
  EnrolmentTable t = BigEnrolments(n);
  ASSERT_TRUE(SaveTable(t, dir_ + "/e.seg").ok());
  auto loaded = LoadTable<EnrolmentTable>(dir_ + "/e.seg");
  ASSERT_TRUE(loaded.ok());
  ColumnVector<uint32_t> copy = loaded->school;  // a heap copy
  EXPECT_NE(copy.data(), loaded->school.data());
  copy[7] = 999999;
  EXPECT_EQ(loaded->school[7], t.school[7]);
  ColumnVector<uint32_t> moved = std::move(loaded->school);
  EXPECT_EQ(moved, t.school);
  moved.clear();
  moved.shrink_to_fit();  // releases the mapping
  EXPECT_TRUE(moved.empty());
}

TEST_F(ColumnMemoryTest, AColumnNotOnAPageIsCopied) {
  // A file whose column starts 64 bytes into a page (as segments written
  // before page alignment do) is read by copying.
  std::vector<uint32_t> values(600000);
  std::iota(values.begin(), values.end(), 5u);
  std::string bytes(64, '\0');
  bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(uint32_t));
  const std::string path = dir_ + "/raw";
  ASSERT_TRUE(WriteFileAtomic(path, bytes).ok());
  ColumnVector<uint32_t> v;
  {
    MappedColumnScope scope(path, 64, values.size() * sizeof(uint32_t));
    v.reserve(values.size());
    EXPECT_FALSE(scope.mapped());
  }
  // Outside a scope, new elements are value-initialised.
  v.resize(10);
  for (uint32_t x : v) EXPECT_EQ(x, 0u);
  // On a page, the same bytes are mapped.
  ColumnVector<uint32_t> w;
  {
    std::string paged(kColumnPageBytes, '\0');
    paged.append(bytes.substr(64));
    ASSERT_TRUE(WriteFileAtomic(path, paged).ok());
    MappedColumnScope scope(path, kColumnPageBytes, values.size() * sizeof(uint32_t));
    w.reserve(values.size());
    w.resize(values.size());
    EXPECT_TRUE(scope.mapped());
  }
  EXPECT_TRUE(std::equal(w.begin(), w.end(), values.begin(), values.end()));
}

}  // namespace
}  // namespace lantern
