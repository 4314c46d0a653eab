// The suspension grain: one row per suspension or permanent exclusion that
// starts in the period (definitions.md 2).
//
// A suspension is one event; a permanent exclusion counts only when upheld
// (pending and overturned ones are not in the statistics). A pupil with one
// or more suspensions at a school is counted once there ("pupil enrolments
// with one or more suspension": a pupil suspended at two schools counts at
// both, as the Department counts). Rows are given in school, then pupil,
// order so the cube can count each pupil once per school.
#include <algorithm>
#include <array>
#include <numeric>

#include "derive/row_grain.h"

namespace lantern {

namespace {

enum SuspensionMeasure : int { kSusp, kOnePlusSusp, kPermExcl, kSuspensionMeasures };

constexpr std::array<MeasureDecl, kSuspensionMeasures> kMeasures = {{
    {"susp", Quantity::kEvents, 1, Aggregation::kSum, 1, 1,
     "suspensions starting in the period (a pupil may have several)"},
    {"one_plus_susp", Quantity::kPupils, 1, Aggregation::kDistinctPupilsAtSchool, 1, 1,
     "pupil enrolments with one or more suspensions starting in the period"},
    {"perm_excl", Quantity::kEvents, 1, Aggregation::kSum, 1, 1,
     "permanent exclusions starting in the period and upheld"},
}};

class SuspensionFacts : public RowGrain<kSuspensionMeasures> {
 public:
  explicit SuspensionFacts(const FactContext& c) : RowGrain("suspension", kMeasures) {
    const StoreState& s = *c.state;
    const SuspensionTable& t = s.suspensions;
    const int32_t first = c.first_day.days, last = c.last_day.days;
    for (uint32_t r = 0; r < t.size(); ++r) {
      if (t.start_date[r] < first || t.start_date[r] > last || t.school[r] >= s.schools.size() ||
          t.pupil[r] >= s.pupils.size()) {
        continue;
      }
      const bool suspension =
          static_cast<SuspensionCategory>(t.category[r]) == SuspensionCategory::kSuspension;
      const bool upheld =
          !suspension && static_cast<ExclusionOutcome>(t.outcome[r]) == ExclusionOutcome::kUpheld;
      Row row{t.school[r], t.pupil[r], {}};
      row.values[kSusp] = suspension;
      row.values[kOnePlusSusp] = suspension;
      row.values[kPermExcl] = upheld;
      rows_.push_back(row);
    }
    Sort();
  }
};

}  // namespace

std::span<const MeasureDecl> SuspensionFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeSuspensionFacts(const FactContext& context) {
  return std::make_unique<SuspensionFacts>(context);
}

}  // namespace lantern
