#include "common/rounding.h"

#include <charconv>
#include <cmath>

namespace lantern {

double RoundHalfUp(double v, int dp) {
  const double scale = std::pow(10.0, dp);
  const double x = std::fabs(v) * scale;
  // As dfeR::round_five_up: add sqrt(machine epsilon) before truncating, so
  // binary representation error (2.675 -> 2.67499...) does not round down.
  constexpr double kSqrtEps = 1.4901161193847656e-08;
  const double r = std::trunc(x + 0.5 + kSqrtEps);
  return std::copysign(r / scale, v);
}

size_t FormatDecimal(double v, int dp, char* out, size_t cap) {
  double r = RoundHalfUp(v, dp);
  if (r == 0.0) r = 0.0;  // no "-0.0"
  auto res = std::to_chars(out, out + cap, r, std::chars_format::fixed, dp);
  return static_cast<size_t>(res.ptr - out);
}

std::string FormatDecimal(double v, int dp) {
  char buf[64];
  return std::string(buf, FormatDecimal(v, dp, buf, sizeof buf));
}

}  // namespace lantern
