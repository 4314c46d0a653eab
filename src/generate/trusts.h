// Academy trusts. The real files do not say which schools are academies or
// which trust runs them, so trusts are generated (docs/generator.md):
//
// - a school is an academy when the KS4 file's NFTYPE says so (AC, ACC,
//   ACS, ACCS, F, FS, UTC, SS, CTC...), or, without NFTYPE, when its URN is
//   135000 or more (academies get a new URN on conversion, and nearly all
//   URNs from 135000 were issued after 2010 to academies and free schools);
//   this gives about 34% of primaries and 75% of secondaries, the 2019 shares;
// - about 15% of academies are single-academy trusts (more among
//   secondaries), the rest join multi-academy trusts;
// - MATs are grown inside a region: a trust's size is drawn from a
//   distribution with many trusts of 2-5 schools, some of 10-30 and a few of
//   40 or more; it starts from a random academy and takes academies of the
//   same LA first, then of other LAs of the region.
//
// Trusts are generated from the whole national frame and the seed, so a
// school has the same trust whether one LA or all of England is generated.
#ifndef LANTERN_GENERATE_TRUSTS_H_
#define LANTERN_GENERATE_TRUSTS_H_

#include <map>
#include <string>
#include <vector>

#include "generate/plan.h"
#include "reference/geography.h"
#include "reference/school_frame.h"

namespace lantern::gen {

// True when the frame identifies the school as an academy or free school.
bool IsAcademy(const FrameSchool& s, SchoolPhaseCode phase);

// The GIAS-style establishment type written in schools.csv.
std::string EstablishmentType(const FrameSchool& s, SchoolPhaseCode phase, bool academy,
                              uint64_t seed);

struct TrustAssignment {
  std::vector<GenTrust> trusts;     // id order
  std::map<int, int> trust_of_urn;  // URN -> index into trusts
};

// `schools` are the covered schools of the whole frame with their phases.
TrustAssignment GenerateTrusts(
    const std::vector<std::pair<const FrameSchool*, SchoolPhaseCode>>& schools,
    const Geography& geography, uint64_t seed);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_TRUSTS_H_
