#include "stats/distributions.h"

#include <cmath>
#include <limits>

namespace lantern::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEps = 1e-15;
constexpr double kTiny = 1e-300;
constexpr int kMaxIterations = 10000;

// P(a, x) by its series, for x < a + 1.
double GammaPSeries(double a, double x) {
  double sum = 1.0 / a, term = sum, ap = a;
  for (int i = 0; i < kMaxIterations; ++i) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEps) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Q(a, x) by its continued fraction (modified Lentz), for x >= a + 1.
double GammaQFraction(double a, double x) {
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEps) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

// Continued fraction for the regularised incomplete beta function.
double BetaFraction(double a, double b, double x) {
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m < kMaxIterations; ++m) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEps) break;
  }
  return h;
}

// Regularised incomplete beta I_x(a, b).
double BetaRegularized(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                          b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaFraction(a, b, x) / a;
  return 1 - front * BetaFraction(b, a, 1 - x) / b;
}

}  // namespace

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (!(p > 0 && p < 1)) {
    if (p == 0) return -std::numeric_limits<double>::infinity();
    if (p == 1) return std::numeric_limits<double>::infinity();
    return kNaN;
  }
  // Acklam's algorithm.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double plow = 0.02425;
  double x;
  if (p < plow) {
    double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against the exact distribution function.
  double e = NormalCdf(x) - p;
  double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double TwoSidedZ(double level) {
  // Called for every limit drawn, nearly always with the same two levels.
  thread_local double last_level = -1, last_z = 0;
  if (level != last_level) {
    last_z = NormalQuantile(0.5 + level / 2);
    last_level = level;
  }
  return last_z;
}

double GammaP(double a, double x) {
  if (!(a > 0) || x < 0 || std::isnan(x)) return kNaN;
  if (x == 0) return 0;
  if (x < a + 1) return GammaPSeries(a, x);
  return 1 - GammaQFraction(a, x);
}

double GammaQ(double a, double x) {
  if (!(a > 0) || x < 0 || std::isnan(x)) return kNaN;
  if (x == 0) return 1;
  if (x < a + 1) return 1 - GammaPSeries(a, x);
  return GammaQFraction(a, x);
}

double GammaPInverse(double a, double p) {
  if (!(a > 0) || !(p >= 0 && p < 1)) return kNaN;
  if (p == 0) return 0;
  // Starting value (Numerical Recipes 6.2.1), then Halley iterations.
  double x;
  const double a1 = a - 1, gln = std::lgamma(a);
  double lna1 = 0, afac = 0;
  if (a > 1) {
    lna1 = std::log(a1);
    afac = std::exp(a1 * (lna1 - 1) - gln);
    double pp = p < 0.5 ? p : 1 - p;
    double t = std::sqrt(-2 * std::log(pp));
    x = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) x = -x;
    x = std::fmax(1e-3, a * std::pow(1 - 1 / (9 * a) - x / (3 * std::sqrt(a)), 3));
  } else {
    double t = 1 - a * (0.253 + a * 0.12);
    x = p < t ? std::pow(p / t, 1 / a) : 1 - std::log(1 - (p - t) / (1 - t));
  }
  for (int j = 0; j < 100; ++j) {
    if (x <= 0) return 0;
    double err = GammaP(a, x) - p;
    double t = a > 1 ? afac * std::exp(-(x - a1) + a1 * (std::log(x) - lna1))
                     : std::exp(-x + a1 * std::log(x) - gln);
    if (t == 0) break;
    double u = err / t;
    double step = u / (1 - 0.5 * std::fmin(1, u * ((a - 1) / x - 1)));
    x -= step;
    if (x <= 0) x = 0.5 * (x + step);
    if (std::fabs(step) < 1e-12 * x) break;
  }
  return x;
}

double ChiSquaredCdf(double x, double k) {
  if (x <= 0) return 0;
  return GammaP(k / 2, x / 2);
}

double ChiSquaredQuantile(double p, double k) { return 2 * GammaPInverse(k / 2, p); }

double BinomialCdf(int64_t r, int64_t n, double theta) {
  if (r < 0) return 0;
  if (r >= n) return 1;
  if (theta <= 0) return 1;
  if (theta >= 1) return 0;
  // P(X <= r) = I_{1-theta}(n - r, r + 1).
  return BetaRegularized(static_cast<double>(n - r), static_cast<double>(r + 1), 1 - theta);
}

double PoissonCdf(int64_t r, double lambda) {
  if (r < 0) return 0;
  if (lambda <= 0) return 1;
  return GammaQ(static_cast<double>(r + 1), lambda);
}

}  // namespace lantern::stats
