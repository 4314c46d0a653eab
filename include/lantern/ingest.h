// Ingest: validate input CSV files (docs/input-schema.md) and commit the
// accepted rows to a store, atomically.
//
// Every rejected row is reported (file, line, column, value, check, reason)
// in STORE/rejects/<run>/rejects.csv and kept aside unchanged beside it. A
// missing required file or a wrong header fails the whole ingest before
// anything is written. Ingesting the same files twice changes nothing.
#ifndef LANTERN_INGEST_H_
#define LANTERN_INGEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lantern/status.h"
#include "lantern/store.h"

namespace lantern {

struct IngestOptions {
  std::string input_dir;
  std::string store_dir;
  std::string year;         // "201819"; empty: the store's, or inferred from the marks
  std::string policy_file;  // optional JSON overrides (docs/definitions.md)
  int threads = 0;          // 0: one per core
  // The folder of the question bank and the qualification catalogue
  // (catalogue/): the voice bank is read when a voice file is ingested, the
  // qualifications when ks4_results.csv is; empty: $LANTERN_CATALOGUE or the
  // repository's catalogue/.
  std::string catalogue_dir;
  // Whether the at-risk flag history, its runs and the referrals are read.
  // An ingest never changes them (its commit writes only the tables it
  // changed, so those not read stay as they are); only a flags step after
  // the commit (`lantern ingest DAY --flags`) needs them in memory, and
  // reading England's takes seconds.
  bool read_flag_tables = true;
};

struct IngestFileSummary {
  std::string file;
  uint64_t rows = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0;
};

struct IngestReport {
  bool committed = false;   // false when nothing changed (or nothing was valid)
  uint64_t generation = 0;  // the store's generation after the run
  std::string time_period;  // the store's academic year, "201819"
  std::vector<IngestFileSummary> files;
  uint64_t rows_rejected = 0;
  std::string rejects_dir;  // where rejects were written ("" if none)
  uint64_t mark_dates_written = 0;
  std::vector<std::string> warnings;
  double seconds = 0;  // the ingest, without the build
  // Its phases: load the store; read and validate every file; merge the
  // marks and save derived files (session counts, UPN index); commit.
  double seconds_load = 0, seconds_validate = 0, seconds_merge = 0, seconds_commit = 0;

  // A few lines for people: per file, rows accepted and rejected.
  std::string Summary() const;
};

// With `committed`, also hands back the store as committed, loaded (its
// tables as in memory, its marks reopened), for a build straight after:
// the daily job (`lantern ingest DAY --build OUT`) loads the store once.
Status Ingest(const IngestOptions& options, IngestReport* report,
              std::shared_ptr<LoadedStore>* committed = nullptr);

}  // namespace lantern

#endif  // LANTERN_INGEST_H_
