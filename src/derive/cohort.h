// Which enrolments count in the absence statistics, and which dates of each
// (definitions.md 1.1-1.2; the [U] choices are in Policy).
#ifndef LANTERN_DERIVE_COHORT_H_
#define LANTERN_DERIVE_COHORT_H_

#include <cstdint>
#include <vector>

#include "derive/enrolment_sessions.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

// Whether an enrolment counts in the absence statistics, and the window of
// dates whose marks count: its time on roll within the academic year, ending
// before the second half of the summer term for pupils aged 15. Ages are at
// 31 August before the year starts. Cheap to ask per enrolment, so the build
// asks as it aggregates rather than keeping a vector for every enrolment.
class CohortRule {
 public:
  CohortRule(const StoreState& s, AcademicYear year, const Policy& policy);
  // Counting only the dates [first, last] of the year (a term, or the year
  // to date).
  CohortRule(const StoreState& s, AcademicYear year, const Policy& policy, Date first, Date last);
  // False (and an empty window) for an enrolment outside the cohort.
  bool Window(size_t enrolment, CountWindow* window) const;

 private:
  const StoreState& s_;
  const Policy& policy_;
  int32_t first_, last_, study_leave_;
  int32_t oldest_birth_, youngest_birth_, age16_birth_, age15_birth_;
};

// For each enrolment: in_cohort (0/1) and the window of dates whose marks
// count: its time on roll within the academic year, ending before the
// second half of the summer term for pupils aged 15. Enrolments outside the
// cohort get an empty window. Ages are at 31 August before the year starts.
void ChooseCohort(const StoreState& s, AcademicYear year, const Policy& policy,
                  std::vector<uint8_t>* in_cohort, std::vector<CountWindow>* windows,
                  int threads = 1);

}  // namespace lantern

#endif  // LANTERN_DERIVE_COHORT_H_
