#include "common/rounding.h"

#include <charconv>
#include <cmath>

namespace lantern {

namespace {
constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
constexpr int64_t kIntPowersOfTen[] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
}  // namespace

double RoundHalfUp(double v, int dp) {
  const double scale = dp >= 0 && dp <= 9 ? kPowersOfTen[dp] : std::pow(10.0, dp);
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

size_t FormatRatio(int64_t numerator, int64_t denominator, int64_t multiplier, int dp, char* out) {
  const bool negative = numerator < 0;
  const uint64_t num = static_cast<uint64_t>(negative ? -numerator : numerator);
  const uint64_t den = static_cast<uint64_t>(denominator);
  // scaled = round(num * multiplier * 10^dp / den), halves away from zero.
  const uint64_t scale =
      static_cast<uint64_t>(multiplier) * static_cast<uint64_t>(kIntPowersOfTen[dp]);
  const uint64_t scaled = (2 * num * scale + den) / (2 * den);
  const uint64_t unit = static_cast<uint64_t>(kIntPowersOfTen[dp]);
  char* p = out;
  if (negative && scaled != 0) *p++ = '-';
  p = std::to_chars(p, p + 24, scaled / unit).ptr;
  if (dp > 0) {
    *p++ = '.';
    uint64_t frac = scaled % unit;
    for (int i = dp - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    p += dp;
  }
  return static_cast<size_t>(p - out);
}

}  // namespace lantern
