// The employer engagement family: the Local Outcomes Framework's employer
// engagement (docs/local-outcomes.md), by school, trust, LA (by school
// location and by residence), region, England, place and pupil group, from
// employer_encounters.csv. The measures are the employer grain's
// (derive/employer_facts.cc) and the exit grain's roll in Years 7 to 11. It
// has no file of its own in `lantern build`: the framework writes it, as `x`
// with the reason when the store holds no employer encounters (a store
// without the input is not a place where no pupil met an employer).
#include "indicators/catalogue.h"

namespace lantern {

FamilyDecl EmployerFamily() {
  constexpr std::string_view kSource =
      "Lantern, from employer_encounters.csv (docs/local-outcomes.md); after the Gatsby "
      "Benchmarks 5 and 6";
  constexpr std::string_view kGrouping = "Employer engagement";
  FamilyDecl f;
  f.id = "employer_engagement";
  f.title = "Employer engagement (encounters with employers and experiences of workplaces)";
  f.row_count = "roll_y7_11";
  f.row_count_label = "pupil on roll in Years 7 to 11";
  f.indicators = {
      {.id = "employer_encounter_pupils",
       .label = "Number of pupils in Years 7 to 11 with an employer encounter",
       .grouping = kGrouping,
       .kind = IndicatorKind::kCount,
       .numerator = {"employer_encounter_y7_11", {}},
       .hidden_with = "employer_encounter_y7_11",
       .decimal_places = 0,
       .definition = "Pupils in Years 7 to 11 with at least one encounter with an employer or "
                     "experience of a workplace in the year, counted once at each school that "
                     "arranged one.",
       .source = kSource},
      {.id = "employer_encounter_percent",
       .label = "Percentage of pupils in Years 7 to 11 with an employer encounter",
       .grouping = kGrouping,
       .kind = IndicatorKind::kPercent,
       .numerator = {"employer_encounter_y7_11", {}},
       .denominator = {"roll_y7_11", {}},
       .hidden_with = "employer_encounter_y7_11",
       .decimal_places = 1,
       .polarity = Polarity::kHigherIsBetter,
       .definition = "Pupils in Years 7 to 11 with at least one encounter with an employer or "
                     "experience of a workplace in the year, as a share of the pupils on roll "
                     "in Years 7 to 11 during the year (Gatsby Benchmark 5: one meaningful "
                     "encounter every year).",
       .source = kSource},
      {.id = "work_placements",
       .label = "Number of experiences of a workplace",
       .grouping = kGrouping,
       .kind = IndicatorKind::kCount,
       .numerator = {"work_placements", {}},
       .hidden_with = "work_placements",
       .decimal_places = 0,
       .definition = "Work experience, shadowing and placements starting in the year, all year "
                     "groups (Gatsby Benchmark 6).",
       .source = kSource},
  };
  return f;
}

}  // namespace lantern
