#include "stats/distributions.h"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

namespace lantern::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Boost.Math throws on a domain, pole, overflow or evaluation error by
// default; nothing may throw across the engine API, so each error returns a
// value instead (NaN for a domain error, infinity for an overflow). The
// arguments are checked before Boost is called, so this is a backstop.
// promote_double<false>: double arithmetic throughout, rather than long
// double, which is slower and differs between platforms.
namespace bmp = boost::math::policies;
using NoThrow =
    bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                bmp::overflow_error<bmp::ignore_error>, bmp::underflow_error<bmp::ignore_error>,
                bmp::denorm_error<bmp::ignore_error>, bmp::evaluation_error<bmp::ignore_error>,
                bmp::rounding_error<bmp::ignore_error>,
                bmp::indeterminate_result_error<bmp::ignore_error>, bmp::promote_double<false>>;

}  // namespace

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (p == 0) return -kInf;
  if (p == 1) return kInf;
  if (!(p > 0 && p < 1)) return kNaN;
  // boost::math::quantile of the standard normal: -sqrt(2) erfc_inv(2p).
  return boost::math::quantile(boost::math::normal_distribution<double, NoThrow>(), p);
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
  if (!(a > 0 && a < kInf) || !(x >= 0)) return kNaN;
  if (x == 0) return 0;
  return boost::math::gamma_p(a, x, NoThrow());
}

double GammaQ(double a, double x) {
  if (!(a > 0 && a < kInf) || !(x >= 0)) return kNaN;
  if (x == 0) return 1;
  return boost::math::gamma_q(a, x, NoThrow());
}

double GammaPInverse(double a, double p) {
  if (!(a > 0 && a < kInf) || !(p >= 0 && p < 1)) return kNaN;
  if (p == 0) return 0;
  return boost::math::gamma_p_inv(a, p, NoThrow());
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
  if (std::isnan(theta)) return kNaN;
  // P(X <= r) = 1 - I_theta(r + 1, n - r), boost::math::ibetac.
  return boost::math::ibetac(static_cast<double>(r + 1), static_cast<double>(n - r), theta,
                             NoThrow());
}

double PoissonCdf(int64_t r, double lambda) {
  if (r < 0) return 0;
  if (lambda <= 0) return 1;
  return GammaQ(static_cast<double>(r + 1), lambda);
}

}  // namespace lantern::stats
