#include "stats/distributions.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lantern::stats {
namespace {

TEST(DistributionsTest, NormalQuantilesMatchTables) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(TwoSidedZ(0.95), 1.959963984540054, 1e-12);
  EXPECT_NEAR(TwoSidedZ(0.998), 3.090232306167813, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232306167813, 1e-12);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-9);
  EXPECT_NEAR(NormalCdf(1.96), 0.9750021048517795, 1e-14);
  EXPECT_TRUE(std::isnan(NormalQuantile(1.5)));
}

TEST(DistributionsTest, ChiSquaredMatchesTables) {
  EXPECT_NEAR(ChiSquaredQuantile(0.95, 1), 3.841458820694124, 1e-9);
  EXPECT_NEAR(ChiSquaredQuantile(0.975, 10), 20.48317735080739, 1e-8);
  EXPECT_NEAR(ChiSquaredQuantile(0.025, 10), 3.246972780236841, 1e-8);
  EXPECT_NEAR(ChiSquaredCdf(3.841458820694124, 1), 0.95, 1e-12);
  EXPECT_NEAR(ChiSquaredQuantile(0.95, 100), 124.3421134, 1e-6);
  for (double p : {0.001, 0.05, 0.5, 0.95, 0.999}) {
    EXPECT_NEAR(ChiSquaredCdf(ChiSquaredQuantile(p, 49), 49), p, 1e-12) << p;
  }
}

TEST(DistributionsTest, GammaIsExponentialForShapeOne) {
  for (double x : {0.01, 0.5, 1.0, 3.0, 20.0}) {
    EXPECT_NEAR(GammaP(1, x), 1 - std::exp(-x), 1e-14) << x;
    EXPECT_NEAR(GammaQ(1, x) / std::exp(-x), 1, 1e-12) << x;
  }
  // Inverse: p = 1 - e^-x is exact enough to recover x only while p is not
  // close to 1 in double precision.
  for (double x : {0.01, 0.5, 1.0, 3.0}) {
    EXPECT_NEAR(GammaPInverse(1, 1 - std::exp(-x)), x, 1e-10) << x;
  }
}

TEST(DistributionsTest, BinomialAndPoissonByHand) {
  // sum_{k<=2} C(10,k) 0.2^k 0.8^(10-k)
  EXPECT_NEAR(BinomialCdf(2, 10, 0.2), 0.6777995264, 1e-12);
  EXPECT_EQ(BinomialCdf(-1, 10, 0.2), 0);
  EXPECT_EQ(BinomialCdf(10, 10, 0.2), 1);
  // sum_{k<=3} e^-2.5 2.5^k / k!
  EXPECT_NEAR(PoissonCdf(3, 2.5), 0.7575761331330659, 1e-12);
  EXPECT_NEAR(PoissonCdf(0, 2.5), std::exp(-2.5), 1e-14);
}

}  // namespace
}  // namespace lantern::stats
