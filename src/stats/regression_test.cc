#include "stats/regression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace lantern::stats {
namespace {

TEST(RegressionTest, RecoversAnExactLine) {
  // y = 2 + 3 x, equal weights.
  std::vector<double> x, y, w;
  for (int i = 0; i < 10; ++i) {
    x.push_back(1);
    x.push_back(i);
    y.push_back(2 + 3 * i);
    w.push_back(1);
  }
  auto fit = FitWeightedLeastSquares(x, 2, y, w);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->beta[0], 2, 1e-10);
  EXPECT_NEAR(fit->beta[1], 3, 1e-10);
  EXPECT_NEAR(fit->Predict(std::vector<double>{1, 20}), 62, 1e-9);
}

TEST(RegressionTest, WeightsMatterAndMatchAHandSolution) {
  // Points (0, 0) w=1, (1, 1) w=1, (2, 0) w=2 fitted by a constant: the
  // weighted mean (0 + 1 + 0) / 4 = 0.25, variance 1 / sum(w) = 0.25.
  std::vector<double> x{1, 1, 1}, y{0, 1, 0}, w{1, 1, 2};
  auto fit = FitWeightedLeastSquares(x, 1, y, w);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->beta[0], 0.25, 1e-12);
  EXPECT_NEAR(fit->covariance[0], 0.25, 1e-12);
  EXPECT_NEAR(fit->PredictionStandardError(std::vector<double>{1}), 0.5, 1e-12);
}

TEST(RegressionTest, SingularSystemIsAnErrorNotACrash) {
  std::vector<double> x{1, 2, 1, 2, 1, 2}, y{1, 2, 3}, w{1, 1, 1};
  EXPECT_FALSE(FitWeightedLeastSquares(x, 2, y, w).ok());
}

}  // namespace
}  // namespace lantern::stats
