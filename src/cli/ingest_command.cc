// lantern ingest DIR --store STORE [--build OUT]: validate and commit input
// files; with --build, the daily job: the commit, then the build from the
// store as committed (loaded once, in this process).
#include <chrono>
#include <cstdio>

#include "cli/audit_read.h"
#include "cli/command_registry.h"
#include "cli/lipas.h"
#include "flags/run.h"
#include "lantern/build.h"
#include "lantern/ingest.h"
#include "lantern/outcomes.h"
#include "reference/real_data.h"
#include "store/loaded_store.h"

namespace lantern::cli {
namespace {

// The daily job's place measures: as `lantern outcomes --store`, with the
// statistical neighbours from the published files where they are found.
PupilLevelOutcomesOptions FrameworkOptions(const IngestOptions& ingest) {
  PupilLevelOutcomesOptions o;
  o.policy_file = ingest.policy_file;
  o.threads = ingest.threads;
  if (auto real = FindRealDataDir(""); real.ok()) o.real_data_dir = *real;
  return o;
}

void AddIngest(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<IngestOptions>();
  auto build_out = std::make_shared<std::string>();
  auto flags_out = std::make_shared<std::string>();
  auto outcomes_out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Validate the input CSV files in DIR (docs/input-schema.md), and any Common Transfer Files "
      "(*.xml, docs/ctf.md) as the rows they stand for, and commit the good rows to "
      "STORE. Bad rows are reported and kept aside in STORE/rejects/. Exit code 0: all rows "
      "accepted; 3: some rows rejected; 2: a file is missing or has the wrong header (nothing "
      "written); 4: the store is in use by another lantern process (nothing written: try again "
      "later).");
  cmd->add_option("dir", opts->input_dir, "folder holding the input CSV files and CTFs")
      ->required();
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
  cmd->add_option("--outcomes", *outcomes_out,
                  "after the commit (and the build), refresh the Local Outcomes Framework into "
                  "this folder from the store as committed (as `lantern outcomes --store`: "
                  "local_outcomes, movement, unexplained exits, trust contribution, and the "
                  "pupil-level children missing education list: keep it apart)");
  cmd->add_option("--flags", *flags_out,
                  "after the commit (and the build), update the at-risk flags, their history and "
                  "referrals for the store's last day and write the day's flags raised and "
                  "cleared here, flag_changes.csv (pupil-level, keep it apart from published "
                  "files)");
  auto flags_list = std::make_shared<bool>(false);
  cmd->add_flag("--flags-list", *flags_list,
                "with --flags, also write the whole list of flags holding, flags.csv, and "
                "lipa_effectiveness.csv (as `lantern flags` does)");
  cmd->footer(
      "Examples:\n"
      "  lantern ingest out/demo/input --store out/demo/store\n"
      "  lantern ingest day/ --store STORE --build OUT --flags FLAGS   # the daily job\n"
      "  lantern ingest day/ --store STORE --flags FLAGS --flags-list  # ... with every flag\n"
      "  lantern ingest day/ --store STORE --build OUT --outcomes LOF  # ... and the place "
      "measures\n"
      "  lantern ingest ctf-inbox/ --store STORE            # Common Transfer Files (*.xml)");
  cmd->callback([opts, build_out, flags_out, flags_list, outcomes_out, exit_code] {
    const auto started = std::chrono::steady_clock::now();
    IngestReport report;
    std::shared_ptr<LoadedStore> committed;
    const bool keep = !build_out->empty() || !flags_out->empty() || !outcomes_out->empty();
    opts->read_flag_tables = !flags_out->empty();
    Status st = Ingest(*opts, &report, keep ? &committed : nullptr);
    if (!st.ok()) {
      *exit_code = ReportFailure("ingest", st);
      return;
    }
    std::printf("lantern ingest %s -> %s\n%s", opts->input_dir.c_str(), opts->store_dir.c_str(),
                report.Summary().c_str());
    if (committed && (!flags_out->empty() || !outcomes_out->empty())) {
      // The day's flag changes and the case list of children missing
      // education are pupil-level.
      st = AuditCommandRead(
          opts->store_dir, "lantern ingest",
          (flags_out->empty() ? "" : "flag_changes.csv to " + *flags_out) +
              (flags_out->empty() || outcomes_out->empty() ? "" : "; ") +
              (outcomes_out->empty() ? "" : "children_missing_education.csv to " + *outcomes_out));
      if (!st.ok()) {
        *exit_code = ReportFailure("ingest", st);
        return;
      }
    }
    if (committed && !build_out->empty()) {
      BuildOptions b;
      b.store_dir = opts->store_dir;
      b.out_dir = *build_out;
      b.policy_file = opts->policy_file;
      b.threads = opts->threads;
      if (!outcomes_out->empty()) {
        // The place measures from the build's computation: the facts, the
        // cube and the disclosure pass once for both.
        b.outcomes_dir = *outcomes_out;
        b.outcomes = FrameworkOptions(*opts);
      }
      BuildReport built;
      st = Build(*committed, b, &built);
      if (!st.ok()) {
        *exit_code = ReportFailure("ingest --build", st);
        return;
      }
      const double total =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (b.outcomes_dir.empty()) {
        std::printf("build -> %s\n%s  the daily job: %.2f s\n", build_out->c_str(),
                    built.Summary().c_str(), total);
      } else {
        std::printf(
            "build -> %s\n%soutcomes -> %s (from the build's computation)\n%s  the daily job "
            "with the place measures: %.2f s\n",
            build_out->c_str(), built.Summary().c_str(), outcomes_out->c_str(),
            built.outcomes.Summary().c_str(), total);
      }
    }
    if (committed && !outcomes_out->empty() && build_out->empty()) {
      // The place measures, from the state this process committed.
      const PupilLevelOutcomesOptions o = FrameworkOptions(*opts);
      OutcomesReport lof;
      st = RunPupilLevelOutcomes(*committed, o, *outcomes_out, &lof);
      if (!st.ok()) {
        *exit_code = ReportFailure("ingest --outcomes", st);
        return;
      }
      const double total =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::printf("outcomes -> %s\n%s  the daily job with the place measures: %.2f s\n",
                  outcomes_out->c_str(), lof.Summary().c_str(), total);
    }
    if (committed && !flags_out->empty()) {
      // The flags step: the store this process committed (it holds the
      // writer's lock), its tables already in memory.
      FlagsOptions f;
      f.store_dir = opts->store_dir;
      f.out_dir = *flags_out;
      f.list = *flags_list;
      f.policy_file = opts->policy_file;
      f.threads = opts->threads;
      auto lipas = LoadLipas(opts->store_dir);
      if (!lipas.ok()) {
        *exit_code = ReportFailure("ingest --flags", lipas.status());
        return;
      }
      f.lipas = std::move(lipas).value();
      const auto& last_commit = committed->impl().last_commit;
      f.changes = last_commit ? &*last_commit : nullptr;
      FlagsReport flagged;
      // The last step: nothing reads the committed state after it, so the
      // flag history and referrals are handed over rather than copied.
      st = RunFlags(*committed->impl().store, &committed->mutable_impl().state, f, &flagged);
      if (!st.ok()) {
        *exit_code = ReportFailure("ingest --flags", st);
        return;
      }
      const double total =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::printf("flags -> %s\n%s  the daily job with flags: %.2f s\n", flags_out->c_str(),
                  flagged.Summary().c_str(), total);
    }
    *exit_code = report.rows_rejected > 0 ? kExitRowsRejected : kExitOk;
  });
}

const CommandRegistrar kRegistrar({"ingest", 20, AddIngest});

}  // namespace
}  // namespace lantern::cli
