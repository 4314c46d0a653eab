#include "stats/funnel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/distributions.h"

namespace lantern::stats {
namespace {

TEST(FunnelTest, NormalLimitsWorkedExampleFromDefinitions) {
  // definitions.md 8.3: theta0 = 0.20, n = 100: 95% limits 0.122-0.278, upper 99.8% 0.324.
  Limits l95 = NormalFunnelLimits(FunnelKind::kProportion, 0.2, 100, 0.95, 0);
  EXPECT_NEAR(l95.lower, 0.122, 0.0005);
  EXPECT_NEAR(l95.upper, 0.278, 0.0005);
  Limits l998 = NormalFunnelLimits(FunnelKind::kProportion, 0.2, 100, 0.998, 0);
  EXPECT_NEAR(l998.upper, 0.324, 0.0005);
}

TEST(FunnelTest, ExactBinomialLimitsInterpolateBetweenCounts) {
  // theta0 = 0.2, n = 10, by hand: F(4) = 0.96721, F(5) = 0.99363, so the 97.5%
  // limit is (5 - (0.99363 - 0.975) / (0.99363 - 0.96721)) / 10 = 0.42949; the
  // 2.5% limit interpolates below 0 and is held at 0.
  Limits l = ExactBinomialLimits(0.2, 10, 0.95);
  EXPECT_NEAR(l.upper, 0.4294939, 1e-6);
  EXPECT_EQ(l.lower, 0);
  Limits l998 = ExactBinomialLimits(0.2, 10, 0.998);
  EXPECT_NEAR(l998.upper, 0.5975360, 1e-6);
}

TEST(FunnelTest, ExactPoissonLimitsInterpolateBetweenCounts) {
  // 0.05 events per pupil, 100 pupils: Poisson(5); by hand.
  Limits l = ExactPoissonLimits(0.05, 100, 0.95);
  EXPECT_NEAR(l.lower, 0.0054207, 1e-6);
  EXPECT_NEAR(l.upper, 0.0937656, 1e-6);
  EXPECT_NEAR(ExactPoissonLimits(0.05, 100, 0.998).upper, 0.1277135, 1e-6);
}

TEST(FunnelTest, ExactAndNormalAgreeForLargeCounts) {
  Limits exact = ExactBinomialLimits(0.3, 20000, 0.998);
  Limits normal = NormalFunnelLimits(FunnelKind::kProportion, 0.3, 20000, 0.998, 0);
  EXPECT_NEAR(exact.lower, normal.lower, 5e-4);
  EXPECT_NEAR(exact.upper, normal.upper, 5e-4);
}

TEST(FunnelTest, MeansUseSigmaOverRootN) {
  // A P8 funnel is the CI turned inside out (definitions.md 8.3).
  Limits l = NormalFunnelLimits(FunnelKind::kMean, 0, 150, 0.95, 1.415869);
  EXPECT_NEAR(l.upper, 1.959964 * 1.415869 / std::sqrt(150.0), 1e-6);
  EXPECT_NEAR(l.lower, -l.upper, 1e-12);
}

TEST(FunnelTest, OverdispersionHandCase) {
  // Ten units, s = 0.1 each (w = 100). Type-7 quantiles of the sorted z:
  // 10% -> -2.1, 90% -> 3.1. Winsorised squares sum to 33.52, phi = 3.352;
  // tau2 = (10 * 3.352 - 9) / (1000 - 100000 / 1000) = 24.52 / 900.
  std::vector<double> z{-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 4};
  std::vector<double> se(10, 0.1);
  Overdispersion od = EstimateOverdispersion(z, se);
  EXPECT_TRUE(od.estimated);
  EXPECT_NEAR(od.phi, 3.352, 1e-12);
  EXPECT_NEAR(od.tau2, 24.52 / 900, 1e-12);
  EXPECT_NEAR(od.p_value, 1 - ChiSquaredCdf(33.52, 9), 1e-12);
  EXPECT_TRUE(od.applied);
  // With tau2 the limits widen: theta0 +/- z sqrt(s^2 + tau2).
  Limits l = FunnelLimits(FunnelKind::kProportion, 0.2, 100, 0.95, 0, od);
  EXPECT_NEAR(l.upper, 0.2 + 1.959964 * std::sqrt(0.0016 + 24.52 / 900), 1e-6);
}

TEST(FunnelTest, NoOverdispersionWhenZScoresAreOrdinary) {
  std::vector<double> z{-1.2, -0.8, -0.5, -0.1, 0.0, 0.2, 0.4, 0.9, 1.1, 1.3};
  std::vector<double> se(10, 0.05);
  Overdispersion od = EstimateOverdispersion(z, se);
  EXPECT_TRUE(od.estimated);
  EXPECT_LT(od.phi, 1);
  EXPECT_EQ(od.tau2, 0);
  EXPECT_FALSE(od.applied);
  // Fewer than ten units: not estimated.
  Overdispersion few =
      EstimateOverdispersion(std::vector<double>{5, -5, 6}, std::vector<double>{1, 1, 1});
  EXPECT_FALSE(few.estimated);
  EXPECT_FALSE(few.applied);
}

}  // namespace
}  // namespace lantern::stats
