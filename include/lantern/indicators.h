// The vocabulary of indicators shared by the engine's catalogue
// (src/indicators/catalogue.h) and its front ends: how an indicator is made
// from its measures, which way a question about it is asked, and where it
// sits on the scorecard; and the pupil groups every figure is given for.
#ifndef LANTERN_INDICATORS_H_
#define LANTERN_INDICATORS_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lantern {

// How an indicator is made from its measures:
//   kCount        the numerator as it is;
//   kPercent      numerator / denominator x 100, both counts of the same
//                 people or events (a proportion: persistent absentees of
//                 enrolments, pupils with SEN support of pupils);
//   kRatio        numerator / denominator x 100, two sums of the same thing
//                 over units (sessions over enrolments: the absence rate),
//                 with an enrolment-clustered interval;
//   kRatePer100, kRatePer1000
//                 events (or sessions) per 100 or 1,000 pupils;
//   kMean         a sum of scores over the people scored (KS2 prior
//                 attainment), with an interval from the sum of squares.
enum class IndicatorKind : uint8_t { kCount, kPercent, kRatio, kRatePer100, kRatePer1000, kMean };
std::string_view IndicatorKindName(IndicatorKind kind);  // "percent"

// For wording only (which way a question is asked). Never used to order or
// grade schools.
enum class Polarity : uint8_t { kNeutral, kHigherIsBetter, kLowerIsBetter };

// Where an indicator sits on the scorecard (seed 003 §1.1.1).
enum class IndicatorDomain : uint8_t { kContext, kFormalOutcome, kAdditional };
std::string_view IndicatorDomainId(IndicatorDomain domain);  // "formal_outcome"

// A pupil group: one category of the engine's group declarations
// (src/aggregate/groups.cc: sex, FSM, disadvantage, SEN provision, first
// language, looked after, year group; category 0 is all pupils). A value,
// not an enum: adding a group is a declaration there.
struct PupilGroup {
  uint16_t category = 0;
  friend constexpr auto operator<=>(PupilGroup, PupilGroup) = default;
};
inline constexpr PupilGroup kAllPupils{0};
std::string_view PupilGroupId(PupilGroup group);     // "sen_support" (CSV and JSON)
std::string_view PupilGroupLabel(PupilGroup group);  // "SEN support"
std::string_view PupilGroupNoun(PupilGroup group);   // "pupils with SEN support"
std::optional<PupilGroup> FindPupilGroup(std::string_view id);
// The groups the scorecard reports, all pupils first.
const std::vector<PupilGroup>& ScorecardPupilGroups();
// The other groups of a group's topic that the scorecard sets it beside
// (its "usual" group: girls beside boys, pupils with SEN support beside
// those with none), or nothing.
std::optional<PupilGroup> ComparisonGroup(PupilGroup group);

}  // namespace lantern

#endif  // LANTERN_INDICATORS_H_
