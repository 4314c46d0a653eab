// A published figure: a number, or one of the Government Statistical
// Service symbols the Department uses in its open data (definitions.md 9).
// Suppression is a value, never NaN, -1 or an empty cell. Every published
// number is written through PublishedCell, rounded half away from zero
// (common/rounding.h): a ratio of two counts exactly, in integers; any
// other number from its double.
#ifndef LANTERN_PUBLISH_PUBLISHED_CELL_H_
#define LANTERN_PUBLISH_PUBLISHED_CELL_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lantern {

enum class GssSymbol : uint8_t {
  kNone = 0,       // a number is published
  kSuppressed,     // c: confidential (small count)
  kNotAvailable,   // x: not collected / not available
  kNotApplicable,  // z: does not apply (boys at a girls' school)
  kLow,            // low: positive but rounds to zero
};
std::string_view GssSymbolText(GssSymbol s);  // "c", "x", "z", "low", ""

struct PublishedCell {
  double value = 0;
  GssSymbol symbol = GssSymbol::kNone;
  int8_t decimal_places = 0;
  // An exact ratio numerator / denominator * multiplier (denominator > 0),
  // when multiplier is not 0; value holds the same as a double.
  int64_t numerator = 0, denominator = 0, multiplier = 0;

  static PublishedCell Number(double v, int dp) {
    return {v, GssSymbol::kNone, static_cast<int8_t>(dp)};
  }
  static PublishedCell Count(int64_t n) {
    return {static_cast<double>(n), GssSymbol::kNone, 0, n, 1, 1};
  }
  // numerator / denominator * multiplier; z when the denominator is 0.
  static PublishedCell Ratio(int64_t numerator, int64_t denominator, int64_t multiplier, int dp) {
    if (denominator == 0) return Symbol(GssSymbol::kNotApplicable);
    return {static_cast<double>(numerator) / static_cast<double>(denominator) *
                static_cast<double>(multiplier),
            GssSymbol::kNone,
            static_cast<int8_t>(dp),
            numerator,
            denominator,
            multiplier};
  }
  static PublishedCell Symbol(GssSymbol s) { return {0, s, 0}; }
  bool is_number() const { return symbol == GssSymbol::kNone; }
  // The text for a CSV cell: the number rounded half away from zero, or the symbol.
  std::string Text() const;
  size_t Write(char* out, size_t cap) const;
};

}  // namespace lantern

#endif  // LANTERN_PUBLISH_PUBLISHED_CELL_H_
