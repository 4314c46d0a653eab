// Build orchestration: load the store, choose the cohort, count each
// enrolment's sessions, aggregate, suppress, publish.
#include "lantern/build.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "aggregate/attendance_cube.h"
#include "build/attendance_output.h"
#include "build/build_internal.h"
#include "common/file_util.h"
#include "derive/cohort.h"
#include "derive/enrolment_sessions.h"
#include "derive/sessions_summary.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

std::string BuildReport::Summary() const {
  return fmt::format(
      "  {} enrolments, {} in the absence cohort; {:.1f} MB of marks{}\n"
      "  attendance.csv: {} rows, {} cells suppressed (c)\n"
      "  time: load {:.2f} s, count and aggregate {:.2f} s, suppress {:.2f} s, write {:.2f} s, "
      "total {:.2f} s\n",
      enrolments, cohort_enrolments, static_cast<double>(mark_bytes) / 1e6,
      used_saved_counts ? " (saved counts used for the block)" : " read", rows, cells_suppressed,
      seconds_load, seconds_aggregate, seconds_suppress, seconds_write - seconds_suppress, seconds);
}

namespace {

// The big output files are recycled: the one a build replaces is kept in
// OUT/.spare and becomes the next build's file, written over in place. A
// daily rebuild then rewrites pages the system already holds instead of
// freeing one file's pages and allocating another's (on this project's
// benchmark machine that halves the time to write attendance.csv).
constexpr const char* kRecycledOutputs[] = {"attendance.csv"};

void RecycleSpares(const std::string& out_dir, const std::string& staging) {
  std::error_code ec;
  for (const char* name : kRecycledOutputs) {
    const fs::path spare = fs::path(out_dir) / ".spare" / name;
    if (fs::exists(spare, ec)) fs::rename(spare, fs::path(staging) / name, ec);
  }
}

// Before the new files replace the old: a second name for each old file, so
// it survives the replacement as the spare. Readers of OUT never see a
// missing or partial file.
void KeepSpares(const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(fs::path(out_dir) / ".spare", ec);
  for (const char* name : kRecycledOutputs) {
    const fs::path live = fs::path(out_dir) / name, spare = fs::path(out_dir) / ".spare" / name;
    fs::remove(spare, ec);
    if (fs::exists(live, ec)) fs::create_hard_link(live, spare, ec);
  }
}

}  // namespace

Status BuildFromState(const StoreState& state, const Store* store, const Policy& policy,
                      const BuildOptions& options, BuildReport* report) {
  const uint64_t generation = store ? store->generation() : 0;
  const auto started = Clock::now();
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!state.year) {
    return Status::FailedPrecondition(options.store_dir +
                                      " has no attendance marks yet, so no academic year");
  }
  const AcademicYear year = *state.year;
  report->time_period = year.TimePeriod();
  report->enrolments = state.enrolments.size();
  report->mark_bytes = state.marks.MarkBytes();

  // Each enrolment's cohort window is asked, and its marks counted, as the
  // aggregation reaches it.
  auto t = Clock::now();
  const CodeTreatments treatments = policy.Treatments();
  SavedCounts saved;
  if (!options.full_scan && store != nullptr)
    saved = OpenSavedCounts(*store, state.marks, treatments);
  const SessionCounter counter(state.marks, treatments, saved.summary.get(), saved.block);
  report->used_saved_counts = counter.uses_saved_counts();
  const CohortRule cohort(state, year, policy);
  CubeInputs in{&state, year, &policy, &cohort, &counter, threads};
  AttendanceCube cube = BuildAttendanceCube(in);
  report->cohort_enrolments = cube.enrolments_counted;
  report->seconds_aggregate = Since(t);

  // Write into a staging folder, then move the files into place together.
  t = Clock::now();
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec)
    return Status::IoError(fmt::format("cannot create {}: {}", options.out_dir, ec.message()));
  const std::string staging = fmt::format("{}/.staging-{}", options.out_dir, ::getpid());
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  RecycleSpares(options.out_dir, staging);
  AttendanceOutputStats stats;
  Status st = WriteAttendanceOutput(cube, state, year, policy, staging, &stats);
  if (st.ok()) st = WriteFileAtomic(staging + "/policy.json", PolicyToJson(policy) + "\n");
  report->rows = stats.rows;
  report->cells_suppressed = stats.cells_suppressed;
  report->seconds_suppress = stats.seconds_suppress;
  report->seconds_write = Since(t);
  report->seconds += Since(started);
  if (st.ok()) {
    nlohmann::json j;
    j["time_period"] = report->time_period;
    j["store_generation"] = generation;
    j["enrolments"] = report->enrolments;
    j["cohort_enrolments"] = report->cohort_enrolments;
    j["mark_bytes"] = report->mark_bytes;
    j["used_saved_counts"] = report->used_saved_counts;
    j["rows"] = report->rows;
    j["cells_suppressed"] = report->cells_suppressed;
    j["rows_suppressed"] = stats.rows_suppressed;
    j["seconds"] = {{"load", report->seconds_load},
                    {"aggregate", report->seconds_aggregate},
                    {"suppress", report->seconds_suppress},
                    {"write", report->seconds_write - report->seconds_suppress},
                    {"total", report->seconds}};
    st = WriteFileAtomic(staging + "/build_report.json", j.dump(2) + "\n");
  }
  if (!st.ok()) {
    fs::remove_all(staging, ec);
    return st;
  }
  KeepSpares(options.out_dir);
  for (const auto& entry : fs::directory_iterator(staging, ec)) {
    fs::rename(entry.path(), fs::path(options.out_dir) / entry.path().filename(), ec);
    if (ec)
      return Status::IoError(
          fmt::format("cannot move {} into place: {}", entry.path().string(), ec.message()));
  }
  fs::remove_all(staging, ec);
  return Status::Ok();
}

Status Build(const BuildOptions& options, BuildReport* report) {
  const auto started = Clock::now();
  *report = BuildReport();
  Policy policy;
  if (!options.policy_file.empty()) {
    LANTERN_ASSIGN_OR_RETURN(policy, LoadPolicy(options.policy_file));
  }
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(options.store_dir, Store::Mode::kRead));
  if (store->empty()) return Status::NotFound(options.store_dir + " holds no data yet");
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load());
  report->seconds_load = Since(started);
  report->seconds = report->seconds_load;
  return BuildFromState(state, store.get(), policy, options, report);
}

}  // namespace lantern
