// lantern outcomes --open-data [DIR] | --store STORE --out OUT: the Local
// Outcomes Framework (docs/local-outcomes.md), from the Department's
// published LA files or from a pupil-level store.
#include <cstdio>

#include "cli/audit_read.h"
#include "cli/command_registry.h"
#include "lantern/outcomes.h"
#include "model/policy.h"
#include "reference/real_data.h"

namespace lantern::cli {
namespace {

struct OutcomesArgs {
  std::string open_data;
  std::string store;
  std::string policy;
  std::string places;
  std::vector<std::string> earlier;
  std::string out;
  int threads = 0;
};

void AddOutcomes(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<OutcomesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "outcomes",
      "Build the Local Outcomes Framework: how well each place serves all its young people. "
      "OUT/local_outcomes.csv (+ .meta.csv): one row per place x period x measure x group, "
      "with its interval, England, the region, the ten statistical neighbours and the gap to "
      "the group's peers. With --store also OUT/movement.csv, OUT/movement_flows.csv (each "
      "LA's exits between trusts and out of education), OUT/unexplained_exits.csv, "
      "OUT/trust_contribution.csv, OUT/net_flows.csv (each school's and trust's joiners and "
      "leavers of each group against its place's) and the pupil-level "
      "OUT/children_missing_education.csv "
      "(for the home LA only). Examples: lantern outcomes --open-data --out out/outcomes; "
      "lantern outcomes --store out/demo/store --out out/demo/outcomes --places places.csv "
      "--earlier-store out/2017/store");
  CLI::Option* od = cmd->add_option("--open-data", args->open_data,
                                    "the real published data folder (default: the one found "
                                    "beside the repository or in $LANTERN_REAL_DATA)")
                        ->expected(0, 1);
  CLI::Option* store =
      cmd->add_option("--store", args->store, "a pupil-level store (pupil-level mode)");
  store->excludes(od);
  cmd->add_option("--policy", args->policy,
                  "JSON policy overrides (the disclosure threshold; pupil-level mode: the CME "
                  "window, docs/local-outcomes.md)");
  cmd->add_option("--places", args->places,
                  "pupil-level mode: user-defined places, a CSV of place_code, place_name, kind "
                  "(la, school or postcode_district), member (docs/local-outcomes.md)");
  cmd->add_option(
      "--earlier-store", args->earlier,
      "pupil-level mode: an earlier year's store, whose framework rows are added to "
      "local_outcomes.csv for the trend (repeat for more years, in any order: they run oldest "
      "first, each year's NEET at 16-17 from the year before's store when given)");
  cmd->add_option("--out", args->out, "output folder (created if new)")->required();
  cmd->add_option("--threads", args->threads, "worker threads (default: one per core)");
  cmd->callback([args, od, exit_code] {
    OutcomesReport report;
    if (!args->store.empty()) {
      PupilLevelOutcomesOptions o;
      o.policy_file = args->policy;
      o.places_file = args->places;
      o.earlier_stores = args->earlier;
      o.threads = args->threads;
      auto real = FindRealDataDir("");
      if (real.ok()) o.real_data_dir = *real;
      // The case list of children missing education is pupil-level.
      Status st = AuditCommandRead(args->store, "lantern outcomes --store",
                                   "children_missing_education.csv to " + args->out);
      for (const std::string& earlier : args->earlier) {
        if (st.ok()) {
          st = AuditCommandRead(earlier, "lantern outcomes --earlier-store",
                                "local_outcomes.csv rows to " + args->out);
        }
      }
      if (st.ok()) st = RunPupilLevelOutcomes(args->store, o, args->out, &report);
      if (!st.ok()) {
        *exit_code = ReportFailure("outcomes", st);
        return;
      }
      std::printf("lantern outcomes --store %s -> %s\n%s", args->store.c_str(), args->out.c_str(),
                  report.Summary().c_str());
      *exit_code = kExitOk;
      return;
    }
    if (od->count() == 0) {
      *exit_code = ReportFailure(
          "outcomes", Status::InvalidArgument("give --open-data [DIR] or --store STORE"));
      return;
    }
    if (!args->places.empty() || !args->earlier.empty()) {
      *exit_code = ReportFailure(
          "outcomes", Status::InvalidArgument(
                          "--places and --earlier-store apply to --store (pupil-level mode)"));
      return;
    }
    auto policy = LoadPolicyOrDefault(args->policy);
    if (!policy.ok()) {
      *exit_code = ReportFailure("outcomes", policy.status());
      return;
    }
    auto dir = FindRealDataDir(args->open_data);
    if (!dir.ok()) {
      *exit_code = ReportFailure("outcomes", dir.status());
      return;
    }
    Status st = RunOpenDataOutcomes(*dir, args->out, policy->suppress_below, &report);
    if (!st.ok()) {
      *exit_code = ReportFailure("outcomes", st);
      return;
    }
    std::printf("lantern outcomes --open-data %s -> %s\n%s", dir->c_str(), args->out.c_str(),
                report.Summary().c_str());
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"outcomes", 47, AddOutcomes});

}  // namespace
}  // namespace lantern::cli
