// A published figure: a number, or one of the Government Statistical
// Service symbols the Department uses in its open data (definitions.md 9).
// Suppression is a value, never NaN, -1 or an empty cell.
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

  static PublishedCell Number(double v, int dp) {
    return {v, GssSymbol::kNone, static_cast<int8_t>(dp)};
  }
  static PublishedCell Symbol(GssSymbol s) { return {0, s, 0}; }
  bool is_number() const { return symbol == GssSymbol::kNone; }
  // The text for a CSV cell: the number rounded half away from zero, or the symbol.
  std::string Text() const;
  size_t Write(char* out, size_t cap) const;
};

}  // namespace lantern

#endif  // LANTERN_PUBLISH_PUBLISHED_CELL_H_
