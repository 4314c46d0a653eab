// The real published data (../shared/data/real or $LANTERN_REAL_DATA) that
// some tests read. On a developer's machine without it those tests skip,
// saying why; where CI is set they fail instead, so a CI run can never pass
// by skipping them.
#ifndef LANTERN_TESTS_REAL_DATA_H_
#define LANTERN_TESTS_REAL_DATA_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "lantern/status.h"

// Use as the first statement of a test body or SetUp, where `found` says
// whether the real data was found (and, for a suite, loaded).
#define LANTERN_REQUIRE_REAL_DATA(found)                                                     \
  do {                                                                                       \
    if (!(found)) {                                                                          \
      const char* ci = std::getenv("CI");                                                    \
      if (ci != nullptr && *ci != '\0' && std::strcmp(ci, "false") != 0) {                   \
        FAIL() << "CI is set and the real published data is missing (../shared/data/real "   \
                  "or $LANTERN_REAL_DATA): a CI run does not skip the real-data tests";      \
      }                                                                                      \
      GTEST_SKIP() << "the real published data (../shared/data/real or $LANTERN_REAL_DATA) " \
                      "is not here";                                                         \
    }                                                                                        \
  } while (0)

namespace lantern::testing {

// A suite that makes its data once from the real data, in its
// SetUpTestSuite: it sets dir_ (a temporary folder, left null when the real
// data is missing) and status_ (how making the data went). The folder is
// removed after the suite; each test needs the real data and the data
// made. A suite's own SetUp calls this one first and returns if it failed
// or skipped. Suite is the derived class, so each suite has its own.
template <typename Suite>
class GeneratedDataSuite : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete status_;
    dir_ = nullptr;
    status_ = nullptr;
  }
  void SetUp() override {
    LANTERN_REQUIRE_REAL_DATA(dir_ != nullptr);
    ASSERT_TRUE(status_ != nullptr && status_->ok())
        << (status_ != nullptr ? status_->ToString() : "no data made");
  }
  // True when SetUp above failed or skipped: the derived SetUp stops.
  bool NotReady() const { return IsSkipped() || HasFatalFailure(); }

  static inline std::string* dir_ = nullptr;
  static inline Status* status_ = nullptr;
};

}  // namespace lantern::testing

#endif  // LANTERN_TESTS_REAL_DATA_H_
