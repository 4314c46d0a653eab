// The exit grain: pupil movement, elective home education, children missing
// education and unexplained exits (docs/local-outcomes.md), from the one
// reading of the enrolment history in derive/exits.h. Rows:
//
//   one per counted registration in Years 7 to 11 on roll at any time in
//   the period (the unexplained-exit denominator, a pupil counted once per
//   school), carrying its exit's measures when it ended in the period;
//   one per counted registration of any other year that ended in the
//   period;
//   one per off-site direction (AP placement with basis off-site direction)
//   commissioned by a school and ended in the period, with its outcome.
//
// Rows are given by school, then pupil, so the cube counts a pupil once per
// school.
#include <algorithm>
#include <array>

#include "derive/exits.h"
#include "derive/row_grain.h"
#include "model/codes.h"

namespace lantern {

namespace {

enum ExitMeasure : int {
  kRoll711,
  kExits,
  kMoves,
  kMovesOtherLa,
  kMovesOtherTrust,
  kMovesSameTrust,
  kExitsNoSchool,
  kEheExits,
  kEheNoSchool,
  kEheAfterSuspAp,
  kEheWithPrior,
  kEheDaysSince,
  kCmeCases,
  kCmeOpen,
  kUnexplained,
  kMmOut,
  kMmReturned,
  kOffsite,
  kOffsiteReturned,
  kOffsiteMovedOn,
  kOffsiteLeft,
  kExitMeasures
};

using Q = Quantity;
using A = Aggregation;
constexpr std::array<MeasureDecl, kExitMeasures> kMeasures = {{
    {"roll_y7_11", Q::kPupils, 1, A::kDistinctPupilsAtSchool, 1, 1,
     "pupils on roll in Years 7 to 11 at any time in the period (once per school)"},
    {"exits", Q::kEvents, 1, A::kSum, 1, 1,
     "counted registrations (current or main) ending in the period"},
    {"moves", Q::kEvents, 1, A::kSum, 1, 1, "exits followed by a registration at another school"},
    {"moves_other_la", Q::kEvents, 1, A::kSum, 1, 1,
     "moves to a school in another local authority"},
    {"moves_other_trust", Q::kEvents, 1, A::kSum, 1, 1,
     "moves to a school in another trust, or into or out of a trust"},
    {"moves_same_trust", Q::kEvents, 1, A::kSum, 1, 1,
     "moves to a school of the same trust in the same local authority (or between two schools "
     "in no trust)"},
    {"exits_no_school", Q::kEvents, 1, A::kSum, 1, 1,
     "exits after which the pupil is on no roll in the store"},
    {"ehe_exits", Q::kEvents, 1, A::kSum, 1, 1, "exits to elective home education"},
    {"ehe_no_school", Q::kEvents, 1, A::kSum, 1, 1,
     "exits to elective home education after which the pupil is on no roll in the store"},
    {"ehe_after_susp_ap", Q::kEvents, 1, A::kSum, 1, 1,
     "exits to elective home education within the policy's days of a suspension or AP "
     "placement starting"},
    {"ehe_with_prior", Q::kEvents, 1, A::kSum, 1, 1,
     "exits to elective home education after any suspension or AP placement in the store"},
    {"ehe_days_since", Q::kScore, 1, A::kSum, 1, 400,
     "days from the last suspension or AP placement start to an exit to home education"},
    {"cme_cases", Q::kEvents, 1, A::kSum, 1, 1,
     "children missing education: cases opened on exits in the period (open or closed)"},
    {"cme_open", Q::kEvents, 1, A::kSum, 1, 1,
     "children missing education: cases still open on the store's last day"},
    {"unexplained_exits", Q::kEvents, 1, A::kSum, 1, 1,
     "exits in Years 7 to 11 that no recorded reason explains (EPI, adapted; not 'off-rolled')"},
    {"managed_moves_out", Q::kEvents, 1, A::kSum, 1, 1, "registrations ended by a managed move"},
    {"managed_moves_returned", Q::kEvents, 1, A::kSum, 1, 1,
     "managed moves after which the pupil was registered at the school again"},
    {"offsite_directions", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions into alternative provision ending in the period"},
    {"offsite_returned", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions ending with the pupil reintegrated"},
    {"offsite_moved_on", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions ending with a move to another school or continued AP"},
    {"offsite_left", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions ending with the pupil excluded or off the roll"},
}};

// A row: most are a registration on roll in Years 7 to 11 that did not end
// (roll_y7_11 alone); the measures of the others are kept apart, so the rows
// stay small to sort and scan.
struct Row {
  uint32_t school, pupil;
  int32_t values;  // index into values_, or -1: roll_y7_11 = 1 and nothing else
};
using Values = std::array<int32_t, kExitMeasures>;

class ExitFacts : public FactGrain {
 public:
  explicit ExitFacts(const FactContext& c) {
    const StoreState& s = *c.state;
    const EnrolmentTable& e = s.enrolments;
    ExitSet classified;
    if (c.exits == nullptr) classified = ClassifyExits(s, *c.policy, c.first_day, c.last_day);
    const ExitSet& exits = c.exits != nullptr ? *c.exits : classified;
    std::vector<int32_t> exit_of(e.size(), -1);
    for (size_t i = 0; i < exits.exits.size(); ++i) {
      exit_of[exits.exits[i].enrolment] = static_cast<int32_t>(i);
    }
    const int32_t first = c.first_day.days, last = c.last_day.days;
    for (uint32_t r = 0; r < e.size(); ++r) {
      if (e.pupil[r] >= s.pupils.size() || e.school[r] >= s.schools.size()) continue;
      const auto st = static_cast<EnrolStatus>(e.status[r]);
      if (st != EnrolStatus::kCurrent && st != EnrolStatus::kMain) continue;
      const bool on_roll =
          e.entry_date[r] <= last && (e.leaving_date[r] == kNoDate || e.leaving_date[r] >= first);
      if (!on_roll) continue;
      const int y = s.pupils.year_group[e.pupil[r]];
      const bool roll = y >= 7 && y <= 11;
      if (exit_of[r] < 0) {
        if (roll) rows_.push_back({e.school[r], e.pupil[r], -1});
        continue;
      }
      Row row{e.school[r], e.pupil[r], 0};
      Values v{};
      v[kRoll711] = roll;
      {
        const ExitRecord& x = exits.exits[static_cast<size_t>(exit_of[r])];
        const auto reason = static_cast<LeavingReason>(e.leaving_reason[r]);
        v[kExits] = 1;
        v[kMoves] = x.move;
        v[kMovesOtherLa] = x.move_other_la;
        v[kMovesOtherTrust] = x.move_other_trust;
        v[kMovesSameTrust] = x.move && !x.move_other_la && !x.move_other_trust;
        v[kExitsNoSchool] = x.no_next;
        const bool ehe = reason == LeavingReason::kEhe;
        v[kEheExits] = ehe;
        v[kEheNoSchool] = ehe && x.no_next;
        const bool prior = ehe && x.days_since_susp_or_ap >= 0;
        v[kEheWithPrior] = prior;
        v[kEheDaysSince] = prior ? std::min(x.days_since_susp_or_ap, 400) : 0;
        v[kEheAfterSuspAp] = prior && x.days_since_susp_or_ap <= c.policy->ehe_recent_days;
        v[kCmeCases] = x.cme == CmeStatus::kOpen || x.cme == CmeStatus::kClosed;
        v[kCmeOpen] = x.cme == CmeStatus::kOpen;
        v[kUnexplained] = x.unexplained;
        v[kMmOut] = reason == LeavingReason::kManagedMove;
        v[kMmReturned] = reason == LeavingReason::kManagedMove && x.returned_same_school;
      }
      if (std::any_of(v.begin(), v.end(), [](int32_t x) { return x != 0; })) {
        row.values = static_cast<int32_t>(values_.size());
        values_.push_back(v);
        rows_.push_back(row);
      }
    }
    const ApPlacementTable& ap = s.ap_placements;
    for (uint32_t r = 0; r < ap.size(); ++r) {
      if (static_cast<ApBasis>(ap.basis[r]) != ApBasis::kOffSiteDirection) continue;
      if (ap.commissioner[r] >= s.schools.size() || ap.pupil[r] >= s.pupils.size()) continue;
      if (ap.end_date[r] == kNoDate || ap.end_date[r] < first || ap.end_date[r] > last) continue;
      Row row{ap.commissioner[r], ap.pupil[r], static_cast<int32_t>(values_.size())};
      Values& v = values_.emplace_back();
      v.fill(0);
      v[kOffsite] = 1;
      switch (static_cast<PlacementOutcome>(ap.outcome[r])) {
        case PlacementOutcome::kReintegrated:
          v[kOffsiteReturned] = 1;
          break;
        case PlacementOutcome::kMovedSchool:
        case PlacementOutcome::kContinuedAp:
          v[kOffsiteMovedOn] = 1;
          break;
        case PlacementOutcome::kExcluded:
        case PlacementOutcome::kLeftRoll:
          v[kOffsiteLeft] = 1;
          break;
        default:
          break;
      }
      rows_.push_back(row);
    }
    SortBySchoolThenPupil(&rows_);
  }

  std::string_view name() const override { return "exit"; }
  std::span<const MeasureDecl> measures() const override { return kMeasures; }
  uint64_t max_rows_per_school() const override { return MostRowsAtOneSchool(rows_); }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    for (int m : wanted_) {
      if (m < 0 || m >= kExitMeasures) return Status::Internal("exit: bad measure");
    }
    return Status::Ok();
  }
  void Scan(const SchoolShare& share, FactSink* sink) const override {
    std::vector<int64_t> out(wanted_.size());
    Values roll_only{};
    roll_only[kRoll711] = 1;
    for (const Row& row : rows_) {
      if (!share.owns(row.school)) continue;
      const Values& v = row.values < 0 ? roll_only : values_[static_cast<size_t>(row.values)];
      bool any = false;
      for (size_t k = 0; k < wanted_.size(); ++k) {
        out[k] = v[static_cast<size_t>(wanted_[k])];
        any = any || out[k] != 0;
      }
      if (any) sink->Add(row.school, row.pupil, out.data());
    }
  }

 private:
  std::vector<Row> rows_;
  std::vector<Values> values_;
  std::vector<int> wanted_;
};

}  // namespace

std::span<const MeasureDecl> ExitFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeExitFacts(const FactContext& context) {
  return std::make_unique<ExitFacts>(context);
}

}  // namespace lantern
