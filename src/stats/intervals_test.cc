#include "stats/intervals.h"

#include <gtest/gtest.h>

#include <array>
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

TEST(IntervalsTest, MoverCombinesEachSidesOwnLimitsWorkedByHand) {
  // p1 = 0.30 in (0.25, 0.37), p2 = 0.20 in (0.16, 0.26), d = 0.10:
  // lower = 0.10 - sqrt(0.05^2 + 0.06^2) = 0.10 - sqrt(0.0061) = 0.0218975,
  // upper = 0.10 + sqrt(0.07^2 + 0.04^2) = 0.10 + sqrt(0.0065) = 0.1806226.
  // (Pairing p1's lower with p2's lower would give 0.0359688.)
  Interval d = MoverDifference(0.30, {0.25, 0.37}, 0.20, {0.16, 0.26});
  EXPECT_NEAR(d.lower, 0.0218975, 1e-7);
  EXPECT_NEAR(d.upper, 0.1806226, 1e-7);
  // Symmetric limits give the normal interval of a difference: d +/- sqrt(h1^2 + h2^2).
  Interval sym = MoverDifference(0.5, {0.47, 0.53}, 0.4, {0.36, 0.44});
  EXPECT_NEAR(sym.lower, 0.1 - 0.05, 1e-12);
  EXPECT_NEAR(sym.upper, 0.1 + 0.05, 1e-12);
}

TEST(IntervalsTest, MoverOnWilsonLimitsIsNewcombesMethod10) {
  for (const auto& [x1, n1, x2, n2] :
       {std::array<double, 4>{56, 70, 48, 80}, std::array<double, 4>{30, 120, 100, 1000},
        std::array<double, 4>{0, 20, 7, 15}, std::array<double, 4>{1.2, 400, 9, 9}}) {
    const Interval n = NewcombeDifference(x1, n1, x2, n2);
    const Interval m =
        MoverDifference(x1 / n1, WilsonInterval(x1, n1), x2 / n2, WilsonInterval(x2, n2));
    EXPECT_NEAR(m.lower, n.lower, 1e-12) << x1 << "/" << n1 << " - " << x2 << "/" << n2;
    EXPECT_NEAR(m.upper, n.upper, 1e-12) << x1 << "/" << n1 << " - " << x2 << "/" << n2;
  }
  EXPECT_NEAR(MoverDifference(0.8, WilsonInterval(56, 70), 0.6, WilsonInterval(48, 80)).lower,
              0.0524, 1e-4);
}

TEST(IntervalsTest, MoverWithoutAValidLimitHasNone) {
  const double nan = std::nan("");
  EXPECT_TRUE(std::isnan(MoverDifference(0.3, {nan, nan}, 0.2, {0.1, 0.3}).lower));
  EXPECT_TRUE(std::isnan(MoverDifference(0.3, {0.2, 0.4}, 0.2, {0.1, nan}).upper));
  EXPECT_TRUE(std::isnan(MoverDifference(nan, {0.2, 0.4}, 0.2, {0.1, 0.3}).lower));
  // A limit on the wrong side of its estimate is not an interval around it.
  EXPECT_TRUE(std::isnan(MoverDifference(0.3, {0.35, 0.4}, 0.2, {0.1, 0.3}).lower));
}

}  // namespace
}  // namespace lantern::stats
