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

TEST(RegressionTest, WeightedLineMatchesTheClosedForm) {
  // y on (1, t) with weights: beta1 = Sxy / Sxx about the weighted means,
  // Var(beta1) = 1 / Sxx, Var(beta0) = 1 / sum(w) + tbar^2 / Sxx,
  // Cov = -tbar / Sxx.
  std::vector<double> t{0, 1, 2, 3, 5}, yv{1.0, 2.5, 2.9, 4.2, 7.1}, w{1, 2, 0.5, 3, 1.5};
  std::vector<double> x;
  for (double ti : t) {
    x.push_back(1);
    x.push_back(ti);
  }
  double sw = 0, st = 0, sy = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    sw += w[i];
    st += w[i] * t[i];
    sy += w[i] * yv[i];
  }
  const double tbar = st / sw, ybar = sy / sw;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    sxx += w[i] * (t[i] - tbar) * (t[i] - tbar);
    sxy += w[i] * (t[i] - tbar) * (yv[i] - ybar);
  }
  auto fit = FitWeightedLeastSquares(x, 2, yv, w);
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->rows, 5);
  EXPECT_NEAR(fit->beta[1], sxy / sxx, 1e-13);
  EXPECT_NEAR(fit->beta[0], ybar - tbar * sxy / sxx, 1e-13);
  EXPECT_NEAR(fit->covariance[3], 1 / sxx, 1e-14);
  EXPECT_NEAR(fit->covariance[0], 1 / sw + tbar * tbar / sxx, 1e-14);
  EXPECT_NEAR(fit->covariance[1], -tbar / sxx, 1e-14);
  EXPECT_EQ(fit->covariance[1], fit->covariance[2]);
}

TEST(RegressionTest, UnusableRowsAreLeftOut) {
  // The same fit with rows that have a zero, negative, infinite or NaN
  // weight, a NaN response or a NaN covariate added.
  std::vector<double> x{1, 0, 1, 1, 1, 2, 1, 4}, y{1, 3, 4, 9}, w{1, 2, 1, 0.5};
  auto clean = FitWeightedLeastSquares(x, 2, y, w);
  ASSERT_TRUE(clean.ok());
  const double nan = std::nan("");
  std::vector<double> x2 = x, y2 = y, w2 = w;
  const double extra[][4] = {{1, 5, 100, 0},   {1, 6, 100, -1}, {1, 7, 100, INFINITY},
                             {1, 8, 100, nan}, {1, 9, nan, 1},  {1, nan, 100, 1}};
  for (const auto& e : extra) {
    x2.push_back(e[0]);
    x2.push_back(e[1]);
    y2.push_back(e[2]);
    w2.push_back(e[3]);
  }
  auto fit = FitWeightedLeastSquares(x2, 2, y2, w2);
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->rows, 4);
  for (int i = 0; i < 2; ++i) EXPECT_DOUBLE_EQ(fit->beta[i], clean->beta[i]);
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(fit->covariance[i], clean->covariance[i]);
}

TEST(RegressionTest, BadShapesAndTooFewRowsAreErrors) {
  std::vector<double> x{1, 0, 1, 1, 1, 2}, y{1, 2, 3}, w{1, 1, 1};
  EXPECT_FALSE(FitWeightedLeastSquares(x, 0, y, w).ok());
  EXPECT_FALSE(FitWeightedLeastSquares(x, 4, y, w).ok());
  EXPECT_FALSE(FitWeightedLeastSquares(x, 2, y, std::vector<double>{1, 1}).ok());
  // Two parameters need more than two usable rows.
  EXPECT_FALSE(FitWeightedLeastSquares(x, 2, y, std::vector<double>{1, 0, 1}).ok());
  EXPECT_TRUE(FitWeightedLeastSquares(x, 2, y, w).ok());
}

TEST(RegressionTest, NearlyDependentColumnsAreSingular) {
  // Third column = first + second + eps * noise: the part of it the others
  // do not explain is about eps of its length.
  auto design = [](double eps) {
    std::vector<double> x;
    for (int i = 0; i < 40; ++i) {
      const double a = 1, b = std::sin(i), noise = std::cos(3.7 * i);
      x.insert(x.end(), {a, b, a + b + eps * noise});
    }
    return x;
  };
  std::vector<double> y(40), w(40, 1);
  for (int i = 0; i < 40; ++i) y[static_cast<size_t>(i)] = std::sin(0.3 * i);
  EXPECT_FALSE(FitWeightedLeastSquares(design(0), 3, y, w).ok());
  EXPECT_FALSE(FitWeightedLeastSquares(design(1e-9), 3, y, w).ok());
  EXPECT_TRUE(FitWeightedLeastSquares(design(1e-3), 3, y, w).ok());
  // A column of zeros (or zero once weighted) is singular too.
  std::vector<double> x0;
  for (int i = 0; i < 40; ++i) x0.insert(x0.end(), {1.0, 0.0});
  EXPECT_FALSE(FitWeightedLeastSquares(x0, 2, y, w).ok());
}

TEST(RegressionTest, ColumnsOnVeryDifferentScales) {
  // y = 2 + 3e-8 t with t in the hundreds of millions.
  std::vector<double> x, y, w;
  for (int i = 0; i < 20; ++i) {
    const double t = 1e8 * (1 + i);
    x.push_back(1);
    x.push_back(t);
    y.push_back(2 + 3e-8 * t);
    w.push_back(1 + i % 3);
  }
  auto fit = FitWeightedLeastSquares(x, 2, y, w);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->beta[0], 2, 1e-10);
  EXPECT_NEAR(fit->beta[1] / 3e-8, 1, 1e-12);
}

}  // namespace
}  // namespace lantern::stats
