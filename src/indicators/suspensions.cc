// The suspensions and permanent exclusions family: OUT/suspensions.csv,
// named as the Department names its columns (definitions.md 2; EES
// "Suspensions and permanent exclusions in England").
//
// Rates are per 100 pupils on roll at the January census (the headcount),
// not per pupil ever on roll: a rate of 0.13 is 13 per 10,000 pupils. A
// pupil suspended several times counts once in one_plus_susp at each school
// (pupil enrolments), as the Department counts; susp counts every
// suspension. Permanent exclusions count only when upheld. The measures are
// the suspension grain's (derive/suspension_facts.cc) and the enrolment
// grain's headcount.
#include "indicators/catalogue.h"

namespace lantern {

FamilyDecl SuspensionsFamily() {
  constexpr std::string_view kSource = "DfE suspensions and permanent exclusions; definitions.md 2";
  constexpr std::string_view kPupils = "Pupils";
  constexpr std::string_view kSusp = "Suspensions";
  constexpr std::string_view kPerm = "Permanent exclusions";
  FamilyDecl f;
  f.id = "suspensions";
  f.file = "suspensions.csv";
  f.title = "Suspensions and permanent exclusions";
  f.row_count = "headcount";
  f.row_count_label = "pupil on roll at the census";
  f.indicators = {
      {.id = "headcount",
       .label = "Number of pupils on roll at the January census",
       .grouping = kPupils,
       .kind = IndicatorKind::kCount,
       .numerator = {"headcount", {}},
       .hidden_with = "headcount",
       .decimal_places = 0,
       .definition = "Pupils on roll on the January census day (current and main registrations, "
                     "all ages): the denominator of every rate.",
       .source = kSource},
      {.id = "susp",
       .label = "Number of suspensions",
       .grouping = kSusp,
       .kind = IndicatorKind::kCount,
       .numerator = {"susp", {}},
       .hidden_with = "susp",
       .decimal_places = 0,
       .definition = "Suspensions starting in the year; a pupil may have several.",
       .source = kSource},
      {.id = "susp_rate",
       .label = "Suspension rate",
       .grouping = kSusp,
       .kind = IndicatorKind::kRatePer100,
       .numerator = {"susp", {}},
       .denominator = {"headcount", {}},
       .hidden_with = "susp",
       .decimal_places = 2,
       .polarity = Polarity::kLowerIsBetter,
       .definition = "Suspensions per 100 pupils on roll at the January census.",
       .source = kSource,
       .scorecard =
           ScorecardSettings{
               .domain = IndicatorDomain::kFormalOutcome,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Suspensions (a pupil can have several; definitions.md 2)",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "There were more suspensions of {pupils} than in similar schools: "
                                 "what lies behind them, and which pupils are suspended more than "
                                 "once?",
               .enquiry_lower = "There were fewer suspensions of {pupils} than in similar schools: "
                                "what keeps pupils in school here?"}},
      {.id = "one_plus_susp",
       .label = "Number of pupil enrolments with one or more suspensions",
       .grouping = kSusp,
       .kind = IndicatorKind::kCount,
       .numerator = {"one_plus_susp", {}},
       .hidden_with = "one_plus_susp",
       .decimal_places = 0,
       .definition = "Pupils with at least one suspension in the year, counted once at each "
                     "school that suspended them.",
       .source = kSource},
      {.id = "one_plus_susp_rate",
       .label = "One or more suspension rate",
       .grouping = kSusp,
       .kind = IndicatorKind::kPercent,
       .numerator = {"one_plus_susp", {}},
       .denominator = {"headcount", {}},
       .hidden_with = "one_plus_susp",
       .decimal_places = 2,
       .polarity = Polarity::kLowerIsBetter,
       .definition = "Pupil enrolments with one or more suspensions as a percentage of pupils on "
                     "roll at the January census.",
       .source = kSource,
       .scorecard =
           ScorecardSettings{
               .domain = IndicatorDomain::kFormalOutcome,
               .min_denominator = 20,
               .unit = "%",
               .numerator = "Pupils with at least one suspension",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "More {pupils} were suspended at least once than in similar "
                                 "schools: which pupils, and what happened first?",
               .enquiry_lower =
                   "Fewer {pupils} were suspended than in similar schools: what happens "
                   "instead?"}},
      {.id = "perm_excl",
       .label = "Number of permanent exclusions",
       .grouping = kPerm,
       .kind = IndicatorKind::kCount,
       .numerator = {"perm_excl", {}},
       .hidden_with = "perm_excl",
       .decimal_places = 0,
       .definition = "Permanent exclusions starting in the year and upheld (pending and "
                     "overturned exclusions are not counted).",
       .source = kSource},
      {.id = "perm_excl_rate",
       .label = "Permanent exclusion rate",
       .grouping = kPerm,
       .kind = IndicatorKind::kRatePer100,
       .numerator = {"perm_excl", {}},
       .denominator = {"headcount", {}},
       .hidden_with = "perm_excl",
       .decimal_places = 2,
       .polarity = Polarity::kLowerIsBetter,
       .definition = "Upheld permanent exclusions per 100 pupils on roll at the January census.",
       .source = kSource,
       .scorecard =
           ScorecardSettings{
               .domain = IndicatorDomain::kFormalOutcome,
               .min_denominator = 20,
               .unit = "per 100 pupils",
               .numerator = "Permanent exclusions upheld",
               .denominator = "Pupils on roll at the January census",
               .enquiry_higher = "More {pupils} were permanently excluded than in similar schools: "
                                 "what was tried before, and where are they now?",
               .enquiry_lower = "Fewer {pupils} were permanently excluded than in similar schools: "
                                "what alternatives are used?"}},
  };
  return f;
}

}  // namespace lantern
