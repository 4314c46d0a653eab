// Sums of a cube's school cells that the cube does not hold itself: a
// user's place named by schools (docs/local-outcomes.md, "Places"), by
// school type and pupil group, as the cube's own units are published.
//
// The school cells are already published with the disclosure pass's
// pattern, and cannot change. A table of the place's sums is linked to them
// (each sum is its schools' cells added up) and within itself (the school
// types add up to "Total", each topic's groups to the topic's total), so
// hiding each sum on its own is not enough: a shown total and shown groups
// would give a hidden group's sum by subtraction, and that sum less its
// shown school cells would give a hidden school cell. So the sums are
// hidden by the exhaustive differencing audit over all of those relations
// together: primary suppression (1 .. threshold-1), then, until the audit
// finds nothing a reader could work out, the sum that breaks each chain
// (never a school cell). If a chain can be broken only at a school cell,
// every sum of the place is hidden for that count.
//
// A sum can also be a figure the cube publishes itself: a place of all of
// an LA's secondary schools has the LA's secondary cells as its sums, a
// trust with schools in one LA has the trust's cells. Where such a cube
// cell is hidden (and the sum's schools' cells differ from the cell's
// schools' cells only by cells the pass shows), the sum is hidden too, and
// the audit counts working it out as a leak, as for a school cell the pass
// hides: a figure withheld in one output is withheld in all.
#ifndef LANTERN_SUPPRESS_SCHOOL_SUMS_H_
#define LANTERN_SUPPRESS_SCHOOL_SUMS_H_

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "aggregate/cube.h"
#include "model/policy.h"
#include "suppress/disclosure_pass.h"

namespace lantern {

// The place's sum of `measure` for school type t (kTotalType: the types in
// the headline total) and category c, at [t * categories + c]; schools in
// no reported type are left out.
std::vector<int64_t> SchoolSums(const Cube& cube, const Policy& policy,
                                std::span<const uint32_t> schools, size_t measure);

// The units (by school location: an LA, its region, England, a place of
// LAs, a trust) whose cells each school's cells add up to, and each unit's
// schools: built once for a cube and shared by every place. With it a
// place's sum that is the same figure as a cube cell the pass hides is
// found (the same schools' cells, give or take cells the pass shows).
// `cube` must outlive it.
class SchoolUnits {
 public:
  explicit SchoolUnits(const Cube& cube);
  const std::vector<int>& UnitsOf(size_t school) const { return units_of_[school]; }
  const std::vector<uint32_t>& SchoolsOf(size_t unit) const { return schools_of_[unit]; }
  const Cube& cube() const { return cube_; }

 private:
  const Cube& cube_;
  std::vector<std::vector<int>> units_of_;
  std::vector<std::vector<uint32_t>> schools_of_;
};

// Which of those sums to hide for `measure`, one of the disclosure pass's
// controlled counts, laid out as SchoolSums.
std::vector<bool> HideSchoolSums(const SchoolUnits& units, const DisclosureFlags& flags,
                                 const Policy& policy, std::span<const uint32_t> schools,
                                 size_t measure);

// The same for every controlled count of one place, each worked out on
// first use. A count in one of the pass's splits (DisclosureFlags::splits)
// is worked out with every count linked to it by them: in each of the
// place's sums the splits are held as the pass holds them in the cube's
// cells (MakeSplitSafe), alternating with each count's audit above until
// neither hides anything, so that no hidden sum, and no rest of 1 or 2,
// follows from the place's other sums in a row.
class PlaceSumsHidden {
 public:
  // `units`, `flags` and `policy` must outlive this.
  PlaceSumsHidden(const SchoolUnits& units, const DisclosureFlags& flags, const Policy& policy,
                  std::span<const uint32_t> schools);
  const std::vector<bool>& Of(size_t measure);

 private:
  const SchoolUnits& units_;  // and its cube
  const DisclosureFlags& flags_;
  const Policy& policy_;
  std::vector<uint32_t> listed_;
  std::map<size_t, std::vector<bool>> hidden_;
};

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_SCHOOL_SUMS_H_
