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

std::string Percent(int64_t n, int64_t d, int dp) {
  char buf[40];
  return std::string(buf, FormatRatio(n, d, 100, dp, buf));
}

TEST(RoundingTest, PercentOfRatioIsExactAndRoundsHalvesUp) {
  EXPECT_EQ(Percent(8, 38, 5), "21.05263");
  EXPECT_EQ(Percent(1, 8, 1), "12.5");  // exactly 12.5
  EXPECT_EQ(Percent(1, 16, 1), "6.3");  // 6.25 -> 6.3, half away from zero
  EXPECT_EQ(Percent(1, 16, 0), "6");
  EXPECT_EQ(Percent(1, 200, 0), "1");  // 0.5 -> 1
  EXPECT_EQ(Percent(0, 7, 2), "0.00");
  EXPECT_EQ(Percent(7, 7, 5), "100.00000");
  EXPECT_EQ(Percent(-1, 16, 1), "-6.3");
  EXPECT_EQ(Percent(3400000000LL, 3400000001LL, 5), "100.00000");
  // Agrees with the floating-point path away from exact halves.
  for (int64_t n = 0; n < 300; n += 7) {
    for (int64_t d = 1; d < 400; d += 13) {
      EXPECT_EQ(Percent(n, d, 5), FormatDecimal(100.0 * n / d, 5)) << n << "/" << d;
    }
  }
}

TEST(RoundingTest, RatioTakesAnyMultiplier) {
  char buf[40];
  auto ratio = [&](int64_t n, int64_t d, int64_t mult, int dp) {
    return std::string(buf, FormatRatio(n, d, mult, dp, buf));
  };
  EXPECT_EQ(ratio(13, 10000, 1000, 2), "1.30");  // a rate per 1,000
  EXPECT_EQ(ratio(201, 2, 1, 1), "100.5");       // a mean of half-points
  EXPECT_EQ(ratio(1, 3, 1, 5), "0.33333");
  EXPECT_EQ(ratio(2, 3, 1, 0), "1");
  EXPECT_EQ(ratio(1, 2000, 1000, 0), "1");  // 0.5 -> 1
}

}  // namespace
}  // namespace lantern
