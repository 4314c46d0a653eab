// The attendance and absence family (definitions.md 1): the measures summed
// over enrolments, and the indicators published from them.
#ifndef LANTERN_INDICATORS_ATTENDANCE_INDICATORS_H_
#define LANTERN_INDICATORS_ATTENDANCE_INDICATORS_H_

#include <array>
#include <cstdint>
#include <span>

#include "derive/enrolment_sessions.h"
#include "indicators/indicator.h"
#include "model/policy.h"

namespace lantern {

// Measures: the session columns, then per-enrolment counts.
enum AttendanceMeasure : int {
  kMeasureEnrolments = kSessionColumns,  // enrolments in the cohort
  kMeasurePersistent,                    // overall absence >= 10% of possible sessions
  kMeasureSevere,                        // overall absence >= 50%
  kAttendanceMeasures,
};

using AttendanceValues = std::array<int64_t, kAttendanceMeasures>;

// The measures of one enrolment; all zero when it has no possible session.
void EnrolmentMeasures(const EnrolmentSessions& s, const Policy& policy, AttendanceValues* out);

std::span<const IndicatorDef> AttendanceIndicators();

}  // namespace lantern

#endif  // LANTERN_INDICATORS_ATTENDANCE_INDICATORS_H_
