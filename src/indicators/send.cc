// The SEND sufficiency family: where children with an EHC plan are taught
// (docs/local-outcomes.md), by school, trust, LA (by school location and by
// residence), region, England, place and pupil group. The measures are the
// SEND placement grain's (derive/send_facts.cc). No file of its own in
// `lantern build`: the Local Outcomes Framework writes it.
#include "indicators/catalogue.h"

namespace lantern {

FamilyDecl SendSufficiencyFamily() {
  constexpr std::string_view kSource =
      "Lantern, from the pupils' EHC plans and registrations on the January census day "
      "(docs/local-outcomes.md)";
  constexpr std::string_view kGrouping = "SEND sufficiency";
  FamilyDecl f;
  f.id = "send_sufficiency";
  f.title = "SEND sufficiency (where children with an EHC plan are taught)";
  f.row_count = "ehcp_on_roll";
  f.row_count_label = "pupil with an EHC plan on roll at the census";
  f.indicators = {
      {.id = "ehcp_on_roll",
       .label = "Number of pupils with an EHC plan on roll at the January census",
       .grouping = kGrouping,
       .kind = IndicatorKind::kCount,
       .numerator = {"ehcp_on_roll", {}},
       .hidden_with = "ehcp_on_roll",
       .decimal_places = 0,
       .definition = "Pupils with an EHC plan on roll on the January census day (current and "
                     "main registrations).",
       .source = kSource},
      {.id = "ehcp_special_percent",
       .label = "Percentage of pupils with an EHC plan taught in special schools",
       .grouping = kGrouping,
       .kind = IndicatorKind::kPercent,
       .numerator = {"ehcp_special", {}},
       .denominator = {"ehcp_on_roll", {}},
       .hidden_with = "ehcp_special",
       .decimal_places = 1,
       .definition = "Of the pupils with an EHC plan on roll at the census, the share at special "
                     "schools.",
       .source = kSource},
      {.id = "ehcp_other_la_percent",
       .label = "Percentage of pupils with an EHC plan taught in another local authority",
       .grouping = kGrouping,
       .kind = IndicatorKind::kPercent,
       .numerator = {"ehcp_other_la", {}},
       .denominator = {"ehcp_on_roll", {}},
       .hidden_with = "ehcp_other_la",
       .decimal_places = 1,
       .definition = "Of the pupils with an EHC plan on roll at the census, the share at a school "
                     "in another local authority than the one they live in.",
       .source = kSource},
  };
  return f;
}

}  // namespace lantern
