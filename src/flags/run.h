// `lantern flags` and the daily job's flags step: evaluate the rules in
// force on a day, keep the flag history and the referrals in the store, and
// write OUT/flags.csv (docs/early-warning.md).
#ifndef LANTERN_FLAGS_RUN_H_
#define LANTERN_FLAGS_RUN_H_

#include <string>
#include <vector>

#include "flags/referrals.h"
#include "lantern/status.h"
#include "lantern/store.h"
#include "store/store.h"

namespace lantern {

struct FlagsOptions {
  std::string store_dir;
  std::string out_dir;  // "" : no files, only the store's history
  // Also write the whole list, OUT/flags.csv, and OUT/lipa_effectiveness.csv
  // (else only OUT/flag_changes.csv, the flags raised and cleared: the
  // daily job's default).
  bool list = true;
  std::string rules_file;  // "" : the rules in force
  std::string as_of;       // ISO date; "" : the store's last day
  // ISO date; "" : the day only. Else every school day from it to the day
  // not yet run is run in turn first, as the daily job would have (a store
  // ingested in bulk gets the history it would have had).
  std::string from;
  std::string policy_file;
  int threads = 0;
  std::vector<LipaTerms> lipas;  // from the agreements (the accounts database)
  // What the commit just before changed (the daily job's ingest), if known:
  // with it, the attendance windows the last run saved are moved on by the
  // day's marks rather than read again (flags/attendance_rings.h).
  const CommitChanges* changes = nullptr;
};

struct FlagsReport {
  std::string as_of;
  std::string rules_version;
  bool rules_adopted = false;  // --rules named a new version, now in force
  bool history_updated = false;
  // A day run before by a version that kept no raise day: its
  // flag_changes.csv left as that run wrote it.
  bool changes_kept = false;
  size_t pupils_flagged = 0, flags = 0, days_run = 0;
  uint32_t raised = 0, cleared = 0;
  size_t referrals_raised = 0, referrals_escalated = 0, referrals_open = 0;
  std::vector<std::pair<std::string, size_t>> by_trigger;
  // Pupils whose attendance windows the run took from those the last run
  // saved, moved on by the day's marks rather than read again.
  size_t windows_carried = 0;
  double seconds = 0, seconds_evaluate = 0;
  // The last day's step of a run over several days (evaluate, history,
  // referrals): what the daily job adds, with the store already loaded.
  double seconds_last_day = 0;
  // The time of each step of the run, in order (the days' steps added up).
  std::vector<std::pair<std::string, double>> steps;
  std::string Summary() const;
};

// With a store open for writing and its state (the daily job hands over
// the store it has just committed), or opening the store itself.
Status RunFlags(Store& store, const StoreState& state, const FlagsOptions& options,
                FlagsReport* report);
// The same for a caller with no further use for the state (the daily job's
// last step): its flag history and referrals are handed over to the new
// state, not copied, and `state` is left without them.
Status RunFlags(Store& store, StoreState* state, const FlagsOptions& options, FlagsReport* report);
Status RunFlags(const FlagsOptions& options, FlagsReport* report);

// OUT/lipa_effectiveness.csv and its .meta.csv from the store's referrals
// and flag history, as of a day (docs/early-warning.md).
// `state` gives the pupils, schools, marks and outcomes; `flags` and
// `referrals` the history (as just committed); `days` the schools' school
// days (of the store's calendar).
Status WriteLipaEffectiveness(const StoreState& state, const FlagTable& flags,
                              const ReferralTable& referrals, int32_t day,
                              const std::string& out_dir, const std::vector<LipaTerms>& lipas,
                              int threshold, const SchoolDays& days);

}  // namespace lantern

#endif  // LANTERN_FLAGS_RUN_H_
