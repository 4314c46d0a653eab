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

// For each enrolment: in_cohort (0/1) and the window of dates whose marks
// count: its time on roll within the academic year, ending before the
// second half of the summer term for pupils aged 15. Enrolments outside the
// cohort get an empty window. Ages are at 31 August before the year starts.
void ChooseCohort(const StoreState& s, AcademicYear year, const Policy& policy,
                  std::vector<uint8_t>* in_cohort, std::vector<CountWindow>* windows,
                  int threads = 1);

}  // namespace lantern

#endif  // LANTERN_DERIVE_COHORT_H_
