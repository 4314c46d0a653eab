// Rounding as the Department for Education rounds: half away from zero
// (dfeR::round_five_up), never banker's rounding. Every published number
// goes through RoundHalfUp or FormatDecimal.
#ifndef LANTERN_COMMON_ROUNDING_H_
#define LANTERN_COMMON_ROUNDING_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace lantern {

// Rounds v to dp decimal places, halves away from zero. Decimal inputs that
// sit on a half (2.675 is stored as 2.67499999...) are nudged by
// sqrt(machine epsilon) first, exactly as dfeR does, so 2.675 -> 2.68.
double RoundHalfUp(double v, int dp);

// Writes RoundHalfUp(v, dp) with exactly dp decimals; returns the length.
size_t FormatDecimal(double v, int dp, char* out, size_t cap);
std::string FormatDecimal(double v, int dp);

// numerator / denominator * multiplier (1, 100 or 1000) with dp decimals,
// computed exactly in integers and rounded half away from zero: the rate or
// mean the Department publishes, without binary floating-point error.
// Requires denominator > 0, multiplier * 10^dp <= 10^9 and
// 2 |numerator| multiplier 10^dp to fit in 64 bits.
size_t FormatRatio(int64_t numerator, int64_t denominator, int64_t multiplier, int dp, char* out);

}  // namespace lantern

#endif  // LANTERN_COMMON_ROUNDING_H_
