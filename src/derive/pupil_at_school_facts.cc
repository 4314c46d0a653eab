// The pupil-at-school grain: one row per pupil and school with a counted
// registration there in the period, or an alternative-provision placement
// the school commissioned, or an internal-unit spell there. The row's
// measures need all of the pupil's records at the school together
// (docs/scorecard.md, "Pupil-level mode: definitions", states each):
//
//   the roll      on roll at any time in the period; mobile (a registration
//                 that began after the usual entry window or ended other
//                 than at a usual point); left the roll mid-phase (the
//                 latest registration there ended other than at a usual
//                 point); managed moves out;
//   AP            placements commissioned by the school running in the
//                 period, started in it, with a reintegration plan, off-site
//                 directions; the pupil's mean hours per week over their
//                 placements; the pupil by setting and by reason;
//   units         internal support unit and internal suspension spells and
//                 their sessions; repeat use;
//   return        ended AP placements and unit spells, and those followed
//                 by a return: on the school's roll the next day, in no
//                 other placement or spell of the school, no other outcome.
//
// "Counted registrations" are current and main ones (subsidiary and guest
// registrations are left out, as for the absence cohort, by policy).
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <deque>
#include <limits>
#include <string>

#include "derive/facts.h"

namespace lantern {

namespace {

constexpr int kApSettings = 3, kApReasons = 6;

enum PupilAtSchoolMeasure : int {
  kOnRollYear,
  kMobile,
  kLeftRoll,
  kManagedMoves,
  kApPupils,
  kApPlacedPupils,
  kApStarted,
  kApPlacements,
  kApWithPlan,
  kApOffSite,
  kApHours,
  kApHoursSq,
  kUnitPupils,
  kUnitSessions,
  kUnitRepeat,
  kEpisodesEnded,
  kEpisodesReturned,
  kApPupilsBy,                                            // by setting, then by reason
  kApStartedBy = kApPupilsBy + kApSettings + kApReasons,  // the same
  kPupilAtSchoolMeasures = kApStartedBy + kApSettings + kApReasons,
};

// Hours per week are held in thousandths (scale 1000), so means add exactly.
constexpr int64_t kHoursScale = 1000;

std::vector<MeasureDecl> MakeMeasures() {
  using Q = Quantity;
  using A = Aggregation;
  std::vector<MeasureDecl> m = {
      {"on_roll_year", Q::kPupils, 1, A::kDistinctPupils, 1, 1,
       "pupils on roll at any time in the period (counted once in every area however many of "
       "its schools they attended)"},
      {"mobile_pupils", Q::kPupils, 1, A::kSum, 1, 1,
       "pupils with a registration that began after the usual entry window or ended other than "
       "at a usual point"},
      {"left_roll", Q::kPupils, 1, A::kSum, 1, 1,
       "pupils whose latest registration at the school ended in the period other than at a usual "
       "point"},
      {"managed_moves", Q::kEvents, 1, A::kSum, 1, 8,
       "registrations that ended in the period with leaving reason managed_move"},
      {"ap_pupils", Q::kPupils, 1, A::kSum, 1, 1,
       "pupils on roll in the period with an AP placement commissioned by the school"},
      {"ap_placed_pupils", Q::kPupils, 1, A::kSum, 1, 1,
       "pupils with an AP placement commissioned by the school running in the period"},
      {"ap_started", Q::kEvents, 1, A::kSum, 1, 64, "AP placements started in the period"},
      {"ap_placements", Q::kEvents, 1, A::kSum, 1, 64, "AP placements running in the period"},
      {"ap_with_plan", Q::kEvents, 1, A::kSum, 1, 64,
       "AP placements running in the period with a reintegration plan"},
      {"ap_off_site", Q::kEvents, 1, A::kSum, 1, 64,
       "AP placements started in the period on the basis off_site_direction"},
      {"ap_hours", Q::kHours, 1, A::kSum, kHoursScale, 80 * kHoursScale,
       "sum over placed pupils of each pupil's mean hours per week over their placements"},
      {"ap_hours_sq", Q::kHours, 2, A::kSum, kHoursScale * kHoursScale,
       80 * 80 * kHoursScale * kHoursScale, "sum of the squares of those means"},
      {"unit_pupils", Q::kPupils, 1, A::kSum, 1, 1,
       "pupils on roll in the period with an internal-unit spell there"},
      {"unit_sessions", Q::kSessions, 1, A::kSum, 1, 64 * 732,
       "sessions of internal-unit spells running in the period"},
      {"unit_repeat", Q::kPupils, 1, A::kSum, 1, 1,
       "pupils on roll in the period with two or more internal-unit spells"},
      {"episodes_ended", Q::kEvents, 1, A::kSum, 1, 128,
       "AP placements and internal-unit spells that ended in the period"},
      {"episodes_returned", Q::kEvents, 1, A::kSum, 1, 128,
       "of those, the ones followed by a return to a full mainstream timetable"},
  };
  // Ids for AP by setting and reason, kept for the life of the program.
  static const std::deque<std::string> ids = [] {
    std::deque<std::string> v;
    for (const char* what : {"pupils", "started"}) {
      for (const auto& c : ApSettingCodes()) {
        v.push_back("ap_" + std::string(what) + "_setting_" + std::string(c.code));
      }
      for (const auto& c : ApReasonCodes()) {
        v.push_back("ap_" + std::string(what) + "_reason_" + std::string(c.code));
      }
    }
    return v;
  }();
  for (size_t i = 0; i < ids.size(); ++i) {
    const bool pupils = i < static_cast<size_t>(kApSettings + kApReasons);
    m.push_back({ids[i], pupils ? Q::kPupils : Q::kEvents, 1, A::kSum, 1, pupils ? 1 : 64,
                 pupils ? "pupils on roll in the period placed in AP of this setting or reason"
                        : "AP placements of this setting or reason started in the period"});
  }
  return m;
}

const std::vector<MeasureDecl>& Measures() {
  static const std::vector<MeasureDecl> m = MakeMeasures();
  return m;
}

// Rows of a table grouped by school: rows of school s are
// order[start[s], start[s + 1]).
struct Buckets {
  std::vector<uint32_t> start, order;
};

template <typename KeepFn>
Buckets BucketBySchool(std::span<const uint32_t> school_of_row, size_t schools, KeepFn keep) {
  Buckets b;
  b.start.assign(schools + 1, 0);
  for (size_t r = 0; r < school_of_row.size(); ++r) {
    if (school_of_row[r] < schools && keep(r)) ++b.start[school_of_row[r] + 1];
  }
  for (size_t s = 0; s < schools; ++s) b.start[s + 1] += b.start[s];
  b.order.resize(b.start.back());
  std::vector<uint32_t> fill(b.start.begin(), b.start.end() - 1);
  for (size_t r = 0; r < school_of_row.size(); ++r) {
    if (school_of_row[r] < schools && keep(r))
      b.order[fill[school_of_row[r]]++] = static_cast<uint32_t>(r);
  }
  return b;
}

class PupilAtSchoolFacts : public FactGrain {
 public:
  explicit PupilAtSchoolFacts(const FactContext& c) : c_(c), s_(*c.state) {
    first_ = c.first_day.days;
    last_ = c.last_day.days;
    const AcademicYear year = c.year;
    normal_entry_end_ =
        Date::FromCivil(year.start_year(), 9, 1).days + c.policy->mobility_entry_september_days - 1;
    normal_leave_from_ = year.LastDay().days - c.policy->mobility_leaving_last_days + 1;
  }

  std::string_view name() const override { return "pupil at school"; }
  std::span<const MeasureDecl> measures() const override { return Measures(); }
  uint64_t max_rows_per_school() const override {
    uint64_t most = 0;
    for (size_t s = 0; s + 1 < eb_.start.size(); ++s) {
      most = std::max<uint64_t>(most, eb_.start[s + 1] - eb_.start[s] + ab_.start[s + 1] -
                                          ab_.start[s] + ub_.start[s + 1] - ub_.start[s]);
    }
    return most;
  }

  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    for (int m : wanted_) {
      if (m < 0 || m >= kPupilAtSchoolMeasures)
        return Status::Internal("pupil at school: bad measure");
    }
    const size_t n = s_.schools.size();
    auto all = [](size_t) { return true; };
    eb_ = BucketBySchool(s_.enrolments.school, n, [&](size_t r) {
      return Counted(static_cast<uint32_t>(r)) && s_.enrolments.entry_date[r] <= last_ &&
             s_.enrolments.leaving_date[r] >= first_ && s_.enrolments.pupil[r] < s_.pupils.size();
    });
    ab_ = BucketBySchool(s_.ap_placements.commissioner, n,
                         [&](size_t r) { return s_.ap_placements.pupil[r] < s_.pupils.size(); });
    ub_ = BucketBySchool(s_.internal_units.school, n,
                         [&](size_t r) { return s_.internal_units.pupil[r] < s_.pupils.size(); });
    (void)all;
    return Status::Ok();
  }

  void Scan(const SchoolShare& share, FactSink* sink) const override {
    const EnrolmentTable& enrol = s_.enrolments;
    const ApPlacementTable& ap = s_.ap_placements;
    const InternalUnitTable& units = s_.internal_units;
    std::vector<uint32_t> es, as, us;
    std::array<int64_t, kPupilAtSchoolMeasures> v;
    std::vector<int64_t> out(wanted_.size());
    auto by_pupil = [](const ColumnVector<uint32_t>& pupil, const ColumnVector<int32_t>& date) {
      return [&pupil, &date](uint32_t a, uint32_t b) {
        return pupil[a] != pupil[b] ? pupil[a] < pupil[b] : date[a] < date[b];
      };
    };
    for (uint32_t s = 0; s + 1 < eb_.start.size(); ++s) {
      if (!share.owns(s)) continue;
      es.assign(eb_.order.begin() + eb_.start[s], eb_.order.begin() + eb_.start[s + 1]);
      as.assign(ab_.order.begin() + ab_.start[s], ab_.order.begin() + ab_.start[s + 1]);
      us.assign(ub_.order.begin() + ub_.start[s], ub_.order.begin() + ub_.start[s + 1]);
      std::sort(es.begin(), es.end(), by_pupil(enrol.pupil, enrol.entry_date));
      std::sort(as.begin(), as.end(), by_pupil(ap.pupil, ap.start_date));
      std::sort(us.begin(), us.end(), by_pupil(units.pupil, units.start_date));
      size_t ie = 0, ia = 0, iu = 0;
      constexpr uint32_t kEnd = std::numeric_limits<uint32_t>::max();
      for (;;) {
        const uint32_t p = std::min({ie < es.size() ? enrol.pupil[es[ie]] : kEnd,
                                     ia < as.size() ? ap.pupil[as[ia]] : kEnd,
                                     iu < us.size() ? units.pupil[us[iu]] : kEnd});
        if (p == kEnd) break;
        const size_t e0 = ie, a0 = ia, u0 = iu;
        while (ie < es.size() && enrol.pupil[es[ie]] == p) ++ie;
        while (ia < as.size() && ap.pupil[as[ia]] == p) ++ia;
        while (iu < us.size() && units.pupil[us[iu]] == p) ++iu;
        if (!Row({es.data() + e0, ie - e0}, {as.data() + a0, ia - a0}, {us.data() + u0, iu - u0},
                 &v)) {
          continue;
        }
        bool any = false;
        for (size_t k = 0; k < wanted_.size(); ++k) {
          out[k] = v[static_cast<size_t>(wanted_[k])];
          any = any || out[k] != 0;
        }
        if (any) sink->Add(s, p, out.data());
      }
    }
  }

 private:
  bool Counted(uint32_t e) const {
    const auto status = static_cast<EnrolStatus>(s_.enrolments.status[e]);
    if (status == EnrolStatus::kSubsidiary && c_.policy->exclude_subsidiary_dual) return false;
    if (status == EnrolStatus::kGuest && c_.policy->exclude_guest) return false;
    return true;
  }

  // One pupil's row at one school from their registrations there (counted,
  // in the period: the buckets hold no others), the placements it
  // commissioned and the spells there, each sorted by start. False when the
  // row holds nothing.
  bool Row(std::span<const uint32_t> es, std::span<const uint32_t> as, std::span<const uint32_t> us,
           std::array<int64_t, kPupilAtSchoolMeasures>* out) const {
    const EnrolmentTable& enrol = s_.enrolments;
    const ApPlacementTable& ap = s_.ap_placements;
    const InternalUnitTable& units = s_.internal_units;
    auto& v = *out;
    v.fill(0);
    const int32_t first = first_, last = last_;
    // The roll.
    const bool ever = !es.empty();
    bool mobile = false, left = false;
    int32_t latest_entry = std::numeric_limits<int32_t>::min();
    for (uint32_t e : es) {
      const int32_t in_date = enrol.entry_date[e], out_date = enrol.leaving_date[e];
      const auto reason = static_cast<LeavingReason>(enrol.leaving_reason[e]);
      const bool joined_late = in_date >= first && in_date > normal_entry_end_;
      const bool left_in_year = out_date <= last;
      const bool left_early =
          left_in_year && reason != LeavingReason::kEndOfPhase && out_date < normal_leave_from_;
      if (joined_late || left_early) mobile = true;
      if (in_date >= latest_entry) {
        latest_entry = in_date;
        left = left_early;
      }
      if (left_in_year && reason == LeavingReason::kManagedMove) v[kManagedMoves] += 1;
    }
    if (ever) {
      v[kOnRollYear] = 1;
      v[kMobile] = mobile;
      v[kLeftRoll] = left;
    }
    auto on_roll = [&](int32_t d) {
      for (uint32_t e : es) {
        if (enrol.entry_date[e] <= d && d <= enrol.leaving_date[e]) return true;
      }
      return false;
    };
    // An ended episode is followed by a return when the pupil is on the
    // roll the next day, in no other placement or spell of the school.
    auto returned = [&](int32_t end_date, PlacementOutcome outcome, bool is_ap, uint32_t self) {
      if (outcome != PlacementOutcome::kNone && outcome != PlacementOutcome::kReintegrated) {
        return false;
      }
      const int32_t d = end_date + 1;
      if (!on_roll(d)) return false;
      for (uint32_t x : as) {
        if (is_ap && x == self) continue;
        if (ap.start_date[x] <= d && d <= ap.end_date[x]) return false;
      }
      for (uint32_t x : us) {
        if (!is_ap && x == self) continue;
        if (units.start_date[x] <= d && d <= units.end_date[x]) return false;
      }
      return true;
    };
    // Alternative provision commissioned by the school.
    double hours = 0;
    int64_t placements = 0;
    std::array<bool, kApSettings + kApReasons> in_bd{};
    for (uint32_t x : as) {
      const int32_t a_start = ap.start_date[x], a_end = ap.end_date[x];
      if (a_start > last || a_end < first) continue;
      ++placements;
      v[kApWithPlan] += ap.reintegration_plan[x] != 0;
      hours += ap.hours_per_week[x];
      const int set = std::min<int>(ap.setting[x], kApSettings - 1);
      const int why = kApSettings + std::min<int>(ap.reason[x], kApReasons - 1);
      in_bd[static_cast<size_t>(set)] = in_bd[static_cast<size_t>(why)] = true;
      if (a_start >= first) {
        v[kApStarted] += 1;
        v[kApStartedBy + set] += 1;
        v[kApStartedBy + why] += 1;
        if (static_cast<ApBasis>(ap.basis[x]) == ApBasis::kOffSiteDirection) v[kApOffSite] += 1;
      }
      if (a_end != kNoDate && a_end <= last) {
        v[kEpisodesEnded] += 1;
        v[kEpisodesReturned] +=
            returned(a_end, static_cast<PlacementOutcome>(ap.outcome[x]), true, x);
      }
    }
    v[kApPlacements] = placements;
    if (placements > 0) {
      const int64_t mean = std::llround(hours / static_cast<double>(placements) * kHoursScale);
      v[kApPlacedPupils] = 1;
      v[kApHours] = mean;
      v[kApHoursSq] = mean * mean;
      if (ever) {
        v[kApPupils] = 1;
        for (int b = 0; b < kApSettings + kApReasons; ++b) {
          if (in_bd[static_cast<size_t>(b)]) v[kApPupilsBy + b] = 1;
        }
      }
    }
    // Internal units.
    int64_t spells = 0;
    for (uint32_t x : us) {
      const int32_t u_start = units.start_date[x], u_end = units.end_date[x];
      if (u_start > last || u_end < first) continue;
      ++spells;
      v[kUnitSessions] += units.sessions[x];
      if (u_end != kNoDate && u_end <= last) {
        v[kEpisodesEnded] += 1;
        v[kEpisodesReturned] +=
            returned(u_end, static_cast<PlacementOutcome>(units.outcome[x]), false, x);
      }
    }
    if (ever && spells > 0) v[kUnitPupils] = 1;
    if (ever && spells > 1) v[kUnitRepeat] = 1;
    return ever || placements > 0 || spells > 0 || v[kEpisodesEnded] > 0;
  }

  FactContext c_;
  const StoreState& s_;
  int32_t first_, last_, normal_entry_end_, normal_leave_from_;
  std::vector<int> wanted_;
  Buckets eb_, ab_, ub_;
};

}  // namespace

std::span<const MeasureDecl> PupilAtSchoolFactMeasures() { return Measures(); }

std::unique_ptr<FactGrain> MakePupilAtSchoolFacts(const FactContext& context) {
  return std::make_unique<PupilAtSchoolFacts>(context);
}

}  // namespace lantern
