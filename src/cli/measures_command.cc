// lantern measures --store STORE --out OUT [--estimates FILE]: Attainment 8,
// Progress 8, Progress 5, broader attainment and destinations
// (docs/measures.md); --open-data [DIR] gives the same from the published
// 2019 files.
#include <cstdio>

#include "cli/command_registry.h"
#include "lantern/measures.h"

namespace lantern::cli {
namespace {

void AddMeasures(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<MeasuresOptions>();
  auto open_data = std::make_shared<std::string>();
  auto open_data_flag = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "measures",
      "KS4 accountability measures for every school (docs/measures.md): Attainment 8, Progress "
      "8 with its 95% interval, Progress 5 as proposed, broader attainment (technical awards, "
      "VRQs and functional skills at their level) and destinations at 6, 12 and 24 months. "
      "Writes OUT/measures.csv (one row per school: att8, p8, p8_lower, p8_upper, p5, p5_lower, "
      "p5_upper, bands and percentile bands, never ranks), OUT/destinations.csv, "
      "OUT/measures_comparison.csv (the schools that move between P8 and P5 bands) and "
      "OUT/ap_settings.csv (each AP provider on reintegration and destinations), each with its "
      ".meta.csv, disclosure-controlled.");
  cmd->add_option("--store", opts->store_dir,
                  "store folder holding ks4_results (and ks2_results, "
                  "destinations)");
  cmd->add_option("--out", opts->out_dir, "output folder (created if new)")->required();
  cmd->add_option(
      "--estimates", opts->estimates_file,
      "national Progress 8 estimates in the layout of the Department's "
      "p8_pupil_coefficients_file.csv (default: computed from the cohort in the store)");
  cmd->add_option("--catalogue", opts->catalogue_dir,
                  "qualification catalogue folder (default: the catalogue/ shipped with Lantern)");
  cmd->add_option("--ks4-year", opts->ks4_year,
                  "the KS4 year, as its first calendar year (2018 for 2018/19; default: the year "
                  "most results belong to)");
  cmd->add_option("--policy", opts->policy_file, "JSON file overriding policy defaults");
  cmd->add_option("--threads", opts->threads, "worker threads (default: one per core)");
  auto* od = cmd->add_option("--open-data", *open_data,
                             "no store: the same files from the Department's published 2019 "
                             "files in DIR (default: ../shared/data/real or $LANTERN_REAL_DATA)");
  od->expected(0, 1);
  cmd->footer(
      "Examples:\n"
      "  lantern measures --store out/la805/store --out out/la805/measures\n"
      "  lantern measures --store out/la805/store --out out/la805/measures \\\n"
      "      --estimates ../shared/data/real/progress8_ks2_estimates_2024/"
      "p8_pupil_coefficients_file.csv\n"
      "  lantern measures --open-data --out out/measures-2019");
  cmd->callback([opts, open_data, od, exit_code] {
    MeasuresReport report;
    Status st;
    if (od->count() > 0) {
      OpenDataMeasuresOptions o;
      o.real_data_dir = *open_data;
      o.out_dir = opts->out_dir;
      st = WriteOpenDataMeasures(o, &report);
    } else if (opts->store_dir.empty()) {
      st = Status::InvalidArgument("give --store STORE, or --open-data [DIR]");
    } else {
      st = WriteMeasures(*opts, &report);
    }
    if (!st.ok()) {
      *exit_code = ReportFailure("measures", st);
      return;
    }
    std::printf("lantern measures -> %s\n%s", opts->out_dir.c_str(), report.Summary().c_str());
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"measures", 35, AddMeasures});

}  // namespace
}  // namespace lantern::cli
