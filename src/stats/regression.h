// Weighted least squares for the scorecard's contextual expectation model:
// beta = (X'WX)^-1 X'Wy by Eigen's column-pivoting Householder QR of the
// weighted design sqrt(W) X (a handful of standardised context variables).
// Rows with a non-positive or non-finite weight, or a non-finite value, are
// left out. A singular system is reported, not thrown.
#ifndef LANTERN_STATS_REGRESSION_H_
#define LANTERN_STATS_REGRESSION_H_

#include <span>
#include <vector>

#include "lantern/status.h"

namespace lantern::stats {

struct WlsFit {
  int parameters = 0;
  int rows = 0;
  std::vector<double> beta;        // one per column of X
  std::vector<double> covariance;  // (X'WX)^-1, row-major p x p
  double Predict(std::span<const double> x) const;
  // sqrt(x' (X'WX)^-1 x): the standard error of the fitted value when the
  // weights are inverse variances.
  double PredictionStandardError(std::span<const double> x) const;
};

// X is row-major, rows x p; y and w have `rows` entries.
Result<WlsFit> FitWeightedLeastSquares(std::span<const double> x, int p, std::span<const double> y,
                                       std::span<const double> w);

}  // namespace lantern::stats

#endif  // LANTERN_STATS_REGRESSION_H_
