// The pupil movement family: OUT/movement.csv, the Local Outcomes
// Framework's movement between schools, trusts and places and out of
// education, exits to elective home education, children missing education
// and unexplained exits, managed moves and off-site directions with their
// outcomes, and the joiners and leavers behind net_flows.csv
// (docs/local-outcomes.md), by school, trust, LA (by school location and by
// residence), region, England, place and pupil group. The measures are the exit grain's
// (derive/exit_facts.cc, from the one reading of the enrolment history in derive/exits.h) and the
// enrolment grain's headcount. "Unexplained" is not "off-rolled": the records cannot say why a
// pupil left.
#include "indicators/catalogue.h"

namespace lantern {

FamilyDecl MovementFamily() {
  constexpr std::string_view kSource =
      "Lantern, from the enrolment history (docs/local-outcomes.md); unexplained exits after "
      "EPI (definitions.md 7.1), adapted";
  constexpr std::string_view kMoves = "Pupil movement";
  constexpr std::string_view kEhe = "Elective home education";
  constexpr std::string_view kCme = "Children missing education";
  constexpr std::string_view kExits = "Unexplained exits";
  constexpr std::string_view kManaged = "Managed moves and off-site directions";
  constexpr std::string_view kFlows = "Joiners and leavers";
  auto count = [&](std::string_view id, std::string_view label, std::string_view grouping,
                   std::string_view definition) {
    IndicatorDecl d;
    d.id = id;
    d.label = label;
    d.grouping = grouping;
    d.kind = IndicatorKind::kCount;
    d.numerator = {id, {}};
    d.hidden_with = id;
    d.decimal_places = 0;
    d.definition = definition;
    d.source = kSource;
    return d;
  };
  auto rate = [&](std::string_view id, std::string_view label, std::string_view grouping,
                  std::string_view numerator, std::string_view denominator, IndicatorKind kind,
                  Polarity polarity, std::string_view definition) {
    IndicatorDecl d;
    d.id = id;
    d.label = label;
    d.grouping = grouping;
    d.kind = kind;
    d.numerator = {numerator, {}};
    d.denominator = {denominator, {}};
    d.hidden_with = kind == IndicatorKind::kMean ? denominator : numerator;
    d.decimal_places = 2;
    d.polarity = polarity;
    d.definition = definition;
    d.source = kSource;
    return d;
  };
  FamilyDecl f;
  f.id = "movement";
  f.file = "movement.csv";
  f.title = "Pupil movement, elective home education and children missing education";
  f.row_count = "headcount";
  f.row_count_label = "pupil on roll at the census";
  f.indicators = {
      count("exits", "Number of exits from a school roll", kMoves,
            "Current or main registrations that ended in the year, whatever the reason."),
      count("moves", "Number of moves to another school", kMoves,
            "Exits after which the pupil was registered at another school in the store."),
      count("moves_other_la", "Number of moves to a school in another local authority", kMoves,
            "Moves to a school in another local authority."),
      count("moves_other_trust", "Number of moves between trusts", kMoves,
            "Moves to a school in another trust, or between a trust and a maintained school."),
      count("moves_same_trust", "Number of moves within a trust in the local authority", kMoves,
            "Moves to another school of the same trust in the same local authority, or between "
            "two schools in no trust there. With moves_other_la and the moves between trusts "
            "in the local authority (moves - moves_other_la - moves_same_trust) it splits the "
            "moves."),
      count("exits_no_school", "Number of exits to no school in the records", kMoves,
            "Exits after which the pupil is on no roll in the store: out of state education, "
            "or not yet seen again."),
      count("ehe_exits", "Number of exits to elective home education", kEhe,
            "Registrations ended with the leaving reason elective home education."),
      count("ehe_no_school", "Number of exits to elective home education not followed by a school",
            kEhe,
            "Exits to elective home education after which the pupil is on no roll in the store "
            "(part of exits_no_school)."),
      rate("ehe_exit_rate", "Exits to elective home education per 100 pupils", kEhe, "ehe_exits",
           "headcount", IndicatorKind::kRatePer100, Polarity::kNeutral,
           "Exits to elective home education per 100 pupils on roll at the January census."),
      count("ehe_after_susp_ap",
            "Number of exits to home education soon after a suspension or AP placement", kEhe,
            "Exits to elective home education within the policy's ehe_recent_days (default 90) "
            "of the start of a suspension or AP placement."),
      rate("ehe_days_since_mean",
           "Mean days from the last suspension or AP placement to an exit to home education", kEhe,
           "ehe_days_since", "ehe_with_prior", IndicatorKind::kMean, Polarity::kNeutral,
           "Over exits to elective home education that followed a suspension or AP placement: "
           "the mean days since the last one started (capped at 400)."),
      count("cme_cases", "Number of children missing education cases", kCme,
            "Compulsory-school-age pupils whose registration ended with no accounting "
            "destination and who were on no roll for the policy's window of school days "
            "(default 10): cases of the home LA, open or since closed."),
      count("cme_open", "Number of children missing education cases still open", kCme,
            "Cases whose pupil is on no roll on the store's last day."),
      rate("cme_rate", "Children missing education cases per 100 pupils", kCme, "cme_cases",
           "headcount", IndicatorKind::kRatePer100, Polarity::kLowerIsBetter,
           "Children missing education cases per 100 pupils on roll at the January census."),
      count("roll_y7_11", "Number of pupils on roll in Years 7 to 11", kExits,
            "Pupils on roll in Years 7 to 11 at any time in the year, once per school."),
      count("unexplained_exits", "Number of unexplained exits in Years 7 to 11", kExits,
            "Exits in Years 7 to 11 that no recorded reason explains (EPI's method adapted, "
            "docs/local-outcomes.md). Unexplained is not off-rolled."),
      rate("unexplained_exit_rate", "Unexplained exits per 100 pupils in Years 7 to 11", kExits,
           "unexplained_exits", "roll_y7_11", IndicatorKind::kRatePer100, Polarity::kLowerIsBetter,
           "Unexplained exits per 100 pupils on roll in Years 7 to 11 during the year."),
      count("managed_moves_out", "Number of managed moves out", kManaged,
            "Registrations ended by a managed move to another school."),
      count("managed_moves_returned", "Number of managed moves that returned", kManaged,
            "Managed moves after which the pupil was registered at the school again."),
      count("managed_moves_moved_on", "Number of managed moves that moved on", kManaged,
            "Managed moves that did not return, after which the pupil's next registration is "
            "at another school."),
      count("managed_moves_left", "Number of managed moves that left education", kManaged,
            "Managed moves that did not return, after which the pupil is on no roll in the "
            "store."),
      count("offsite_directions", "Number of off-site directions ended", kManaged,
            "Off-site directions into alternative provision that ended in the year."),
      count("offsite_returned", "Number of off-site directions ended by a return", kManaged,
            "Off-site directions that ended with the pupil reintegrated."),
      count("offsite_moved_on", "Number of off-site directions ended by a move", kManaged,
            "Off-site directions that ended with a move to another school or continued AP."),
      count("offsite_left", "Number of off-site directions ended out of the school", kManaged,
            "Off-site directions that ended with the pupil excluded or off the roll."),
      count("joiners", "Number of pupils who joined the roll during the year", kFlows,
            "Pupils whose registration began after the usual entry window (from 1 October by "
            "default), not a re-registration at the same school; once per school."),
      count("leavers", "Number of pupils who left the roll during the year", kFlows,
            "Pupils whose registration ended other than at the end of a phase or in the "
            "year's last weeks, and who were not registered at the school again next; once "
            "per school."),
      count("joiners_prev_susp", "Number of joiners suspended in the year before joining", kFlows,
            "Joiners with a suspension at any school in the 365 days before joining."),
      count("leavers_prev_susp", "Number of leavers suspended in the year before leaving", kFlows,
            "Leavers with a suspension at any school in the 365 days up to leaving."),
  };
  return f;
}

}  // namespace lantern
