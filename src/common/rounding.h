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

// numerator / denominator * 100 with dp decimals (dp <= 7), computed exactly
// in integers and rounded half away from zero: the rate the Department
// publishes, without binary floating-point error. Requires denominator > 0
// and |numerator| * 10^(dp + 2) to fit in 63 bits.
size_t FormatPercentOfRatio(int64_t numerator, int64_t denominator, int dp, char* out);

}  // namespace lantern

#endif  // LANTERN_COMMON_ROUNDING_H_
