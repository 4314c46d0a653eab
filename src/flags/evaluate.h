// "Does it work?": the at-risk rules against later outcomes on a held-out
// cohort, beside a weighted risk-of-NEET score and a logistic model fitted
// on earlier cohorts, at equal precision (docs/early-warning.md).
#ifndef LANTERN_FLAGS_EVALUATE_H_
#define LANTERN_FLAGS_EVALUATE_H_

#include <string>
#include <vector>

#include "lantern/status.h"

namespace lantern {

struct EvaluateOptions {
  // The earlier cohorts (one or more, each a store and its outcomes, in
  // the same order): the logistic model is fitted on all of them together.
  std::vector<std::string> train_stores, train_outcomes;
  std::string test_store, test_outcomes;  // the held-out cohort: every figure
  int threads = 0;
};

// The report, as Markdown tables: per trigger and for the rule set,
// recall, precision and weeks ahead for each outcome; the same by pupil
// group; the comparators at the rule set's precision. Each store needs its
// flag history. Fails when a store cannot be read, has no flag history, an
// outcomes file lacks upn, outcome and date, or train_stores is empty or
// not the length of train_outcomes.
Result<std::string> EvaluateFlags(const EvaluateOptions& options);

}  // namespace lantern

#endif  // LANTERN_FLAGS_EVALUATE_H_
