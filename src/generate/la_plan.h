// Planning one local authority: its schools' pupils, their enrolments and
// movement during the year, suspensions and exclusions, AP placements,
// internal-unit spells, part-time timetables, and each school's calibrated
// absence model. An LA is planned on its own (moves between schools stay
// inside the LA), so it comes out the same at every scale.
//
// The work is split by topic: roll.cc (entries, exits, joiners, moves, end
// of phase), behaviour.cc (suspensions, exclusions, AP, units, part-time
// timetables), la_plan.cc (the order of the steps and the calibration).
#ifndef LANTERN_GENERATE_LA_PLAN_H_
#define LANTERN_GENERATE_LA_PLAN_H_

#include <vector>

#include "generate/inputs.h"
#include "generate/plan.h"
#include "generate/pupils.h"
#include "generate/random.h"
#include "generate/world.h"

namespace lantern::gen {

// Plans LA `la`. Writes only the LA's own schools in `world` (their pupil
// ranges and absence fits), so LAs can be planned on different threads.
LaPlan PlanLocalAuthority(World* world, int la, const ShareFallbacks& shares, uint64_t seed);

class LaPlanner {
 public:
  LaPlanner(World* world, int la, const ShareFallbacks& shares, uint64_t seed);
  LaPlan Run();

 private:
  // roll.cc
  void AddStartPupils();
  void AddJoiners();
  void AddExits();
  void AddEndOfPhaseLeavers();
  void AddStudyLeave();
  // behaviour.cc
  void FitBehaviour();
  void AddPermanentExclusions();
  void AddSuspensions();
  void AddApPlacements();
  void AddPartTimeTimetables();
  void AddUnitSpells();
  // la_plan.cc
  void CalibrateAbsence();
  void SortEnrolments();

  // Helpers shared by the steps.
  GenSchool& SchoolOf(uint32_t enrolment) { return School(plan_.enrolments[enrolment].school); }
  GenSchool& School(uint32_t school) { return world_->schools[school]; }
  const SchoolCalendar& CalendarOf(uint32_t enrolment) { return SchoolOf(enrolment).calendar; }
  // Adds a pupil and its bookkeeping; returns its index.
  uint32_t AddPupil(const GenPupil& pupil);
  uint32_t AddEnrolment(uint32_t pupil, uint32_t school, Date entry, EnrolStatus status);
  // Ends an enrolment on `last_day` for `reason`.
  void EndEnrolment(uint32_t enrolment, Date last_day, LeavingReason reason);
  // The open-day index range [first, last] of an enrolment within the year.
  bool OpenRange(uint32_t enrolment, int* first, int* last);
  void AddRule(MarkRule rule) { plan_.rules.push_back(rule); }
  // E marks for `sessions` sessions from open day `first_index` of the
  // enrolment's school (a single session is a lunchtime: the afternoon).
  void AddExclusionMarks(uint32_t enrolment, int first_index, int sessions);
  // Schools of the LA for a pupil of year group y moving from `from`
  // (mainstream of the right phase; special pupils mostly to special schools).
  std::vector<uint32_t> DestinationsFor(const GenPupil& p, uint32_t from, Rng& rng);
  uint32_t PickByRoll(const std::vector<uint32_t>& schools, Rng& rng);
  // The pupil's random stream for a purpose.
  Rng PupilRng(uint32_t pupil, Purpose purpose) {
    return Rng(StreamKey(seed_, purpose, plan_.pupils[pupil].key));
  }
  double BehaviourRate(uint32_t pupil) const;  // expected suspensions in a full year

  World* world_;
  int la_;
  const ShareFallbacks& shares_;
  uint64_t seed_;
  PupilContext pupil_ctx_;
  LaPlan plan_;
  UpnAllocator upns_;
  std::vector<uint32_t> first_enrolment_;  // per pupil
  std::vector<uint32_t> last_enrolment_;   // per pupil
  std::vector<uint8_t> has_event_;         // per pupil: already moved, excluded or placed
  std::vector<int> pex_start_;  // per pupil: open-day index of a permanent exclusion, or -1
  std::vector<uint32_t> prus_;  // the LA's pupil referral units
  // Behaviour fit per school type (index = SchoolType).
  std::array<BehaviourFit, 5> behaviour_{};
};

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_LA_PLAN_H_
