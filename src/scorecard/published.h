// One scorecard cell as it is published: every number a PublishedCell (a
// number rounded half away from zero, or c / x / z), so the CSV, JSON and
// HTML outputs show exactly the same figures and symbols.
#ifndef LANTERN_SCORECARD_PUBLISHED_H_
#define LANTERN_SCORECARD_PUBLISHED_H_

#include <string>
#include <string_view>

#include "lantern/scorecard.h"
#include "publish/published_cell.h"

namespace lantern::scorecard {

struct PublishedComparison {
  PublishedCell value, lower95, upper95, lower998, upper998, phi;
  std::string_view position;        // FunnelPositionId, or "x" / "z" / "c"
  std::string_view overdispersion;  // "applied", "not needed", "not estimated", ...
};

struct PublishedScorecardCell {
  PublishedCell value, lower, upper, numerator, denominator;
  PublishedComparison similar, la, england;
  std::string_view band;  // PercentileBandText, or a symbol
  PublishedCell expected, difference, difference_lower, difference_upper;
  bool any_suppressed = false;
};

PublishedScorecardCell Publish(const ScorecardCell& cell);

// "12.3%", "0.25", "1,133": a figure for people (HTML), or the symbol.
std::string DisplayText(const PublishedCell& cell, std::string_view unit);

}  // namespace lantern::scorecard

#endif  // LANTERN_SCORECARD_PUBLISHED_H_
