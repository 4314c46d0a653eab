// The generator's plan of one world: schools, pupils, enrolments and the
// events that shape their marks. Everything in the plan is decided before
// any mark is written, so marks can be rendered school by school, in any
// order and on any thread, and a single day (--day) can be rendered alone.
#ifndef LANTERN_GENERATE_PLAN_H_
#define LANTERN_GENERATE_PLAN_H_

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/date.h"
#include "generate/calendar.h"
#include "model/codes.h"
#include "model/register_codes.h"
#include "reference/school_frame.h"

namespace lantern::gen {

constexpr int32_t kOpenEnded = std::numeric_limits<int32_t>::max();
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// The published absence figures a school is calibrated to, and where they came from.
struct AbsenceTarget {
  double overall = 0;     // share of possible sessions missed (0.047 = 4.7%)
  double persistent = 0;  // share of enrolments missing 10% or more
  std::string source;     // "school", "la", "national", "pru_la", "pru_national"
};

// The fitted absence model of one school (absence_model.h).
struct AbsenceFit {
  double intercept = -3;  // logit of the typical pupil's absence rate
  double spread = 0.8;    // sd of the pupil's latent propensity on the logit scale
  double fitted_overall = 0, fitted_persistent = 0;
  bool converged = false;
};

struct GenSchool {
  int urn = 0;
  int la = 0;
  int estab = 0;
  std::string name;
  SchoolPhaseCode phase = SchoolPhaseCode::kPrimary;
  std::string type;  // GIAS-style establishment type
  bool academy = false;
  int trust = -1;  // index into World::trusts, or -1
  int nor = 0;     // number on roll, January 2019 census
  const FrameSchool* frame = nullptr;
  AbsenceTarget target;
  AbsenceFit fit;
  SchoolCalendar calendar;
  bool has_study_leave = false;  // Years 11 and 13 on study leave after May half term
  // This school's pupils at the start of the year are plan pupils
  // [first_pupil, first_pupil + start_pupils); joiners follow elsewhere.
  uint32_t first_pupil = 0;
  uint32_t start_pupils = 0;
};

struct GenTrust {
  std::string id;
  std::string name;
  bool multi = true;  // MAT (true) or SAT
};

struct GenPupil {
  char upn[13];
  int32_t birth_date = 0;
  int16_t home_la = 0;
  YearGroup year_group = 0;
  Sex sex = Sex::kFemale;
  bool fsm = false;
  bool disadvantaged = false;
  bool eal = false;
  bool looked_after = false;
  SenProvision sen = SenProvision::kNone;
  SenNeed need = SenNeed::kNone;
  uint8_t ks2_reading = 0;  // 0: none
  uint8_t ks2_maths = 0;
  float absence_z = 0;        // latent absence propensity, N(0,1)
  float absence_shift = 0;    // covariate shift on the logit scale
  float behaviour_shift = 0;  // log behaviour propensity from characteristics
  float behaviour_z = 0;      // latent behaviour propensity, N(0,1), correlated with absence_z
  uint64_t key = 0;           // stable random-stream key: origin URN and index
};

struct GenEnrolment {
  uint32_t pupil = 0;
  uint32_t school = 0;  // index into World::schools
  int32_t entry = 0;    // Date::days
  int32_t leaving = kOpenEnded;
  LeavingReason reason = LeavingReason::kNone;
  EnrolStatus status = EnrolStatus::kCurrent;
};

// A fixed run of marks an enrolment gets whatever the absence model says:
// E on suspension days, C2 on a part-time timetable, B/K on AP days, D at
// the home school on days at the other school, S on study leave, or (for a
// subsidiary registration) the days on which the pupil is expected at all.
struct MarkRule {
  uint32_t enrolment = 0;
  int32_t first = 0, last = 0;  // dates, inclusive
  uint8_t weekdays = 0x1F;      // bit 0 = Monday
  bool am = true, pm = true;
  // The code to write, or kAttendDays: the sessions are open for the
  // absence model (used for subsidiary registrations).
  MarkCode code = kNoMark;
  // For study leave: the share of sessions the pupil still attends (exams).
  float attend_share = 0;
};
constexpr MarkCode kAttendDays = 255;

struct GenSuspension {
  uint32_t pupil = 0;
  uint32_t school = 0;
  int32_t start = 0;
  uint16_t sessions = 0;
  bool permanent = false;
  std::array<ExclusionReason, 3> reasons{ExclusionReason::kNone, ExclusionReason::kNone,
                                         ExclusionReason::kNone};
};

struct GenApPlacement {
  uint32_t pupil = 0;
  uint32_t school = 0;  // commissioner
  std::string provider_id, provider_name;
  ApSetting setting = ApSetting::kRegistered;
  ApSettingType setting_type = ApSettingType::kUnknown;
  ApBasis basis = ApBasis::kSchoolArranged;
  double hours = 0;
  ApReason reason = ApReason::kOther;
  int32_t start = 0, end = kOpenEnded;
  bool plan = false;
  PlacementOutcome outcome = PlacementOutcome::kNone;
};

struct GenUnitSpell {
  uint32_t pupil = 0;
  uint32_t school = 0;
  UnitKind unit = UnitKind::kInternalSuspension;
  int32_t start = 0, end = 0;
  uint16_t sessions = 0;
  ExclusionReason reason = ExclusionReason::kNone;
  bool plan = false;
  PlacementOutcome outcome = PlacementOutcome::kNone;
  bool continuing = false;  // still open at the end of the year
};

// Calibration of the suspension model for one LA and phase.
struct BehaviourFit {
  int la = 0;
  SchoolType type = SchoolType::kPrimary;
  double target_rate = 0, target_one_plus = 0, target_permanent = 0;  // per 100 pupils
  double fitted_rate = 0, fitted_one_plus = 0;
  double scale = 0, spread = 0;
  std::string source;
};

// Everything decided for one LA; LAs are planned independently.
struct LaPlan {
  int la = 0;
  std::vector<uint32_t> schools;  // indices into World::schools
  std::vector<GenPupil> pupils;
  std::vector<GenEnrolment> enrolments;
  std::vector<MarkRule> rules;
  std::vector<GenSuspension> suspensions;
  std::vector<GenApPlacement> placements;
  std::vector<GenUnitSpell> units;
  std::vector<BehaviourFit> behaviour_fits;
};

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_PLAN_H_
