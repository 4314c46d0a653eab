// Attendance and absence indicators.
//
// Source: DfE "Pupil absence statistics: methodology" and "Pupil attendance
// in schools" (definitions.md 1.1-1.5). Rates are ratios of sums over all
// enrolments in a group, never means of pupil rates. Persistent absence:
// overall absence of at least 10% of the enrolment's own possible sessions
// ("exact" method, since 2015/16); severe: at least 50%.
#include "indicators/attendance_indicators.h"

#include <vector>

namespace lantern {

void EnrolmentMeasures(const EnrolmentSessions& s, const Policy& policy, AttendanceValues* out) {
  out->fill(0);
  const int64_t possible = s.n[kSessPossible];
  if (possible == 0) return;  // not counted: no possible sessions
  for (int c = 0; c < kSessionColumns; ++c) (*out)[c] = s.n[c];
  (*out)[kMeasureEnrolments] = 1;
  const int64_t overall = s.n[kSessOverall];
  // "At least": exactly 10% is persistent absence; the tolerance keeps
  // binary fractions (0.1 * 310 = 31.000000000000004) from moving the boundary.
  const auto at_least = [&](double share) {
    return static_cast<double>(overall) >= share * static_cast<double>(possible) - 1e-9;
  };
  (*out)[kMeasurePersistent] = at_least(policy.persistent_absence_threshold) ? 1 : 0;
  (*out)[kMeasureSevere] = at_least(policy.severe_absence_threshold) ? 1 : 0;
}

namespace {
constexpr int R(AbsenceReason r) { return kSessReasonFirst + static_cast<int>(r) - 1; }
constexpr auto kCount = IndicatorUnit::kCount;
constexpr auto kPct = IndicatorUnit::kPercent;
constexpr int kE = kMeasureEnrolments;

// clang-format off
const std::vector<IndicatorDef> kIndicators = {
  {"enrolments", "Number of enrolments", "Enrolments", kCount, kE, -1, kE, 0,
   "Enrolments of pupils aged 5 to 15 with at least one possible session."},
  {"sess_possible", "Number of possible sessions", "Sessions", kCount, kSessPossible, -1, kE, 0,
   "Sessions the pupils were on roll and expected to attend."},
  {"sess_overall", "Number of overall absence sessions", "Sessions", kCount, kSessOverall, -1, kE, 0,
   "Authorised plus unauthorised absence sessions."},
  {"sess_authorised", "Number of authorised absence sessions", "Sessions", kCount, kSessAuthorised, -1, kE, 0,
   "Sessions missed with an authorised absence code."},
  {"sess_unauthorised", "Number of unauthorised absence sessions", "Sessions", kCount, kSessUnauthorised, -1, kE, 0,
   "Sessions missed with an unauthorised absence code (G, N, O, U)."},
  {"sess_overall_percent", "Overall absence rate", "Absence rates", kPct, kSessOverall, kSessPossible, kE, 1,
   "Overall absence sessions as a percentage of possible sessions."},
  {"sess_authorised_percent", "Authorised absence rate", "Absence rates", kPct, kSessAuthorised, kSessPossible, kE, 1,
   "Authorised absence sessions as a percentage of possible sessions."},
  {"sess_unauthorised_percent", "Unauthorised absence rate", "Absence rates", kPct, kSessUnauthorised, kSessPossible, kE, 1,
   "Unauthorised absence sessions as a percentage of possible sessions."},
  {"enrolments_pa_10_exact", "Number of persistent absentees", "Persistent absence", kCount, kMeasurePersistent, -1, kMeasurePersistent, 0,
   "Enrolments missing 10% or more of their own possible sessions."},
  {"enrolments_pa_10_exact_percent", "Persistent absence rate", "Persistent absence", kPct, kMeasurePersistent, kE, kMeasurePersistent, 1,
   "Persistent absentees as a percentage of enrolments."},
  {"enrolments_pa_50_exact", "Number of severe absentees", "Persistent absence", kCount, kMeasureSevere, -1, kMeasureSevere, 0,
   "Enrolments missing 50% or more of their own possible sessions (a subset of persistent absentees)."},
  {"enrolments_pa_50_exact_percent", "Severe absence rate", "Persistent absence", kPct, kMeasureSevere, kE, kMeasureSevere, 1,
   "Severe absentees as a percentage of enrolments."},
  {"sess_present", "Number of present sessions", "Attendance", kCount, kSessPresent, -1, kE, 0,
   "Sessions marked present (/, \\, L)."},
  {"sess_aea", "Number of approved educational activity sessions", "Attendance", kCount, kSessAea, -1, kE, 0,
   "Sessions at an approved educational activity off site (K, V, P, W, B): attendance, not absence."},
  {"sess_late", "Number of late sessions (before registers closed)", "Attendance", kCount, kSessLate, -1, kE, 0,
   "Sessions coded L: late but present."},
  {"sess_auth_illness", "Illness sessions", "Authorised reasons", kCount, R(AbsenceReason::kIllness), -1, kE, 0, "Code I."},
  {"sess_auth_illness_percent", "Illness rate", "Authorised reasons", kPct, R(AbsenceReason::kIllness), kSessPossible, kE, 1,
   "Code I sessions as a percentage of possible sessions."},
  {"sess_auth_appointments", "Medical appointment sessions", "Authorised reasons", kCount, R(AbsenceReason::kAppointments), -1, kE, 0, "Code M."},
  {"sess_auth_religious", "Religious observance sessions", "Authorised reasons", kCount, R(AbsenceReason::kReligious), -1, kE, 0, "Code R."},
  {"sess_auth_study", "Study leave sessions", "Authorised reasons", kCount, R(AbsenceReason::kStudy), -1, kE, 0, "Code S."},
  {"sess_auth_traveller", "Traveller sessions", "Authorised reasons", kCount, R(AbsenceReason::kTraveller), -1, kE, 0, "Code T."},
  {"sess_auth_holiday", "Authorised holiday sessions", "Authorised reasons", kCount, R(AbsenceReason::kHoliday), -1, kE, 0,
   "Codes H and F (withdrawn in 2024; historic marks only)."},
  {"sess_auth_excluded", "Excluded sessions", "Authorised reasons", kCount, R(AbsenceReason::kExcluded), -1, kE, 0,
   "Code E: suspended or excluded with no alternative provision."},
  {"sess_auth_performance", "Regulated performance or employment abroad sessions", "Authorised reasons", kCount, R(AbsenceReason::kPerformance), -1, kE, 0, "Code C1."},
  {"sess_auth_interview", "Interview sessions", "Authorised reasons", kCount, R(AbsenceReason::kInterview), -1, kE, 0, "Code J1."},
  {"sess_auth_part_time", "Temporary reduced timetable sessions", "Authorised reasons", kCount, R(AbsenceReason::kPartTime), -1, kE, 0,
   "Code C2: leave of absence for a pupil on a temporary part-time timetable."},
  {"sess_auth_part_time_percent", "Temporary reduced timetable rate", "Authorised reasons", kPct, R(AbsenceReason::kPartTime), kSessPossible, kE, 2,
   "Code C2 sessions as a percentage of possible sessions."},
  {"sess_auth_other", "Other authorised sessions", "Authorised reasons", kCount, R(AbsenceReason::kAuthOther), -1, kE, 0, "Code C."},
  {"sess_unauth_holiday", "Unauthorised holiday sessions", "Unauthorised reasons", kCount, R(AbsenceReason::kUnauthHoliday), -1, kE, 0, "Code G."},
  {"sess_unauth_holiday_percent", "Unauthorised holiday rate", "Unauthorised reasons", kPct, R(AbsenceReason::kUnauthHoliday), kSessPossible, kE, 1,
   "Code G sessions as a percentage of possible sessions."},
  {"sess_unauth_late", "Late after registers closed sessions", "Unauthorised reasons", kCount, R(AbsenceReason::kUnauthLate), -1, kE, 0, "Code U."},
  {"sess_unauth_other", "Other unauthorised sessions", "Unauthorised reasons", kCount, R(AbsenceReason::kUnauthOther), -1, kE, 0, "Code O."},
  {"sess_unauth_noyet", "Reason not yet provided sessions", "Unauthorised reasons", kCount, R(AbsenceReason::kUnauthNotYet), -1, kE, 0, "Code N."},
};
// clang-format on
}  // namespace

std::span<const IndicatorDef> AttendanceIndicators() { return kIndicators; }

}  // namespace lantern
