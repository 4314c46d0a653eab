#include "stats/intervals.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "stats/distributions.h"

namespace lantern::stats {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

Interval WilsonInterval(double x, double n, double level) {
  if (!(n > 0)) return {kNaN, kNaN};
  const double z = TwoSidedZ(level), z2 = z * z;
  const double p = std::clamp(x / n, 0.0, 1.0);
  const double denom = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  // At x = 0 or x = n the bound is exactly 0 or 1; keep it so in floating point.
  double lo = x <= 0 ? 0 : std::max(0.0, centre - half);
  double hi = x >= n ? 1 : std::min(1.0, centre + half);
  return {lo, hi};
}

Interval PoissonExactInterval(double events, double level) {
  if (events < 0 || std::isnan(events)) return {kNaN, kNaN};
  const double alpha = 1 - level;
  double lo = events <= 0 ? 0 : ChiSquaredQuantile(alpha / 2, 2 * events) / 2;
  double hi = ChiSquaredQuantile(1 - alpha / 2, 2 * events + 2) / 2;
  return {lo, hi};
}

Interval NormalMeanInterval(double mean, double sd, double n, double level) {
  if (!(n > 0) || std::isnan(sd)) return {kNaN, kNaN};
  const double half = TwoSidedZ(level) * sd / std::sqrt(n);
  return {mean - half, mean + half};
}

Interval NewcombeDifference(double x1, double n1, double x2, double n2, double level) {
  if (!(n1 > 0) || !(n2 > 0)) return {kNaN, kNaN};
  const double p1 = x1 / n1, p2 = x2 / n2, d = p1 - p2;
  const Interval w1 = WilsonInterval(x1, n1, level), w2 = WilsonInterval(x2, n2, level);
  const double lo =
      d - std::sqrt((p1 - w1.lower) * (p1 - w1.lower) + (w2.upper - p2) * (w2.upper - p2));
  const double hi =
      d + std::sqrt((w1.upper - p1) * (w1.upper - p1) + (p2 - w2.lower) * (p2 - w2.lower));
  return {lo, hi};
}

Interval MoverDifference(double p1, Interval ci1, double p2, Interval ci2) {
  // NaN fails every comparison, so a missing estimate or limit gives NaN.
  if (!(ci1.lower <= p1 && p1 <= ci1.upper && ci2.lower <= p2 && p2 <= ci2.upper)) {
    return {kNaN, kNaN};
  }
  const double d = p1 - p2;
  const double lo =
      d - std::sqrt((p1 - ci1.lower) * (p1 - ci1.lower) + (ci2.upper - p2) * (ci2.upper - p2));
  const double hi =
      d + std::sqrt((ci1.upper - p1) * (ci1.upper - p1) + (p2 - ci2.lower) * (p2 - ci2.lower));
  return {lo, hi};
}

double RatioStandardError(int64_t k, int64_t sum_a, int64_t sum_b, int64_t sum_a2, int64_t sum_ab,
                          int64_t sum_b2) {
  if (k < 2 || sum_b <= 0) return 0;
  // sum (a - R b)^2 * B^2 = sum a^2 B^2 - 2 A B sum ab + A^2 sum b^2, with
  // A = sum(a), B = sum(b), R = A / B.
  using I = __int128;
  const I a = sum_a, b = sum_b;
  const I ss_b2 = static_cast<I>(sum_a2) * b * b - 2 * a * b * static_cast<I>(sum_ab) +
                  a * a * static_cast<I>(sum_b2);
  if (ss_b2 <= 0) return 0;
  const long double ss = static_cast<long double>(ss_b2) / (static_cast<long double>(b) * b);
  const long double kk = static_cast<long double>(k);
  return static_cast<double>(std::sqrt(kk / (kk - 1) * ss) / static_cast<long double>(b));
}

}  // namespace lantern::stats
