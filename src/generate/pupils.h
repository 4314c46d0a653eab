// Pupils: year groups, characteristics, birth dates, home LA, UPNs and KS2
// scores (docs/generator.md, "Pupils").
//
// A school's roll at the start of the year is its January 2019 number on
// roll, spread over the year groups of its phase. Characteristics are drawn
// with exact counts, so each school's generated shares equal its published
// ones (girls, EHC plans, SEN support, EAL, FSM, FSM ever 6) up to rounding.
// Who gets a characteristic is weighted, so SEN, disadvantage and sex are
// correlated as they are nationally.
#ifndef LANTERN_GENERATE_PUPILS_H_
#define LANTERN_GENERATE_PUPILS_H_

#include <map>
#include <vector>

#include "generate/inputs.h"
#include "generate/plan.h"
#include "generate/random.h"
#include "generate/world.h"

namespace lantern::gen {

// Inner and outer London boroughs (LA codes 201-213 and 301-320).
inline bool IsLondon(int la) { return (la >= 201 && la <= 213) || (la >= 301 && la <= 320); }

// Published shares (0-1) of a school's pupils.
struct Shares {
  double girls = 0.49, ehcp = 0.017, sen_support = 0.12, eal = 0.2, fsm = 0.14, fsm_ever6 = 0.24;
};

// A school's own shares where published, else its LA's for the phase, else England's.
class ShareFallbacks {
 public:
  explicit ShareFallbacks(const SchoolFrame& frame);
  Shares For(const FrameSchool& s) const;

 private:
  // (LA or 0, phase) -> pooled counts and the pupils they cover
  std::map<std::pair<int, int>, std::array<std::pair<double, double>, 6>> pooled_;
};

// Allocates permanent UPNs within one LA: (estab, year) serials are unique,
// with at most 999 per allocating school and year.
class UpnAllocator {
 public:
  UpnAllocator(int la, std::vector<int> primary_estabs);
  void Allocate(int estab, int year2, Rng& rng, char out[13]);
  // A primary school of the LA (where older pupils' UPNs were first issued).
  int RandomPrimary(Rng& rng) const;

 private:
  int la_;
  std::vector<int> primaries_;
  std::map<std::pair<int, int>, int> next_;
};

struct PupilContext {
  const World* world;
  const ShareFallbacks* shares;
  uint64_t seed;
};

// The pupils on the school's roll at the start of the year (UPNs not yet set).
std::vector<GenPupil> GenerateStartPupils(const GenSchool& school, const PupilContext& ctx);

// A pupil who joins the school during the year, as the `index`-th pupil of
// the school's stream; `from_abroad` pupils are likelier to have EAL.
GenPupil GenerateJoiner(const GenSchool& school, const PupilContext& ctx, uint32_t index,
                        bool from_abroad);

// Sets the UPN: issued in Reception at `estab` (or in `year2` for an arrival).
void AssignUpn(GenPupil* p, int estab, int year2, UpnAllocator& upns, Rng& rng);

// Year of entry to Reception, two digits, for a pupil of this year group.
int ReceptionYear2(AcademicYear year, YearGroup y);

// Behaviour propensity shift from characteristics (log scale).
double BehaviourShift(const GenPupil& p, SchoolPhaseCode phase);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_PUPILS_H_
