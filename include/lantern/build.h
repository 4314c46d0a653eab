// Build: every family of published indicators from a store.
//
// The families of the indicator catalogue (docs/indicators.md): attendance
// and absence (definitions.md 1: OUT/attendance.csv) and suspensions and
// permanent exclusions (definitions.md 2: OUT/suspensions.csv), for every
// school, trust, local authority (of the school and of residence), region
// and England, for all pupils and by group and school type, in the
// Department's open-data layout, each with its .meta.csv, after one
// disclosure pass over all of them. OUT/policy.json records the choices
// behind the figures, OUT/build_report.json the counts and timings. Files
// are replaced only when the build succeeds.
#ifndef LANTERN_BUILD_H_
#define LANTERN_BUILD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lantern/outcomes.h"
#include "lantern/status.h"
#include "lantern/store.h"

namespace lantern {

struct BuildOptions {
  std::string store_dir;
  std::string out_dir;
  std::string policy_file;  // optional JSON overrides (docs/definitions.md)
  int threads = 0;          // 0: one per core
  // Count every mark again rather than use the session counts saved when the
  // marks were ingested (the results are the same; this is slower).
  bool full_scan = false;
  // The families to build ("attendance", "suspensions"); empty: every one.
  std::vector<std::string> families;
  // Also the Local Outcomes Framework into this folder (as `lantern outcomes
  // --store`, with `outcomes`' neighbours; user-defined places are not taken
  // here), from the same computation: the facts, the cube and the
  // disclosure pass run once for both (the daily job, `lantern ingest DAY
  // --build OUT --outcomes LOF`). The build's files are the same as without
  // it. Empty: the build alone.
  std::string outcomes_dir;
  PupilLevelOutcomesOptions outcomes;
};

struct BuildFileReport {
  std::string file;  // "attendance.csv"
  uint64_t rows = 0;
  uint64_t cells_suppressed = 0;  // indicator cells published as c
  uint64_t rows_suppressed = 0;   // rows whose row count is c
  double seconds = 0;             // writing it
};

struct BuildReport {
  std::string time_period;
  uint64_t enrolments = 0;         // enrolments in the store
  uint64_t cohort_enrolments = 0;  // counted in the absence statistics
  uint64_t mark_bytes = 0;         // stored marks
  bool used_saved_counts = false;  // the saved per-enrolment counts were used
  std::vector<BuildFileReport> files;
  // Phases: load the store; derive every fact and add it to every cell;
  // choose the cells to suppress; write the files.
  double seconds_load = 0, seconds_aggregate = 0, seconds_suppress = 0, seconds_write = 0;
  double seconds_suppress_groups = 0;  // of seconds_suppress: linking the cells
  double seconds = 0;
  OutcomesReport outcomes;  // with outcomes_dir (its steps are the framework's own)
  std::string Summary() const;
};

// Opens the store, loads it and builds.
Status Build(const BuildOptions& options, BuildReport* report);
// Builds from a store already loaded (options.store_dir is not read).
Status Build(const LoadedStore& store, const BuildOptions& options, BuildReport* report);

}  // namespace lantern

#endif  // LANTERN_BUILD_H_
