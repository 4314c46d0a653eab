#include "indicators/indicator_docs.h"

#include <fmt/format.h>

#include "indicators/attendance_indicators.h"

namespace lantern {

namespace {
std::string MeasureName(int m) {
  if (m < 0) return "";
  if (m == kMeasureEnrolments) return "enrolments";
  if (m == kMeasurePersistent) return "persistent absentees";
  if (m == kMeasureSevere) return "severe absentees";
  switch (m) {
    case kSessPossible: return "possible sessions";
    case kSessPresent: return "present sessions";
    case kSessAea: return "approved educational activity sessions";
    case kSessLate: return "late sessions";
    case kSessAuthorised: return "authorised absence sessions";
    case kSessUnauthorised: return "unauthorised absence sessions";
    case kSessOverall: return "overall absence sessions";
    default: break;
  }
  // A reason column: the codes that count under it, from the code table.
  std::string codes;
  auto table = RegisterCodes();
  for (size_t c = 1; c < table.size(); ++c) {
    if (table[c].reason != AbsenceReason::kNone && ReasonColumn(table[c].reason) == m) {
      codes += (codes.empty() ? "" : ", ") + std::string(table[c].code);
    }
  }
  return "sessions coded " + codes;
}
}  // namespace

std::string IndicatorDocsMarkdown() {
  std::string s =
      "# Indicators\n\n"
      "Generated from the indicator registries by `lantern indicators`; do not edit by hand.\n"
      "Column names follow the Department for Education's open data. Percentages are\n"
      "written to 5 decimal places; `dp` is how many to show (the metadata's `indicator_dp`).\n"
      "A cell is `c` when the person count named in the last column is suppressed\n"
      "(docs/definitions.md), `z` when its denominator is zero.\n\n"
      "## Attendance and absence (`lantern build`: attendance.csv)\n\n"
      "| id | label | unit | dp | numerator | denominator | definition | hidden with |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const IndicatorDef& d : AttendanceIndicators()) {
    s += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} |\n", d.id, d.label,
                     d.unit == IndicatorUnit::kPercent ? "%" : "count", d.display_dp,
                     MeasureName(d.numerator), MeasureName(d.denominator), d.definition,
                     MeasureName(d.person_count));
  }
  s += "\n`num_schools` counts the schools with at least one enrolment in the cell "
       "(`x` for rows by pupil residence).\n";
  return s;
}

}  // namespace lantern
