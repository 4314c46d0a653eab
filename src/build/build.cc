// Build orchestration: load the store, choose the cohort, count each
// enrolment's sessions, aggregate, suppress, publish.
#include "lantern/build.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aggregate/attendance_cube.h"
#include "build/attendance_output.h"
#include "common/file_util.h"
#include "derive/enrolment_sessions.h"
#include "model/policy.h"
#include "build/build_internal.h"
#include "store/store.h"

namespace lantern {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Whether each enrolment counts in the absence statistics, and the dates
// whose marks count (definitions.md 1.1-1.2).
void ChooseCohort(const StoreState& s, AcademicYear year, const Policy& policy,
                  std::vector<uint8_t>* in_cohort, std::vector<CountWindow>* windows) {
  const EnrolmentTable& e = s.enrolments;
  const int32_t first = year.FirstDay().days, last = year.LastDay().days;
  const int32_t study_leave = policy.SummerSecondHalfStart(year).days;
  in_cohort->assign(e.size(), 0);
  windows->assign(e.size(), CountWindow{1, 0});
  for (size_t i = 0; i < e.size(); ++i) {
    const SchoolType type = s.schools.school_type(e.school[i]);
    if (type == SchoolType::kNursery) continue;
    const auto status = static_cast<EnrolStatus>(e.status[i]);
    if (status == EnrolStatus::kSubsidiary && policy.exclude_subsidiary_dual) continue;
    if (status == EnrolStatus::kGuest && policy.exclude_guest) continue;
    if (e.boarder[i] && policy.exclude_boarders) continue;
    const int age = year.AgeAtStart(Date{s.pupils.birth_date[e.pupil[i]]});
    if (age < policy.cohort_min_age || age > policy.cohort_max_age) continue;
    CountWindow w{std::max(first, e.entry_date[i]), std::min(last, e.leaving_date[i])};
    // Study leave: pupils aged 15 lose the second half of the summer term.
    if (age == 15) w.last = std::min(w.last, study_leave - 1);
    if (w.first > w.last) continue;
    (*in_cohort)[i] = 1;
    (*windows)[i] = w;
  }
}

}  // namespace

std::string BuildReport::Summary() const {
  return fmt::format(
      "  {} enrolments, {} in the absence cohort; {:.1f} MB of marks read\n"
      "  attendance.csv: {} rows, {} cells suppressed (c)\n"
      "  time: load {:.2f} s, count {:.2f} s, aggregate {:.2f} s, write {:.2f} s, total {:.2f} s\n",
      enrolments, cohort_enrolments, static_cast<double>(mark_bytes) / 1e6, rows,
      cells_suppressed, seconds_load, seconds_count, seconds_aggregate, seconds_write, seconds);
}

Status BuildFromState(const StoreState& state, uint64_t generation, const Policy& policy,
                      const BuildOptions& options, BuildReport* report) {
  const auto started = Clock::now();
  const int threads = options.threads > 0 ? options.threads
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!state.year) {
    return Status::FailedPrecondition(options.store_dir +
                                      " has no attendance marks yet, so no academic year");
  }
  const AcademicYear year = *state.year;
  report->time_period = year.TimePeriod();
  report->enrolments = state.enrolments.size();
  report->mark_bytes = state.marks.MarkBytes();

  auto t = Clock::now();
  std::vector<uint8_t> in_cohort;
  std::vector<CountWindow> windows;
  ChooseCohort(state, year, policy, &in_cohort, &windows);
  std::vector<EnrolmentSessions> sessions = CountEnrolmentSessions(state.marks, windows, threads);
  report->seconds_count = Since(t);

  t = Clock::now();
  CubeInputs in{&state, year, &policy, sessions, in_cohort, threads};
  AttendanceCube cube = BuildAttendanceCube(in);
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (in_cohort[i] && sessions[i].n[kSessPossible] > 0) ++report->cohort_enrolments;
  }
  report->seconds_aggregate = Since(t);

  // Write into a staging folder, then move the files into place together.
  t = Clock::now();
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", options.out_dir, ec.message()));
  const std::string staging = fmt::format("{}/.staging-{}", options.out_dir, ::getpid());
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  AttendanceOutputStats stats;
  Status st = WriteAttendanceOutput(cube, state, year, policy, staging, &stats);
  if (st.ok()) st = WriteFileAtomic(staging + "/policy.json", PolicyToJson(policy) + "\n");
  report->rows = stats.rows;
  report->cells_suppressed = stats.cells_suppressed;
  report->seconds_write = Since(t);
  report->seconds += Since(started);
  if (st.ok()) {
    nlohmann::json j;
    j["time_period"] = report->time_period;
    j["store_generation"] = generation;
    j["enrolments"] = report->enrolments;
    j["cohort_enrolments"] = report->cohort_enrolments;
    j["mark_bytes"] = report->mark_bytes;
    j["rows"] = report->rows;
    j["cells_suppressed"] = report->cells_suppressed;
    j["rows_suppressed"] = stats.rows_suppressed;
    j["seconds"] = {{"load", report->seconds_load},
                    {"count", report->seconds_count},
                    {"aggregate", report->seconds_aggregate},
                    {"write", report->seconds_write},
                    {"total", report->seconds}};
    st = WriteFileAtomic(staging + "/build_report.json", j.dump(2) + "\n");
  }
  if (!st.ok()) {
    fs::remove_all(staging, ec);
    return st;
  }
  for (const auto& entry : fs::directory_iterator(staging, ec)) {
    fs::rename(entry.path(), fs::path(options.out_dir) / entry.path().filename(), ec);
    if (ec) return Status::IoError(fmt::format("cannot move {} into place: {}", entry.path().string(), ec.message()));
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
  LANTERN_RETURN_IF_ERROR(ApplyPolicy(policy));
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(options.store_dir, Store::Mode::kRead));
  if (store->empty()) return Status::NotFound(options.store_dir + " holds no data yet");
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load());
  report->seconds_load = Since(started);
  report->seconds = report->seconds_load;
  return BuildFromState(state, store->generation(), policy, options, report);
}

}  // namespace lantern
