// lantern generate: synthetic pupil-level input files for real schools.
#include <unistd.h>

#include <cstdio>

#include "cli/command_registry.h"
#include "lantern/generate.h"

namespace lantern::cli {
namespace {

void AddGenerate(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<GenerateOptions>();
  auto scale = std::make_shared<std::string>("la");
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Generate realistic pupil-level input files (docs/input-schema.md) for the real schools of "
      "one or more LAs, a region or England, calibrated to published 2018/19 figures "
      "(docs/generator.md). Deterministic for a seed, whatever the thread count.");
  cmd->footer(
      "Examples:\n"
      "  lantern generate --scale la --la 805 --seed 7 --out in805\n"
      "  lantern generate --scale national --seed 1 --form long --day 2019-03-14 --out day");
  cmd->add_option("--scale", *scale, "la, region or national")
      ->check(CLI::IsMember({"la", "region", "national"}));
  cmd->add_option("--la", opts->la_codes, "DfE LA number, e.g. 805 (repeatable)");
  cmd->add_option("--region", opts->region, "region name or E12 code, e.g. \"North East\"");
  cmd->add_option("--seed", opts->seed, "random seed")->required();
  cmd->add_option("--out", opts->out_dir, "output folder")->required();
  cmd->add_flag("--with-errors", opts->with_errors,
                "append known bad rows and list them in expected_rejects.csv");
  cmd->add_flag("--with-voice", opts->with_voice,
                "also write a pupil voice wave: voice_providers.csv, voice_responses.csv, "
                "voice_linkage.csv, voice_local_items.csv (true distributions in voice_truth/)");
  cmd->add_option("--year", opts->year, "academic year of the calendar (default 201819)");
  cmd->add_option("--form", opts->form,
                  "marks: long, compact or both (default long; compact at national scale)");
  cmd->add_option("--through", opts->through, "write marks up to this date (default: year end)");
  cmd->add_option("--day", opts->day, "write only this school day's files");
  cmd->add_option("--real-data", opts->real_data_dir, "real-data folder (default: found)");
  cmd->add_option("--threads", opts->threads, "worker threads (default: one per core)");
  cmd->callback([opts, scale, exit_code] {
    opts->scale = *scale == "national" ? GenerateScale::kNational
                  : *scale == "region" ? GenerateScale::kRegion
                                       : GenerateScale::kLocalAuthority;
    // Progress lines on a terminal only; quiet when piped or logged.
    opts->progress = ::isatty(STDERR_FILENO) != 0;
    GenerateReport report;
    Status st = Generate(*opts, &report);
    if (!st.ok()) {
      *exit_code = ReportFailure("generate", st);
      return;
    }
    std::printf("lantern generate -> %s\n%s", opts->out_dir.c_str(), report.Summary().c_str());
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"generate", 10, AddGenerate});

}  // namespace
}  // namespace lantern::cli
