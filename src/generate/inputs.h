// The real published figures the generator is built on, read at run time
// from the real-data folder (never copied into the repository): the school
// frame (January 2019 census, 2018/19 absence, KS4 2019), the LA geography,
// LAIT LA indicators (absence, suspensions, exclusions), PRU absence by LA,
// school-arranged AP by LA (January 2023) and the national SEN need mix.
#ifndef LANTERN_GENERATE_INPUTS_H_
#define LANTERN_GENERATE_INPUTS_H_

#include <array>
#include <map>
#include <optional>
#include <string>

#include "common/date.h"
#include "generate/plan.h"
#include "lantern/status.h"
#include "reference/geography.h"
#include "reference/lait.h"
#include "reference/school_frame.h"

namespace lantern::gen {

constexpr int kNational = 0;  // map key for England figures

// Pupils in school-arranged AP on census day, by reason and setting type.
struct ApCounts {
  double total = 0;
  std::array<double, 6> by_reason{};   // ApReason order
  std::array<double, 7> by_setting{};  // ApSettingType order (0 unused)
};

// Suspension and exclusion rates for an LA and school type (per 100 pupils).
struct BehaviourRates {
  double rate = 0, one_plus = 0, permanent = 0;
  std::string source;
};

struct GeneratorInputs {
  std::string real_data_dir;
  AcademicYear year;
  SchoolFrame frame;
  Geography geography;
  LaitIndicators lait;
  // LA (or kNational) -> (overall %, persistent %) for pupil referral units.
  std::map<int, std::pair<double, double>> pru_absence;
  std::map<int, ApCounts> ap;  // LA (or kNational)
  // National setting-type mix within each AP reason.
  std::array<std::array<double, 7>, 6> ap_setting_by_reason{};
  // Primary-need mix (SenNeed order) for SEN support and for EHC plans.
  std::array<double, 14> need_support{}, need_ehcp{};
  std::string need_source;

  // The absence figures a school is calibrated to (see docs/generator.md).
  AbsenceTarget AbsenceTargetFor(const FrameSchool& s, SchoolPhaseCode phase) const;
  BehaviourRates BehaviourRatesFor(int la, SchoolType type) const;
  // The LA's unauthorised share of absence divided by England's (1 = typical).
  double UnauthorisedFactor(int la) const;
};

Result<GeneratorInputs> LoadGeneratorInputs(const std::string& real_data_dir, AcademicYear year);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_INPUTS_H_
