// An indicator is a definition, not a loop: an id (the column name the
// Department uses), a label, and which aggregated measures make it. Adding
// one is a line in the family's registry (e.g. attendance_indicators.cc);
// outputs, metadata and docs/indicators.md all read the registry.
#ifndef LANTERN_INDICATORS_INDICATOR_H_
#define LANTERN_INDICATORS_INDICATOR_H_

#include <string_view>

namespace lantern {

enum class IndicatorUnit { kCount, kPercent };

struct IndicatorDef {
  std::string_view id;        // EES col_name, e.g. "sess_overall_percent"
  std::string_view label;     // for people, e.g. "Overall absence rate"
  std::string_view grouping;  // EES indicator_grouping
  IndicatorUnit unit;
  int numerator;              // a measure of the family
  int denominator;            // a measure, or -1 for a count
  int person_count;           // the person-count measure whose suppression hides this cell
  int display_dp;             // EES indicator_dp (the file keeps more precision)
  std::string_view definition;  // one sentence for docs/indicators.md
};

}  // namespace lantern

#endif  // LANTERN_INDICATORS_INDICATOR_H_
