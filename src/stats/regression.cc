#include "stats/regression.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace lantern::stats {
namespace {

// Rank test on the unit-length weighted columns: a pivot |R_kk| below this
// (the part of a column the others do not explain) makes the system
// singular; it is the same test as a Cholesky pivot of the normal equations
// below 1e-12 of its diagonal.
constexpr double kRankTolerance = 1e-6;

}  // namespace

double WlsFit::Predict(std::span<const double> x) const {
  double s = 0;
  for (int j = 0; j < parameters; ++j)
    s += beta[static_cast<size_t>(j)] * x[static_cast<size_t>(j)];
  return s;
}

double WlsFit::PredictionStandardError(std::span<const double> x) const {
  double s = 0;
  const size_t p = static_cast<size_t>(parameters);
  for (size_t i = 0; i < p; ++i) {
    for (size_t j = 0; j < p; ++j) s += x[i] * covariance[i * p + j] * x[j];
  }
  return std::sqrt(std::max(0.0, s));
}

Result<WlsFit> FitWeightedLeastSquares(std::span<const double> x, int p_int,
                                       std::span<const double> y, std::span<const double> w) {
  const size_t p = static_cast<size_t>(p_int);
  const size_t rows = y.size();
  if (p == 0 || x.size() != rows * p || w.size() != rows) {
    return Status::InvalidArgument("weighted least squares: inconsistent sizes");
  }
  std::vector<size_t> used;
  for (size_t r = 0; r < rows; ++r) {
    const double wr = w[r];
    if (!(wr > 0) || !std::isfinite(wr) || !std::isfinite(y[r])) continue;
    bool finite = true;
    for (size_t j = 0; j < p; ++j) finite = finite && std::isfinite(x[r * p + j]);
    if (finite) used.push_back(r);
  }
  if (used.size() <= p) {
    return Status::InvalidArgument("weighted least squares: fewer rows than parameters");
  }
  // The weighted design sqrt(W) X and response sqrt(W) y.
  const Eigen::Index n = static_cast<Eigen::Index>(used.size()), q = p_int;
  Eigen::MatrixXd a(n, q);
  Eigen::VectorXd b(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const size_t r = used[static_cast<size_t>(k)];
    const double sw = std::sqrt(w[r]);
    for (Eigen::Index j = 0; j < q; ++j) a(k, j) = sw * x[r * p + static_cast<size_t>(j)];
    b(k) = sw * y[r];
  }
  // Columns scaled to unit length, so the rank test is relative to each one.
  const Eigen::VectorXd norms = a.colwise().norm().transpose();
  if (!(norms.array() > 0).all() || !norms.allFinite()) {
    return Status::InvalidArgument("weighted least squares: singular system");
  }
  a = a * norms.cwiseInverse().asDiagonal();
  // Eigen::ColPivHouseholderQR of the weighted design: a P = Q R.
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
  qr.setThreshold(kRankTolerance);
  if (qr.rank() < q) return Status::InvalidArgument("weighted least squares: singular system");
  const Eigen::VectorXd beta = qr.solve(b).cwiseQuotient(norms);
  // (X'WX)^-1 = D^-1 P R^-1 R^-T P' D^-1, D the column lengths; R^-1 R^-T is
  // formed as a symmetric rank update so the covariance is exactly symmetric.
  const Eigen::MatrixXd r_inv =
      qr.matrixR().topLeftCorner(q, q).triangularView<Eigen::Upper>().solve(
          Eigen::MatrixXd::Identity(q, q));
  Eigen::MatrixXd inner = Eigen::MatrixXd::Zero(q, q);
  inner.selfadjointView<Eigen::Lower>().rankUpdate(r_inv);
  const Eigen::MatrixXd scaled_cov = qr.colsPermutation() *
                                     Eigen::MatrixXd(inner.selfadjointView<Eigen::Lower>()) *
                                     qr.colsPermutation().transpose();

  WlsFit fit;
  fit.parameters = p_int;
  fit.rows = static_cast<int>(used.size());
  fit.beta.assign(beta.data(), beta.data() + q);
  fit.covariance.resize(p * p);
  for (Eigen::Index i = 0; i < q; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      const double c = scaled_cov(i, j) / norms(i) / norms(j);
      fit.covariance[static_cast<size_t>(i) * p + static_cast<size_t>(j)] = c;
      fit.covariance[static_cast<size_t>(j) * p + static_cast<size_t>(i)] = c;
    }
  }
  return fit;
}

}  // namespace lantern::stats
