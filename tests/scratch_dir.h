// A test fixture with a fresh folder of its own under the system's temporary
// folder, named after the process and the running test, removed afterwards.
#ifndef LANTERN_TESTS_SCRATCH_DIR_H_
#define LANTERN_TESTS_SCRATCH_DIR_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace lantern::testing {

class ScratchDirTest : public ::testing::Test {
 protected:
  // prefix names the kind of test, e.g. "lantern_store".
  explicit ScratchDirTest(std::string prefix = "lantern_test") : prefix_(std::move(prefix)) {}
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            (prefix_ + "_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;

 private:
  std::string prefix_;
};

}  // namespace lantern::testing

#endif  // LANTERN_TESTS_SCRATCH_DIR_H_
