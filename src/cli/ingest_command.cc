// lantern ingest DIR --store STORE: validate and commit input files.
#include <cstdio>

#include "cli/command_registry.h"
#include "lantern/ingest.h"

namespace lantern::cli {
namespace {

void AddIngest(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<IngestOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Validate the input CSV files in DIR (docs/input-schema.md) and commit the good rows to "
      "STORE. Bad rows are reported and kept aside in STORE/rejects/. Exit code 0: all rows "
      "accepted; 3: some rows rejected; 2: a file is missing or has the wrong header (nothing "
      "written).");
  cmd->add_option("dir", opts->input_dir, "folder holding the input CSV files")->required();
  cmd->add_option("--store", opts->store_dir, "store folder (created if new)")->required();
  cmd->add_option("--year", opts->year, "academic year, e.g. 201819 (default: from the data)");
  cmd->add_option("--policy", opts->policy_file, "JSON file overriding policy defaults");
  cmd->add_option("--threads", opts->threads, "worker threads (default: one per core)");
  cmd->add_option("--build", opts->build_out,
                  "after the commit, build the indicators into this folder (as `lantern build`)");
  cmd->callback([opts, exit_code] {
    IngestReport report;
    Status st = Ingest(*opts, &report);
    if (!st.ok()) {
      *exit_code = ReportFailure("ingest", st);
      return;
    }
    std::printf("lantern ingest %s -> %s\n%s", opts->input_dir.c_str(), opts->store_dir.c_str(),
                report.Summary().c_str());
    *exit_code = report.rows_rejected > 0 ? kExitRowsRejected : kExitOk;
  });
}

const CommandRegistrar kRegistrar({"ingest", 20, AddIngest});

}  // namespace
}  // namespace lantern::cli
