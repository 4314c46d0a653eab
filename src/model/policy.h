// Policy: every choice the official definitions leave open, in one place.
//
// Each field is a default for an item that definitions.md tags [U]
// (unconfirmed) or that Lantern had to choose. docs/definitions.md lists them
// with the reasoning; a user can override any of them with a JSON file
// (`--policy FILE`, keys as the field names). Confirmed official rules are
// not here: they are code, with tests.
#ifndef LANTERN_MODEL_POLICY_H_
#define LANTERN_MODEL_POLICY_H_

#include <map>
#include <string>

#include "common/date.h"
#include "lantern/status.h"
#include "model/register_codes.h"

namespace lantern {

struct Policy {
  // --- Absence cohort (definitions.md 1.2) ---
  int cohort_min_age = 5;               // [C] age on 31 August
  int cohort_max_age = 15;              // [C]
  bool exclude_subsidiary_dual = true;  // [U] only current single and main registrations count
  bool exclude_guest = true;            // [U] guests are not on the admission register
  bool exclude_boarders = true;         // [C-3p]
  // Pupil referral units are reported as their own school type and are not
  // in the headline "Total" school type. [U]
  bool pru_in_headline_total = false;
  // Study leave: for pupils aged 15 at the start of the year, sessions from
  // this date to the end of the year are left out [C]. When empty, the
  // Monday after the last Monday in May (the usual summer half-term). [U]
  std::string summer_second_half_start;

  // --- Thresholds (definitions.md 1.4) ---
  double persistent_absence_threshold = 0.10;  // [C] since 2015/16
  double severe_absence_threshold = 0.50;      // [C]

  // --- Register code treatments (definitions.md 1.5) ---
  // code -> "attendance" | "authorised" | "unauthorised" | "not_possible".
  // Defaults are in register_codes.cc; the [U] ones are Q, Y1-Y7, X, Z, #, D.
  std::map<std::string, std::string> code_treatment_overrides;

  // --- Disclosure control (definitions.md 9) ---
  int suppress_below = 3;             // [C-3p] counts of 1 or 2 are shown as c
  bool secondary_suppression = true;  // [U] complementary cells within a breakdown

  // --- Suspensions denominator (definitions.md 2) ---
  // Headcount on roll on the January census day: the third Thursday of
  // January. [C-3p for "January census headcount"; the day is U]
  int census_january_week = 3;

  // --- Pupil mobility and leavers (scorecard pupil-level mode; docs/scorecard.md) ---
  // A joining within the academic year is at the usual point of entry when
  // it is no later than this many days into September (default: by 30
  // September); a leaving is at the usual point when its reason is
  // end_of_phase or it falls in the last this-many days of the academic
  // year (default: from 1 July). [U: the DfE mobility measure's exact
  // windows were not retrieved]
  int mobility_entry_september_days = 30;
  int mobility_leaving_last_days = 31;

  // --- Pupil voice (docs/pupil-voice.md; pupil-voice.md 4.3, 4.4) ---
  // A school's distribution for a group is withheld when fewer than this
  // many pupils were asked the item. [D]
  int voice_school_min_base = 10;
  // An LA's, region's, trust's or England's needs this many respondents
  // from at least voice_area_min_schools schools. [D, after PPLV and Sport
  // England's Active Lives]
  int voice_area_min_base = 30;
  int voice_area_min_schools = 3;
  // A group is under-heard when its response rate is below this share of
  // its school's (or area's) overall rate. [D]
  double voice_under_heard_ratio = 0.8;
  // --- KS4 measures (definitions.md 3 and 4; docs/measures.md) ---
  // Nominal KS2 scaled score of a pupil working below the standard of the
  // test (ks2_results.csv status below_test). [U: the year's technical guide]
  int ks2_nominal_below_test = 79;
  // Discounting: in an EBacc subject the first entry counts, elsewhere the
  // best result. [C-3p for the first-entry rule; U for its details]
  bool ks4_first_entry_rule = true;
  // Capping of extreme negative progress scores (definitions.md 3.6): the
  // share of model pupils below z* [C: DfE code, 1%], or z* itself when not
  // 0 (a per-year parameter, e.g. -2.8948556948 for the 2022 run; 0:
  // derived from the cohort).
  double progress_cap_share = 0.01;
  double progress_z_star = 0;
  // School measures with fewer pupils than this are published as c (the
  // performance tables withhold cohorts of 5 or fewer). [U]
  int ks4_school_min_pupils = 6;
  // --- Children missing education and movement (docs/local-outcomes.md) ---
  // A compulsory-school-age pupil whose registration ends with no
  // destination that accounts for them becomes a case for the home LA when
  // no new registration starts within this many school days (weekdays)
  // after the leaving date. [U: no national window; 10 school days echoes
  // the 10 days of unexplained absence after which schools must tell the LA]
  int cme_window_school_days = 10;
  // School days for the CME window and the gaps between registrations are
  // weekdays less the holidays the marks show: a run of 1 to this many
  // weekdays on which no school in the store has a mark. A longer run is
  // marks not sent, and its weekdays count. [U: 15 covers a two-week
  // Christmas or Easter holiday with a bank holiday or INSET day beside it]
  int longest_holiday_weekdays = 15;
  // An exit to elective home education counts as "soon after" a suspension
  // or AP placement when it starts within this many days of one. [U]
  int ehe_recent_days = 90;

  // How each register code is counted under this policy: the defaults with
  // code_treatment_overrides applied (checked by Validate).
  CodeTreatments Treatments() const;
  // An error naming the first field that makes no sense (an unknown code or
  // treatment, a threshold outside (0, 1], a negative count); LoadPolicy
  // calls it, and so does every entry point given a Policy value.
  Status Validate() const;

  Date SummerSecondHalfStart(AcademicYear year) const;
  // The January census day of the year: the census_january_week-th
  // Thursday of January (2019-01-17 for 2018/19).
  Date JanuaryCensusDay(AcademicYear year) const;
};

// Reads overrides from a JSON object; unknown keys are an error, so a typo
// does not silently leave a default in place. A policy is a value: nothing
// global changes when one is loaded, and one process may hold several.
Result<Policy> LoadPolicy(const std::string& json_path);
// The defaults, or the file's overrides when `json_path` is not empty.
Result<Policy> LoadPolicyOrDefault(const std::string& json_path);
// The policy as JSON (written beside every output, so a figure can be traced
// to the choices that made it).
std::string PolicyToJson(const Policy& policy);

}  // namespace lantern

#endif  // LANTERN_MODEL_POLICY_H_
