// The scorecard's own indicators (the Inclusion and Participation
// Scorecard, C1; seed 003 §1.1.1): context and composition, the formal
// inclusion outcomes the build does not publish, and additional school data
// (C2), with how the scorecard compares each. The scorecard also shows the
// absence and suspension indicators of the attendance and suspensions
// families, declared there with their scorecard settings. Definitions
// follow docs/definitions.md where the Department defines the measure
// (absence 1.3-1.4, suspensions 2, Progress 8 3.7, destinations 4.1);
// docs/scorecard.md states every choice. Polarity only chooses the wording
// of a question; it never orders schools.
//
// In pupil-level mode the measures are the enrolment grain's (the census
// headcount and KS2 scores) and the pupil-at-school grain's
// (derive/pupil_at_school_facts.cc: the roll, AP placements, internal
// units). Indicators without a numerator are not held in the store (key
// stage 4 results, destinations, recognition, pupil voice): x there, with
// the reason; the open-data mode fills some of them from published files.
#include "indicators/catalogue.h"
#include "model/codes.h"

namespace lantern {

namespace {

constexpr std::string_view kSource = "Lantern's scorecard (docs/scorecard.md)";

// AP by setting and by reason, all pupils: `what` is "pupils" or "started".
std::vector<ScorecardBreakdown> ApBreakdowns(std::string_view what) {
  std::vector<ScorecardBreakdown> b;
  for (const auto& c : ApSettingCodes()) {
    b.push_back({"AP setting: " + std::string(c.label),
                 "ap_" + std::string(what) + "_setting_" + std::string(c.code)});
  }
  for (const auto& c : ApReasonCodes()) {
    b.push_back({"AP reason: " + std::string(c.label),
                 "ap_" + std::string(what) + "_reason_" + std::string(c.code)});
  }
  return b;
}

}  // namespace

FamilyDecl ScorecardFamily() {
  FamilyDecl f;
  f.id = "scorecard";
  f.title = "Inclusion and Participation Scorecard (lantern scorecard; not written by build)";
  f.indicators.push_back({.id = "pupils_on_roll",
                          .label = "Pupils on roll",
                          .grouping = "Context and composition",
                          .kind = IndicatorKind::kCount,
                          .numerator = {"headcount", {}},
                          .hidden_with = "headcount",
                          .decimal_places = 0,
                          .polarity = Polarity::kNeutral,
                          .definition = "Pupils on roll (headcount) at the January census.",
                          .source = kSource,
                          .scorecard = ScorecardSettings{
                              .domain = IndicatorDomain::kContext,
                              .min_denominator = 0,
                              .unit = "pupils",
                              .numerator = "Pupils on roll (headcount) at the January census",
                              .denominator = "none (a count)",
                              .similarity = true,
                              .similarity_log = true,
                          }});
  f.indicators.push_back(
      {.id = "sen_support_percent",
       .label = "Pupils with SEN support",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kPercent,
       .numerator = {"headcount", "sen_support"},
       .denominator = {"headcount", {}},
       .hidden_with = "headcount",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils with special educational needs support (no EHC plan) / Pupils on "
                     "roll.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils with special educational needs support (no EHC plan)",
           .denominator = "Pupils on roll",
           .similarity = true,
       }});
  f.indicators.push_back(
      {.id = "ehcp_percent",
       .label = "Pupils with an EHC plan",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kPercent,
       .numerator = {"headcount", "ehcp"},
       .denominator = {"headcount", {}},
       .hidden_with = "headcount",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils with an education, health and care plan (or statement) / Pupils "
                     "on roll.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils with an education, health and care plan (or statement)",
           .denominator = "Pupils on roll",
           .similarity = true,
       }});
  f.indicators.push_back(
      {.id = "fsm_percent",
       .label = "Pupils eligible for free school meals",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kPercent,
       .numerator = {"headcount", "fsm"},
       .denominator = {"headcount", {}},
       .hidden_with = "headcount",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils known to be eligible for free school meals / Pupils on roll.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils known to be eligible for free school meals",
           .denominator = "Pupils on roll",
       }});
  f.indicators.push_back(
      {.id = "disadvantaged_percent",
       .label = "Disadvantaged pupils",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kPercent,
       .numerator = {"headcount", "disadvantaged"},
       .denominator = {"headcount", {}},
       .hidden_with = "headcount",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils eligible for free school meals at any time in the last six years, "
                     "or looked after / previously looked after / Pupils on roll (open data: "
                     "pupils counted for FSM-ever-6).",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils eligible for free school meals at any time in the last six years, "
                        "or looked after / previously looked after",
           .denominator = "Pupils on roll (open data: pupils counted for FSM-ever-6)",
           .similarity = true,
       }});
  f.indicators.push_back(
      {.id = "eal_percent",
       .label = "Pupils with English as an additional language",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kPercent,
       .numerator = {"headcount", "eal"},
       .denominator = {"headcount", {}},
       .hidden_with = "headcount",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils whose first language is known or believed to be other than "
                     "English / Pupils whose first language is recorded.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils whose first language is known or believed to be other than "
                        "English",
           .denominator = "Pupils whose first language is recorded",
           .similarity = true,
       }});
  f.indicators.push_back(
      {.id = "looked_after_percent",
       .label = "Looked-after pupils",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kPercent,
       .numerator = {"headcount", "looked_after"},
       .denominator = {"headcount", {}},
       .hidden_with = "headcount",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils looked after by a local authority / Pupils on roll.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils looked after by a local authority",
           .denominator = "Pupils on roll",
       }});
  f.indicators.push_back(
      {.id = "mobility_percent",
       .label = "Pupil mobility",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kPercent,
       .numerator = {"mobile_pupils", {}},
       .denominator = {"on_roll_year", {}},
       .hidden_with = "mobile_pupils",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils who joined or left the roll other than at the usual points of "
                     "entry and transfer / Pupils on roll at any time in the year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils who joined or left the roll other than at the usual points of "
                        "entry and transfer",
           .denominator = "Pupils on roll at any time in the year",
           .similarity = true,
       }});
  f.indicators.push_back(
      {.id = "ks2_prior_attainment",
       .label = "Prior attainment of the intake (KS2)",
       .grouping = "Context and composition",
       .kind = IndicatorKind::kMean,
       .numerator = {"ks2_score", {}},
       .denominator = {"ks2_pupils", {}},
       .hidden_with = "ks2_pupils",
       .sum_squares = "ks2_score_sq",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Mean key stage 2 average scaled score (English reading and maths) of "
                     "pupils with a KS2 result / Pupils with a KS2 result (secondary schools).",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kContext,
           .min_denominator = 10,
           .unit = "scaled score",
           .numerator = "Mean key stage 2 average scaled score (English reading and maths) of "
                        "pupils with a KS2 result",
           .denominator = "Pupils with a KS2 result (secondary schools)",
           .similarity = true,
           .not_at_primary = true,
       }});
  f.indicators.push_back(
      {.id = "managed_move_rate",
       .label = "Managed moves out per 100 pupils",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kRatePer100,
       .numerator = {"managed_moves", {}},
       .denominator = {"headcount", {}},
       .hidden_with = "managed_moves",
       .decimal_places = 2,
       .polarity = Polarity::kNeutral,
       .definition = "Managed moves of pupils from this school to another school / Pupils on "
                     "roll at the January census.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 20,
           .unit = "per 100 pupils",
           .numerator = "Managed moves of pupils from this school to another school",
           .denominator = "Pupils on roll at the January census",
           .enquiry_higher =
               "More {pupils} left through managed moves than in similar schools: why, "
               "and how did they fare at the new school?",
           .enquiry_lower =
               "Fewer {pupils} left through managed moves than in similar schools: how "
               "are placements that are not working resolved?",
       }});
  f.indicators.push_back(
      {.id = "off_site_direction_rate",
       .label = "Off-site directions per 100 pupils",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kRatePer100,
       .numerator = {"ap_off_site", {}},
       .denominator = {"headcount", {}},
       .hidden_with = "ap_off_site",
       .decimal_places = 2,
       .polarity = Polarity::kNeutral,
       .definition = "Directions of pupils off-site into alternative provision to improve "
                     "behaviour / Pupils on roll at the January census.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 20,
           .unit = "per 100 pupils",
           .numerator = "Directions of pupils off-site into alternative provision to improve "
                        "behaviour",
           .denominator = "Pupils on roll at the January census",
           .enquiry_higher =
               "More {pupils} were directed off-site than in similar schools: for how "
               "long, and did they return?",
           .enquiry_lower = "Fewer {pupils} were directed off-site than in similar schools: how is "
                            "behaviour support provided instead?",
       }});
  f.indicators.push_back(
      {.id = "left_roll_percent",
       .label = "Pupils who left the roll mid-phase",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kPercent,
       .numerator = {"left_roll", {}},
       .denominator = {"on_roll_year", {}},
       .hidden_with = "left_roll",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils who left the roll other than at the usual points of transfer (to "
                     "any destination, including home education and unknown) / Pupils on roll "
                     "at any time in the year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 20,
           .unit = "%",
           .numerator = "Pupils who left the roll other than at the usual points of transfer (to "
                        "any destination, including home education and unknown)",
           .denominator = "Pupils on roll at any time in the year",
           .enquiry_higher =
               "More {pupils} left this school's roll than in similar schools: why, and "
               "where did they go?",
           .enquiry_lower = "Fewer {pupils} left this school's roll than in similar schools.",
       }});
  f.indicators.push_back(
      {.id = "reintegration_percent",
       .label = "AP and internal-unit episodes followed by full return",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kPercent,
       .numerator = {"episodes_returned", {}},
       .denominator = {"episodes_ended", {}},
       .hidden_with = "episodes_returned",
       .decimal_places = 1,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "AP placements and internal-unit spells that ended with a return to a "
                     "full mainstream timetable / AP placements and internal-unit spells that "
                     "ended in the year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "AP placements and internal-unit spells that ended with a return to a "
                        "full mainstream timetable",
           .denominator = "AP placements and internal-unit spells that ended in the year",
           .enquiry_higher =
               "More episodes in AP or internal units ended with {pupils} back on a full "
               "timetable than in similar schools: what makes return work?",
           .enquiry_lower =
               "Fewer episodes in AP or internal units ended with {pupils} back on a "
               "full timetable than in similar schools: what gets in the way of return?",
       }});
  f.indicators.push_back(
      {.id = "attainment8",
       .label = "Attainment 8",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kMean,
       .decimal_places = 1,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "Mean Attainment 8 score (definitions.md 3.8) / Pupils at the end of key "
                     "stage 4.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 10,
           .unit = "points",
           .numerator = "Mean Attainment 8 score (definitions.md 3.8)",
           .denominator = "Pupils at the end of key stage 4",
           .enquiry_higher = "Attainment 8 of {pupils} was higher than in similar schools: what "
                             "contributes, and does it reach every group?",
           .enquiry_lower =
               "Attainment 8 of {pupils} was lower than in similar schools: which pupils "
               "and subjects account for the difference?",
           .not_at_primary = true,
       }});
  f.indicators.push_back(
      {.id = "progress8",
       .label = "Progress 8",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kMean,
       .decimal_places = 2,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "Mean adjusted pupil Progress 8 score (definitions.md 3.7) / Pupils in "
                     "the Progress 8 measure.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 10,
           .unit = "points",
           .numerator = "Mean adjusted pupil Progress 8 score (definitions.md 3.7)",
           .denominator = "Pupils in the Progress 8 measure",
           .enquiry_higher = "Progress 8 of {pupils} was higher than in similar schools: what "
                             "contributes, and does it reach every group?",
           .enquiry_lower =
               "Progress 8 of {pupils} was lower than in similar schools: which pupils "
               "made less progress, and why?",
           .not_at_primary = true,
       }});
  f.indicators.push_back(
      {.id = "basics_94_percent",
       .label = "Grade 4 or above in English and maths",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kPercent,
       .decimal_places = 1,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "Pupils achieving grade 4 or above in both English and maths / Pupils at "
                     "the end of key stage 4.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils achieving grade 4 or above in both English and maths",
           .denominator = "Pupils at the end of key stage 4",
           .enquiry_higher = "More {pupils} achieved grade 4 or above in English and maths than in "
                             "similar schools: what contributes?",
           .enquiry_lower = "Fewer {pupils} achieved grade 4 or above in English and maths than in "
                            "similar schools: which pupils, and why?",
           .not_at_primary = true,
       }});
  f.indicators.push_back(
      {.id = "sustained_destination_percent",
       .label = "Sustained education, apprenticeship or employment after KS4",
       .grouping = "Formal inclusion outcomes",
       .kind = IndicatorKind::kPercent,
       .decimal_places = 1,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "Pupils in a sustained education, apprenticeship or employment "
                     "destination in the year after key stage 4 (definitions.md 4.1) / Pupils "
                     "in the key stage 4 destination cohort.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kFormalOutcome,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils in a sustained education, apprenticeship or employment "
                        "destination in the year after key stage 4 (definitions.md 4.1)",
           .denominator = "Pupils in the key stage 4 destination cohort",
           .enquiry_higher = "More {pupils} went on to a sustained destination than in similar "
                             "schools: what prepares them?",
           .enquiry_lower = "Fewer {pupils} went on to a sustained destination than in similar "
                            "schools: where did the others go, and what guidance did they get?",
           .not_at_primary = true,
       }});
  f.indicators.push_back(
      {.id = "ap_pupils_percent",
       .label = "Pupils placed in alternative provision",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kPercent,
       .numerator = {"ap_pupils", {}},
       .denominator = {"on_roll_year", {}},
       .hidden_with = "ap_pupils",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils placed in alternative provision (any setting) during the year / "
                     "Pupils on roll at any time in the year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 20,
           .unit = "%",
           .numerator = "Pupils placed in alternative provision (any setting) during the year",
           .denominator = "Pupils on roll at any time in the year",
           .enquiry_higher = "More {pupils} spent time in alternative provision than in similar "
                             "schools: why, for how long, and with what plan to return?",
           .enquiry_lower = "Fewer {pupils} were placed in alternative provision than in similar "
                            "schools: how are needs met in school?",
           .breakdowns = ApBreakdowns("pupils"),
       }});
  f.indicators.push_back(
      {.id = "ap_placements_rate",
       .label = "AP placements per 100 pupils",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kRatePer100,
       .numerator = {"ap_started", {}},
       .denominator = {"on_roll_year", {}},
       .hidden_with = "ap_started",
       .decimal_places = 2,
       .polarity = Polarity::kNeutral,
       .definition = "Alternative provision placements started in the year / Pupils on roll at "
                     "any time in the year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 20,
           .unit = "per 100 pupils",
           .numerator = "Alternative provision placements started in the year",
           .denominator = "Pupils on roll at any time in the year",
           .enquiry_higher =
               "There were more AP placements of {pupils} than in similar schools: are "
               "some pupils placed repeatedly?",
           .enquiry_lower = "There were fewer AP placements of {pupils} than in similar schools.",
           .breakdowns = ApBreakdowns("started"),
       }});
  f.indicators.push_back(
      {.id = "ap_hours_per_week",
       .label = "Hours per week in AP, placed pupils",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kMean,
       .numerator = {"ap_hours", {}},
       .denominator = {"ap_placed_pupils", {}},
       .hidden_with = "ap_placed_pupils",
       .sum_squares = "ap_hours_sq",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Mean hours per week in alternative provision / Pupils placed in "
                     "alternative provision.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 10,
           .unit = "hours",
           .numerator = "Mean hours per week in alternative provision",
           .denominator = "Pupils placed in alternative provision",
           .enquiry_higher = "{pupils} placed in AP spent more hours a week there than in similar "
                             "schools: how much of their week is in mainstream lessons?",
           .enquiry_lower = "{pupils} placed in AP spent fewer hours a week there than in similar "
                            "schools: is the rest of their week full-time education?",
       }});
  f.indicators.push_back(
      {.id = "ap_reintegration_plan_percent",
       .label = "AP placements with a reintegration plan",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kPercent,
       .numerator = {"ap_with_plan", {}},
       .denominator = {"ap_placements", {}},
       .hidden_with = "ap_with_plan",
       .decimal_places = 1,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "AP placements with a recorded reintegration plan / AP placements in the "
                     "year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "AP placements with a recorded reintegration plan",
           .denominator = "AP placements in the year",
           .enquiry_higher =
               "More AP placements of {pupils} had a reintegration plan than in similar "
               "schools.",
           .enquiry_lower =
               "Fewer AP placements of {pupils} had a reintegration plan than in similar "
               "schools: how is return planned?",
       }});
  f.indicators.push_back(
      {.id = "internal_unit_pupils_percent",
       .label = "Pupils in internal support units or suspension rooms",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kPercent,
       .numerator = {"unit_pupils", {}},
       .denominator = {"on_roll_year", {}},
       .hidden_with = "unit_pupils",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Pupils who spent time in an internal support unit or internal suspension "
                     "room / Pupils on roll at any time in the year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 20,
           .unit = "%",
           .numerator = "Pupils who spent time in an internal support unit or internal suspension "
                        "room",
           .denominator = "Pupils on roll at any time in the year",
           .enquiry_higher =
               "More {pupils} spent time in internal units than in similar schools: what "
               "for, and for how long?",
           .enquiry_lower = "Fewer {pupils} spent time in internal units than in similar schools.",
       }});
  f.indicators.push_back(
      {.id = "internal_unit_sessions_rate",
       .label = "Sessions in internal units per 100 pupils",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kRatePer100,
       .numerator = {"unit_sessions", {}},
       .denominator = {"on_roll_year", {}},
       .hidden_with = "unit_pupils",
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Sessions spent in internal support units or suspension rooms / Pupils on "
                     "roll at any time in the year.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 20,
           .unit = "per 100 pupils",
           .numerator = "Sessions spent in internal support units or suspension rooms",
           .denominator = "Pupils on roll at any time in the year",
           .enquiry_higher =
               "{pupils} spent more sessions in internal units than in similar schools: "
               "how much teaching do they miss?",
           .enquiry_lower =
               "{pupils} spent fewer sessions in internal units than in similar schools.",
       }});
  f.indicators.push_back(
      {.id = "internal_unit_repeat_percent",
       .label = "Repeat use of internal units",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kPercent,
       .numerator = {"unit_repeat", {}},
       .denominator = {"unit_pupils", {}},
       .hidden_with = "unit_repeat",
       .decimal_places = 1,
       .polarity = Polarity::kLowerIsBetter,
       .definition = "Pupils with two or more spells in an internal unit / Pupils with at "
                     "least one spell in an internal unit.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 10,
           .unit = "%",
           .numerator = "Pupils with two or more spells in an internal unit",
           .denominator = "Pupils with at least one spell in an internal unit",
           .enquiry_higher = "More {pupils} returned to internal units repeatedly than in similar "
                             "schools: what is the unit achieving for them?",
           .enquiry_lower = "Fewer {pupils} returned to internal units repeatedly than in similar "
                            "schools.",
       }});
  f.indicators.push_back(
      {.id = "recognition_rate",
       .label = "Recognition and praise per 100 pupils",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kRatePer100,
       .decimal_places = 1,
       .polarity = Polarity::kNeutral,
       .definition = "Recorded recognition and praise events (school reward systems) / Pupils "
                     "on roll.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 20,
           .unit = "per 100 pupils",
           .numerator = "Recorded recognition and praise events (school reward systems)",
           .denominator = "Pupils on roll",
           .enquiry_higher = "{pupils} received more recorded recognition than in similar schools.",
           .enquiry_lower =
               "{pupils} received less recorded recognition than in similar schools: is "
               "praise reaching every group?",
       }});
  f.indicators.push_back(
      {.id = "pupil_wellbeing_percent",
       .label = "Pupils reporting positive wellbeing",
       .grouping = "Additional school data",
       .kind = IndicatorKind::kPercent,
       .decimal_places = 1,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "Respondents answering often or always to the core Pupil Engagement "
                     "Framework item 'I feel calm and settled' (calm, version 1) / Respondents "
                     "who gave an answer to it (not 'prefer not to say', not 'not answered'), "
                     "through an accredited provider, latest wave.",
       .source = kSource,
       .scorecard = ScorecardSettings{
           .domain = IndicatorDomain::kAdditional,
           .min_denominator = 20,
           .unit = "%",
           .numerator = "Respondents answering often or always to 'I feel calm and settled' "
                        "(calm, version 1)",
           .denominator = "Respondents who gave an answer to it, through an accredited provider",
           .enquiry_higher = "More {pupils} reported positive wellbeing than in similar schools.",
           .enquiry_lower = "Fewer {pupils} reported positive wellbeing than in similar schools: "
                            "which pupils, and who was not heard?",
       }});
  return f;
}

std::vector<std::string_view> ScorecardOrder() {
  return {"pupils_on_roll",
          "sen_support_percent",
          "ehcp_percent",
          "fsm_percent",
          "disadvantaged_percent",
          "eal_percent",
          "looked_after_percent",
          "mobility_percent",
          "ks2_prior_attainment",
          "sess_overall_percent",
          "enrolments_pa_10_exact_percent",
          "susp_rate",
          "one_plus_susp_rate",
          "perm_excl_rate",
          "managed_move_rate",
          "off_site_direction_rate",
          "left_roll_percent",
          "reintegration_percent",
          "attainment8",
          "progress8",
          "basics_94_percent",
          "sustained_destination_percent",
          "ap_pupils_percent",
          "ap_placements_rate",
          "ap_hours_per_week",
          "ap_reintegration_plan_percent",
          "internal_unit_pupils_percent",
          "internal_unit_sessions_rate",
          "internal_unit_repeat_percent",
          "recognition_rate",
          "pupil_wellbeing_percent"};
}

}  // namespace lantern
