// Progress against national estimates by prior-attainment group
// (definitions.md 3.4-3.7), for any slot declaration: Progress 8 and
// Progress 5 run this same code.
#ifndef LANTERN_MEASURES_PROGRESS_H_
#define LANTERN_MEASURES_PROGRESS_H_

#include <array>
#include <span>
#include <string>
#include <vector>

#include "lantern/measures.h"
#include "lantern/status.h"
#include "measures/qualifications.h"

namespace lantern {

// One pupil of the cohort, as progress sees them.
struct ProgressPupil {
  int pag = 0;            // 1..n; 0: no KS2 prior attainment (not in progress)
  bool in_model = false;  // state-funded mainstream: their results set the estimates
  double total = 0;       // the declaration's weighted points (A8 for P8)
  std::array<double, kMaxSlotElements> elements{};
};

// Estimates by group: index 0 unused, 1..pag_count.
struct ProgressEstimates {
  std::vector<double> total;
  std::vector<std::vector<double>> elements;  // [element][pag]
  std::vector<bool> present;                  // a group with an estimate
  std::string source = "cohort";
  double national_sd = 0;  // from the file's companion, 0: from the cohort
};

// The mean total and elements of model pupils in each group.
ProgressEstimates CohortEstimates(std::span<const ProgressPupil> pupils, int pag_count,
                                  size_t element_count);

// The Department's p8_pupil_coefficients_file.csv layout (ks2emss_grp,
// p8est, p8esteng, p8estmat, p8estebac, p8estopen), element columns matched
// to `element_names` (english -> p8esteng, maths -> p8estmat, ebacc ->
// p8estebac, open -> p8estopen). If p8_stdev_file_named.csv sits beside it,
// its "Progress 8" column is the national SD for the intervals.
Result<ProgressEstimates> ReadEstimatesFile(const std::string& path, int pag_count,
                                            std::span<const std::string> element_names);

struct ProgressScores {
  // Per pupil (NaN without a group or an estimate).
  std::vector<double> score, adjusted;
  std::vector<double> element_scores;  // [pupil x element_count + element]
  size_t element_count = 0;
  std::vector<bool> capped;
  double z_star = 0;
  double sd = 0;             // national SD of pupil scores (model pupils), for intervals
  double national_mean = 0;  // mean adjusted score of model pupils
  double national_mean_unadjusted = 0;
  int64_t pupils_scored = 0;
};

// Pupil score = (total - estimate) / divisor; element score = (element -
// estimate) / element_divisor. Capping (definitions.md 3.6): within each
// group the mean and SD of model pupils' scores; z = (score - mean) / sd;
// z* is the z below which `cap_share` of model pupils fall (or
// `z_star_override` when not 0); a pupil with z < z* scores sd_g x z*.
ProgressScores ScoreProgress(std::span<const ProgressPupil> pupils,
                             const ProgressEstimates& estimates, int divisor,
                             std::span<const int> element_divisors, double cap_share,
                             double z_star_override);

// A school's figure from its pupils' scores: mean adjusted score, the 95%
// interval from the national SD, the band (definitions.md 3.7).
// `elements` holds each pupil's element scores in turn, `element_count`
// a pupil (empty: no elements).
ProgressFigure SchoolProgress(std::span<const double> adjusted, std::span<const double> unadjusted,
                              std::span<const double> elements, size_t element_count, int capped,
                              double national_sd);
ProgressBand BandOf(double score, double lower, double upper);

// Percentile bands 1..10 of `values` among themselves (mid-rank: ties share
// a band); entries where `use` is false get 0.
std::vector<int> PercentileBands(std::span<const double> values, const std::vector<bool>& use);

}  // namespace lantern

#endif  // LANTERN_MEASURES_PROGRESS_H_
