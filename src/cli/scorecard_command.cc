// lantern scorecard --open-data [DIR] --out OUT: the Inclusion and
// Participation Scorecard for every school (docs/scorecard.md).
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
  std::string out;
  int threads = 0;
  int group_size = 50;
  bool no_html = false;
  bool no_json = false;
};

void AddScorecard(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ScorecardArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scorecard",
      "Build the Inclusion and Participation Scorecard for every school: OUT/scorecard.csv "
      "(+ .meta.csv), OUT/similar_schools.csv, OUT/scorecards/URN.{html,json}, "
      "OUT/la_summary.csv and OUT/la/<code>.html. A mirror against similar schools, never a "
      "ranking.");
  CLI::Option* od = cmd->add_option("--open-data", args->open_data,
                                    "the real published data folder (default: the one found "
                                    "beside the repository or in $LANTERN_REAL_DATA)")
                        ->expected(0, 1);
  cmd->add_option("--store", args->store,
                  "a pupil-level store (pupil-level mode: not yet available)");
  cmd->add_option("--out", args->out, "output folder (created if new)")->required();
  cmd->add_option("--threads", args->threads, "worker threads (default: one per core)");
  cmd->add_option("--group-size", args->group_size,
                  "similar schools per school (default 50; docs/benchmarking.md)");
  cmd->add_flag("--no-html", args->no_html, "do not write the HTML pages");
  cmd->add_flag("--no-json", args->no_json, "do not write the per-school JSON files");
  cmd->callback([args, od, exit_code] {
    if (!args->store.empty()) {
      *exit_code = ReportFailure(
          "scorecard",
          Status::InvalidArgument("--store (pupil-level mode) is not yet available; use "
                                  "--open-data"));
      return;
    }
    if (od->count() == 0) {
      *exit_code = ReportFailure(
          "scorecard", Status::InvalidArgument("give --open-data [DIR] (the only mode today)"));
      return;
    }
    auto dir = FindRealDataDir(args->open_data);
    if (!dir.ok()) {
      *exit_code = ReportFailure("scorecard", dir.status());
      return;
    }
    ScorecardRunOptions opts;
    opts.open_data_dir = *dir;
    opts.engine.similar_group_size = args->group_size;
    opts.engine.threads = args->threads;
    opts.output.out_dir = args->out;
    opts.output.threads = args->threads;
    opts.output.html = !args->no_html;
    opts.output.json = !args->no_json;
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
