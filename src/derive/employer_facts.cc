// The employer grain: one row per employer encounter or workplace
// experience (employer_encounters.csv) that starts in the period, at the
// school that arranged it (docs/local-outcomes.md, "Employer engagement").
//
// The share of pupils in Years 7 to 11 with at least one encounter with an
// employer in the year follows the Gatsby Benchmark 5 ("every year from the
// age of 11, at least one meaningful encounter with an employer"); a
// workplace experience (Benchmark 6) is an encounter too. A pupil is counted
// once at each school however many activities they had there; rows are given
// in school, then pupil, order so the cube can do so. The year group is the
// pupil's as the store holds it, as for roll_y7_11 (the exit grain), the
// denominator.
#include <array>

#include "derive/row_grain.h"
#include "model/codes.h"

namespace lantern {

namespace {

enum EmployerMeasure : int { kEncounterPupils, kPlacements, kEmployerMeasures };

constexpr std::array<MeasureDecl, kEmployerMeasures> kMeasures = {{
    {"employer_encounter_y7_11", Quantity::kPupils, 1, Aggregation::kDistinctPupilsAtSchool, 1, 1,
     "pupils in Years 7 to 11 with at least one encounter with an employer or workplace "
     "experience starting in the period at the school (Gatsby Benchmark 5)"},
    {"work_placements", Quantity::kEvents, 1, Aggregation::kSum, 1, 1,
     "workplace experiences (placements) starting in the period (all year groups)"},
}};

class EmployerFacts : public RowGrain<kEmployerMeasures> {
 public:
  explicit EmployerFacts(const FactContext& c) : RowGrain("employer", kMeasures) {
    const StoreState& s = *c.state;
    const EmployerActivityTable& t = s.employer_activities;
    const int32_t first = c.first_day.days, last = c.last_day.days;
    for (uint32_t r = 0; r < t.size(); ++r) {
      if (t.start_date[r] < first || t.start_date[r] > last || t.school[r] >= s.schools.size() ||
          t.pupil[r] >= s.pupils.size()) {
        continue;
      }
      const int y = s.pupils.year_group[t.pupil[r]];
      const bool placement =
          static_cast<EmployerActivity>(t.activity[r]) == EmployerActivity::kPlacement;
      Row row{t.school[r], t.pupil[r], {}};
      row.values[kEncounterPupils] = y >= 7 && y <= 11;
      row.values[kPlacements] = placement;
      rows_.push_back(row);
    }
    Sort();
  }
};

}  // namespace

std::span<const MeasureDecl> EmployerFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeEmployerFacts(const FactContext& context) {
  return std::make_unique<EmployerFacts>(context);
}

}  // namespace lantern
