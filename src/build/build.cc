// Build orchestration: compute every published family's measures (facts,
// the cube and the disclosure pass, compute/compute.h), then write each
// family's file with the one publisher, into a staging folder moved into
// place when every file is written.
#include "lantern/build.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "compute/compute.h"
#include "model/policy.h"
#include "outcomes/pupil_level.h"
#include "publish/open_data_writer.h"
#include "store/loaded_store.h"

namespace lantern {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

Status BuildFromState(const StoreState& state, const Store* store, const Policy& policy,
                      const BuildOptions& options, BuildReport* report) {
  const auto started = Clock::now();
  if (!state.year) {
    return Status::FailedPrecondition(options.store_dir +
                                      " has no attendance marks yet, so no academic year");
  }
  LANTERN_ASSIGN_OR_RETURN(const Catalogue* catalogue, DefaultCatalogue());
  report->time_period = state.year->TimePeriod();
  report->enrolments = state.enrolments.size();
  report->mark_bytes = state.marks.MarkBytes();

  // Every family with a file.
  std::vector<const Family*> families;
  ComputeRequest request;
  request.state = &state;
  request.store = store;
  request.policy = &policy;
  request.catalogue = catalogue;
  request.full_scan = options.full_scan;
  request.intervals = false;
  request.threads = options.threads;
  for (const std::string& id : options.families) {
    const Family* f = catalogue->FindFamily(id);
    if (f == nullptr || f->decl->file.empty()) {
      std::string known;
      for (const Family& g : catalogue->families()) {
        if (!g.decl->file.empty()) known += (known.empty() ? "" : ", ") + std::string(g.decl->id);
      }
      return Status::InvalidArgument("no family '" + id + "' to build (there are: " + known + ")");
    }
  }
  for (const Family& f : catalogue->families()) {
    if (f.decl->file.empty()) continue;
    if (!options.families.empty() && std::find(options.families.begin(), options.families.end(),
                                               f.decl->id) == options.families.end()) {
      continue;
    }
    families.push_back(&f);
    request.indicators.insert(request.indicators.end(), f.indicators.begin(), f.indicators.end());
    request.extra.push_back(f.row_count);
  }
  const bool framework = !options.outcomes_dir.empty();
  if (framework) {
    if (!options.outcomes.places_file.empty()) {
      return Status::InvalidArgument(
          "a build does not take user-defined places: run lantern outcomes --store with --places");
    }
    LANTERN_RETURN_IF_ERROR(outcomes::AddFrameworkMeasures(*catalogue, &request));
  }
  LANTERN_ASSIGN_OR_RETURN(Computation c, Compute(request));
  report->used_saved_counts = c.used_saved_counts;
  report->seconds_aggregate = c.seconds_aggregate;
  report->seconds_suppress = c.seconds_suppress;
  report->seconds_suppress_groups = c.flags.seconds_groups();
  if (auto enrolments = catalogue->FindMeasure("enrolments")) {
    const int m = c.Index(*enrolments);
    for (size_t s = 0; m >= 0 && s < c.cube.schools(); ++s) {
      if (c.cube.school_type(s) >= 0) {
        report->cohort_enrolments +=
            static_cast<uint64_t>(c.cube.SchoolValue(s, 0, static_cast<size_t>(m)));
      }
    }
  }

  // Written into a staging folder, then moved into place together.
  const auto t = Clock::now();
  std::vector<std::string> recycled;
  for (const Family* f : families) recycled.emplace_back(f->decl->file);
  LANTERN_ASSIGN_OR_RETURN(auto out, StagedFolder::Open(options.out_dir, recycled));
  const std::string& staging = out->dir();
  Status st;
  for (const Family* f : families) {
    OpenDataInput in;
    in.catalogue = catalogue;
    in.family = f;
    in.cube = &c.cube;
    in.measures = c.where.get();
    in.flags = &c.flags;
    in.state = &state;
    in.policy = &policy;
    in.time_period = state.year->TimePeriod();
    in.threads = options.threads;
    OpenDataStats stats;
    const auto file_started = Clock::now();
    st = WriteOpenDataFile(in, staging, &stats);
    if (!st.ok()) break;
    report->files.push_back({std::string(f->decl->file), stats.rows, stats.cells_suppressed,
                             stats.rows_suppressed, Since(file_started)});
  }
  if (st.ok()) st = WriteFileAtomic(staging + "/policy.json", PolicyToJson(policy) + "\n");
  report->seconds_write = Since(t);
  report->seconds += Since(started);
  if (st.ok()) {
    nlohmann::json j;
    j["time_period"] = report->time_period;
    j["store_generation"] = store ? store->generation() : 0;
    j["enrolments"] = report->enrolments;
    j["cohort_enrolments"] = report->cohort_enrolments;
    j["mark_bytes"] = report->mark_bytes;
    j["used_saved_counts"] = report->used_saved_counts;
    for (const BuildFileReport& f : report->files) {
      j["files"][f.file] = {{"rows", f.rows},
                            {"cells_suppressed", f.cells_suppressed},
                            {"rows_suppressed", f.rows_suppressed},
                            {"seconds", f.seconds}};
    }
    j["seconds"] = {{"load", report->seconds_load},
                    {"aggregate", report->seconds_aggregate},
                    {"suppress", report->seconds_suppress},
                    {"suppress_groups", report->seconds_suppress_groups},
                    {"write", report->seconds_write},
                    {"total", report->seconds}};
    st = WriteFileAtomic(staging + "/build_report.json", j.dump(2) + "\n");
  }
  LANTERN_RETURN_IF_ERROR(st);
  LANTERN_RETURN_IF_ERROR(out->Commit());
  if (framework) {
    const auto framework_started = Clock::now();
    report->outcomes = OutcomesReport();
    // The framework's movement.csv is the build's, from the same computation.
    const std::string movement_file(catalogue->FindFamily("movement")->decl->file);
    outcomes::WrittenFile movement{options.out_dir + "/" + movement_file, 0};
    const auto written =
        std::find_if(report->files.begin(), report->files.end(),
                     [&](const BuildFileReport& f) { return f.file == movement_file; });
    if (written != report->files.end()) movement.rows = written->rows;
    st = outcomes::WriteFramework(
        state, policy, *catalogue, c, outcomes::UserPlaces(), options.outcomes,
        options.outcomes_dir, &report->outcomes,
        {.movement_written = written != report->files.end() ? &movement : nullptr});
    report->outcomes.seconds = Since(framework_started);
    if (!st.ok()) {
      return Status(st.code(), fmt::format("the build's files are in {}, but the place measures "
                                           "could not be written to {}: {}",
                                           options.out_dir, options.outcomes_dir, st.message()));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string BuildReport::Summary() const {
  std::string s = fmt::format("  {} enrolments, {} in the absence cohort; {:.1f} MB of marks{}\n",
                              enrolments, cohort_enrolments, static_cast<double>(mark_bytes) / 1e6,
                              used_saved_counts ? " (saved counts used)" : " read");
  for (const BuildFileReport& f : files) {
    s += fmt::format("  {}: {} rows, {} cells suppressed (c), written in {:.2f} s\n", f.file,
                     f.rows, f.cells_suppressed, f.seconds);
  }
  s += fmt::format(
      "  time: load {:.2f} s, facts and cube {:.2f} s, suppress {:.2f} s (linking cells "
      "{:.2f} s), write {:.2f} s, total {:.2f} s\n",
      seconds_load, seconds_aggregate, seconds_suppress, seconds_suppress_groups, seconds_write,
      seconds);
  return s;
}

Status Build(const LoadedStore& store, const BuildOptions& options, BuildReport* report) {
  *report = BuildReport();
  LANTERN_ASSIGN_OR_RETURN(Policy policy, LoadPolicyOrDefault(options.policy_file));
  const LoadedStore::Impl& s = store.impl();
  return BuildFromState(s.state, s.store.get(), policy, options, report);
}

Status Build(const BuildOptions& options, BuildReport* report) {
  const auto started = Clock::now();
  *report = BuildReport();
  LANTERN_ASSIGN_OR_RETURN(Policy policy, LoadPolicyOrDefault(options.policy_file));
  LANTERN_ASSIGN_OR_RETURN(auto store, LoadedStore::Open(options.store_dir, options.threads));
  const double load = Since(started);
  const LoadedStore::Impl& s = store->impl();
  Status st = BuildFromState(s.state, s.store.get(), policy, options, report);
  report->seconds_load = load;
  report->seconds += load;
  return st;
}

}  // namespace lantern
