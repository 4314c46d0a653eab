// "Does it work?": the at-risk rules against later outcomes on a held-out
// cohort, beside a weighted risk-of-NEET score and a logistic model fitted
// on an earlier cohort, at equal precision (docs/early-warning.md).
#ifndef LANTERN_FLAGS_EVALUATE_H_
#define LANTERN_FLAGS_EVALUATE_H_

#include <string>

#include "lantern/status.h"

namespace lantern {

struct EvaluateOptions {
  std::string train_store, train_outcomes;  // the earlier cohort: fits the logistic model
  std::string test_store, test_outcomes;    // the held-out cohort: every figure
  int threads = 0;
};

// The report, as Markdown tables.
Result<std::string> EvaluateFlags(const EvaluateOptions& options);

}  // namespace lantern

#endif  // LANTERN_FLAGS_EVALUATE_H_
