// The flag state file: what is saved is what is read back, and a file that
// is damaged or cut short is refused (the flags step then works every
// window out).
#include "flags/flag_state.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/file_util.h"
#include "tests/scratch_dir.h"

namespace lantern {
namespace {

class FlagStateTest : public testing::ScratchDirTest {
 protected:
  FlagStateTest() : ScratchDirTest("lantern_flag_state") {}
  std::string Path() const { return dir_ + "/fst-000002-1.flags"; }
  static FlagState Sample() {
    FlagState s;
    s.as_of = 17969;
    s.generation = 42;
    s.key = "low_attendance:90:30;codes:1234abcd";
    s.windows.quiet = {1, 0, 1, 1, 0, 3};
    s.windows.under = {0, 45 << 8 | 60, 0, 0, 0, 0};
    return s;
  }
};

TEST_F(FlagStateTest, ReadsBackWhatWasSaved) {
  ASSERT_TRUE(SaveFlagState(Path(), Sample()).ok());
  auto back = LoadFlagState(Path());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->as_of, 17969);
  EXPECT_EQ(back->generation, 42u);
  EXPECT_EQ(back->key, Sample().key);
  EXPECT_EQ(back->windows.quiet, Sample().windows.quiet);
  EXPECT_EQ(back->windows.under, Sample().windows.under);
}

TEST_F(FlagStateTest, ADamagedOrShortFileIsRefused) {
  ASSERT_TRUE(SaveFlagState(Path(), Sample()).ok());
  auto text = ReadFileToString(Path());
  ASSERT_TRUE(text.ok());
  // One bit of one pupil changed: the checksum no longer matches.
  std::string damaged = *text;
  damaged[damaged.size() - 16] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(Path(), damaged).ok());
  auto read = LoadFlagState(Path());
  EXPECT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("checksum"), std::string::npos);
  // Cut short, and not a flag state at all.
  ASSERT_TRUE(WriteFileAtomic(Path(), text->substr(0, text->size() / 2)).ok());
  EXPECT_FALSE(LoadFlagState(Path()).ok());
  ASSERT_TRUE(WriteFileAtomic(Path(), "upn,urn\n").ok());
  EXPECT_FALSE(LoadFlagState(Path()).ok());
  EXPECT_FALSE(LoadFlagState(dir_ + "/missing.flags").ok());
}

}  // namespace
}  // namespace lantern
