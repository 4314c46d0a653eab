#include "stats/distributions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(DistributionsTest, NormalQuantileEdges) {
  EXPECT_EQ(NormalQuantile(0), -kInf);
  EXPECT_EQ(NormalQuantile(1), kInf);
  for (double p : {-0.1, 1.1, -kInf, kInf, kNaN}) EXPECT_TRUE(std::isnan(NormalQuantile(p))) << p;
  // Far tails (reference values to 1e-12 from a 40-digit evaluation).
  EXPECT_NEAR(NormalQuantile(1e-300), -37.04709629936120, 1e-12);
  EXPECT_NEAR(NormalQuantile(1 - 1e-10), 6.361340889697422, 1e-12);
  EXPECT_EQ(NormalQuantile(0.5), 0);
  for (double p : {std::ldexp(1.0, -40), 0.001, 0.3, 0.49}) {  // 1 - p exact
    EXPECT_NEAR(NormalQuantile(p), -NormalQuantile(1 - p), 1e-12 * std::fabs(NormalQuantile(p)))
        << p;
    EXPECT_NEAR(NormalCdf(NormalQuantile(p)) / p, 1, 1e-13) << p;
  }
}

TEST(DistributionsTest, GammaEdges) {
  for (double a : {-1.0, 0.0, kInf, kNaN}) {
    EXPECT_TRUE(std::isnan(GammaP(a, 1))) << a;
    EXPECT_TRUE(std::isnan(GammaQ(a, 1))) << a;
    EXPECT_TRUE(std::isnan(GammaPInverse(a, 0.5))) << a;
  }
  for (double x : {-1.0, -kInf, kNaN}) {
    EXPECT_TRUE(std::isnan(GammaP(2, x))) << x;
    EXPECT_TRUE(std::isnan(GammaQ(2, x))) << x;
  }
  EXPECT_EQ(GammaP(2, 0), 0);
  EXPECT_EQ(GammaQ(2, 0), 1);
  EXPECT_EQ(GammaP(2, kInf), 1);
  EXPECT_EQ(GammaQ(2, kInf), 0);
  EXPECT_EQ(GammaPInverse(2, 0), 0);
  for (double p : {1.0, 1.5, -0.5, kNaN}) EXPECT_TRUE(std::isnan(GammaPInverse(2, p))) << p;
}

TEST(DistributionsTest, GammaMatchesHighPrecisionValues) {
  // Reference values from a 40-digit evaluation.
  EXPECT_NEAR(GammaP(1e4, 1e4), 0.5013298083399552, 1e-14);
  EXPECT_NEAR(GammaP(1e4, 9800) / 0.02220754381396969, 1, 1e-12);
  EXPECT_NEAR(GammaQ(0.5, 30) / 9.485737571073848e-15, 1, 1e-12);
  EXPECT_NEAR(GammaQ(1e7, 1e7), 0.4999579477912763, 1e-12);
  EXPECT_NEAR(ChiSquaredQuantile(0.5, 2e6) / 1999999.333333373, 1, 1e-14);
  for (double a : {0.01, 0.5, 3.0, 40.0, 1e4}) {
    for (double p : {1e-10, 0.025, 0.5, 0.975, 1 - 1e-6}) {
      if (a < 0.1 && p < 1e-3) continue;  // x = (p Gamma(a + 1))^(1/a) underflows
      EXPECT_NEAR(GammaP(a, GammaPInverse(a, p)) / p, 1, 1e-12) << a << " " << p;
    }
  }
}

TEST(DistributionsTest, ChiSquaredEdges) {
  EXPECT_EQ(ChiSquaredCdf(0, 3), 0);
  EXPECT_EQ(ChiSquaredCdf(-1, -1), 0);  // 0 for x <= 0 whatever k
  EXPECT_EQ(ChiSquaredCdf(kInf, 3), 1);
  EXPECT_TRUE(std::isnan(ChiSquaredCdf(1, 0)));
  EXPECT_TRUE(std::isnan(ChiSquaredCdf(1, -2)));
  EXPECT_TRUE(std::isnan(ChiSquaredCdf(kNaN, 3)));
  EXPECT_EQ(ChiSquaredQuantile(0, 3), 0);
  EXPECT_TRUE(std::isnan(ChiSquaredQuantile(1, 3)));
  EXPECT_TRUE(std::isnan(ChiSquaredQuantile(0.5, 0)));
}

TEST(DistributionsTest, BinomialAndPoissonEdges) {
  EXPECT_EQ(BinomialCdf(3, 10, 0), 1);
  EXPECT_EQ(BinomialCdf(3, 10, -0.5), 1);
  EXPECT_EQ(BinomialCdf(3, 10, 1), 0);
  EXPECT_EQ(BinomialCdf(3, 10, 1.5), 0);
  EXPECT_EQ(BinomialCdf(0, 0, 0.5), 1);
  EXPECT_EQ(BinomialCdf(10, 10, kNaN), 1);
  EXPECT_TRUE(std::isnan(BinomialCdf(3, 10, kNaN)));
  // P(X = 0) = (1 - theta)^n, for a small theta and a large n.
  const double t = 9.5499258602143688e-05;
  EXPECT_NEAR(BinomialCdf(0, 19953, t) / std::exp(19953 * std::log1p(-t)), 1, 1e-13);
  EXPECT_EQ(PoissonCdf(-1, 2.5), 0);
  EXPECT_EQ(PoissonCdf(3, 0), 1);
  EXPECT_EQ(PoissonCdf(3, -1), 1);
  EXPECT_EQ(PoissonCdf(3, kInf), 0);
  EXPECT_TRUE(std::isnan(PoissonCdf(3, kNaN)));
}

TEST(DistributionsTest, NothingThrows) {
  // Boost.Math throws by default; the engine's policy must not.
  const double bad[] = {-kInf, -1, 0, 1, kInf, kNaN, 1e308, 5e-324};
  for (double u : bad) {
    for (double v : bad) {
      EXPECT_NO_THROW({
        (void)NormalQuantile(u);
        (void)GammaP(u, v);
        (void)GammaQ(u, v);
        (void)GammaPInverse(u, v);
        (void)ChiSquaredCdf(u, v);
        (void)ChiSquaredQuantile(u, v);
        (void)BinomialCdf(3, 10, u);
        (void)PoissonCdf(3, u);
      }) << u
         << " " << v;
    }
  }
}

}  // namespace
}  // namespace lantern::stats
