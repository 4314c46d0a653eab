// lantern check-published --store STORE --build OUT: a build's school and LA
// absence against the 2018/19 published figures (lantern/published_check.h).
#include <cstdio>

#include "cli/command_registry.h"
#include "lantern/published_check.h"

namespace lantern::cli {
namespace {

struct CheckArgs {
  PublishedCheckOptions options;
  std::string out_dir;
  std::string markdown_file;
  int largest_misses = 10;
};

void AddCheckPublished(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check-published",
      "Set each school's and local authority's overall and persistent absence from a build "
      "against the figures the Department published for 2018/19, with 95% sampling intervals.");
  cmd->footer(
      "Example:\n"
      "  lantern check-published --store out/demo/store --build out/demo/output "
      "--markdown out/demo/published_check.md");
  cmd->add_option("--store", args->options.store_dir, "the store the build read")->required();
  cmd->add_option("--build", args->options.build_dir, "the build's output folder (attendance.csv)")
      ->required();
  cmd->add_option("--out", args->out_dir,
                  "write published_check_schools.csv and published_check_areas.csv here");
  cmd->add_option("--markdown", args->markdown_file,
                  "also write the report (Markdown) to this file");
  cmd->add_option("--real-data", args->options.real_data_dir, "the real-data folder");
  cmd->add_option("--policy", args->options.policy_file,
                  "the policy the build used (default: BUILD/policy.json)");
  cmd->add_option("--largest-misses", args->largest_misses, "schools listed as largest misses");
  cmd->add_option("--estimates", args->options.estimates_file,
                  "KS4: the national P8 estimates (the Department's p8_pupil_coefficients_file "
                  "layout); default: the published 2024 file in the real-data folder; 'cohort': "
                  "from the store");
  cmd->add_flag("!--no-ks4", args->options.ks4, "do not compare the KS4 measures");
  cmd->add_option("--threads", args->options.threads, "worker threads (default: one per core)");
  cmd->callback([args, exit_code] {
    auto report = CheckAgainstPublished(args->options);
    if (!report.ok()) {
      *exit_code = ReportFailure("check-published", report.status());
      return;
    }
    const std::string md = report->Markdown(args->largest_misses);
    std::fputs(md.c_str(), stdout);
    Status st = Status::Ok();
    if (!args->out_dir.empty()) st = WritePublishedCheck(*report, args->out_dir);
    if (st.ok() && !args->markdown_file.empty()) {
      if (FILE* f = std::fopen(args->markdown_file.c_str(), "w")) {
        std::fputs(md.c_str(), f);
        std::fclose(f);
      } else {
        st = Status::IoError("cannot write " + args->markdown_file);
      }
    }
    *exit_code = st.ok() ? kExitOk : ReportFailure("check-published", st);
  });
}

const CommandRegistrar kRegistrar({"check-published", 60, AddCheckPublished});

}  // namespace
}  // namespace lantern::cli
