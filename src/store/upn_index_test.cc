#include "store/upn_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/scratch_dir.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

std::vector<uint64_t> Keys(size_t n, uint64_t salt = 0) {
  std::vector<uint64_t> keys;
  for (size_t i = 0; i < n; ++i) keys.push_back((i + 1) * 2654435761ULL + salt);
  return keys;
}

class UpnIndexFileTest : public testing::ScratchDirTest {
 protected:
  UpnIndexFileTest() : ScratchDirTest("lantern_upn") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    path_ = dir_ + "/index";
  }
  std::string path_;
};

TEST(UpnIndexTest, FindsEveryKeyAndNothingElse) {
  const auto keys = Keys(100000);
  UpnIndex index(keys);
  for (size_t r = 0; r < keys.size(); ++r) ASSERT_EQ(index.Find(keys[r]), r);
  EXPECT_EQ(index.Find(7), kNoIndex);
  index.Insert(7, 123456);
  EXPECT_EQ(index.Find(7), 123456u);
  EXPECT_EQ(index.size(), keys.size() + 1);
}

TEST_F(UpnIndexFileTest, SavedIndexOpensAndCoversNewPupilsWithAnOverlay) {
  auto keys = Keys(50000);
  ASSERT_TRUE(UpnIndex().Save(path_, keys).ok());
  // Pupils added after the save (rows 50000..50099) go into the overlay.
  auto more = Keys(100, 99);
  keys.insert(keys.end(), more.begin(), more.end());
  auto index = UpnIndex::Open(path_, keys);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->saved_rows(), 50000u);
  for (size_t r = 0; r < keys.size(); ++r) ASSERT_EQ(index->Find(keys[r]), r);
  EXPECT_EQ(index->Find(5), kNoIndex);
  index->Insert(5, 777);
  EXPECT_EQ(index->Find(5), 777u);
}

TEST_F(UpnIndexFileTest, IndexSavedForOtherPupilsIsRefused) {
  auto keys = Keys(1000);
  ASSERT_TRUE(UpnIndex(keys).Save(path_, keys).ok());
  keys[10] ^= 1;  // one pupil row differs
  auto index = UpnIndex::Open(path_, keys);
  EXPECT_FALSE(index.ok());
  // Fewer pupils than the index covers.
  EXPECT_FALSE(UpnIndex::Open(path_, std::span<const uint64_t>(Keys(999))).ok());
}

TEST_F(UpnIndexFileTest, DamagedFileIsRefused) {
  const auto keys = Keys(1000);
  ASSERT_TRUE(UpnIndex().Save(path_, keys).ok());
  fs::resize_file(path_, fs::file_size(path_) - 16);
  auto index = UpnIndex::Open(path_, keys);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace lantern
