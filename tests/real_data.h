// The real published data (../shared/data/real or $LANTERN_REAL_DATA) that
// some tests read. On a developer's machine without it those tests skip,
// saying why; where CI is set they fail instead, so a CI run can never pass
// by skipping them.
#ifndef LANTERN_TESTS_REAL_DATA_H_
#define LANTERN_TESTS_REAL_DATA_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

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

#endif  // LANTERN_TESTS_REAL_DATA_H_
