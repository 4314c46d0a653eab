// The scorecard's indicators: one declaration each (include/lantern/scorecard.h
// describes the fields). Definitions follow docs/definitions.md where the
// Department defines the measure (absence 1.3-1.4, suspensions 2, Progress 8
// 3.7, destinations 4.1); docs/scorecard.md is written from this list.
// Polarity only chooses the wording of a question; it never orders schools.
#include <algorithm>

#include "lantern/scorecard.h"

namespace lantern {

namespace {

using D = IndicatorDomain;
using K = IndicatorKind;
using P = Polarity;

std::vector<ScorecardIndicator> MakeRegistry() {
  std::vector<ScorecardIndicator> r;
  // ---- Context and composition: the baseline similar schools are chosen on.
  r.push_back({.id = "pupils_on_roll",
               .label = "Pupils on roll",
               .domain = D::kContext,
               .kind = K::kCount,
               .polarity = P::kNeutral,
               .decimal_places = 0,
               .min_denominator = 0,
               .unit = "pupils",
               .numerator = "Pupils on roll (headcount) at the January census",
               .denominator = "none (a count)",
               .similarity = true,
               .similarity_log = true});
  r.push_back({.id = "sen_support_percent",
               .label = "Pupils with SEN support",
               .domain = D::kContext,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils with special educational needs support (no EHC plan)",
               .denominator = "Pupils on roll",
               .similarity = true});
  r.push_back({.id = "ehcp_percent",
               .label = "Pupils with an EHC plan",
               .domain = D::kContext,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils with an education, health and care plan (or statement)",
               .denominator = "Pupils on roll",
               .similarity = true});
  r.push_back({.id = "fsm_percent",
               .label = "Pupils eligible for free school meals",
               .domain = D::kContext,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils known to be eligible for free school meals",
               .denominator = "Pupils on roll"});
  r.push_back({.id = "disadvantaged_percent",
               .label = "Disadvantaged pupils",
               .domain = D::kContext,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils eligible for free school meals at any time in the last six "
                            "years, or looked after / previously looked after",
               .denominator = "Pupils on roll (open data: pupils counted for FSM-ever-6)",
               .similarity = true});
  r.push_back({.id = "eal_percent",
               .label = "Pupils with English as an additional language",
               .domain = D::kContext,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils whose first language is known or believed to be other than "
                            "English",
               .denominator = "Pupils whose first language is recorded",
               .similarity = true});
  r.push_back({.id = "looked_after_percent",
               .label = "Looked-after pupils",
               .domain = D::kContext,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils looked after by a local authority",
               .denominator = "Pupils on roll"});
  r.push_back({.id = "mobility_percent",
               .label = "Pupil mobility",
               .domain = D::kContext,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils who joined or left the roll other than at the usual points "
                            "of entry and transfer",
               .denominator = "Pupils on roll at any time in the year",
               .similarity = true});
  r.push_back({.id = "ks2_prior_attainment",
               .label = "Prior attainment of the intake (KS2)",
               .domain = D::kContext,
               .kind = K::kMean,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "scaled score",
               .numerator = "Mean key stage 2 average scaled score (English reading and maths) "
                            "of pupils with a KS2 result",
               .denominator = "Pupils with a KS2 result (secondary schools)",
               .similarity = true});

  // ---- Formal inclusion outcomes.
  r.push_back({.id = "overall_absence_rate",
               .label = "Overall absence rate",
               .domain = D::kFormalOutcome,
               .kind = K::kMean,
               .polarity = P::kLowerIsBetter,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Sessions missed through authorised and unauthorised absence "
                            "(definitions.md 1.3)",
               .denominator = "Possible sessions of enrolments aged 5 to 15",
               .enquiry_higher = "Absence among {pupils} was higher than in similar schools: "
                                 "which pupils miss most, for what reasons, and what support "
                                 "is in place?",
               .enquiry_lower = "Absence among {pupils} was lower than in similar schools: "
                                "what is working that other schools could learn from?"});
  r.push_back({.id = "persistent_absence_rate",
               .label = "Persistent absence rate",
               .domain = D::kFormalOutcome,
               .kind = K::kProportion,
               .polarity = P::kLowerIsBetter,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Enrolments missing 10% or more of their own possible sessions "
                            "(definitions.md 1.4)",
               .denominator = "Enrolments aged 5 to 15 (open data: pupils on roll)",
               .enquiry_higher = "More {pupils} were persistently absent than in similar "
                                 "schools: who are they, and what is getting in the way of "
                                 "attending?",
               .enquiry_lower = "Fewer {pupils} were persistently absent than in similar "
                                "schools: what is working?"});
  r.push_back({.id = "suspension_rate",
               .label = "Suspensions per 100 pupils",
               .domain = D::kFormalOutcome,
               .kind = K::kRatePer100,
               .polarity = P::kLowerIsBetter,
               .decimal_places = 2,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Suspensions (a pupil can have several; definitions.md 2)",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "There were more suspensions of {pupils} than in similar "
                                 "schools: what lies behind them, and which pupils are "
                                 "suspended more than once?",
               .enquiry_lower = "There were fewer suspensions of {pupils} than in similar "
                                "schools: what keeps pupils in school here?"});
  r.push_back({.id = "one_plus_suspension_rate",
               .label = "Pupils with one or more suspensions",
               .domain = D::kFormalOutcome,
               .kind = K::kProportion,
               .polarity = P::kLowerIsBetter,
               .decimal_places = 2,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Pupils with at least one suspension",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "More {pupils} were suspended at least once than in similar "
                                 "schools: which pupils, and what happened first?",
               .enquiry_lower = "Fewer {pupils} were suspended than in similar schools: what "
                                "happens instead?"});
  r.push_back({.id = "permanent_exclusion_rate",
               .label = "Permanent exclusions per 100 pupils",
               .domain = D::kFormalOutcome,
               .kind = K::kRatePer100,
               .polarity = P::kLowerIsBetter,
               .decimal_places = 2,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Permanent exclusions upheld",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "More {pupils} were permanently excluded than in similar "
                                 "schools: what was tried before, and where are they now?",
               .enquiry_lower = "Fewer {pupils} were permanently excluded than in similar "
                                "schools: what alternatives are used?"});
  r.push_back({.id = "managed_move_rate",
               .label = "Managed moves out per 100 pupils",
               .domain = D::kFormalOutcome,
               .kind = K::kRatePer100,
               .polarity = P::kNeutral,
               .decimal_places = 2,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Managed moves of pupils from this school to another school",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "More {pupils} left through managed moves than in similar "
                                 "schools: why, and how did they fare at the new school?",
               .enquiry_lower = "Fewer {pupils} left through managed moves than in similar "
                                "schools: how are placements that are not working resolved?"});
  r.push_back({.id = "off_site_direction_rate",
               .label = "Off-site directions per 100 pupils",
               .domain = D::kFormalOutcome,
               .kind = K::kRatePer100,
               .polarity = P::kNeutral,
               .decimal_places = 2,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Directions of pupils off-site into alternative provision to improve "
                            "behaviour",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "More {pupils} were directed off-site than in similar schools: "
                                 "for how long, and did they return?",
               .enquiry_lower = "Fewer {pupils} were directed off-site than in similar schools: "
                                "how is behaviour support provided instead?"});
  r.push_back({.id = "left_roll_percent",
               .label = "Pupils who left the roll mid-phase",
               .domain = D::kFormalOutcome,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Pupils who left the roll other than at the usual points of "
                            "transfer (to any destination, including home education and unknown)",
               .denominator = "Pupils on roll at any time in the year",
               .enquiry_higher = "More {pupils} left this school's roll than in similar "
                                 "schools: why, and where did they go?",
               .enquiry_lower = "Fewer {pupils} left this school's roll than in similar "
                                "schools."});
  r.push_back({.id = "reintegration_percent",
               .label = "AP and internal-unit episodes followed by full return",
               .domain = D::kFormalOutcome,
               .kind = K::kProportion,
               .polarity = P::kHigherIsBetter,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "AP placements and internal-unit spells that ended with a return to "
                            "a full mainstream timetable",
               .denominator = "AP placements and internal-unit spells that ended in the year",
               .enquiry_higher = "More episodes in AP or internal units ended with {pupils} "
                                 "back on a full timetable than in similar schools: what makes "
                                 "return work?",
               .enquiry_lower = "Fewer episodes in AP or internal units ended with {pupils} back "
                                "on a full timetable than in similar schools: what gets in the "
                                "way of return?"});
  r.push_back({.id = "attainment8",
               .label = "Attainment 8",
               .domain = D::kFormalOutcome,
               .kind = K::kMean,
               .polarity = P::kHigherIsBetter,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "points",
               .numerator = "Mean Attainment 8 score (definitions.md 3.8)",
               .denominator = "Pupils at the end of key stage 4",
               .enquiry_higher = "Attainment 8 of {pupils} was higher than in similar schools: "
                                 "what contributes, and does it reach every group?",
               .enquiry_lower = "Attainment 8 of {pupils} was lower than in similar schools: "
                                "which pupils and subjects account for the difference?"});
  r.push_back({.id = "progress8",
               .label = "Progress 8",
               .domain = D::kFormalOutcome,
               .kind = K::kMean,
               .polarity = P::kHigherIsBetter,
               .decimal_places = 2,
               .min_denominator = 10,
               .unit = "points",
               .numerator = "Mean adjusted pupil Progress 8 score (definitions.md 3.7)",
               .denominator = "Pupils in the Progress 8 measure",
               .enquiry_higher = "Progress 8 of {pupils} was higher than in similar schools: "
                                 "what contributes, and does it reach every group?",
               .enquiry_lower = "Progress 8 of {pupils} was lower than in similar schools: "
                                "which pupils made less progress, and why?"});
  r.push_back({.id = "basics_94_percent",
               .label = "Grade 4 or above in English and maths",
               .domain = D::kFormalOutcome,
               .kind = K::kProportion,
               .polarity = P::kHigherIsBetter,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils achieving grade 4 or above in both English and maths",
               .denominator = "Pupils at the end of key stage 4",
               .enquiry_higher = "More {pupils} achieved grade 4 or above in English and maths "
                                 "than in similar schools: what contributes?",
               .enquiry_lower = "Fewer {pupils} achieved grade 4 or above in English and maths "
                                "than in similar schools: which pupils, and why?"});
  r.push_back({.id = "sustained_destination_percent",
               .label = "Sustained education, apprenticeship or employment after KS4",
               .domain = D::kFormalOutcome,
               .kind = K::kProportion,
               .polarity = P::kHigherIsBetter,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils in a sustained education, apprenticeship or employment "
                            "destination in the year after key stage 4 (definitions.md 4.1)",
               .denominator = "Pupils in the key stage 4 destination cohort",
               .enquiry_higher = "More {pupils} went on to a sustained destination than in "
                                 "similar schools: what prepares them?",
               .enquiry_lower = "Fewer {pupils} went on to a sustained destination than in "
                                "similar schools: where did the others go, and what guidance "
                                "did they get?"});

  // ---- Additional school-level data (C2 and pupil voice).
  r.push_back({.id = "ap_pupils_percent",
               .label = "Pupils placed in alternative provision",
               .domain = D::kAdditional,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Pupils placed in alternative provision (any setting) during the year",
               .denominator = "Pupils on roll at any time in the year",
               .enquiry_higher = "More {pupils} spent time in alternative provision than in "
                                 "similar schools: why, for how long, and with what plan to "
                                 "return?",
               .enquiry_lower = "Fewer {pupils} were placed in alternative provision than in "
                                "similar schools: how are needs met in school?"});
  r.push_back({.id = "ap_placements_rate",
               .label = "AP placements per 100 pupils",
               .domain = D::kAdditional,
               .kind = K::kRatePer100,
               .polarity = P::kNeutral,
               .decimal_places = 2,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Alternative provision placements started in the year",
               .denominator = "Pupils on roll at any time in the year",
               .enquiry_higher = "There were more AP placements of {pupils} than in similar "
                                 "schools: are some pupils placed repeatedly?",
               .enquiry_lower = "There were fewer AP placements of {pupils} than in similar "
                                "schools."});
  r.push_back({.id = "ap_hours_per_week",
               .label = "Hours per week in AP, placed pupils",
               .domain = D::kAdditional,
               .kind = K::kMean,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "hours",
               .numerator = "Mean hours per week in alternative provision",
               .denominator = "Pupils placed in alternative provision",
               .enquiry_higher = "{pupils} placed in AP spent more hours a week there than in "
                                 "similar schools: how much of their week is in mainstream "
                                 "lessons?",
               .enquiry_lower = "{pupils} placed in AP spent fewer hours a week there than in "
                                "similar schools: is the rest of their week full-time "
                                "education?"});
  r.push_back({.id = "ap_reintegration_plan_percent",
               .label = "AP placements with a reintegration plan",
               .domain = D::kAdditional,
               .kind = K::kProportion,
               .polarity = P::kHigherIsBetter,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "AP placements with a recorded reintegration plan",
               .denominator = "AP placements in the year",
               .enquiry_higher = "More AP placements of {pupils} had a reintegration plan than "
                                 "in similar schools.",
               .enquiry_lower = "Fewer AP placements of {pupils} had a reintegration plan than "
                                "in similar schools: how is return planned?"});
  r.push_back({.id = "internal_unit_pupils_percent",
               .label = "Pupils in internal support units or suspension rooms",
               .domain = D::kAdditional,
               .kind = K::kProportion,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Pupils who spent time in an internal support unit or internal "
                            "suspension room",
               .denominator = "Pupils on roll at any time in the year",
               .enquiry_higher = "More {pupils} spent time in internal units than in similar "
                                 "schools: what for, and for how long?",
               .enquiry_lower = "Fewer {pupils} spent time in internal units than in similar "
                                "schools."});
  r.push_back({.id = "internal_unit_sessions_rate",
               .label = "Sessions in internal units per 100 pupils",
               .domain = D::kAdditional,
               .kind = K::kRatePer100,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Sessions spent in internal support units or suspension rooms",
               .denominator = "Pupils on roll at any time in the year",
               .enquiry_higher = "{pupils} spent more sessions in internal units than in "
                                 "similar schools: how much teaching do they miss?",
               .enquiry_lower = "{pupils} spent fewer sessions in internal units than in "
                                "similar schools."});
  r.push_back({.id = "internal_unit_repeat_percent",
               .label = "Repeat use of internal units",
               .domain = D::kAdditional,
               .kind = K::kProportion,
               .polarity = P::kLowerIsBetter,
               .decimal_places = 1,
               .min_denominator = 10,
               .unit = "%",
               .numerator = "Pupils with two or more spells in an internal unit",
               .denominator = "Pupils with at least one spell in an internal unit",
               .enquiry_higher = "More {pupils} returned to internal units repeatedly than in "
                                 "similar schools: what is the unit achieving for them?",
               .enquiry_lower = "Fewer {pupils} returned to internal units repeatedly than in "
                                "similar schools."});
  r.push_back({.id = "recognition_rate",
               .label = "Recognition and praise per 100 pupils",
               .domain = D::kAdditional,
               .kind = K::kRatePer100,
               .polarity = P::kNeutral,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Recorded recognition and praise events (school reward systems)",
               .denominator = "Pupils on roll",
               .enquiry_higher = "{pupils} received more recorded recognition than in similar "
                                 "schools.",
               .enquiry_lower = "{pupils} received less recorded recognition than in similar "
                                "schools: is praise reaching every group?"});
  r.push_back({.id = "pupil_wellbeing_percent",
               .label = "Pupils reporting positive wellbeing",
               .domain = D::kAdditional,
               .kind = K::kProportion,
               .polarity = P::kHigherIsBetter,
               .decimal_places = 1,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Respondents reporting positive wellbeing on the core Pupil "
                            "Engagement Framework items (C4; not yet collected)",
               .denominator = "Pupils who responded through an accredited provider",
               .enquiry_higher = "More {pupils} reported positive wellbeing than in similar "
                                 "schools.",
               .enquiry_lower = "Fewer {pupils} reported positive wellbeing than in similar "
                                "schools: which pupils, and who was not heard?"});
  return r;
}

}  // namespace

const std::vector<ScorecardIndicator>& ScorecardIndicators() {
  static const std::vector<ScorecardIndicator> registry = MakeRegistry();
  return registry;
}

int FindScorecardIndicator(std::string_view id) {
  const auto& r = ScorecardIndicators();
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::string_view ScorecardPhaseLabel(ScorecardPhase phase) {
  switch (phase) {
    case ScorecardPhase::kPrimary:
      return "Primary";
    case ScorecardPhase::kSecondary:
      return "Secondary";
    case ScorecardPhase::kSpecial:
      return "Special";
    case ScorecardPhase::kAlternativeProvision:
      return "Alternative provision";
    case ScorecardPhase::kNursery:
      return "Nursery";
    case ScorecardPhase::kOther:
      return "Other";
  }
  return "Other";
}

std::string_view IndicatorDomainId(IndicatorDomain domain) {
  switch (domain) {
    case IndicatorDomain::kContext:
      return "context";
    case IndicatorDomain::kFormalOutcome:
      return "formal_outcome";
    case IndicatorDomain::kAdditional:
      return "additional";
  }
  return "context";
}

std::string_view IndicatorKindId(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kProportion:
      return "proportion";
    case IndicatorKind::kRatePer100:
      return "rate_per_100";
    case IndicatorKind::kMean:
      return "mean";
    case IndicatorKind::kCount:
      return "count";
  }
  return "count";
}

std::string_view PupilGroupId(PupilGroup g) {
  switch (g) {
    case PupilGroup::kAll:
      return "all_pupils";
    case PupilGroup::kSenSupport:
      return "sen_support";
    case PupilGroup::kEhcp:
      return "ehcp";
    case PupilGroup::kNoSen:
      return "no_sen";
    case PupilGroup::kFsm:
      return "fsm";
    case PupilGroup::kNotFsm:
      return "not_fsm";
    case PupilGroup::kDisadvantaged:
      return "disadvantaged";
    case PupilGroup::kNotDisadvantaged:
      return "not_disadvantaged";
    case PupilGroup::kEal:
      return "eal";
    case PupilGroup::kLookedAfter:
      return "looked_after";
    case PupilGroup::kBoys:
      return "boys";
    case PupilGroup::kGirls:
      return "girls";
  }
  return "all_pupils";
}

std::string_view PupilGroupLabel(PupilGroup g) {
  switch (g) {
    case PupilGroup::kAll:
      return "All pupils";
    case PupilGroup::kSenSupport:
      return "SEN support";
    case PupilGroup::kEhcp:
      return "EHC plan";
    case PupilGroup::kNoSen:
      return "No identified SEN";
    case PupilGroup::kFsm:
      return "FSM eligible";
    case PupilGroup::kNotFsm:
      return "Not FSM eligible";
    case PupilGroup::kDisadvantaged:
      return "Disadvantaged";
    case PupilGroup::kNotDisadvantaged:
      return "Not disadvantaged";
    case PupilGroup::kEal:
      return "English as an additional language";
    case PupilGroup::kLookedAfter:
      return "Looked after";
    case PupilGroup::kBoys:
      return "Boys";
    case PupilGroup::kGirls:
      return "Girls";
  }
  return "All pupils";
}

std::string_view PupilGroupNoun(PupilGroup g) {
  switch (g) {
    case PupilGroup::kAll:
      return "pupils";
    case PupilGroup::kSenSupport:
      return "pupils with SEN support";
    case PupilGroup::kEhcp:
      return "pupils with EHC plans";
    case PupilGroup::kNoSen:
      return "pupils with no identified SEN";
    case PupilGroup::kFsm:
      return "pupils eligible for free school meals";
    case PupilGroup::kNotFsm:
      return "pupils not eligible for free school meals";
    case PupilGroup::kDisadvantaged:
      return "disadvantaged pupils";
    case PupilGroup::kNotDisadvantaged:
      return "pupils who are not disadvantaged";
    case PupilGroup::kEal:
      return "pupils with English as an additional language";
    case PupilGroup::kLookedAfter:
      return "looked-after pupils";
    case PupilGroup::kBoys:
      return "boys";
    case PupilGroup::kGirls:
      return "girls";
  }
  return "pupils";
}

std::string_view FunnelPositionId(FunnelPosition p) {
  switch (p) {
    case FunnelPosition::kNotAssessed:
      return "not_assessed";
    case FunnelPosition::kWithin95:
      return "within_95";
    case FunnelPosition::kAbove95:
      return "above_95";
    case FunnelPosition::kBelow95:
      return "below_95";
    case FunnelPosition::kAbove998:
      return "above_99_8";
    case FunnelPosition::kBelow998:
      return "below_99_8";
  }
  return "not_assessed";
}

std::string_view PercentileBandText(PercentileBand b) {
  switch (b) {
    case PercentileBand::kNotAssessed:
      return "not assessed";
    case PercentileBand::kLowest10:
      return "in the lowest 10%";
    case PercentileBand::kLow10To25:
      return "in the lowest 25% (not the lowest 10%)";
    case PercentileBand::kMiddle50:
      return "in the middle 50%";
    case PercentileBand::kHigh75To90:
      return "in the highest 25% (not the highest 10%)";
    case PercentileBand::kHighest10:
      return "in the highest 10%";
  }
  return "not assessed";
}

}  // namespace lantern
