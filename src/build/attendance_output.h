// Publishing the attendance family: disclosure control over every cell, then
// OUT/attendance.csv in the Department's open-data layout and
// OUT/attendance.meta.csv describing each column.
#ifndef LANTERN_BUILD_ATTENDANCE_OUTPUT_H_
#define LANTERN_BUILD_ATTENDANCE_OUTPUT_H_

#include <cstdint>
#include <string>

#include "aggregate/attendance_cube.h"
#include "lantern/status.h"
#include "model/policy.h"

namespace lantern {

struct AttendanceOutputStats {
  uint64_t rows = 0;
  uint64_t cells_suppressed = 0;  // indicator cells published as c
  uint64_t rows_suppressed = 0;   // rows whose enrolment count is c
  double seconds_suppress = 0;    // choosing the cells to suppress
};

Status WriteAttendanceOutput(const AttendanceCube& cube, const StoreState& state, AcademicYear year,
                             const Policy& policy, const std::string& out_dir,
                             AttendanceOutputStats* stats);

}  // namespace lantern

#endif  // LANTERN_BUILD_ATTENDANCE_OUTPUT_H_
