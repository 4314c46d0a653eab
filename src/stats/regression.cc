#include "stats/regression.h"

#include <algorithm>
#include <cmath>

namespace lantern::stats {

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
  std::vector<double> a(p * p, 0.0), b(p, 0.0);
  int used = 0;
  for (size_t r = 0; r < rows; ++r) {
    const double wr = w[r];
    if (!(wr > 0) || !std::isfinite(wr) || !std::isfinite(y[r])) continue;
    const double* xr = &x[r * p];
    bool finite = true;
    for (size_t j = 0; j < p; ++j) finite = finite && std::isfinite(xr[j]);
    if (!finite) continue;
    ++used;
    for (size_t i = 0; i < p; ++i) {
      b[i] += wr * xr[i] * y[r];
      for (size_t j = 0; j <= i; ++j) a[i * p + j] += wr * xr[i] * xr[j];
    }
  }
  if (used <= p_int) {
    return Status::InvalidArgument("weighted least squares: fewer rows than parameters");
  }
  // Cholesky: a = L L' (lower triangle of a holds the sums).
  std::vector<double> l(p * p, 0.0);
  for (size_t i = 0; i < p; ++i) {
    for (size_t j = 0; j <= i; ++j) {
      double s = a[i * p + j];
      for (size_t k = 0; k < j; ++k) s -= l[i * p + k] * l[j * p + k];
      if (i == j) {
        if (!(s > 1e-12 * std::fabs(a[i * p + i]) && s > 0)) {
          return Status::InvalidArgument("weighted least squares: singular system");
        }
        l[i * p + i] = std::sqrt(s);
      } else {
        l[i * p + j] = s / l[j * p + j];
      }
    }
  }
  // Inverse of L, then (X'WX)^-1 = L^-T L^-1.
  std::vector<double> li(p * p, 0.0);
  for (size_t i = 0; i < p; ++i) {
    li[i * p + i] = 1 / l[i * p + i];
    for (size_t j = 0; j < i; ++j) {
      double s = 0;
      for (size_t k = j; k < i; ++k) s -= l[i * p + k] * li[k * p + j];
      li[i * p + j] = s / l[i * p + i];
    }
  }
  WlsFit fit;
  fit.parameters = p_int;
  fit.rows = used;
  fit.covariance.assign(p * p, 0.0);
  for (size_t i = 0; i < p; ++i) {
    for (size_t j = 0; j < p; ++j) {
      double s = 0;
      for (size_t k = std::max(i, j); k < p; ++k) s += li[k * p + i] * li[k * p + j];
      fit.covariance[i * p + j] = s;
    }
  }
  fit.beta.assign(p, 0.0);
  for (size_t i = 0; i < p; ++i) {
    double s = 0;
    for (size_t j = 0; j < p; ++j) s += fit.covariance[i * p + j] * b[j];
    fit.beta[i] = s;
  }
  return fit;
}

}  // namespace lantern::stats
