#include "publish/published_cell.h"

#include <charconv>
#include <cstring>

#include "common/rounding.h"

namespace lantern {

std::string_view GssSymbolText(GssSymbol s) {
  switch (s) {
    case GssSymbol::kNone:
      return "";
    case GssSymbol::kSuppressed:
      return "c";
    case GssSymbol::kNotAvailable:
      return "x";
    case GssSymbol::kNotApplicable:
      return "z";
    case GssSymbol::kLow:
      return "low";
  }
  return "x";
}

size_t PublishedCell::Write(char* out, size_t cap) const {
  if (symbol != GssSymbol::kNone) {
    std::string_view t = GssSymbolText(symbol);
    std::memcpy(out, t.data(), t.size());
    return t.size();
  }
  if (multiplier != 0) {
    if (denominator == 1 && multiplier == 1 && decimal_places == 0) {
      return static_cast<size_t>(std::to_chars(out, out + cap, numerator).ptr - out);
    }
    return FormatRatio(numerator, denominator, multiplier, decimal_places, out);
  }
  return FormatDecimal(value, decimal_places, out, cap);
}

std::string PublishedCell::Text() const {
  char buf[64];
  return std::string(buf, Write(buf, sizeof buf));
}

}  // namespace lantern
