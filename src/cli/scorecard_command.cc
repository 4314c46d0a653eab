// lantern scorecard --open-data [DIR] | --store STORE --out OUT: the
// Inclusion and Participation Scorecard for every school (docs/scorecard.md),
// from the Department's published files or from a pupil-level store.
#include <cstdio>

#include "cli/command_registry.h"
#include "lantern/scorecard.h"
#include "reference/real_data.h"

namespace lantern::cli {
namespace {

struct ScorecardArgs {
  std::string open_data;
  bool open_data_given = false;
  std::string store;
  std::string policy;
  std::string out;
  int threads = 0;
  int group_size = 50;
  bool pages = false;
  std::string page_template;
  bool no_json = false;
};

void AddScorecard(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ScorecardArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scorecard",
      "Build the Inclusion and Participation Scorecard for every school: OUT/scorecard.csv "
      "(+ .meta.csv), OUT/similar_schools.csv, OUT/scorecards/URN.json (and, with --pages, "
      "URN.html: the web app's school page as one file that works offline) and "
      "OUT/la_summary.csv. A mirror against similar schools, never a ranking. Example: "
      "lantern scorecard --store out/demo/store --out out/demo/scorecard --pages");
  CLI::Option* od = cmd->add_option("--open-data", args->open_data,
                                    "the real published data folder (default: the one found "
                                    "beside the repository or in $LANTERN_REAL_DATA)")
                        ->expected(0, 1);
  CLI::Option* store = cmd->add_option(
      "--store", args->store,
      "a pupil-level store (pupil-level mode: every indicator the records support, by pupil "
      "group)");
  store->excludes(od);
  cmd->add_option("--policy", args->policy,
                  "pupil-level mode: JSON policy overrides, as for build (docs/definitions.md)");
  cmd->add_option("--out", args->out, "output folder (created if new)")->required();
  cmd->add_option("--threads", args->threads, "worker threads (default: one per core)");
  cmd->add_option("--group-size", args->group_size,
                  "similar schools per school (default 50; docs/benchmarking.md)");
  cmd->add_flag("--pages", args->pages,
                "also write OUT/scorecards/URN.html: each school's page as one offline file "
                "(the web app built by make build, web/dist-single/scorecard.html)");
  cmd->add_option("--page-template", args->page_template,
                  "the offline page template (default: web/dist-single/scorecard.html)");
  cmd->add_flag("--no-json", args->no_json, "do not write the per-school JSON files");
  cmd->callback([args, od, exit_code] {
    ScorecardRunOptions opts;
    opts.engine.similar_group_size = args->group_size;
    opts.engine.threads = args->threads;
    opts.output.out_dir = args->out;
    opts.output.threads = args->threads;
    opts.output.pages = args->pages;
    opts.output.page_template = args->page_template;
    opts.output.json = !args->no_json;
    if (!args->store.empty()) {
      PupilLevelOptions pl;
      pl.policy_file = args->policy;
      pl.threads = args->threads;
      ScorecardReport report;
      Status st = RunPupilLevelScorecard(args->store, pl, opts, &report);
      if (!st.ok()) {
        *exit_code = ReportFailure("scorecard", st);
        return;
      }
      std::printf("lantern scorecard --store %s -> %s\n%s", args->store.c_str(), args->out.c_str(),
                  report.Summary().c_str());
      *exit_code = kExitOk;
      return;
    }
    if (od->count() == 0) {
      *exit_code = ReportFailure(
          "scorecard", Status::InvalidArgument("give --open-data [DIR] or --store STORE"));
      return;
    }
    if (!args->policy.empty()) {
      *exit_code = ReportFailure(
          "scorecard", Status::InvalidArgument("--policy applies to --store (pupil-level mode)"));
      return;
    }
    auto dir = FindRealDataDir(args->open_data);
    if (!dir.ok()) {
      *exit_code = ReportFailure("scorecard", dir.status());
      return;
    }
    opts.open_data_dir = *dir;
    ScorecardReport report;
    Status st = RunOpenDataScorecard(opts, &report);
    if (!st.ok()) {
      *exit_code = ReportFailure("scorecard", st);
      return;
    }
    std::printf("lantern scorecard --open-data %s -> %s\n%s", dir->c_str(), args->out.c_str(),
                report.Summary().c_str());
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"scorecard", 45, AddScorecard});

}  // namespace
}  // namespace lantern::cli
