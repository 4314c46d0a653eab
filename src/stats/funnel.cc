#include "stats/funnel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "stats/distributions.h"

namespace lantern::stats {
namespace {

// Expected counts below which exact limits are drawn.
constexpr double kExactBelow = 100;

// Spiegelhalter's interpolated p-quantile of a discrete distribution: r_p is
// the smallest count with F(r_p) >= p, alpha = (F(r_p) - p) / (F(r_p) -
// F(r_p - 1)), and the quantile is r_p - alpha. The walk from a starting
// guess uses one evaluation of the distribution function and then the
// probability mass by recurrence: pmf(r + 1) = pmf(r) * ratio(r).
template <typename Cdf, typename Pmf, typename Ratio>
double InterpolatedQuantile(Cdf cdf, Pmf pmf, Ratio ratio, double p, int64_t guess, int64_t max_r) {
  int64_t r = std::clamp<int64_t>(guess, 0, max_r);
  double f = cdf(r);  // F(r)
  double m = pmf(r);  // P(X = r)
  // Down while F(r - 1) = F(r) - pmf(r) >= p.
  while (r > 0 && f - m >= p) {
    f -= m;
    const double rr = ratio(r - 1);  // pmf(r) / pmf(r - 1)
    m = rr > 0 ? m / rr : 0;
    --r;
    if (m <= 0) {  // underflow: fall back to the distribution function
      f = cdf(r);
      m = pmf(r);
    }
  }
  // Up while F(r) < p.
  while (f < p && r < max_r) {
    m *= ratio(r);
    ++r;
    f += m;
    if (m <= 0) {
      f = cdf(r);
      m = pmf(r);
    }
  }
  const double alpha = m > 0 ? (f - p) / m : 0;
  return static_cast<double>(r) - std::clamp(alpha, 0.0, 1.0);
}

}  // namespace

double FunnelStandardError(FunnelKind kind, double theta0, double n, double sigma) {
  if (!(n > 0)) return 0;
  switch (kind) {
    case FunnelKind::kProportion:
      return std::sqrt(std::max(0.0, theta0 * (1 - theta0)) / n);
    case FunnelKind::kRate:
      return std::sqrt(std::max(0.0, theta0) / n);
    case FunnelKind::kMean:
      return sigma / std::sqrt(n);
  }
  return 0;
}

Limits NormalFunnelLimits(FunnelKind kind, double theta0, double n, double level, double sigma,
                          double tau2) {
  const double se = FunnelStandardError(kind, theta0, n, sigma);
  const double half = TwoSidedZ(level) * std::sqrt(se * se + tau2);
  Limits l{theta0 - half, theta0 + half};
  if (kind == FunnelKind::kProportion) {
    l.lower = std::clamp(l.lower, 0.0, 1.0);
    l.upper = std::clamp(l.upper, 0.0, 1.0);
  } else if (kind == FunnelKind::kRate) {
    l.lower = std::max(0.0, l.lower);
  }
  return l;
}

Limits ExactBinomialLimits(double theta0, double n_real, double level) {
  const int64_t n = std::llround(n_real);
  if (n <= 0) return {0, 1};
  if (theta0 <= 0) return {0, 0};
  if (theta0 >= 1) return {1, 1};
  const double lo_p = (1 - level) / 2, hi_p = 1 - lo_p;
  const double dn = static_cast<double>(n);
  const double odds = theta0 / (1 - theta0);
  const double log_t = std::log(theta0), log_1t = std::log1p(-theta0), lg_n1 = std::lgamma(dn + 1);
  auto cdf = [&](int64_t r) { return BinomialCdf(r, n, theta0); };
  auto pmf = [&](int64_t r) {
    const double k = static_cast<double>(r);
    return std::exp(lg_n1 - std::lgamma(k + 1) - std::lgamma(dn - k + 1) + k * log_t +
                    (dn - k) * log_1t);
  };
  auto ratio = [&](int64_t r) {  // pmf(r + 1) / pmf(r)
    return static_cast<double>(n - r) / static_cast<double>(r + 1) * odds;
  };
  const double mean = dn * theta0, sd = std::sqrt(dn * theta0 * (1 - theta0));
  auto guess = [&](double p) {
    return static_cast<int64_t>(std::floor(mean + NormalQuantile(p) * sd));
  };
  // Interpolating below a count of 0 would give a negative limit.
  return {std::max(0.0, InterpolatedQuantile(cdf, pmf, ratio, lo_p, guess(lo_p), n) / dn),
          InterpolatedQuantile(cdf, pmf, ratio, hi_p, guess(hi_p), n) / dn};
}

Limits ExactPoissonLimits(double theta0, double n, double level) {
  if (!(n > 0)) return {0, 0};
  if (theta0 <= 0) return {0, 0};
  const double lambda = theta0 * n;
  const double lo_p = (1 - level) / 2, hi_p = 1 - lo_p;
  const double log_l = std::log(lambda);
  auto cdf = [&](int64_t r) { return PoissonCdf(r, lambda); };
  auto pmf = [&](int64_t r) {
    const double k = static_cast<double>(r);
    return std::exp(k * log_l - lambda - std::lgamma(k + 1));
  };
  auto ratio = [&](int64_t r) { return lambda / static_cast<double>(r + 1); };
  const double sd = std::sqrt(lambda);
  auto guess = [&](double p) {
    return static_cast<int64_t>(std::floor(lambda + NormalQuantile(p) * sd));
  };
  const int64_t max_r = static_cast<int64_t>(lambda + 50 * sd + 100);
  return {std::max(0.0, InterpolatedQuantile(cdf, pmf, ratio, lo_p, guess(lo_p), max_r) / n),
          InterpolatedQuantile(cdf, pmf, ratio, hi_p, guess(hi_p), max_r) / n};
}

Limits FunnelLimits(FunnelKind kind, double theta0, double n, double level, double sigma,
                    const Overdispersion& od) {
  if (od.applied) return NormalFunnelLimits(kind, theta0, n, level, sigma, od.tau2);
  if (kind == FunnelKind::kProportion && n * theta0 * (1 - theta0) < kExactBelow) {
    return ExactBinomialLimits(theta0, n, level);
  }
  if (kind == FunnelKind::kRate && n * theta0 < kExactBelow) {
    return ExactPoissonLimits(theta0, n, level);
  }
  return NormalFunnelLimits(kind, theta0, n, level, sigma, 0);
}

int FunnelSide(FunnelKind kind, double theta0, double n, double y, double level, double sigma,
               const Overdispersion& od) {
  const double tail = (1 - level) / 2;
  const bool exact_binomial = !od.applied && kind == FunnelKind::kProportion &&
                              n * theta0 * (1 - theta0) < kExactBelow && theta0 > 0 && theta0 < 1;
  const bool exact_poisson =
      !od.applied && kind == FunnelKind::kRate && n * theta0 < kExactBelow && theta0 > 0;
  if (exact_binomial || exact_poisson) {
    const int64_t r = std::llround(y * n);
    auto cdf = [&](int64_t k) {
      return exact_binomial ? BinomialCdf(k, std::llround(n), theta0) : PoissonCdf(k, theta0 * n);
    };
    if (1 - cdf(r - 1) < tail) return 1;
    if (cdf(r) < tail) return -1;
    return 0;
  }
  const Limits l = FunnelLimits(kind, theta0, n, level, sigma, od);
  if (y > l.upper) return 1;
  if (y < l.lower) return -1;
  return 0;
}

double SortedQuantile(std::span<const double> sorted, double q) {
  if (sorted.empty()) return 0;
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Overdispersion EstimateOverdispersion(std::span<const double> z, std::span<const double> se,
                                      double winsorise, double test_alpha) {
  Overdispersion od;
  od.units = static_cast<int>(z.size());
  if (od.units < kMinOverdispersionUnits || se.size() != z.size()) return od;
  std::vector<double> sorted(z.begin(), z.end());
  std::sort(sorted.begin(), sorted.end());
  const double lz = SortedQuantile(sorted, winsorise);
  const double uz = SortedQuantile(sorted, 1 - winsorise);
  double sum_z2 = 0, sum_w = 0, sum_w2 = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const double zw = std::clamp(z[i], lz, uz);
    sum_z2 += zw * zw;
    const double w = 1 / (se[i] * se[i]);
    sum_w += w;
    sum_w2 += w * w;
  }
  const double units = static_cast<double>(od.units);
  od.estimated = true;
  od.phi = sum_z2 / units;
  const double denom = sum_w - sum_w2 / sum_w;
  od.tau2 = denom > 0 ? std::max(0.0, (units * od.phi - (units - 1)) / denom) : 0;
  od.p_value = 1 - ChiSquaredCdf(units * od.phi, units - 1);
  od.applied = od.tau2 > 0 && od.p_value < test_alpha;
  return od;
}

}  // namespace lantern::stats
