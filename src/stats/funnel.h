// Funnel-plot control limits and over-dispersion (definitions.md 8.3;
// Spiegelhalter 2005, Statistics in Medicine 24:1185-1202; FunnelPlotR
// R/OD_adjust_func.R).
//
// A unit (school) of size n is compared with a target theta0. Without
// over-dispersion the limits are exact (binomial for proportions, Poisson for
// rates, with Spiegelhalter's interpolation between integer counts) while the
// expected count is small, and normal otherwise; for means they are
// theta0 +/- z sigma / sqrt(n). With over-dispersion the additive
// random-effects limits theta0 +/- z sqrt(s(n)^2 + tau^2) are used.
//
// Values are on the natural scale: a proportion in [0, 1], a rate in events
// per pupil, a mean in its own units.
#ifndef LANTERN_STATS_FUNNEL_H_
#define LANTERN_STATS_FUNNEL_H_

#include <span>

namespace lantern::stats {

enum class FunnelKind { kProportion, kRate, kMean };

struct Overdispersion {
  int units = 0;           // units whose z-scores were used
  double phi = 0;          // mean of the squared winsorised z-scores
  double tau2 = 0;         // DerSimonian-Laird between-unit variance
  double p_value = 1;      // P(chi2(units - 1) >= units * phi)
  bool estimated = false;  // enough units to estimate (see kMinUnits)
  bool applied = false;    // estimated, tau2 > 0 and the test is significant
};

struct Limits {
  double lower = 0;
  double upper = 0;
};

// The within-unit standard error at the target: sqrt(theta0 (1 - theta0) / n)
// for proportions, sqrt(theta0 / n) for rates, sigma / sqrt(n) for means.
double FunnelStandardError(FunnelKind kind, double theta0, double n, double sigma);

// Normal limits, theta0 +/- z sqrt(se^2 + tau2), clamped to [0, 1] for
// proportions and to [0, inf) for rates.
Limits NormalFunnelLimits(FunnelKind kind, double theta0, double n, double level, double sigma,
                          double tau2 = 0);

// Exact binomial limits for a proportion with Spiegelhalter's interpolation:
// r_p is the smallest count with F(r_p) >= p, alpha = (F(r_p) - p) /
// (F(r_p) - F(r_p - 1)), and the limit is (r_p - alpha) / n. n is rounded.
Limits ExactBinomialLimits(double theta0, double n, double level);
// The same for a rate: counts ~ Poisson(theta0 * n), limit (r_p - alpha) / n.
Limits ExactPoissonLimits(double theta0, double n, double level);

// The limits Lantern draws: exact while the expected count is small
// (n theta0 (1 - theta0) < 100 for proportions, n theta0 < 100 for rates) and
// no over-dispersion is applied; otherwise normal (with tau2 when applied).
Limits FunnelLimits(FunnelKind kind, double theta0, double n, double level, double sigma,
                    const Overdispersion& od);

// Which side of the limits at `level` a unit with value y and size n lies:
// +1 above, -1 below, 0 inside. Consistent with FunnelLimits, except that in
// the exact (discrete) case the test is on the count r = round(y n) itself:
// above when P(X >= r) < (1 - level) / 2, below when P(X <= r) <
// (1 - level) / 2. (The interpolated limits are for drawing: a unit at the
// largest possible count, e.g. 100%, is not "above" a limit of 99.99%.)
int FunnelSide(FunnelKind kind, double theta0, double n, double y, double level, double sigma,
               const Overdispersion& od);

// Over-dispersion from the units' z-scores (y_i - theta0) / s_i and their
// standard errors s_i: z winsorised at the `winsorise` and 1 - `winsorise`
// quantiles (R type 7), phi = mean(z_w^2), tau2 = max(0, (I phi - (I - 1)) /
// (sum w - sum w^2 / sum w)) with w = 1 / s^2. Applied when tau2 > 0 and
// I phi exceeds the (1 - test_alpha) quantile of chi2(I - 1). Fewer than
// kMinUnits units: not estimated, not applied.
inline constexpr int kMinOverdispersionUnits = 10;
Overdispersion EstimateOverdispersion(std::span<const double> z, std::span<const double> se,
                                      double winsorise = 0.1, double test_alpha = 0.05);

// The R type-7 sample quantile of sorted values.
double SortedQuantile(std::span<const double> sorted, double q);

}  // namespace lantern::stats

#endif  // LANTERN_STATS_FUNNEL_H_
