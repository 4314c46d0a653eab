#include "stats/intervals.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lantern::stats {
namespace {

TEST(IntervalsTest, WilsonWorkedExampleFromDefinitions) {
  // definitions.md 8.4: x = 30, n = 120 (25%) gives 18.1% to 33.4%.
  Interval w = WilsonInterval(30, 120);
  EXPECT_NEAR(w.lower * 100, 18.1, 0.05);
  EXPECT_NEAR(w.upper * 100, 33.4, 0.05);
  EXPECT_NEAR(w.lower, 0.1810982166, 1e-9);
  EXPECT_NEAR(w.upper, 0.3344113666, 1e-9);
}

TEST(IntervalsTest, WilsonStaysInsideZeroOneAtTheEdges) {
  Interval zero = WilsonInterval(0, 20);
  EXPECT_EQ(zero.lower, 0);
  EXPECT_NEAR(zero.upper, 0.16113, 1e-4);
  Interval all = WilsonInterval(20, 20);
  EXPECT_EQ(all.upper, 1);
  EXPECT_NEAR(all.lower, 1 - 0.16113, 1e-4);
  EXPECT_TRUE(std::isnan(WilsonInterval(0, 0).lower));
}

TEST(IntervalsTest, GarwoodExactPoissonMatchesTables) {
  Interval z = PoissonExactInterval(0);
  EXPECT_EQ(z.lower, 0);
  EXPECT_NEAR(z.upper, 3.688879, 1e-5);
  Interval five = PoissonExactInterval(5);
  EXPECT_NEAR(five.lower, 1.623486, 1e-5);
  EXPECT_NEAR(five.upper, 11.668332, 1e-5);
  Interval ten = PoissonExactInterval(10);
  EXPECT_NEAR(ten.lower, 4.795389, 1e-5);
  EXPECT_NEAR(ten.upper, 18.390356, 1e-5);
}

TEST(IntervalsTest, NormalMeanUsesTheGivenSd) {
  // definitions.md 3.7: 150 pupils, P8 +0.25, national SD 1.415869 -> +0.02 to +0.48.
  Interval p8 = NormalMeanInterval(0.25, 1.415869, 150);
  EXPECT_NEAR(p8.lower, 0.0234, 1e-4);
  EXPECT_NEAR(p8.upper, 0.4766, 1e-4);
}

TEST(IntervalsTest, NewcombeDifferenceMatchesThePaper) {
  // Newcombe (1998), example (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339.
  Interval d = NewcombeDifference(56, 70, 48, 80);
  EXPECT_NEAR(d.lower, 0.0524, 1e-4);
  EXPECT_NEAR(d.upper, 0.3339, 1e-4);
}

}  // namespace
}  // namespace lantern::stats
