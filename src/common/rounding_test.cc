#include "common/rounding.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

TEST(RoundingTest, RoundsHalvesAwayFromZero) {
  EXPECT_EQ(FormatDecimal(0.5, 0), "1");
  EXPECT_EQ(FormatDecimal(1.5, 0), "2");
  EXPECT_EQ(FormatDecimal(2.5, 0), "3");  // banker's rounding would give 2
  EXPECT_EQ(FormatDecimal(-2.5, 0), "-3");
  EXPECT_EQ(FormatDecimal(2.675, 2), "2.68");  // 2.67499999... in binary
  EXPECT_EQ(FormatDecimal(0.125, 2), "0.13");
  EXPECT_EQ(FormatDecimal(10.25641, 1), "10.3");
  EXPECT_EQ(FormatDecimal(2.449, 1), "2.4");
  EXPECT_EQ(FormatDecimal(-0.0001, 1), "0.0");
}

}  // namespace
}  // namespace lantern
