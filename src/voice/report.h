// Pupil voice reporting (docs/pupil-voice.md; pupil-voice.md 4): the full
// distribution of every item for every pupil group at every school, LA,
// region, trust and England, with who was heard and who was not, and the
// change since the previous year's wave, all through one disclosure pass
// (suppress/suppression_problem.h). No mean, score, rank or rating is
// computed anywhere.
//
// It does not use the cube: the cube adds measures by school x pupil group,
// and a voice figure is a count by school x group x wave x item x response,
// with the roll on each school's own collection date as its denominator
// (docs/architecture.md). The cells and the additive relations between them
// (responses add to the base; a topic's groups add to all pupils; schools
// add to their LA and trust, LAs to their region, regions to England) go
// into one SuppressionProblem, solved with the policy's threshold.
#ifndef LANTERN_VOICE_REPORT_H_
#define LANTERN_VOICE_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/geography.h"
#include "model/policy.h"
#include "store/store.h"
#include "suppress/differencing_audit.h"
#include "voice/catalogue.h"

namespace lantern::voice {

// A pupil group of the voice reports: all pupils, the groups of
// aggregate/groups.h (sex, FSM, disadvantage, SEN provision, first
// language, looked after, year group), and three of the voice reports' own:
// persistently absent, severely absent, in alternative provision.
struct VoiceGroup {
  std::string topic, id, label;
};
const std::vector<VoiceGroup>& VoiceGroups();
// The topics (index ranges into VoiceGroups), topic 0 being the total.
struct VoiceTopic {
  std::string label;
  uint16_t first = 0, end = 0;
};
const std::vector<VoiceTopic>& VoiceTopics();

struct VoiceUnit {
  std::string key;  // "school:100001", "la:805", "region:E12000001", "trust:T1", "england"
  GeographyRow geography;
  std::vector<uint32_t> parents;  // the units whose counts this one's add into
  bool school = false;
};

// One item's distribution for one group in one unit and wave.
struct VoiceDistribution {
  uint32_t unit = 0;
  int16_t wave = 0;   // academic year start: 2018
  uint16_t item = 0;  // index into the catalogue's items
  uint16_t group = 0;
  std::vector<int64_t> counts;  // per category of the item's scale
  int64_t base = 0;             // every respondent the item was put to
  int32_t schools = 0;          // contributing schools
  std::vector<bool> hidden;     // per category (after the disclosure pass)
  bool base_hidden = false;
  std::string withheld;   // why the whole distribution is withheld ("" if not)
  size_t first_cell = 0;  // its cells in the problem: base, then categories
  // The change statistic's two counts, controlled like the rest: those who
  // gave a positive response, and those who gave any answer (not "prefer
  // not to say", not "not answered").
  size_t positive_cell = 0, answered_cell = 0;
  bool share_hidden = false;
  bool Published() const;  // every cell shown
};

// Who was heard in one unit, wave and group.
struct VoiceCoverage {
  uint32_t unit = 0;
  int16_t wave = 0;
  uint16_t group = 0;
  int64_t roll = 0, respondents = 0;
  bool roll_hidden = false, respondents_hidden = false;
  int32_t first_date = 0, last_date = 0;
  std::string modes, providers;
  size_t first_cell = 0;
  // Filled by the report: the unit's own overall rate; under-heard and why.
  bool under_heard = false;
  std::string under_heard_reason;
};

struct VoiceChange {
  uint32_t unit = 0;
  uint16_t item = 0, group = 0;
  int16_t previous_wave = 0, current_wave = 0;
  int64_t previous_positive = 0, previous_answered = 0, current_positive = 0, current_answered = 0;
  bool shown = false;                       // both distributions published
  bool comparable = false;                  // same item version, year groups, window and mode
  std::string reason;                       // why not comparable or not shown
  double change = 0, lower = 0, upper = 0;  // percentage points
  std::string conclusion;  // "higher than last year", "lower...", "no clear change", ""
};

struct VoiceReport {
  // Whether the store covers England (StoreCoversEngland): only then is
  // there an England level.
  bool covers_england = false;
  std::vector<VoiceUnit> units;
  std::vector<int16_t> waves;
  std::vector<VoiceDistribution> distributions;
  std::vector<VoiceCoverage> coverage;
  std::vector<VoiceChange> changes;
  // For the tests: every additive relation the pass protected, as cell
  // indices (margin, members), each cell's count and whether it is hidden,
  // and which cells are never published (respondents not linked to a
  // pupil, pupils in one nested group and not the other).
  AdditiveRelations relations;
  int audit_rounds = 0;  // solve-and-audit rounds the pass took
  std::vector<int64_t> cell_counts;
  std::vector<bool> cell_hidden;
  std::vector<bool> cell_unpublished;
  uint64_t respondents = 0, responses = 0;
  double seconds = 0;
  // Wall seconds of each step (reading the responses, adding up the
  // areas, building the relations, the pass itself), in order.
  std::vector<std::pair<std::string, double>> steps;
};

struct VoiceReportInput {
  const StoreState* current = nullptr;
  const StoreState* previous = nullptr;  // the previous year's store, if any
  const VoiceCatalogue* catalogue = nullptr;
  const Policy* policy = nullptr;
  int threads = 1;
};

Result<VoiceReport> MakeVoiceReport(const VoiceReportInput& in);

// The scorecard's wellbeing slot (docs/pupil-voice.md, "The scorecard's
// wellbeing slot"): the share of one declared core item's answers in its
// declared positive categories, never a mean or a composite of items.
inline constexpr const char* kWellbeingItem = "calm";
inline constexpr int kWellbeingItemVersion = 1;

// The wellbeing item's share in each unit of a store's latest wave (all
// pupils): the answers in its positive categories of those who answered.
// The scorecard and the Local Outcomes Framework both read it.
struct WellbeingShare {
  size_t distribution = 0;  // index into report.distributions
  int64_t positive = 0, answered = 0;
};
struct WellbeingShares {
  VoiceReport report;
  std::vector<WellbeingShare> shares;
};
// Empty (no shares) when the store holds no wave.
Result<WellbeingShares> MakeWellbeingShares(const StoreState& state, const Policy& policy,
                                            int threads);

// England's nine regions (E12000001 to E12000009).
inline constexpr size_t kEnglishRegions = 9;
// A store covers England when it holds schools in every one of England's
// nine regions (by local_authorities.csv). A store of one LA, or of some
// regions, has no England level: its top levels are the LAs and
// regions it holds, never labelled England (docs/pupil-voice.md).
bool StoreCoversEngland(const StoreState& s);

// The positive share's denominator: respondents who gave an answer other
// than "prefer not to say" or "not answered".
int64_t AnsweredCount(const VoiceCatalogue& cat, const VoiceItem& item,
                      const std::vector<int64_t>& counts, int64_t* positive);

// Writes OUT/voice.csv, OUT/voice_coverage.csv, OUT/voice_change.csv and
// their .meta.csv; voice.csv's rows are formatted on `threads` threads.
Status WriteVoiceFiles(const VoiceReport& report, const VoiceCatalogue& cat,
                       const std::string& out_dir, int threads = 1);

}  // namespace lantern::voice

#endif  // LANTERN_VOICE_REPORT_H_
