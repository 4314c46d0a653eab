// The Lantern store: a folder on local disk, no server.
//
// Files are immutable once written. CURRENT names the live MANIFEST-<n>
// (JSON), which lists the table segments and marks files of generation n.
// A commit writes every new file, fsyncs it, writes the new manifest, then
// atomically renames CURRENT.tmp over CURRENT: a crash or failed run at any
// point leaves the previous generation intact, and files no manifest names
// are removed by the next commit. One writer at a time (an exclusive lock on
// STORE/LOCK); readers take a shared lock. See docs/store.md.
#ifndef LANTERN_STORE_STORE_H_
#define LANTERN_STORE_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/date.h"
#include "lantern/status.h"
#include "store/marks.h"
#include "store/tables.h"

namespace lantern {

// Everything a store holds, in memory.
struct StoreState {
  std::optional<AcademicYear> year;
  LocalAuthorityTable local_authorities;
  TrustTable trusts;
  SchoolTable schools;
  PupilTable pupils;
  EnrolmentTable enrolments;
  SuspensionTable suspensions;
  ApPlacementTable ap_placements;
  InternalUnitTable internal_units;
  EhcpRequestTable ehcp_requests;
  AtRiskRulesTable at_risk_rules;
  FlagTable flags;
  FlagRunTable flag_runs;
  ReferralTable referrals;
  VoiceProviderTable voice_providers;
  VoiceLocalItemTable voice_local_items;
  VoiceItemKeyTable voice_items;
  VoiceRespondentTable voice_respondents;
  VoiceResponseTable voice_responses;
  VoiceLinkTable voice_links;
  Ks2ResultTable ks2_results;
  Ks4ResultTable ks4_results;
  DestinationTable destinations;
  EmployerActivityTable employer_activities;
  MarksSet marks;
};

enum class TableId {
  kLocalAuthorities,
  kTrusts,
  kSchools,
  kPupils,
  kEnrolments,
  kSuspensions,
  kApPlacements,
  kInternalUnits,
  kEhcpRequests,
  kAtRiskRules,
  kFlags,
  kFlagRuns,
  kReferrals,
  kVoiceProviders,
  kVoiceLocalItems,
  kVoiceItems,
  kVoiceRespondents,
  kVoiceResponses,
  kVoiceLinks,
  kKs2Results,
  kKs4Results,
  kDestinations,
  kEmployerActivities
};
constexpr TableId kAllTables[] = {TableId::kLocalAuthorities,
                                  TableId::kTrusts,
                                  TableId::kSchools,
                                  TableId::kPupils,
                                  TableId::kEnrolments,
                                  TableId::kSuspensions,
                                  TableId::kApPlacements,
                                  TableId::kInternalUnits,
                                  TableId::kEhcpRequests,
                                  TableId::kAtRiskRules,
                                  TableId::kFlags,
                                  TableId::kFlagRuns,
                                  TableId::kReferrals,
                                  TableId::kVoiceProviders,
                                  TableId::kVoiceLocalItems,
                                  TableId::kVoiceItems,
                                  TableId::kVoiceRespondents,
                                  TableId::kVoiceResponses,
                                  TableId::kVoiceLinks,
                                  TableId::kKs2Results,
                                  TableId::kKs4Results,
                                  TableId::kDestinations,
                                  TableId::kEmployerActivities};
const char* TableName(TableId id);

// Calls f(id, table) for each table of a StoreState (const or not), in the
// order of kAllTables: the one place that pairs each TableId with its table.
template <typename State, typename F>
void ForEachTable(State& s, F&& f) {
  f(TableId::kLocalAuthorities, s.local_authorities);
  f(TableId::kTrusts, s.trusts);
  f(TableId::kSchools, s.schools);
  f(TableId::kPupils, s.pupils);
  f(TableId::kEnrolments, s.enrolments);
  f(TableId::kSuspensions, s.suspensions);
  f(TableId::kApPlacements, s.ap_placements);
  f(TableId::kInternalUnits, s.internal_units);
  f(TableId::kEhcpRequests, s.ehcp_requests);
  f(TableId::kAtRiskRules, s.at_risk_rules);
  f(TableId::kFlags, s.flags);
  f(TableId::kFlagRuns, s.flag_runs);
  f(TableId::kReferrals, s.referrals);
  f(TableId::kVoiceProviders, s.voice_providers);
  f(TableId::kVoiceLocalItems, s.voice_local_items);
  f(TableId::kVoiceItems, s.voice_items);
  f(TableId::kVoiceRespondents, s.voice_respondents);
  f(TableId::kVoiceResponses, s.voice_responses);
  f(TableId::kVoiceLinks, s.voice_links);
  f(TableId::kKs2Results, s.ks2_results);
  f(TableId::kKs4Results, s.ks4_results);
  f(TableId::kDestinations, s.destinations);
  f(TableId::kEmployerActivities, s.employer_activities);
}

// What a commit changes: the tables to rewrite, marks files to add (already
// written with NewFilePath) and marks files to drop, plus a history entry.
struct CommitPlan {
  std::optional<AcademicYear> year;
  std::vector<TableId> changed_tables;
  // The rows of each changed table that are new or different, when known:
  // few changed rows are written as a small delta file instead of the table.
  std::map<TableId, std::vector<uint32_t>> changed_rows;
  const StoreState* state = nullptr;    // holds the changed tables
  std::vector<std::string> add_blocks;  // file names in the store folder
  std::vector<std::string> drop_blocks;
  std::map<int32_t, std::string> add_days;  // replaces any day file for the date
  std::vector<int32_t> drop_days;
  bool drop_all_days = false;
  // A saved count of sessions for the blocks written together
  // (derive/sessions_summary.h): set summary_file to record a new one for
  // summary_blocks; a commit that drops any of them without a new summary
  // drops the old one.
  std::string summary_file;
  std::vector<std::string> summary_blocks;
  // A saved UPN index (store/upn_index.h) replacing the current one, if set.
  std::string upn_index_file;
  // The early warning's saved attendance windows (flags/attendance_rings.h)
  // replacing the current ones, if set. The file names the day and the
  // generation it holds for, so it stays named until replaced and its
  // reader checks whether it still applies.
  std::string flag_state_file;
  std::string history_note;  // JSON object text
};

// What one commit changed, for a step straight after it that updates what
// it keeps rather than working it out again (the daily job's flags step).
struct CommitChanges {
  uint64_t generation_before = 0;  // the store's generation before the commit
  std::vector<TableId> changed_tables;
  // The rows of each changed table that are new or different; a changed
  // table with no entry here changed in ways not known row by row.
  std::map<TableId, std::vector<uint32_t>> changed_rows;
  std::vector<int32_t> mark_dates;  // dates of the day files written
  bool blocks_changed = false;      // marks blocks added or dropped, or days dropped
};
CommitChanges DescribeCommit(const CommitPlan& plan, uint64_t generation_before);

class Store {
 public:
  enum class Mode { kRead, kWrite };
  // kWrite creates the folder if needed and takes the exclusive lock.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode);
  ~Store();

  bool empty() const { return generation_ == 0; }
  uint64_t generation() const { return generation_; }
  const std::string& dir() const { return dir_; }
  std::optional<AcademicYear> year() const { return year_; }

  // Loads the tables and (with_marks) opens the marks files, on `threads`
  // workers (0: one per core).
  Result<StoreState> Load(bool with_marks = true, int threads = 0) const;
  // Loads only `tables` (the others stay empty) and no marks: for a command
  // that reads a few tables of a large store.
  Result<StoreState> LoadTables(std::span<const TableId> tables, int threads = 0) const;
  // Opens the marks files of the current generation.
  Result<MarksSet> LoadMarks() const;
  // The saved session counts, if any, and the block they count ("" if none).
  std::string summary_path() const { return summary_file_.empty() ? "" : PathOf(summary_file_); }
  const std::vector<std::string>& summary_blocks() const { return summary_blocks_; }
  // The saved UPN index, or "" if none (it may cover fewer pupils than the table).
  std::string upn_index_path() const {
    return upn_index_file_.empty() ? "" : PathOf(upn_index_file_);
  }
  // The early warning's saved attendance windows (a file name, and its
  // path), or "" if none.
  const std::string& flag_state_file() const { return flag_state_file_; }
  // The generation whose commit saved it.
  uint64_t flag_state_generation() const { return flag_state_generation_; }
  std::string flag_state_path() const {
    return flag_state_file_.empty() ? "" : PathOf(flag_state_file_);
  }

  // A fresh file name for this writer's next generation, e.g. "blk-000012-1.marks".
  std::string NewFileName(const std::string& kind, const std::string& ext);
  std::string PathOf(const std::string& file_name) const { return dir_ + "/" + file_name; }

  Status Commit(const CommitPlan& plan);
  // For a process that holds this store open to read (the server): gives up
  // the shared lock, commits `plan` through a writer that takes the exclusive
  // lock (failing if another process holds the store), and takes the shared
  // lock back, waiting for such a process if need be. This object keeps the
  // generation it opened; the new one is read by the next Open.
  Status CommitFromReader(const CommitPlan& plan) const;
  // The same for any write: gives up the shared lock, runs `write` (which
  // opens its own writer, as `Ingest` does, and must close it before it
  // returns), and takes the shared lock back. Files this reader has mapped
  // stay readable when the writer's commit removes them: a commit unlinks
  // the files it drops, and the one file written over in place (the early
  // warning's saved windows, read by the flags step alone) is not mapped.
  Status WriteFromReader(const std::function<Status()>& write) const;

  // Checks every segment's checksums and every marks file's shape.
  Status Verify() const;
  // The manifest as JSON text.
  const std::string& manifest_text() const { return manifest_text_; }

 private:
  Store() = default;
  Status ReadManifest();
  Status CollectGarbage();

  std::string dir_;
  Mode mode_ = Mode::kRead;
  int lock_fd_ = -1;
  uint64_t generation_ = 0;
  uint64_t file_seq_ = 0;
  std::optional<AcademicYear> year_;
  // table name -> files: the base segment, then delta segments in order
  std::map<std::string, std::vector<std::string>> table_files_;
  std::vector<std::string> block_files_;
  std::map<int32_t, std::string> day_files_;
  std::string summary_file_;
  std::vector<std::string> summary_blocks_;
  std::string upn_index_file_;
  std::string flag_state_file_;
  uint64_t flag_state_generation_ = 0;
  std::string manifest_text_;
  std::vector<std::string> history_;  // JSON object texts, oldest first
};

}  // namespace lantern

#endif  // LANTERN_STORE_STORE_H_
