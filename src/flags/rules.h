// At-risk rules: the versioned triggers of the early warning
// (rules/at-risk-VERSION.toml, docs/early-warning.md).
//
// The national core (rules/at-risk-1.toml, compiled in) defines the six
// triggers the issue names; a national file of a later version may change
// their measures, windows and thresholds but must keep every core id. A
// local file (scope = "local") only adds triggers: it may not name a core
// id, so the national core cannot be switched off or weakened locally. No
// protected characteristic may be a measure. A file with an error is refused
// with its path, line and reason; the caller keeps the rules in force.
#ifndef LANTERN_FLAGS_RULES_H_
#define LANTERN_FLAGS_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"

namespace lantern {

enum class TriggerMeasure : uint8_t {
  kSuspensionsStarted,          // suspensions (not permanent exclusions) starting in the window
  kAttendancePercent,           // attended / possible sessions over the window, in %
  kApPlacementsStarted,         // AP placements starting in the window
  kInternalSuspensionsStarted,  // internal-suspension spells starting in the window
  kMainSchools,                 // different schools of main registration in the window
  kEhcpWaitWeeks,               // weeks an EHC needs assessment request has waited
  kPermanentExclusions,         // permanent exclusions starting in the window (local use)
};

enum class WindowKind : uint8_t { kNone, kDays, kMonths, kSchoolDays, kTerm };

struct TriggerWindow {
  WindowKind kind = WindowKind::kNone;
  int n = 0;
  std::string text;  // as written: "12 months"
};

struct Trigger {
  std::string id;
  std::string meaning;
  TriggerMeasure measure = TriggerMeasure::kSuspensionsStarted;
  std::string measure_name;
  TriggerWindow window;
  double threshold = 0;
  bool core = false;      // one of the national core ids
  bool national = false;  // from a national file (the core and national additions)
};

struct AtRiskRules {
  std::string version;  // "1", or "1+LOCAL" with local additions
  std::string national_version;
  std::string title;
  std::vector<Trigger> triggers;  // the core first, in file order

  const Trigger* Find(std::string_view id) const;
};

// The ids of the national core: every national rules file must define them.
const std::vector<std::string>& CoreTriggerIds();

// rules/at-risk-1.toml as compiled in.
std::string_view NationalRulesText();
// The national core in force when a store has adopted no rules.
const AtRiskRules& DefaultRules();

// Parses a rules file's text. A national file (scope = "national") gives a
// complete rule set; a local file (scope = "local") gives the national
// rules `national` plus its additions. Errors: InvalidInput "PATH:LINE: reason".
Result<AtRiskRules> ParseAtRiskRules(std::string_view text, const std::string& path,
                                     const AtRiskRules& national);

// The national part of a rule set (its local additions removed).
AtRiskRules NationalPart(const AtRiskRules& rules);

// Whether a rules file's text is national (scope = "national").
bool IsNationalRulesText(std::string_view text);

// The text of a measure, a window and a threshold test, for reasons.
std::string_view MeasureName(TriggerMeasure m);

}  // namespace lantern

#endif  // LANTERN_FLAGS_RULES_H_
