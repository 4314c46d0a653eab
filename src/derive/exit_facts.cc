// The exit grain: pupil movement, elective home education, children missing
// education, unexplained exits and the joiners and leavers behind the net
// flows (docs/local-outcomes.md), from the one reading of the enrolment
// history in derive/exits.h. Rows:
//
//   one per counted registration in Years 7 to 11 on roll at any time in
//   the period (the unexplained-exit denominator, a pupil counted once per
//   school), carrying its exit's measures when it ended in the period and
//   its joining when it began in it;
//   one per counted registration of any other year that ended or began in
//   the period;
//   one per off-site direction (AP placement with basis off-site direction)
//   commissioned by a school and ended in the period, with its outcome.
//
// Joiners and leavers (outcomes/movement_outputs.cc: net_flows.csv) are
// the pupils who joined or left a school's roll other than at a usual point,
// with the scorecard's mobility windows (policy mobility_entry_september_days
// and mobility_leaving_last_days):
//
//   joiner     a counted registration that began in the period after the
//              usual entry window (from 1 October by default), unless it
//              follows an exit from the same school (a re-registration);
//   leaver     an exit other than at the end of a phase or in the year's
//              last weeks, unless the next registration is at the same
//              school;
//   previously suspended  a suspension (not a permanent exclusion) at any
//              school in the store starting in the 365 days before the
//              move: up to the leaving date for a leaver, up to the day
//              before the entry date for a joiner [U].
//
// Managed moves have the off-site directions' three outcomes, read from
// the registrations: returned (registered at the school again), moved on
// (the next registration is at another school), left (on no roll in the
// store after leaving).
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
  kMmMovedOn,
  kMmLeft,
  kOffsite,
  kOffsiteReturned,
  kOffsiteMovedOn,
  kOffsiteLeft,
  kJoiners,
  kLeavers,
  kJoinersPrevSusp,
  kLeaversPrevSusp,
  kExitMeasures
};

// A suspension this many days or fewer before a move makes the pupil
// previously suspended [U].
constexpr int32_t kPreviouslySuspendedDays = 365;

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
    {"managed_moves_moved_on", Q::kEvents, 1, A::kSum, 1, 1,
     "managed moves not returned, after which the pupil's next registration is at another "
     "school"},
    {"managed_moves_left", Q::kEvents, 1, A::kSum, 1, 1,
     "managed moves not returned, after which the pupil is on no roll in the store"},
    {"offsite_directions", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions into alternative provision ending in the period"},
    {"offsite_returned", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions ending with the pupil reintegrated"},
    {"offsite_moved_on", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions ending with a move to another school or continued AP"},
    {"offsite_left", Q::kEvents, 1, A::kSum, 1, 64,
     "off-site directions ending with the pupil excluded or off the roll"},
    {"joiners", Q::kPupils, 1, A::kDistinctPupilsAtSchool, 1, 1,
     "pupils who joined the school's roll in the period after the usual entry window, other "
     "than by re-registering there"},
    {"leavers", Q::kPupils, 1, A::kDistinctPupilsAtSchool, 1, 1,
     "pupils who left the school's roll in the period other than at the end of a phase or in "
     "the year's last weeks, and were not registered there again next"},
    {"joiners_prev_susp", Q::kPupils, 1, A::kDistinctPupilsAtSchool, 1, 1,
     "joiners with a suspension at any school in the 365 days before joining"},
    {"leavers_prev_susp", Q::kPupils, 1, A::kDistinctPupilsAtSchool, 1, 1,
     "leavers with a suspension at any school in the 365 days up to leaving"},
}};

// How the exit grain's counts split one another (facts.h, CountSplit).
// Every exit is a move, on no roll after, or back at the same school; a
// move is within a trust (or between two schools in no trust) in the LA,
// to another trust in the LA, to another trust in another LA, or to the
// same trust in another LA; an exit to no school is to home education, an
// open children missing education case, or neither.
constexpr CountSplit kSplits[] = {
    {"exits",
     {"moves", "exits_no_school"},
     "exits_same_school",
     "exits after which the pupil was registered at the same school again"},
    {"moves",
     {"moves_same_trust", "moves_other_la"},
     "moves_other_trust_in_la",
     "moves to a school of another trust in the same local authority"},
    {"moves_other_trust",
     {"moves_other_trust_in_la"},
     "moves_other_trust_other_la",
     "moves to a school of another trust in another local authority"},
    {"moves_other_la",
     {"moves_other_trust_other_la"},
     "moves_same_trust_other_la",
     "moves to a school of the same trust (or between two schools in no trust) in another "
     "local authority"},
    {"exits_no_school",
     {"ehe_no_school", "cme_open"},
     "exits_no_school_otherwise",
     "exits to no school in the records that are neither home education nor an open children "
     "missing education case"},
    {"exits",
     {"unexplained_exits"},
     "exits_not_unexplained",
     "exits that are not unexplained exits in Years 7 to 11"},
    {"ehe_exits",
     {"ehe_no_school"},
     "ehe_then_school",
     "exits to home education followed by a registration at a school"},
    {"ehe_exits",
     {"ehe_after_susp_ap"},
     "ehe_not_soon_after",
     "exits to home education not soon after a suspension or AP placement"},
    {"cme_cases", {"cme_open"}, "cme_closed", "children missing education cases since closed"},
    {"managed_moves_out",
     {"managed_moves_returned", "managed_moves_moved_on", "managed_moves_left"},
     "",
     ""},
    {"offsite_directions",
     {"offsite_returned", "offsite_moved_on", "offsite_left"},
     "offsite_other_outcome",
     "off-site directions ending with no outcome recorded"},
    {"joiners",
     {"joiners_prev_susp"},
     "joiners_not_prev_susp",
     "joiners with no suspension in the 365 days before joining"},
    {"leavers",
     {"leavers_prev_susp"},
     "leavers_not_prev_susp",
     "leavers with no suspension in the 365 days up to leaving"},
};

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
    // Joiners and leavers: the mobility windows, and the registrations that
    // follow an exit from the same school (re-registrations, not joinings).
    const int32_t usual_entry_end = Date::FromCivil(c.year.start_year(), 9, 1).days +
                                    c.policy->mobility_entry_september_days - 1;
    const int32_t usual_leave_from =
        c.year.LastDay().days - c.policy->mobility_leaving_last_days + 1;
    std::vector<uint8_t> reregistration(e.size(), 0);
    for (const ExitRecord& x : exits.exits) {
      if (x.next >= 0 && !x.move) reregistration[static_cast<size_t>(x.next)] = 1;
    }
    auto counted_on_roll = [&](uint32_t r) {
      if (e.pupil[r] >= s.pupils.size() || e.school[r] >= s.schools.size()) return false;
      const auto st = static_cast<EnrolStatus>(e.status[r]);
      if (st != EnrolStatus::kCurrent && st != EnrolStatus::kMain) return false;
      return e.entry_date[r] <= last &&
             (e.leaving_date[r] == kNoDate || e.leaving_date[r] >= first);
    };
    auto joined = [&](uint32_t r) {
      return e.entry_date[r] >= first && e.entry_date[r] > usual_entry_end && !reregistration[r];
    };
    auto left = [&](const ExitRecord& x) {
      const uint32_t r = x.enrolment;
      return static_cast<LeavingReason>(e.leaving_reason[r]) != LeavingReason::kEndOfPhase &&
             e.leaving_date[r] < usual_leave_from && !(x.next >= 0 && !x.move);
    };
    // The suspensions of the pupils who joined or left, by pupil and start.
    std::vector<uint8_t> mover(s.pupils.size(), 0);
    for (const ExitRecord& x : exits.exits) {
      if (counted_on_roll(x.enrolment) && left(x)) mover[e.pupil[x.enrolment]] = 1;
    }
    for (uint32_t r = 0; r < e.size(); ++r) {
      if (counted_on_roll(r) && joined(r)) mover[e.pupil[r]] = 1;
    }
    std::vector<std::pair<uint32_t, int32_t>> suspensions;
    const SuspensionTable& susp = s.suspensions;
    for (size_t k = 0; k < susp.size(); ++k) {
      const uint32_t p = susp.pupil[k];
      if (p < s.pupils.size() && mover[p] &&
          static_cast<SuspensionCategory>(susp.category[k]) == SuspensionCategory::kSuspension) {
        suspensions.emplace_back(p, susp.start_date[k]);
      }
    }
    std::sort(suspensions.begin(), suspensions.end());
    // Whether the pupil has a suspension starting in [from, to].
    auto suspended = [&](uint32_t pupil, int32_t from, int32_t to) {
      auto it = std::lower_bound(suspensions.begin(), suspensions.end(), std::pair{pupil, from});
      return it != suspensions.end() && it->first == pupil && it->second <= to;
    };
    for (uint32_t r = 0; r < e.size(); ++r) {
      if (!counted_on_roll(r)) continue;
      const int y = s.pupils.year_group[e.pupil[r]];
      const bool roll = y >= 7 && y <= 11;
      const bool joiner = joined(r);
      if (exit_of[r] < 0 && !joiner) {
        if (roll) rows_.push_back({e.school[r], e.pupil[r], -1});
        continue;
      }
      Row row{e.school[r], e.pupil[r], 0};
      Values v{};
      v[kRoll711] = roll;
      if (joiner) {
        const int32_t entry = e.entry_date[r];
        v[kJoiners] = 1;
        v[kJoinersPrevSusp] = suspended(e.pupil[r], entry - kPreviouslySuspendedDays, entry - 1);
      }
      if (exit_of[r] >= 0) {
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
        // A managed move's outcome, as an off-site direction's: back at the
        // school, at another school, or on no roll.
        const bool managed = reason == LeavingReason::kManagedMove;
        v[kMmOut] = managed;
        v[kMmReturned] = managed && x.returned_same_school;
        v[kMmMovedOn] = managed && !x.returned_same_school && x.move;
        v[kMmLeft] = managed && !x.returned_same_school && x.no_next;
        if (left(x)) {
          const int32_t day = e.leaving_date[r];
          v[kLeavers] = 1;
          v[kLeaversPrevSusp] = suspended(e.pupil[r], day - kPreviouslySuspendedDays, day);
        }
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
std::span<const CountSplit> ExitFactSplits() { return kSplits; }

std::unique_ptr<FactGrain> MakeExitFacts(const FactContext& context) {
  return std::make_unique<ExitFacts>(context);
}

}  // namespace lantern
