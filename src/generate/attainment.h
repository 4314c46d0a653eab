// KS2 prior attainment, KS4 qualification results and post-16 destinations
// for every pupil at the end of KS4 in a generated world, calibrated so that
// each school's Attainment 8 and Progress 8 reproduce its published 2019
// figures and its sustained-destination rate the published one
// (docs/generator.md, "KS2, KS4 results and destinations").
//
// The model: a pupil's target Attainment 8 is the national estimate for
// their KS2 prior-attainment group plus ten times their progress, which is
// the school's progress plus the pupil's characteristics plus noise. For
// each school the KS2 shift of its Year 11 and its progress are solved so
// that the expected school means equal the published ATT8SCR and P8MEA_ORIG.
// The pupil's qualifications are then drawn (entries depend on the target
// and on the school's vocational propensity), with grades around one pupil
// level that is solved so that the Attainment 8 of the results, slot-filled
// as the measure does, is as close to the target as grades allow.
#ifndef LANTERN_GENERATE_ATTAINMENT_H_
#define LANTERN_GENERATE_ATTAINMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "generate/output.h"
#include "lantern/status.h"

namespace lantern::gen {

// ---------------------------------------------------------------- qualifications

// The point scales of catalogue/point_scales.csv the generator awards.
enum class GradeScale : uint8_t {
  kGcse,             // gcse_9to1: 9..1, U
  kCombinedScience,  // gcse_combined_9to1: 9-9 .. 1-1, U (fills two slots)
  kTechnicalAward,   // tech_award_l1l2: L2D* .. L1P, U
  kVrqL2,            // vrq_l2: D*, D, M, P, U
  kVrqL1,            // vrq_l1
  kFunctionalL2,     // fs_l2: P, F
  kFunctionalL1,     // fs_l1
  kEntryLevel,       // entry_level: E3, E2, E1, U
};

// Where a qualification may sit in Attainment 8 (catalogue `slots`).
enum class A8Slot : uint8_t { kEnglishLanguage, kEnglishLiterature, kMaths, kEbacc, kOpen, kNone };

// A qualification the generator awards: a row of catalogue/qualifications.csv.
struct GenQualification {
  const char* id;
  GradeScale scale;
  A8Slot slot;           // kNone: does not count in Attainment 8
  const char* discount;  // the catalogue's discount code ("" none)
  double offset;         // grade relative to the pupil's level (subject difficulty)
};
const std::vector<GenQualification>& GeneratorQualifications();
// Index in GeneratorQualifications() by id, or -1.
int QualificationIndex(std::string_view id);

// A result: the qualification and its grade index on the scale (0 = best).
struct GenResult {
  uint16_t qual = 0;
  uint8_t grade = 0;
  bool early = false;  // sat in the summer of Year 10 (exam series a year earlier)
};
// The grade text and its points.
std::string_view GradeText(GradeScale scale, uint8_t grade);
double GradePoints(GradeScale scale, uint8_t grade);
// The grade a continuous level earns on the scale (levels are on the GCSE
// point scale: 4.0 is a grade 4).
uint8_t GradeForLevel(GradeScale scale, double level);

// Attainment 8 of a set of results, slots filled as definitions.md 3.2 says
// (maths double; English double when both were attempted, else single, the
// other English free for the open slots; the three best EBacc, the three
// best of the rest). The generator's own check, so calibration needs no store.
double Attainment8(const std::vector<GenResult>& results);

// ---------------------------------------------------------------- KS2 estimates

// The national Attainment 8 estimate by KS2 prior-attainment group (the
// Department's p8_pupil_coefficients_file.csv with the ranges of
// p8_att8_splits.csv, from the real-data folder).
struct PriorEstimates {
  std::vector<double> from;      // lowest KS2 average of each group
  std::vector<double> estimate;  // estimated Attainment 8 of each group
  std::string source;
  int Group(double ks2_average) const;  // 1-based; 0 if none
  double Estimate(double ks2_average) const;
  // Linear between the middles of the groups: for solving, not for pupils.
  double Smooth(double ks2_average) const;
};
Result<PriorEstimates> LoadPriorEstimates(const std::string& real_data_dir);

// The nominal KS2 scaled score a subject marked "working below the
// standard of the test" is given for the average (definitions.md 3.4 [U]).
constexpr double kWorkingBelowNominal = 79;

// ---------------------------------------------------------------- the plan

// Post-16 activity, per the destinations.csv contract.
enum class Activity : uint8_t {
  kSchoolSixthForm,
  kSixthFormCollege,
  kFeCollege,
  kOtherEducation,
  kApprenticeship,
  kEmploymentWithTraining,
  kEmployment,
  kNeet,
  kNotKnown,
};
std::string_view ActivityCode(Activity a);
constexpr int kDestinationMonths = 24;

// One pupil at the end of KS4.
struct Ks4Pupil {
  uint32_t plan = 0, pupil = 0;            // the pupil in g.plans[plan].pupils
  uint32_t school = 0;                     // index into World::schools (school at end of KS4)
  char read_status = 0, maths_status = 0;  // 0: a score; 'B': working below (below_test)
  bool has_prior = false;
  float target_a8 = 0;  // the model's Attainment 8 for the pupil
  float a8 = 0;         // of the generated results (Attainment8())
  float estimate = 0;   // national estimate of the pupil's group (when has_prior)
  uint32_t first_result = 0;
  uint8_t results = 0;
  std::array<Activity, kDestinationMonths> months{};
  bool sustained = false;  // the pupil's drawn destination is sustained
};

// The calibration of one school (for the report and tests).
struct Ks4SchoolFit {
  uint32_t school = 0;
  int urn = 0;
  std::string source;  // "school", "national_secondary", "national_special", "assumed_ap"
  double target_att8 = 0, target_p8 = 0;
  double ks2_shift = 0, progress = 0, vocational = 0;
  double expected_att8 = 0, expected_p8 = 0;  // the solved model's expectations
  int pupils = 0, pupils_with_prior = 0;
  double generated_att8 = 0, generated_p8 = 0;  // of the generated results
  double p8_half_width = 0;                     // 1.96 x national SD / sqrt(n)
  double target_sustained = -1, expected_sustained = 0, generated_sustained = 0;
  std::string dest_source;
};

struct Ks4Plan {
  std::vector<Ks4Pupil> pupils;  // by school (URN order), then pupil
  std::vector<GenResult> results;
  std::vector<Ks4SchoolFit> fits;
  double national_sd_p8 = 0;  // SD of the generated pupils' P8 against the estimates
};

// Plans KS2, KS4 and destinations for every pupil at the end of KS4 in `g`.
// Rewrites the KS2 scores of those pupils (their school's shift), so it runs
// before the record files are written.
Ks4Plan PlanKs4(Generated* g, const PriorEstimates& estimates, int threads);

// Writes ks2_results.csv, ks4_results.csv and destinations.csv.
Status WriteKs4Files(const Generated& g, const Ks4Plan& plan, const std::string& dir,
                     FileRows* rows);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_ATTAINMENT_H_
