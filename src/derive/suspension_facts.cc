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

#include "derive/facts.h"

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

class SuspensionFacts : public FactGrain {
 public:
  explicit SuspensionFacts(const FactContext& c) : s_(*c.state) {
    const SuspensionTable& t = s_.suspensions;
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

  std::string_view name() const override { return "suspension"; }
  std::span<const MeasureDecl> measures() const override { return kMeasures; }
  uint64_t max_rows_per_school() const override {
    uint64_t most = 0;
    for (size_t i = 0, j = 0; i < rows_.size(); i = j) {
      while (j < rows_.size() && s_.suspensions.school[rows_[j]] == s_.suspensions.school[rows_[i]])
        ++j;
      most = std::max<uint64_t>(most, j - i);
    }
    return most;
  }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    for (int m : wanted_) {
      if (m < 0 || m >= kSuspensionMeasures) return Status::Internal("suspension: bad measure");
    }
    return Status::Ok();
  }

  void Scan(const SchoolShare& share, FactSink* sink) const override {
    const SuspensionTable& t = s_.suspensions;
    std::array<int64_t, kSuspensionMeasures> all;
    std::vector<int64_t> out(wanted_.size());
    for (uint32_t r : rows_) {
      const uint32_t school = t.school[r];
      if (!share.owns(school)) continue;
      const bool suspension =
          static_cast<SuspensionCategory>(t.category[r]) == SuspensionCategory::kSuspension;
      const bool upheld =
          !suspension && static_cast<ExclusionOutcome>(t.outcome[r]) == ExclusionOutcome::kUpheld;
      all[kSusp] = suspension;
      all[kOnePlusSusp] = suspension;
      all[kPermExcl] = upheld;
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

std::span<const MeasureDecl> SuspensionFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeSuspensionFacts(const FactContext& context) {
  return std::make_unique<SuspensionFacts>(context);
}

}  // namespace lantern
