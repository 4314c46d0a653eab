// lantern ingest DIR --store STORE [--build OUT]: validate and commit input
// files; with --build, the daily job: the commit, then the build from the
// store as committed (loaded once, in this process).
#include <chrono>
#include <cstdio>

#include "cli/command_registry.h"
#include "lantern/build.h"
#include "lantern/ingest.h"

namespace lantern::cli {
namespace {

void AddIngest(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<IngestOptions>();
  auto build_out = std::make_shared<std::string>();
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
  cmd->add_option("--catalogue", opts->catalogue_dir,
                  "pupil voice question bank folder (default: $LANTERN_CATALOGUE or the "
                  "repository's catalogue/)");
  cmd->add_option("--threads", opts->threads, "worker threads (default: one per core)");
  cmd->add_option("--build", *build_out,
                  "after the commit, build every family into this folder from the store as "
                  "committed (as `lantern build`, without loading the store again)");
  cmd->footer(
      "Examples:\n"
      "  lantern ingest out/demo/input --store out/demo/store\n"
      "  lantern ingest day/ --store STORE --build OUT      # the daily job");
  cmd->callback([opts, build_out, exit_code] {
    const auto started = std::chrono::steady_clock::now();
    IngestReport report;
    std::shared_ptr<const LoadedStore> committed;
    Status st = Ingest(*opts, &report, build_out->empty() ? nullptr : &committed);
    if (!st.ok()) {
      *exit_code = ReportFailure("ingest", st);
      return;
    }
    std::printf("lantern ingest %s -> %s\n%s", opts->input_dir.c_str(), opts->store_dir.c_str(),
                report.Summary().c_str());
    if (committed) {
      BuildOptions b;
      b.store_dir = opts->store_dir;
      b.out_dir = *build_out;
      b.policy_file = opts->policy_file;
      b.threads = opts->threads;
      BuildReport built;
      st = Build(*committed, b, &built);
      if (!st.ok()) {
        *exit_code = ReportFailure("ingest --build", st);
        return;
      }
      const double total =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::printf("build -> %s\n%s  the daily job: %.2f s\n", build_out->c_str(),
                  built.Summary().c_str(), total);
    }
    *exit_code = report.rows_rejected > 0 ? kExitRowsRejected : kExitOk;
  });
}

const CommandRegistrar kRegistrar({"ingest", 20, AddIngest});

}  // namespace
}  // namespace lantern::cli
