// The real school frame: every school in the 2018/19 performance-tables
// downloads (January 2019 census characteristics, 2018/19 absence, KS4 2019
// results and KS4 destinations), keyed by URN. Published symbols (NA, SUPP,
// NE, NP, SP) become "no value", never zero; the national-total rows are
// dropped. The files have no year column: see each PROVENANCE.md.
#ifndef LANTERN_REFERENCE_SCHOOL_FRAME_H_
#define LANTERN_REFERENCE_SCHOOL_FRAME_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lantern/status.h"

namespace lantern {

enum class SchoolPhase : uint8_t {
  kPrimary,
  kSecondary,
  kSpecial,
  kPupilReferralUnit,
  kNursery,
  kIndependent,
  kNonMaintainedSpecial,
  kOther,
};
// "State-funded primary" etc. as in the census file's SCHOOLTYPE.
SchoolPhase ParseSchoolType(std::string_view schooltype);
std::string_view SchoolTypeName(SchoolPhase phase);
bool IsStateFunded(SchoolPhase phase);

struct FrameSchool {
  int urn = 0;
  int la_code = 0;
  int estab = 0;
  SchoolPhase phase = SchoolPhase::kOther;
  std::string name;  // from KS4 files or GIAS links; empty when unknown

  // January 2019 census (counts; shares in percent as published).
  std::optional<double> nor, girls, boys;
  std::optional<double> ehcp, ehcp_pct;                // TSENELSE / PSENELSE
  std::optional<double> sen_support, sen_support_pct;  // TSENELK / PSENELK
  std::optional<double> eal, eal_pct;                  // NUMEAL / PNUMEAL
  std::optional<double> fsm;                           // NUMFSM
  std::optional<double> fsm_ever6, fsm_ever6_pct;      // NUMFSMEVER / PNUMFSMEVER

  // 2018/19 absence (percent).
  std::optional<double> overall_absence_pct;     // PERCTOT
  std::optional<double> persistent_absence_pct;  // PPERSABS10

  // KS4 2019 provisional.
  std::optional<double> ks4_pupils, att8, p8, p8_ci_low, p8_ci_high, p8_pupils;
  std::optional<double> p8_orig;  // P8MEA_ORIG: before extreme negative scores were capped
  std::optional<double> basics_94_pct, basics_95_pct, ebacc_entry_pct, ebacc_aps;
  std::string nftype;  // AC, ACC, CY, VA, FD, ...

  // KS4 destinations (most recent cohort in the 2018/19 download).
  std::optional<double> dest_cohort, dest_overall, dest_education, dest_apprenticeship,
      dest_employment, dest_not_sustained, dest_unknown;
  std::optional<double> dest_fe, dest_school_sixth, dest_sixth_college, dest_other_education;
  std::optional<double> dest_cohort_dis, dest_overall_dis;
  std::optional<double> dest_cohort_nondis, dest_overall_nondis;
};

struct SchoolFrame {
  std::vector<FrameSchool> schools;  // sorted by URN
  std::map<int, size_t> by_urn;
  // National rows of the absence file (NAT, PRI/SEC/SPE), percent.
  std::map<std::string, std::pair<double, double>> national_absence;

  const FrameSchool* Find(int urn) const {
    auto it = by_urn.find(urn);
    return it == by_urn.end() ? nullptr : &schools[it->second];
  }
};

// Loads the census file (required) and joins the others that exist.
Result<SchoolFrame> LoadSchoolFrame(const std::string& real_data_dir);

}  // namespace lantern

#endif  // LANTERN_REFERENCE_SCHOOL_FRAME_H_
