// The pieces of the early warning's evaluation (flags/evaluate.h), shared by
// evaluate.cc and its tests; not part of the public API. A cohort is one
// row per pupil: when each trigger first held in the year, the later
// outcomes, the year's measures and the pupil's characteristics. Everything
// here works on cohorts in memory, so the tests build them by hand.
#ifndef LANTERN_FLAGS_EVALUATE_INTERNAL_H_
#define LANTERN_FLAGS_EVALUATE_INTERNAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/date.h"

namespace lantern {

namespace evaluate {

// The outcomes, in the order of PupilRow's arrays; kAny is any of the first three.
inline constexpr int kOutcomeCount = 4;
inline constexpr int kAny = 3;
inline constexpr const char* kOutcomes[kOutcomeCount] = {"permanent_exclusion", "no_school", "neet",
                                                         "any"};

// What the evaluation knows of one pupil at the end of the store's year.
struct PupilRow {
  bool eligible[kOutcomeCount] = {false, false, false, false};            // the outcome applies
  int32_t outcome[kOutcomeCount] = {kNoDate, kNoDate, kNoDate, kNoDate};  // first date
  int32_t first_flag = kNoDate;        // the first day any trigger held
  std::vector<int32_t> trigger_first;  // the same by trigger (Cohort::triggers), or kNoDate
  // Measures over the year and characteristics (for the comparators).
  double susp = 0, isusp = 0, ap = 0, schools = 0, att = 100, ehcp_wait = 0;
  bool fsm = false, sen_support = false, ehcp = false, lac = false, eal = false, girl = false;
};

struct Cohort {
  std::vector<PupilRow> rows;
  std::vector<std::string> triggers;  // the rules' trigger ids, in the rules' order
};

// Counts over the pupils a figure is about: `cases` had the outcome,
// `flagged` were flagged, `hits` both; `weeks` holds, for each hit, whole
// weeks from the first day flagged to the outcome.
struct Metrics {
  int64_t flagged = 0, hits = 0, cases = 0;
  std::vector<int> weeks;
  std::string Recall() const;     // hits / cases as "12.3%", or "-" with no cases
  std::string Precision() const;  // hits / flagged, or "-" with none flagged
  std::string Weeks() const;      // the median of `weeks` (the upper one of an even count), or "-"
};

// A pupil group, as the report names it.
struct PupilGroup {
  const char* name;
  bool (*in)(const PupilRow&);
};
// FSM and not, SEN (support or EHC plan) and not, girls and boys, EAL and
// not: each group followed by its complement.
const std::vector<PupilGroup>& PupilGroups();

// The rules against outcome `o` over the eligible pupils of `c` (in
// `group`, when given): trigger `k`, or the rule set (any trigger) when k
// is c.triggers.size(). A pupil is flagged if the trigger held on any day.
Metrics FlagMetrics(const Cohort& c, int o, size_t k, const PupilGroup* group = nullptr);

// The logistic model's inputs: 1, log(1 + suspensions), absence in tens of
// percent, log(1 + internal suspensions), any AP, two or more schools, an
// EHC wait past 20 weeks.
std::vector<double> Features(const PupilRow& r);

// The weighted risk-of-NEET score (RONI-style) of docs/early-warning.md.
double RoniScore(const PupilRow& r);

// Logistic regression by iteratively reweighted least squares: the
// coefficients of x's columns (x holds one row per observation, y is 0 or
// 1). A tiny ridge keeps a separated feature's coefficient finite.
std::vector<double> FitLogistic(const std::vector<std::vector<double>>& x,
                                const std::vector<int>& y);

// The fewest pupils AtEqualPrecision flags: a precision of a handful is noise.
inline constexpr int64_t kMinFlagged = 20;

// Flagging the eligible pupils of `c` whose `score` (one per row) is at or
// over a threshold: the threshold (only whole ties: every pupil with the
// same score is in or out together, and at least kMinFlagged flagged) at
// which the precision for outcome `o` comes closest to `target` (on equal
// distance, the higher threshold), written to `threshold`, and the metrics
// there. With no such threshold, metrics with flagged 0, and `threshold`
// is not written.
Metrics AtEqualPrecision(const Cohort& c, int o, const std::vector<double>& score, double target,
                         double* threshold);

// The report of EvaluateFlags, as Markdown tables: the logistic model is
// fitted on the pupils of every cohort in `train` together; every figure is
// on `test`.
std::string EvaluationReport(const std::vector<Cohort>& train, const Cohort& test);

}  // namespace evaluate

}  // namespace lantern

#endif  // LANTERN_FLAGS_EVALUATE_INTERNAL_H_
