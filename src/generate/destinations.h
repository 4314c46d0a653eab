// Post-16 destinations for the generated pupils at the end of KS4: 24
// months of activity from the August after Year 11, calibrated so that each
// school's share of pupils in a sustained destination (definitions.md 4.1)
// equals its published rate, with the published mix of education,
// apprenticeships and employment (docs/generator.md).
#ifndef LANTERN_GENERATE_DESTINATIONS_H_
#define LANTERN_GENERATE_DESTINATIONS_H_

#include <array>
#include <span>

#include "generate/attainment.h"

namespace lantern::gen {

// Draws the destinations of one school's pupils at the end of KS4 (their
// target_a8 already set) and records the calibration in `fit`.
void PlanSchoolDestinations(const Generated& g, const GenSchool& school, std::span<Ks4Pupil> pupils,
                            Ks4SchoolFit* fit);

// The generator's reading of definitions.md 4.1 on a monthly history
// (month 0 is the August after Year 11): in education every month October
// to March; or employed (apprenticeships included) in 5 of those 6 months;
// or active in education or employment in all 6; or in an apprenticeship for
// 6 consecutive months from August to March.
bool SustainedDestination(const std::array<Activity, kDestinationMonths>& months);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_DESTINATIONS_H_
