// lantern build --store STORE --out OUT: publish indicators from a store.
#include <cstdio>

#include "cli/command_registry.h"
#include "lantern/build.h"

namespace lantern::cli {
namespace {

void AddBuild(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<BuildOptions>();
  CLI::App* cmd = app.add_subcommand(
      "build",
      "Compute every family of published indicators from STORE (attendance and absence, "
      "suspensions and permanent exclusions: docs/indicators.md) and write OUT/attendance.csv "
      "and OUT/suspensions.csv in the Department's open-data layout, each with its .meta.csv.");
  cmd->add_option("--store", opts->store_dir, "store folder")->required();
  cmd->add_option("--out", opts->out_dir, "output folder (created if new)")->required();
  cmd->add_option("--policy", opts->policy_file, "JSON file overriding policy defaults");
  cmd->add_option("--threads", opts->threads, "worker threads (default: one per core)");
  cmd->add_option("--family", opts->families,
                  "build only this family (attendance, suspensions; repeat for more; default: "
                  "every family)");
  cmd->add_flag("--full", opts->full_scan,
                "count every stored mark again instead of using the counts saved at ingest");
  cmd->footer(
      "Example:\n"
      "  lantern build --store out/demo/store --out out/demo/output --policy policy.json");
  cmd->callback([opts, exit_code] {
    BuildReport report;
    Status st = Build(*opts, &report);
    if (!st.ok()) {
      *exit_code = ReportFailure("build", st);
      return;
    }
    std::printf("lantern build %s -> %s (%s)\n%s", opts->store_dir.c_str(), opts->out_dir.c_str(),
                report.time_period.c_str(), report.Summary().c_str());
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"build", 30, AddBuild});

}  // namespace
}  // namespace lantern::cli
