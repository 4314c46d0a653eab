// The attendance and absence family: OUT/attendance.csv.
//
// Source: DfE "Pupil absence statistics: methodology" and "Pupil
// attendance in schools" (definitions.md 1.1-1.5). Rates are ratios of sums
// over all enrolments in a group, never means of pupil rates. Persistent
// absence: overall absence of at least 10% of the enrolment's own possible
// sessions ("exact" method, since 2015/16); severe: at least 50%. The
// measures are the enrolment grain's (derive/enrolment_facts.cc). Session
// counts are not people: each figure is hidden with the enrolments of its
// row, persistent and severe absence with their own counts as well.
#include "indicators/catalogue.h"

namespace lantern {

namespace {

constexpr std::string_view kSource = "DfE pupil absence statistics methodology; definitions.md 1";

IndicatorDecl Count(std::string_view id, std::string_view label, std::string_view grouping,
                    std::string_view measure, std::string_view definition,
                    std::string_view hidden_with = "enrolments") {
  return {.id = id,
          .label = label,
          .grouping = grouping,
          .kind = IndicatorKind::kCount,
          .numerator = {measure, {}},
          .hidden_with = hidden_with,
          .decimal_places = 0,
          .definition = definition,
          .source = kSource};
}

// A share of possible sessions: a ratio of session sums.
IndicatorDecl SessionRate(std::string_view id, std::string_view label, std::string_view grouping,
                          std::string_view measure, int dp, std::string_view definition) {
  return {.id = id,
          .label = label,
          .grouping = grouping,
          .kind = IndicatorKind::kRatio,
          .numerator = {measure, {}},
          .denominator = {"sess_possible", {}},
          .hidden_with = "enrolments",
          .decimal_places = dp,
          .polarity = Polarity::kLowerIsBetter,
          .definition = definition,
          .source = kSource};
}

}  // namespace

FamilyDecl AttendanceFamily() {
  FamilyDecl f;
  f.id = "attendance";
  f.file = "attendance.csv";
  f.title = "Attendance and absence";
  f.row_count = "enrolments";
  f.row_count_label = "enrolment";
  const char* kE = "Enrolments";
  const char* kS = "Sessions";
  const char* kR = "Absence rates";
  const char* kP = "Persistent absence";
  const char* kA = "Attendance";
  const char* kAuth = "Authorised reasons";
  const char* kUnauth = "Unauthorised reasons";
  IndicatorDecl overall =
      SessionRate("sess_overall_percent", "Overall absence rate", kR, "sess_overall", 1,
                  "Overall absence sessions as a percentage of possible sessions.");
  // Its interval clusters sessions by enrolment (the scorecard).
  overall.units = "enrolments";
  overall.sum_squares = "sess_overall_sq";
  overall.cross_products = "sess_overall_x_possible";
  overall.denominator_squares = "sess_possible_sq";
  overall.scorecard = ScorecardSettings{
      .domain = IndicatorDomain::kFormalOutcome,
      .min_denominator = 20,
      .unit = "%",
      .numerator =
          "Sessions missed through authorised and unauthorised absence "
          "(definitions.md 1.3)",
      .denominator = "Possible sessions of enrolments aged 5 to 15",
      .enquiry_higher =
          "Absence among {pupils} was higher than in similar schools: which pupils "
          "miss most, for what reasons, and what support is in place?",
      .enquiry_lower =
          "Absence among {pupils} was lower than in similar schools: what is "
          "working that other schools could learn from?",
      .not_at_nursery = true};
  IndicatorDecl persistent{
      .id = "enrolments_pa_10_exact_percent",
      .label = "Persistent absence rate",
      .grouping = kP,
      .kind = IndicatorKind::kPercent,
      .numerator = {"enrolments_pa_10_exact", {}},
      .denominator = {"enrolments", {}},
      .hidden_with = "enrolments_pa_10_exact",
      .decimal_places = 1,
      .polarity = Polarity::kLowerIsBetter,
      .definition = "Persistent absentees as a percentage of enrolments.",
      .source = kSource,
      .scorecard = ScorecardSettings{
          .domain = IndicatorDomain::kFormalOutcome,
          .min_denominator = 20,
          .unit = "%",
          .numerator = "Enrolments missing 10% or more of their own possible sessions "
                       "(definitions.md 1.4)",
          .denominator = "Enrolments aged 5 to 15 (open data: pupils on roll)",
          .enquiry_higher = "More {pupils} were persistently absent than in similar schools: who "
                            "are they, and what is getting in the way of attending?",
          .enquiry_lower = "Fewer {pupils} were persistently absent than in similar schools: "
                           "what is working?",
          .not_at_nursery = true}};
  IndicatorDecl severe{.id = "enrolments_pa_50_exact_percent",
                       .label = "Severe absence rate",
                       .grouping = kP,
                       .kind = IndicatorKind::kPercent,
                       .numerator = {"enrolments_pa_50_exact", {}},
                       .denominator = {"enrolments", {}},
                       .hidden_with = "enrolments_pa_50_exact",
                       .decimal_places = 1,
                       .polarity = Polarity::kLowerIsBetter,
                       .definition = "Severe absentees as a percentage of enrolments.",
                       .source = kSource};
  f.indicators = {
      Count("enrolments", "Number of enrolments", kE, "enrolments",
            "Enrolments of pupils aged 5 to 15 with at least one possible session."),
      Count("sess_possible", "Number of possible sessions", kS, "sess_possible",
            "Sessions the pupils were on roll and expected to attend."),
      Count("sess_overall", "Number of overall absence sessions", kS, "sess_overall",
            "Authorised plus unauthorised absence sessions."),
      Count("sess_authorised", "Number of authorised absence sessions", kS, "sess_authorised",
            "Sessions missed with an authorised absence code."),
      Count("sess_unauthorised", "Number of unauthorised absence sessions", kS, "sess_unauthorised",
            "Sessions missed with an unauthorised absence code (G, N, O, U)."),
      overall,
      SessionRate("sess_authorised_percent", "Authorised absence rate", kR, "sess_authorised", 1,
                  "Authorised absence sessions as a percentage of possible sessions."),
      SessionRate("sess_unauthorised_percent", "Unauthorised absence rate", kR, "sess_unauthorised",
                  1, "Unauthorised absence sessions as a percentage of possible sessions."),
      Count("enrolments_pa_10_exact", "Number of persistent absentees", kP,
            "enrolments_pa_10_exact",
            "Enrolments missing 10% or more of their own possible sessions.",
            "enrolments_pa_10_exact"),
      persistent,
      Count("enrolments_pa_50_exact", "Number of severe absentees", kP, "enrolments_pa_50_exact",
            "Enrolments missing 50% or more of their own possible sessions (a subset of "
            "persistent absentees).",
            "enrolments_pa_50_exact"),
      severe,
      Count("sess_present", "Number of present sessions", kA, "sess_present",
            "Sessions marked present (/, \\, L)."),
      Count("sess_aea", "Number of approved educational activity sessions", kA, "sess_aea",
            "Sessions at an approved educational activity off site (K, V, P, W, B): attendance, "
            "not absence."),
      Count("sess_late", "Number of late sessions (before registers closed)", kA, "sess_late",
            "Sessions coded L: late but present."),
      Count("sess_auth_illness", "Illness sessions", kAuth, "sess_auth_illness", "Code I."),
      SessionRate("sess_auth_illness_percent", "Illness rate", kAuth, "sess_auth_illness", 1,
                  "Code I sessions as a percentage of possible sessions."),
      Count("sess_auth_appointments", "Medical appointment sessions", kAuth,
            "sess_auth_appointments", "Code M."),
      Count("sess_auth_religious", "Religious observance sessions", kAuth, "sess_auth_religious",
            "Code R."),
      Count("sess_auth_study", "Study leave sessions", kAuth, "sess_auth_study", "Code S."),
      Count("sess_auth_traveller", "Traveller sessions", kAuth, "sess_auth_traveller", "Code T."),
      Count("sess_auth_holiday", "Authorised holiday sessions", kAuth, "sess_auth_holiday",
            "Codes H and F (withdrawn in 2024; historic marks only)."),
      Count("sess_auth_excluded", "Excluded sessions", kAuth, "sess_auth_excluded",
            "Code E: suspended or excluded with no alternative provision."),
      Count("sess_auth_performance", "Regulated performance or employment abroad sessions", kAuth,
            "sess_auth_performance", "Code C1."),
      Count("sess_auth_interview", "Interview sessions", kAuth, "sess_auth_interview", "Code J1."),
      Count("sess_auth_part_time", "Temporary reduced timetable sessions", kAuth,
            "sess_auth_part_time",
            "Code C2: leave of absence for a pupil on a temporary part-time timetable."),
      SessionRate("sess_auth_part_time_percent", "Temporary reduced timetable rate", kAuth,
                  "sess_auth_part_time", 2,
                  "Code C2 sessions as a percentage of possible sessions."),
      Count("sess_auth_other", "Other authorised sessions", kAuth, "sess_auth_other", "Code C."),
      Count("sess_unauth_holiday", "Unauthorised holiday sessions", kUnauth, "sess_unauth_holiday",
            "Code G."),
      SessionRate("sess_unauth_holiday_percent", "Unauthorised holiday rate", kUnauth,
                  "sess_unauth_holiday", 1,
                  "Code G sessions as a percentage of possible sessions."),
      Count("sess_unauth_late", "Late after registers closed sessions", kUnauth, "sess_unauth_late",
            "Code U."),
      Count("sess_unauth_other", "Other unauthorised sessions", kUnauth, "sess_unauth_other",
            "Code O."),
      Count("sess_unauth_noyet", "Reason not yet provided sessions", kUnauth, "sess_unauth_noyet",
            "Code N."),
  };
  return f;
}

}  // namespace lantern
