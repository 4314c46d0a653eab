// Build: compute published indicators from a store.
//
// Today the attendance and absence family (definitions.md 1): possible
// sessions, overall/authorised/unauthorised absence, persistent (10%+) and
// severe (50%+) absence, reasons, by school, trust, local authority (of the
// school and of residence), region and England, for all pupils and by group,
// in the Department's open-data layout, with disclosure control applied.
// Outputs: OUT/attendance.csv, OUT/attendance.meta.csv, OUT/policy.json,
// OUT/build_report.json. Files are replaced only when the build succeeds.
#ifndef LANTERN_BUILD_H_
#define LANTERN_BUILD_H_

#include <cstdint>
#include <string>

#include "lantern/status.h"

namespace lantern {

struct BuildOptions {
  std::string store_dir;
  std::string out_dir;
  std::string policy_file;  // optional JSON overrides (docs/definitions.md)
  int threads = 0;          // 0: one per core
  // Count every mark again rather than use the session counts saved when the
  // marks were ingested (the results are the same; this is slower).
  bool full_scan = false;
};

struct BuildReport {
  std::string time_period;
  uint64_t enrolments = 0;         // enrolments in the store
  uint64_t cohort_enrolments = 0;  // counted in the absence statistics
  uint64_t mark_bytes = 0;         // stored marks
  bool used_saved_counts = false;  // the saved per-enrolment counts were used
  uint64_t rows = 0;               // rows in attendance.csv
  uint64_t cells_suppressed = 0;
  // Phases: load the store; ask each enrolment's cohort window, count its
  // marks and add it to every cell; choose the cells to suppress (part of
  // seconds_write); write the files.
  double seconds_load = 0, seconds_aggregate = 0, seconds_write = 0;
  double seconds_suppress = 0;
  double seconds = 0;
  std::string Summary() const;
};

Status Build(const BuildOptions& options, BuildReport* report);

}  // namespace lantern

#endif  // LANTERN_BUILD_H_
