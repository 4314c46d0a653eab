// The schools of a generated world: every real state-funded primary,
// secondary and special school and pupil referral unit in the chosen LAs,
// with its real URN, LA, establishment number, name (where the frame has
// one), phase, calendar, absence target and generated trust.
#ifndef LANTERN_GENERATE_WORLD_H_
#define LANTERN_GENERATE_WORLD_H_

#include <map>
#include <string>
#include <vector>

#include "generate/inputs.h"
#include "generate/plan.h"
#include "lantern/generate.h"

namespace lantern::gen {

struct World {
  AcademicYear year;
  const GeneratorInputs* inputs = nullptr;
  std::vector<GenSchool> schools;  // URN order
  std::vector<GenTrust> trusts;    // the trusts of the schools in scope, id order
  std::vector<int> las;            // LA codes in scope, ascending
  // Every LA of each region (for pupils living across a border).
  std::map<std::string, std::vector<int>> region_las;

  const std::string& RegionOf(int la) const;
};

// The LA of a code: the EES geography, or a built-in entry for the few 2019
// LAs the geography files no longer carry (837 Bournemouth); nullptr if unknown.
const LocalAuthority* FindLocalAuthority(const Geography& g, int code);

// The LA codes a scale option selects; InvalidArgument for an unknown LA or region.
Result<std::vector<int>> ResolveScope(const GenerateOptions& options, const GeneratorInputs& in);

// True for the frame schools the generator covers, and their phase code.
bool CoveredPhase(const FrameSchool& s, SchoolPhaseCode* phase);

// Builds the schools of the LAs in `las` (trusts are generated nationally
// from the seed, so a school has the same trust at every scale).
World BuildWorld(const GeneratorInputs& in, const std::vector<int>& las, uint64_t seed,
                 AcademicYear year);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_WORLD_H_
