// Pupil-level mode of the scorecard: fills a ScorecardInput from a store
// (docs/scorecard.md, "Pupil-level mode", states every definition used here).
//
//   context     pupils on roll on the January census day (Policy::
//               JanuaryCensusDay) and their characteristics; mobility over
//               everyone on roll during the year; KS2 prior attainment;
//   absence     exactly the attendance family's figures: the same cohort
//               (ChooseCohort), session counts (CountEnrolmentSessions) and
//               per-enrolment measures (EnrolmentMeasures) as `lantern build`;
//   exclusions  suspensions, permanent exclusions, managed moves and
//               off-site directions per 100 pupils on roll on census day;
//   leavers, AP, internal units and reintegration from the roll and the C2
//               tables.
//
// Every figure is by pupil group (the pupil's characteristics in the pupils
// table). Each school is worked on by one thread: its enrolments,
// suspensions, AP placements and unit spells are bucketed by school and
// merged pupil by pupil.
#include "scorecard/pupil_level.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>
#include <span>

#include "aggregate/attendance_cube.h"
#include "common/parallel.h"
#include "derive/cohort.h"
#include "derive/enrolment_sessions.h"
#include "derive/sessions_summary.h"
#include "indicators/attendance_indicators.h"

namespace lantern {
namespace {

constexpr int kGroups = kPupilGroupCount;

ScorecardPhase PhaseOf(SchoolPhaseCode p) {
  switch (SchoolTypeOf(p)) {
    case SchoolType::kPrimary:
      return ScorecardPhase::kPrimary;
    case SchoolType::kSecondary:
      return ScorecardPhase::kSecondary;
    case SchoolType::kSpecial:
      return ScorecardPhase::kSpecial;
    case SchoolType::kPupilReferralUnit:
      return ScorecardPhase::kAlternativeProvision;
    case SchoolType::kNursery:
      return ScorecardPhase::kNursery;
  }
  return ScorecardPhase::kOther;
}

// The groups a pupil belongs to (kAll first); returns how many.
int GroupsOf(const PupilTable& t, uint32_t p, uint8_t* out) {
  int n = 0;
  out[n++] = static_cast<uint8_t>(PupilGroup::kAll);
  switch (static_cast<SenProvision>(t.sen_provision[p])) {
    case SenProvision::kNone:
      out[n++] = static_cast<uint8_t>(PupilGroup::kNoSen);
      break;
    case SenProvision::kSupport:
      out[n++] = static_cast<uint8_t>(PupilGroup::kSenSupport);
      break;
    case SenProvision::kEhcPlan:
      out[n++] = static_cast<uint8_t>(PupilGroup::kEhcp);
      break;
  }
  out[n++] = static_cast<uint8_t>(t.fsm[p] ? PupilGroup::kFsm : PupilGroup::kNotFsm);
  out[n++] = static_cast<uint8_t>(t.disadvantaged[p] ? PupilGroup::kDisadvantaged
                                                     : PupilGroup::kNotDisadvantaged);
  if (t.eal[p]) out[n++] = static_cast<uint8_t>(PupilGroup::kEal);
  if (t.looked_after[p]) out[n++] = static_cast<uint8_t>(PupilGroup::kLookedAfter);
  out[n++] = static_cast<uint8_t>(static_cast<Sex>(t.sex[p]) == Sex::kMale ? PupilGroup::kBoys
                                                                           : PupilGroup::kGirls);
  return n;
}

// What is summed per school x pupil group.
enum Counter : int {
  kCensus,  // pupils on roll on census day
  kCensusSenSupport,
  kCensusEhcp,
  kCensusFsm,
  kCensusDisadvantaged,
  kCensusEal,
  kCensusLookedAfter,
  kEver,  // pupils on roll at any time in the year
  kMobile,
  kLeft,
  kKs2N,
  kKs2Sum,
  kKs2Sum2,
  kSuspensions,
  kSuspendedPupils,
  kPermanent,
  kManagedMoves,
  kOffSite,
  kEpisodesEnded,
  kEpisodesReturned,
  kApPupils,
  kApStarted,
  kApHoursN,
  kApHoursSum,
  kApHoursSum2,
  kApPlacements,
  kApWithPlan,
  kUnitPupils,
  kUnitSessions,
  kUnitRepeat,
  kAbsEnrolments,
  kAbsPossible,
  kAbsOverall,
  kAbsPersistent,
  kAbsResidual2,  // sum over enrolments of (overall - R x possible)^2
  kCounters
};

// AP breakdowns (all pupils): by setting, then by reason.
constexpr int kApSettings = 3, kApReasons = 6, kApBreakdowns = kApSettings + kApReasons;
enum BreakdownCounter : int { kBdPupils, kBdStarted, kBdCounters };

// Rows of a table grouped by school: rows of school s are order[start[s],
// start[s + 1]).
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
    if (school_of_row[r] < schools && keep(r)) {
      b.order[fill[school_of_row[r]]++] = static_cast<uint32_t>(r);
    }
  }
  return b;
}

uint16_t Ind(const char* id) {
  const int i = FindScorecardIndicator(id);
  return static_cast<uint16_t>(i < 0 ? 0 : i);
}

void SetReasonsAndNotes(ScorecardInput* in) {
  const auto& reg = ScorecardIndicators();
  in->unavailable_reason.assign(reg.size(), "");
  in->indicator_notes.assign(reg.size(), "");
  auto reason = [&](const char* id, const char* text) { in->unavailable_reason[Ind(id)] = text; };
  auto note = [&](const char* id, const char* text) { in->indicator_notes[Ind(id)] = text; };
  const char* kKs4 =
      "Key stage 4 results are not held in the pupil-level store (it holds no "
      "examination entries or grades).";
  reason("attainment8", kKs4);
  reason("progress8", kKs4);
  reason("basics_94_percent", kKs4);
  reason("sustained_destination_percent",
         "Destinations come from matched post-16 data (NPD, ILR, HMRC/DWP) that the "
         "pupil-level store does not hold.");
  reason("recognition_rate",
         "Recognition and praise are recorded only in schools' own systems; the store holds "
         "no such records.");
  reason("pupil_wellbeing_percent",
         "No pupil-voice data yet: the Pupil Engagement Framework (C4) is not collected.");
  reason("ks2_prior_attainment", "No pupil on roll on census day has a KS2 scaled score.");
  reason("overall_absence_rate", "No enrolment of a pupil aged 5 to 15 with a possible session.");
  reason("persistent_absence_rate",
         "No enrolment of a pupil aged 5 to 15 with a possible session.");

  note("pupils_on_roll",
       "Pupil-level: current and main registrations on roll on the January census day.");
  note("mobility_percent",
       "Pupil-level: pupils with a registration that began in the year after the usual entry "
       "window (by 30 September) or ended in the year other than at the end of a phase or of "
       "the summer term.");
  note("ks2_prior_attainment",
       "Pupil-level: mean of each pupil's KS2 reading and maths scaled scores (the one present "
       "when only one is), pupils on roll on census day; SD over those pupils.");
  note("overall_absence_rate",
       "Pupil-level: the attendance family's figure (as `lantern build`); n is the number of "
       "enrolments and the interval uses the enrolment-clustered (linearised ratio) standard "
       "error.");
  note("persistent_absence_rate", "Pupil-level: the attendance family's figure (enrolments).");
  note("one_plus_suspension_rate",
       "Pupil-level: pupils suspended at least once in the year over the census headcount (as "
       "the Department), capped at the headcount.");
  note("managed_move_rate",
       "Pupil-level: registrations that ended in the year with leaving reason managed_move.");
  note("off_site_direction_rate",
       "Pupil-level: AP placements started in the year on the basis off_site_direction.");
  note("left_roll_percent",
       "Pupil-level: pupils whose latest registration at the school ended in the year other "
       "than at the end of a phase or of the summer term, to any destination.");
  note("reintegration_percent",
       "Pupil-level: an ended AP placement or unit spell counts as a return when the pupil is on "
       "the school's roll the next day, is in no other placement or spell of the school that "
       "day, and no other outcome than reintegrated was recorded.");
  note("ap_hours_per_week",
       "Pupil-level: per placed pupil, the mean hours per week over their placements running in "
       "the year.");
}

}  // namespace

Result<ScorecardInput> PupilLevelScorecardInputFromState(const StoreState& st, const Store* store,
                                                         const Policy& policy, int threads) {
  if (!st.year) {
    return Status::FailedPrecondition("the store has no attendance marks yet, so no academic year");
  }
  threads = ResolveThreads(threads);
  const AcademicYear year = *st.year;
  const int32_t first = year.FirstDay().days, last = year.LastDay().days;
  const int32_t census_day = policy.JanuaryCensusDay(year).days;
  const int32_t normal_entry_end =
      Date::FromCivil(year.start_year(), 9, 1).days + policy.mobility_entry_september_days - 1;
  const int32_t normal_leave_from = last - policy.mobility_leaving_last_days + 1;

  const SchoolTable& schools = st.schools;
  const PupilTable& pupils = st.pupils;
  const EnrolmentTable& enrol = st.enrolments;
  const SuspensionTable& susp = st.suspensions;
  const ApPlacementTable& ap = st.ap_placements;
  const InternalUnitTable& units = st.internal_units;
  const size_t n_schools = schools.size();

  // Absence: the attendance family's cohort and session counts.
  std::vector<uint8_t> in_cohort;
  std::vector<CountWindow> windows;
  ChooseCohort(st, year, policy, &in_cohort, &windows, threads);
  const CodeTreatments treatments = policy.Treatments();
  SavedCounts saved;
  if (store != nullptr) saved = OpenSavedCounts(*store, st.marks, treatments);
  const std::vector<EnrolmentSessions> sessions = CountEnrolmentSessions(
      st.marks, treatments, windows, threads, saved.summary.get(), saved.block);

  auto by_pupil = [](const ColumnVector<uint32_t>& pupil, const ColumnVector<int32_t>& date) {
    return [&pupil, &date](uint32_t a, uint32_t b) {
      return pupil[a] != pupil[b] ? pupil[a] < pupil[b] : date[a] < date[b];
    };
  };
  auto all_rows = [](size_t) { return true; };
  Buckets eb = BucketBySchool(enrol.school, n_schools, all_rows);
  Buckets sb = BucketBySchool(susp.school, n_schools, [&](size_t r) {
    return susp.start_date[r] >= first && susp.start_date[r] <= last;
  });
  Buckets ab = BucketBySchool(ap.commissioner, n_schools, all_rows);
  Buckets ub = BucketBySchool(units.school, n_schools, all_rows);

  const auto counted = [&](uint32_t e) {
    const auto status = static_cast<EnrolStatus>(enrol.status[e]);
    if (status == EnrolStatus::kSubsidiary && policy.exclude_subsidiary_dual) return false;
    if (status == EnrolStatus::kGuest && policy.exclude_guest) return false;
    return true;
  };

  std::vector<double> acc(n_schools * kGroups * kCounters, 0.0);
  std::vector<double> bd(n_schools * kApBreakdowns * kBdCounters, 0.0);

  ParallelFor(n_schools, threads, 16, [&](size_t begin, size_t end, int) {
    std::vector<uint32_t> es, ss, as, us;
    std::array<double, kGroups> ratio{};
    for (size_t s = begin; s < end; ++s) {
      double* A = &acc[s * kGroups * kCounters];
      double* B = &bd[s * kApBreakdowns * kBdCounters];
      es.assign(eb.order.begin() + eb.start[s], eb.order.begin() + eb.start[s + 1]);
      ss.assign(sb.order.begin() + sb.start[s], sb.order.begin() + sb.start[s + 1]);
      as.assign(ab.order.begin() + ab.start[s], ab.order.begin() + ab.start[s + 1]);
      us.assign(ub.order.begin() + ub.start[s], ub.order.begin() + ub.start[s + 1]);
      std::sort(es.begin(), es.end(), by_pupil(enrol.pupil, enrol.entry_date));
      std::sort(ss.begin(), ss.end(), by_pupil(susp.pupil, susp.start_date));
      std::sort(as.begin(), as.end(), by_pupil(ap.pupil, ap.start_date));
      std::sort(us.begin(), us.end(), by_pupil(units.pupil, units.start_date));
      const bool ks2_phase =
          PhaseOf(static_cast<SchoolPhaseCode>(schools.phase[s])) == ScorecardPhase::kSecondary ||
          PhaseOf(static_cast<SchoolPhaseCode>(schools.phase[s])) == ScorecardPhase::kSpecial ||
          PhaseOf(static_cast<SchoolPhaseCode>(schools.phase[s])) ==
              ScorecardPhase::kAlternativeProvision;

      size_t ie = 0, is = 0, ia = 0, iu = 0;
      constexpr uint32_t kEnd = std::numeric_limits<uint32_t>::max();
      for (;;) {
        const uint32_t p = std::min({ie < es.size() ? enrol.pupil[es[ie]] : kEnd,
                                     is < ss.size() ? susp.pupil[ss[is]] : kEnd,
                                     ia < as.size() ? ap.pupil[as[ia]] : kEnd,
                                     iu < us.size() ? units.pupil[us[iu]] : kEnd});
        if (p == kEnd) break;
        const size_t e0 = ie, s0 = is, a0 = ia, u0 = iu;
        while (ie < es.size() && enrol.pupil[es[ie]] == p) ++ie;
        while (is < ss.size() && susp.pupil[ss[is]] == p) ++is;
        while (ia < as.size() && ap.pupil[as[ia]] == p) ++ia;
        while (iu < us.size() && units.pupil[us[iu]] == p) ++iu;
        if (p >= pupils.size()) continue;
        uint8_t g[8];
        const int ng = GroupsOf(pupils, p, g);
        auto add = [&](int c, double v) {
          if (v == 0) return;
          for (int k = 0; k < ng; ++k) A[g[k] * kCounters + c] += v;
        };

        // The roll.
        bool ever = false, census = false, mobile = false, left = false;
        int32_t latest_entry = std::numeric_limits<int32_t>::min();
        double managed = 0;
        for (size_t k = e0; k < ie; ++k) {
          const uint32_t e = es[k];
          if (!counted(e)) continue;
          const int32_t in_date = enrol.entry_date[e], out_date = enrol.leaving_date[e];
          if (in_date > last || out_date < first) continue;
          ever = true;
          if (in_date <= census_day && census_day <= out_date) census = true;
          const auto reason = static_cast<LeavingReason>(enrol.leaving_reason[e]);
          const bool joined_late = in_date >= first && in_date > normal_entry_end;
          const bool left_in_year = out_date <= last;
          const bool left_early =
              left_in_year && reason != LeavingReason::kEndOfPhase && out_date < normal_leave_from;
          if (joined_late || left_early) mobile = true;
          if (in_date >= latest_entry) {
            latest_entry = in_date;
            left = left_early;
          }
          if (left_in_year && reason == LeavingReason::kManagedMove) managed += 1;
        }
        auto on_roll = [&](int32_t d) {
          for (size_t k = e0; k < ie; ++k) {
            const uint32_t e = es[k];
            if (counted(e) && enrol.entry_date[e] <= d && d <= enrol.leaving_date[e]) return true;
          }
          return false;
        };
        if (ever) {
          add(kEver, 1);
          add(kMobile, mobile);
          add(kLeft, left);
        }
        add(kManagedMoves, managed);
        if (census) {
          add(kCensus, 1);
          const auto sen = static_cast<SenProvision>(pupils.sen_provision[p]);
          add(kCensusSenSupport, sen == SenProvision::kSupport);
          add(kCensusEhcp, sen == SenProvision::kEhcPlan);
          add(kCensusFsm, pupils.fsm[p] != 0);
          add(kCensusDisadvantaged, pupils.disadvantaged[p] != 0);
          add(kCensusEal, pupils.eal[p] != 0);
          add(kCensusLookedAfter, pupils.looked_after[p] != 0);
          const int r = pupils.ks2_reading[p], m = pupils.ks2_maths[p];
          if (ks2_phase && (r > 0 || m > 0)) {
            const double score = r > 0 && m > 0 ? (r + m) / 2.0 : (r > 0 ? r : m);
            add(kKs2N, 1);
            add(kKs2Sum, score);
            add(kKs2Sum2, score * score);
          }
        }

        // Suspensions and permanent exclusions (started in the year).
        double n_susp = 0, n_perm = 0;
        for (size_t k = s0; k < is; ++k) {
          const uint32_t x = ss[k];
          if (static_cast<SuspensionCategory>(susp.category[x]) ==
              SuspensionCategory::kSuspension) {
            n_susp += 1;
          } else if (static_cast<ExclusionOutcome>(susp.outcome[x]) == ExclusionOutcome::kUpheld) {
            n_perm += 1;
          }
        }
        add(kSuspensions, n_susp);
        add(kSuspendedPupils, n_susp > 0);
        add(kPermanent, n_perm);

        // An ended episode is followed by a return when the pupil is on the
        // roll the next day, in no other placement or spell of the school.
        auto returned = [&](int32_t end_date, PlacementOutcome outcome, bool is_ap, uint32_t self) {
          if (outcome != PlacementOutcome::kNone && outcome != PlacementOutcome::kReintegrated) {
            return false;
          }
          const int32_t d = end_date + 1;
          if (!on_roll(d)) return false;
          for (size_t k = a0; k < ia; ++k) {
            const uint32_t x = as[k];
            if (is_ap && x == self) continue;
            if (ap.start_date[x] <= d && d <= ap.end_date[x]) return false;
          }
          for (size_t k = u0; k < iu; ++k) {
            const uint32_t x = us[k];
            if (!is_ap && x == self) continue;
            if (units.start_date[x] <= d && d <= units.end_date[x]) return false;
          }
          return true;
        };

        // Alternative provision commissioned by the school.
        double placements = 0, with_plan = 0, hours = 0, started = 0, off_site = 0;
        double ended = 0, back = 0;
        std::array<bool, kApBreakdowns> in_bd{};
        for (size_t k = a0; k < ia; ++k) {
          const uint32_t x = as[k];
          const int32_t a_start = ap.start_date[x], a_end = ap.end_date[x];
          if (a_start > last || a_end < first) continue;
          placements += 1;
          with_plan += ap.reintegration_plan[x] != 0;
          hours += ap.hours_per_week[x];
          const int set = std::min<int>(ap.setting[x], kApSettings - 1);
          const int why = kApSettings + std::min<int>(ap.reason[x], kApReasons - 1);
          in_bd[static_cast<size_t>(set)] = in_bd[static_cast<size_t>(why)] = true;
          if (a_start >= first) {
            started += 1;
            B[set * kBdCounters + kBdStarted] += 1;
            B[why * kBdCounters + kBdStarted] += 1;
            if (static_cast<ApBasis>(ap.basis[x]) == ApBasis::kOffSiteDirection) off_site += 1;
          }
          if (a_end != kNoDate && a_end <= last) {
            ended += 1;
            back += returned(a_end, static_cast<PlacementOutcome>(ap.outcome[x]), true, x);
          }
        }
        add(kApPlacements, placements);
        add(kApWithPlan, with_plan);
        add(kApStarted, started);
        add(kOffSite, off_site);
        if (placements > 0) {
          const double mean_hours = hours / placements;
          add(kApHoursN, 1);
          add(kApHoursSum, mean_hours);
          add(kApHoursSum2, mean_hours * mean_hours);
          if (ever) {
            add(kApPupils, 1);
            for (int b = 0; b < kApBreakdowns; ++b) {
              if (in_bd[static_cast<size_t>(b)]) B[b * kBdCounters + kBdPupils] += 1;
            }
          }
        }

        // Internal units.
        double spells = 0, unit_sessions = 0;
        for (size_t k = u0; k < iu; ++k) {
          const uint32_t x = us[k];
          const int32_t u_start = units.start_date[x], u_end = units.end_date[x];
          if (u_start > last || u_end < first) continue;
          spells += 1;
          unit_sessions += units.sessions[x];
          if (u_end != kNoDate && u_end <= last) {
            ended += 1;
            back += returned(u_end, static_cast<PlacementOutcome>(units.outcome[x]), false, x);
          }
        }
        add(kUnitSessions, unit_sessions);
        if (ever && spells > 0) add(kUnitPupils, 1);
        if (ever && spells > 1) add(kUnitRepeat, 1);
        add(kEpisodesEnded, ended);
        add(kEpisodesReturned, back);
      }

      // Absence, enrolment by enrolment, as the attendance cube adds them.
      if (ReportTypeOf(schools.school_type(s)) < 0) continue;
      AttendanceValues v;
      uint8_t g[8];
      // Calls f(group, values) for each counted enrolment of the school and each of its groups.
      auto for_each_counted = [&](auto&& f) {
        for (uint32_t e : es) {
          if (!in_cohort[e]) continue;
          EnrolmentMeasures(sessions[e], policy, &v);
          if (v[kMeasureEnrolments] == 0) continue;
          const int ng = GroupsOf(pupils, enrol.pupil[e], g);
          for (int k = 0; k < ng; ++k) f(g[k]);
        }
      };
      for_each_counted([&](uint8_t group) {
        double* a = &A[group * kCounters];
        a[kAbsEnrolments] += 1;
        a[kAbsPossible] += static_cast<double>(v[kSessPossible]);
        a[kAbsOverall] += static_cast<double>(v[kSessOverall]);
        a[kAbsPersistent] += static_cast<double>(v[kMeasurePersistent]);
      });
      for (int k = 0; k < kGroups; ++k) {
        const double* a = &A[k * kCounters];
        ratio[static_cast<size_t>(k)] = a[kAbsPossible] > 0 ? a[kAbsOverall] / a[kAbsPossible] : 0;
      }
      // The second pass: squared residuals about each group's ratio (its clustered SE).
      for_each_counted([&](uint8_t group) {
        const double r = static_cast<double>(v[kSessOverall]) -
                         ratio[group] * static_cast<double>(v[kSessPossible]);
        A[group * kCounters + kAbsResidual2] += r * r;
      });
    }
  });

  // ---- The input.
  ScorecardInput in;
  in.mode = "pupil-level";
  in.time_period = year.TimePeriod();
  in.sources = fmt::format(
      "Pupil-level records in a Lantern store, academic year {} (roll, attendance marks, "
      "suspensions and exclusions, alternative provision placements and internal-unit spells); "
      "census day {}.",
      year.Label(), FormatIsoDate(Date{census_day}));
  SetReasonsAndNotes(&in);
  for (size_t i = 0; i < st.local_authorities.size(); ++i) {
    in.local_authorities.push_back(
        {st.local_authorities.old_la_code[i], st.local_authorities.new_la_code[i],
         st.local_authorities.la_name[i], st.local_authorities.region_code[i],
         st.local_authorities.region_name[i]});
  }
  std::map<std::string, std::string> trust_names;
  for (size_t i = 0; i < st.trusts.size(); ++i) {
    trust_names[st.trusts.trust_id[i]] = st.trusts.trust_name[i];
  }
  in.breakdowns = {"Total"};
  for (const auto& c : ApSettingCodes())
    in.breakdowns.push_back("AP setting: " + std::string(c.label));
  for (const auto& c : ApReasonCodes())
    in.breakdowns.push_back("AP reason: " + std::string(c.label));

  // Schools in URN order; those with nobody on roll in the year are left out.
  std::vector<uint32_t> order(n_schools);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return schools.urn[a] < schools.urn[b]; });

  for (uint32_t s : order) {
    const double* A = &acc[static_cast<size_t>(s) * kGroups * kCounters];
    const double* B = &bd[static_cast<size_t>(s) * kApBreakdowns * kBdCounters];
    if (A[kEver] == 0 && A[kAbsEnrolments] == 0) continue;
    const uint32_t si = static_cast<uint32_t>(in.schools.size());
    const auto phase_code = static_cast<SchoolPhaseCode>(schools.phase[s]);
    ScorecardSchool sc;
    sc.urn = schools.urn[s];
    sc.name = schools.name[s];
    sc.la_code = schools.la_code[s];
    sc.laestab = fmt::format("{:03d}{:04d}", schools.la_code[s], schools.estab[s]);
    sc.trust_id = schools.trust_id[s];
    if (auto it = trust_names.find(sc.trust_id); it != trust_names.end()) {
      sc.trust_name = it->second;
    }
    sc.phase = PhaseOf(phase_code);
    sc.type_label = std::string(SchoolTypeLabel(SchoolTypeOf(phase_code)));
    if (!schools.type[s].empty()) sc.type_label += " (" + schools.type[s] + ")";
    const ScorecardPhase ph = sc.phase;
    in.schools.push_back(std::move(sc));

    auto obs = [&](const char* id, PupilGroup group, uint16_t breakdown = 0) {
      IndicatorObservation o;
      o.school = si;
      o.indicator = Ind(id);
      o.group = group;
      o.breakdown = breakdown;
      in.observations.push_back(o);
      return &in.observations.back();
    };
    auto ratio_obs = [&](const char* id, PupilGroup group, double num, double den,
                         uint16_t breakdown = 0) {
      IndicatorObservation* o = obs(id, group, breakdown);
      o->numerator = num;
      o->denominator = den;
    };
    auto mean_obs = [&](const char* id, PupilGroup group, double n, double sum, double sum2) {
      IndicatorObservation* o = obs(id, group);
      o->denominator = n;
      if (n > 0) o->mean = sum / n;
      if (n > 1) {
        const double var = std::max(0.0, (sum2 - sum * sum / n) / (n - 1));
        o->sd = static_cast<float>(std::sqrt(var));
      }
    };

    // Context: all pupils.
    obs("pupils_on_roll", PupilGroup::kAll)->numerator = A[kCensus];
    ratio_obs("sen_support_percent", PupilGroup::kAll, A[kCensusSenSupport], A[kCensus]);
    ratio_obs("ehcp_percent", PupilGroup::kAll, A[kCensusEhcp], A[kCensus]);
    ratio_obs("fsm_percent", PupilGroup::kAll, A[kCensusFsm], A[kCensus]);
    ratio_obs("disadvantaged_percent", PupilGroup::kAll, A[kCensusDisadvantaged], A[kCensus]);
    ratio_obs("eal_percent", PupilGroup::kAll, A[kCensusEal], A[kCensus]);
    ratio_obs("looked_after_percent", PupilGroup::kAll, A[kCensusLookedAfter], A[kCensus]);

    const bool primary_like = ph == ScorecardPhase::kPrimary || ph == ScorecardPhase::kNursery;
    const bool absence_school = ReportTypeOf(SchoolTypeOf(phase_code)) >= 0;
    if (primary_like) {
      for (const char* id : {"ks2_prior_attainment", "attainment8", "progress8",
                             "basics_94_percent", "sustained_destination_percent"}) {
        obs(id, PupilGroup::kAll)->availability = Availability::kNotApplicable;
      }
    }
    if (!absence_school) {
      // Nursery schools are outside the absence statistics (definitions.md 1.2).
      for (const char* id : {"overall_absence_rate", "persistent_absence_rate"}) {
        obs(id, PupilGroup::kAll)->availability = Availability::kNotApplicable;
      }
    }

    for (int gi = 0; gi < kGroups; ++gi) {
      const auto group = static_cast<PupilGroup>(gi);
      const double* a = &A[gi * kCounters];
      const bool all = group == PupilGroup::kAll;
      if (all || a[kEver] > 0) {
        ratio_obs("mobility_percent", group, a[kMobile], a[kEver]);
        ratio_obs("left_roll_percent", group, a[kLeft], a[kEver]);
        ratio_obs("ap_pupils_percent", group, a[kApPupils], a[kEver]);
        ratio_obs("ap_placements_rate", group, a[kApStarted], a[kEver]);
        ratio_obs("internal_unit_pupils_percent", group, a[kUnitPupils], a[kEver]);
        ratio_obs("internal_unit_sessions_rate", group, a[kUnitSessions], a[kEver]);
      }
      if (!primary_like && a[kKs2N] > 0) {
        mean_obs("ks2_prior_attainment", group, a[kKs2N], a[kKs2Sum], a[kKs2Sum2]);
      }
      if (absence_school && (all || a[kAbsEnrolments] > 0) && a[kAbsEnrolments] > 0) {
        const double n = a[kAbsEnrolments];
        IndicatorObservation* o = obs("overall_absence_rate", group);
        o->denominator = n;
        o->mean = a[kAbsPossible] > 0 ? 100 * a[kAbsOverall] / a[kAbsPossible] : 0;
        if (n > 1 && a[kAbsPossible] > 0) {
          // Linearised variance of the ratio of sums over enrolments
          // (clusters): n/(n-1) sum (O_i - R P_i)^2 / (sum P)^2; sd is chosen
          // so that sd / sqrt(n) is that standard error, in percent.
          const double se = 100 * std::sqrt(n / (n - 1) * a[kAbsResidual2]) / a[kAbsPossible];
          o->sd = static_cast<float>(se * std::sqrt(n));
        }
        ratio_obs("persistent_absence_rate", group, a[kAbsPersistent], n);
      }
      if (all || a[kCensus] > 0) {
        ratio_obs("suspension_rate", group, a[kSuspensions], a[kCensus]);
        ratio_obs("one_plus_suspension_rate", group, std::min(a[kSuspendedPupils], a[kCensus]),
                  a[kCensus]);
        ratio_obs("permanent_exclusion_rate", group, a[kPermanent], a[kCensus]);
        ratio_obs("managed_move_rate", group, a[kManagedMoves], a[kCensus]);
        ratio_obs("off_site_direction_rate", group, a[kOffSite], a[kCensus]);
      }
      if (all || a[kEpisodesEnded] > 0) {
        ratio_obs("reintegration_percent", group, a[kEpisodesReturned], a[kEpisodesEnded]);
      }
      if (all || a[kApHoursN] > 0) {
        mean_obs("ap_hours_per_week", group, a[kApHoursN], a[kApHoursSum], a[kApHoursSum2]);
      }
      if (all || a[kApPlacements] > 0) {
        ratio_obs("ap_reintegration_plan_percent", group, a[kApWithPlan], a[kApPlacements]);
      }
      if (all || a[kUnitPupils] > 0) {
        ratio_obs("internal_unit_repeat_percent", group, a[kUnitRepeat], a[kUnitPupils]);
      }
    }
    // AP by setting and by reason (all pupils), over pupils on roll in the year.
    for (int b = 0; b < kApBreakdowns; ++b) {
      const auto bi = static_cast<uint16_t>(b + 1);
      ratio_obs("ap_pupils_percent", PupilGroup::kAll, B[b * kBdCounters + kBdPupils], A[kEver],
                bi);
      ratio_obs("ap_placements_rate", PupilGroup::kAll, B[b * kBdCounters + kBdStarted], A[kEver],
                bi);
    }
  }
  return in;
}

Result<ScorecardInput> LoadPupilLevelScorecardInput(const std::string& store_dir,
                                                    const PupilLevelOptions& options) {
  Policy policy;
  if (!options.policy_file.empty()) {
    LANTERN_ASSIGN_OR_RETURN(policy, LoadPolicy(options.policy_file));
  }
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(store_dir, Store::Mode::kRead));
  if (store->empty()) return Status::NotFound(store_dir + " holds no data yet");
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load());
  return PupilLevelScorecardInputFromState(state, store.get(), policy, options.threads);
}

Status RunPupilLevelScorecard(const std::string& store_dir, const PupilLevelOptions& pupil_level,
                              const ScorecardRunOptions& options, ScorecardReport* report) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  const auto t0 = Clock::now();
  PupilLevelOptions pl = pupil_level;
  if (pl.threads == 0) pl.threads = options.output.threads;
  LANTERN_ASSIGN_OR_RETURN(ScorecardInput input, LoadPupilLevelScorecardInput(store_dir, pl));
  const auto t1 = Clock::now();
  ScorecardOptions engine = options.engine;
  if (engine.threads == 0) engine.threads = options.output.threads;
  LANTERN_ASSIGN_OR_RETURN(Scorecard sc, Scorecard::Build(input, engine));
  const auto t2 = Clock::now();
  ScorecardReport local;
  ScorecardReport* r = report != nullptr ? report : &local;
  LANTERN_RETURN_IF_ERROR(WriteScorecardOutputs(sc, options.output, r));
  r->seconds_load = seconds(t0, t1);
  r->seconds_build = seconds(t1, t2);
  r->seconds = seconds(t0, Clock::now());
  return Status::Ok();
}

}  // namespace lantern
