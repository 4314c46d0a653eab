// Aggregation of per-enrolment attendance measures into every published
// cell: each school, trust, local authority (where the school is, and where
// the pupil lives), region and England; by school type and pupil group.
#ifndef LANTERN_AGGREGATE_ATTENDANCE_CUBE_H_
#define LANTERN_AGGREGATE_ATTENDANCE_CUBE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/fill_array.h"
#include "derive/cohort.h"
#include "derive/enrolment_sessions.h"
#include "indicators/attendance_indicators.h"
#include "model/codes.h"
#include "model/policy.h"
#include "publish/ees_geography.h"
#include "store/store.h"

namespace lantern {

// School types reported (EES filter school_type). Index 0 is "Total": the
// headline types added together (definitions.md 1.2; PRUs per policy).
constexpr int kReportTypes = 5;  // Total, primary, secondary, special, PRU
std::string_view ReportTypeLabel(int type);
// The report type of a school, or -1 for types outside the absence statistics.
int ReportTypeOf(SchoolType t);

enum class LocationBasis : uint8_t { kSchool, kResidence };
std::string_view LocationBasisLabel(LocationBasis b);

// A geographic unit above the school.
struct AggregateUnit {
  GeographyRow geography;
  LocationBasis basis = LocationBasis::kSchool;
  int parent = -1;  // the unit whose cells these add up to, or -1
};

struct AttendanceCube {
  int categories = 0;
  // Schools: [school][category][measure]; a school reports under its own type.
  // 32 bits: a school's cell is at most its enrolments times 2 x 366
  // sessions, far below 2^31 (half the memory of 64-bit cells, and twice as
  // many cells per vector addition).
  FillArray<int32_t> school;
  std::vector<int> school_type;              // report type per school, -1 if not reported
  std::vector<int> school_trust, school_la;  // aggregate unit of each school, or -1
  // Aggregates: [unit][type][category][measure], and schools counted per cell.
  std::vector<AggregateUnit> units;
  FillArray<int64_t> aggregate;
  std::vector<int32_t> aggregate_schools;  // -1 where not counted (residence)
  uint64_t enrolments_counted = 0;         // cohort enrolments with a possible session

  int32_t* School(size_t s, int cat) {
    return &school[(s * static_cast<size_t>(categories) + static_cast<size_t>(cat)) *
                   kAttendanceMeasures];
  }
  const int32_t* School(size_t s, int cat) const {
    return &school[(s * static_cast<size_t>(categories) + static_cast<size_t>(cat)) *
                   kAttendanceMeasures];
  }
  size_t AggregateIndex(size_t unit, int type, int cat) const {
    return (unit * kReportTypes + static_cast<size_t>(type)) * static_cast<size_t>(categories) +
           static_cast<size_t>(cat);
  }
  int64_t* Aggregate(size_t unit, int type, int cat) {
    return &aggregate[AggregateIndex(unit, type, cat) * kAttendanceMeasures];
  }
  const int64_t* Aggregate(size_t unit, int type, int cat) const {
    return &aggregate[AggregateIndex(unit, type, cat) * kAttendanceMeasures];
  }
};

struct CubeInputs {
  const StoreState* state;
  AcademicYear year;
  const Policy* policy;
  const CohortRule* cohort;       // which enrolments count, and which dates
  const SessionCounter* counter;  // counts each enrolment's marks
  int threads = 2;
};

// Asks each enrolment's cohort window and counts its sessions as it is added
// (no vector of every enrolment's windows or counts is kept), and adds its
// measures to every cell.

AttendanceCube BuildAttendanceCube(const CubeInputs& in);

}  // namespace lantern

#endif  // LANTERN_AGGREGATE_ATTENDANCE_CUBE_H_
