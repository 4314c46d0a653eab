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
#include <algorithm>
#include <array>

#include "derive/facts.h"
#include "model/codes.h"

namespace lantern {

namespace {

enum EmployerMeasure : int {
  kEncounterPupils,
  kActivities,
  kPlacements,
  kPlacementPupils,
  kEmployerMeasures
};

constexpr std::array<MeasureDecl, kEmployerMeasures> kMeasures = {{
    {"employer_encounter_y7_11", Quantity::kPupils, 1, Aggregation::kDistinctPupilsAtSchool, 1, 1,
     "pupils in Years 7 to 11 with at least one encounter with an employer or workplace "
     "experience starting in the period at the school (Gatsby Benchmark 5)"},
    {"employer_activities", Quantity::kEvents, 1, Aggregation::kSum, 1, 1,
     "employer encounters and workplace experiences starting in the period (all year groups)"},
    {"work_placements", Quantity::kEvents, 1, Aggregation::kSum, 1, 1,
     "workplace experiences (placements) starting in the period (all year groups)"},
    {"work_placement_pupils", Quantity::kPupils, 1, Aggregation::kDistinctPupilsAtSchool, 1, 1,
     "pupils (all year groups) with a workplace experience starting in the period at the "
     "school (Gatsby Benchmark 6)"},
}};

class EmployerFacts : public FactGrain {
 public:
  explicit EmployerFacts(const FactContext& c) : s_(*c.state) {
    const EmployerActivityTable& t = s_.employer_activities;
    const int32_t first = c.first_day.days, last = c.last_day.days;
    for (uint32_t r = 0; r < t.size(); ++r) {
      if (t.start_date[r] >= first && t.start_date[r] <= last && t.school[r] < s_.schools.size() &&
          t.pupil[r] < s_.pupils.size()) {
        rows_.push_back(r);
      }
    }
    std::sort(rows_.begin(), rows_.end(), [&t](uint32_t a, uint32_t b) {
      return t.school[a] != t.school[b] ? t.school[a] < t.school[b] : t.pupil[a] < t.pupil[b];
    });
  }

  std::string_view name() const override { return "employer"; }
  std::span<const MeasureDecl> measures() const override { return kMeasures; }
  uint64_t max_rows_per_school() const override {
    const auto& school = s_.employer_activities.school;
    uint64_t most = 0;
    for (size_t i = 0, j = 0; i < rows_.size(); i = j) {
      while (j < rows_.size() && school[rows_[j]] == school[rows_[i]]) ++j;
      most = std::max<uint64_t>(most, j - i);
    }
    return most;
  }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    for (int m : wanted_) {
      if (m < 0 || m >= kEmployerMeasures) return Status::Internal("employer: bad measure");
    }
    return Status::Ok();
  }

  void Scan(const SchoolShare& share, FactSink* sink) const override {
    const EmployerActivityTable& t = s_.employer_activities;
    std::array<int64_t, kEmployerMeasures> all;
    std::vector<int64_t> out(wanted_.size());
    for (uint32_t r : rows_) {
      const uint32_t school = t.school[r];
      if (!share.owns(school)) continue;
      const int y = s_.pupils.year_group[t.pupil[r]];
      const bool placement =
          static_cast<EmployerActivity>(t.activity[r]) == EmployerActivity::kPlacement;
      all[kEncounterPupils] = y >= 7 && y <= 11;
      all[kActivities] = 1;
      all[kPlacements] = placement;
      all[kPlacementPupils] = placement;
      bool any = false;
      for (size_t k = 0; k < wanted_.size(); ++k) {
        out[k] = all[static_cast<size_t>(wanted_[k])];
        any = any || out[k] != 0;
      }
      if (any) sink->Add(school, t.pupil[r], out.data());
    }
  }

 private:
  const StoreState& s_;
  std::vector<uint32_t> rows_;  // in the period, by school then pupil
  std::vector<int> wanted_;
};

}  // namespace

std::span<const MeasureDecl> EmployerFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeEmployerFacts(const FactContext& context) {
  return std::make_unique<EmployerFacts>(context);
}

}  // namespace lantern
