#include "store/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "common/file_util.h"
#include "common/parallel.h"
#include "store/table_ops.h"

namespace lantern {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {
constexpr int kFormatVersion = 1;
constexpr size_t kHistoryKept = 100;

// A changed table is written as a delta when fewer than 1 row in this many
// changed, and there are fewer than kMaxDeltas deltas already.
constexpr size_t kDeltaRowRatio = 8;
constexpr size_t kMaxDeltas = 16;

template <typename Table>
Status LoadInto(const Store& store, const std::map<std::string, std::vector<std::string>>& files,
                const char* name, Table* out) {
  auto it = files.find(name);
  if (it == files.end() || it->second.empty()) return Status::Ok();  // never written: empty
  // Rows the deltas may append, so that appending them copies no column.
  size_t spare = 0;
  for (size_t i = 1; i < it->second.size(); ++i) {
    LANTERN_ASSIGN_OR_RETURN(auto delta, SegmentReader::Open(store.PathOf(it->second[i])));
    spare += delta->Rows("_row");
  }
  LANTERN_ASSIGN_OR_RETURN(*out, LoadTable<Table>(store.PathOf(it->second[0]), spare));
  for (size_t i = 1; i < it->second.size(); ++i) {
    LANTERN_RETURN_IF_ERROR(ApplyTableDelta(*out, store.PathOf(it->second[i])));
  }
  return Status::Ok();
}

bool IsStoreFile(const std::string& name) {
  for (const char* prefix : {"tbl-", "blk-", "day-", "sum-", "upn-", "fst-", "MANIFEST-"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}
}  // namespace

const char* TableName(TableId id) {
  switch (id) {
    case TableId::kLocalAuthorities:
      return "local_authorities";
    case TableId::kTrusts:
      return "trusts";
    case TableId::kSchools:
      return "schools";
    case TableId::kPupils:
      return "pupils";
    case TableId::kEnrolments:
      return "enrolments";
    case TableId::kSuspensions:
      return "suspensions";
    case TableId::kApPlacements:
      return "ap_placements";
    case TableId::kInternalUnits:
      return "internal_units";
    case TableId::kEhcpRequests:
      return "ehcp_requests";
    case TableId::kAtRiskRules:
      return "at_risk_rules";
    case TableId::kFlags:
      return "flags";
    case TableId::kFlagRuns:
      return "flag_runs";
    case TableId::kReferrals:
      return "referrals";
    case TableId::kVoiceProviders:
      return "voice_providers";
    case TableId::kVoiceLocalItems:
      return "voice_local_items";
    case TableId::kVoiceItems:
      return "voice_items";
    case TableId::kVoiceRespondents:
      return "voice_respondents";
    case TableId::kVoiceResponses:
      return "voice_responses";
    case TableId::kVoiceLinks:
      return "voice_links";
    case TableId::kKs2Results:
      return "ks2_results";
    case TableId::kKs4Results:
      return "ks4_results";
    case TableId::kDestinations:
      return "destinations";
    case TableId::kEmployerActivities:
      return "employer_activities";
  }
  return "?";
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  std::error_code ec;
  if (mode == Mode::kWrite) {
    fs::create_directories(dir, ec);
    if (ec)
      return Status::IoError(fmt::format("cannot create store folder {}: {}", dir, ec.message()));
  } else if (!fs::is_directory(dir, ec)) {
    return Status::NotFound(fmt::format("no store at {} (run `lantern ingest` first)", dir));
  }
  std::unique_ptr<Store> s(new Store());
  s->dir_ = dir;
  s->mode_ = mode;
  std::string lock_path = dir + "/LOCK";
  s->lock_fd_ = ::open(lock_path.c_str(),
                       (mode == Mode::kWrite ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0644);
  if (s->lock_fd_ < 0 && mode == Mode::kRead) {
    // A store written by an older version may have no LOCK; reading needs none.
  } else if (s->lock_fd_ < 0) {
    return Status::IoError(fmt::format("cannot open {}", lock_path));
  } else if (::flock(s->lock_fd_, (mode == Mode::kWrite ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    return Status::Unavailable(
        fmt::format("the store {} is in use by another lantern process", dir));
  }
  LANTERN_RETURN_IF_ERROR(s->ReadManifest());
  return s;
}

Status Store::CommitFromReader(const CommitPlan& plan) const {
  return WriteFromReader([&] {
    auto writer = Store::Open(dir_, Mode::kWrite);
    return writer.ok() ? (*writer)->Commit(plan) : writer.status();
  });  // the writer closes its descriptor: the exclusive lock goes
}

Status Store::WriteFromReader(const std::function<Status()>& write) const {
  if (mode_ != Mode::kRead)
    return Status::FailedPrecondition("a write from a reader needs a store opened to read");
  if (lock_fd_ >= 0) ::flock(lock_fd_, LOCK_UN);
  // The shared lock is taken back however `write` ends, a throw included.
  struct Relock {
    int fd;
    ~Relock() {
      if (fd >= 0) ::flock(fd, LOCK_SH);
    }
  } relock{lock_fd_};
  return write();
}

Store::~Store() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status Store::ReadManifest() {
  auto current = ReadFileToString(dir_ + "/CURRENT");
  if (!current.ok()) {
    if (current.status().code() == StatusCode::kNotFound) {
      std::error_code ec;
      bool has_files = false;
      for (const auto& e : fs::directory_iterator(dir_, ec)) {
        if (IsStoreFile(e.path().filename().string())) has_files = true;
      }
      if (has_files && mode_ == Mode::kRead) {
        return Status::Corruption(dir_ + " has store files but no CURRENT");
      }
      return Status::Ok();  // a new, empty store
    }
    return current.status();
  }
  std::string name = *current;
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  LANTERN_ASSIGN_OR_RETURN(manifest_text_, ReadFileToString(dir_ + "/" + name));
  json j = json::parse(manifest_text_, nullptr, false);
  if (j.is_discarded() || j.value("format", "") != "lantern-store") {
    return Status::Corruption(fmt::format("{}/{} is not a Lantern manifest", dir_, name));
  }
  if (j.value("format_version", 0) > kFormatVersion) {
    return Status::FailedPrecondition(fmt::format("{} was written by a newer Lantern (format {})",
                                                  dir_, j.value("format_version", 0)));
  }
  generation_ = j.value("generation", uint64_t{0});
  if (j.contains("time_period") && j["time_period"].is_string()) {
    year_ = AcademicYear::Parse(j["time_period"].get<std::string>());
  }
  for (auto& [table, files] : j["tables"].items()) {
    for (auto& f : files) table_files_[table].push_back(f.get<std::string>());
  }
  for (auto& b : j["marks"]["blocks"]) block_files_.push_back(b.get<std::string>());
  for (auto& d : j["marks"]["days"]) {
    auto date = ParseIsoDate(d["date"].get<std::string>());
    if (!date) return Status::Corruption("bad date in manifest");
    day_files_[date->days] = d["file"].get<std::string>();
  }
  if (j.contains("summary") && j["summary"].is_object()) {
    summary_file_ = j["summary"].value("file", "");
    // "block": one block (stores written before the recent dates had a
    // block of their own); "blocks": the blocks written together.
    if (j["summary"].contains("blocks") && j["summary"]["blocks"].is_array()) {
      for (auto& b : j["summary"]["blocks"]) {
        if (b.is_string()) summary_blocks_.push_back(b.get<std::string>());
      }
    } else if (auto block = j["summary"].value("block", ""); !block.empty()) {
      summary_blocks_.push_back(block);
    }
  }
  if (j.contains("upn_index") && j["upn_index"].is_object()) {
    upn_index_file_ = j["upn_index"].value("file", "");
  }
  if (j.contains("flag_state") && j["flag_state"].is_object()) {
    flag_state_file_ = j["flag_state"].value("file", "");
    flag_state_generation_ = j["flag_state"].value("generation", uint64_t{0});
  }
  for (auto& h : j["history"]) history_.push_back(h.dump());
  return Status::Ok();
}

Result<StoreState> Store::Load(bool with_marks, int threads) const {
  LANTERN_ASSIGN_OR_RETURN(StoreState s, LoadTables(kAllTables, threads));
  if (with_marks) {
    LANTERN_ASSIGN_OR_RETURN(s.marks, LoadMarks());
  }
  return s;
}

Result<StoreState> Store::LoadTables(std::span<const TableId> tables, int threads) const {
  StoreState s;
  s.year = year_;
  auto wanted = [&](TableId id) {
    return std::find(tables.begin(), tables.end(), id) != tables.end();
  };
  // Each wanted table is one task, the largest files first, taken by the
  // workers as they come free (the pupils, the enrolments, the flag history
  // and the referrals are each hundreds of MB nationally).
  struct Task {
    uint64_t bytes = 0;
    std::function<Status()> load;
  };
  std::vector<Task> tasks;
  ForEachTable(s, [&](TableId id, auto& table) {
    if (!wanted(id)) return;
    Task t;
    if (auto it = table_files_.find(TableName(id)); it != table_files_.end()) {
      for (const std::string& f : it->second) {
        std::error_code ec;
        const auto size = fs::file_size(PathOf(f), ec);
        if (!ec) t.bytes += size;
      }
    }
    t.load = [this, id, &table] { return LoadInto(*this, table_files_, TableName(id), &table); };
    tasks.push_back(std::move(t));
  });
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const Task& a, const Task& b) { return a.bytes > b.bytes; });
  std::vector<Status> status(tasks.size());
  ParallelFor(tasks.size(), ResolveThreads(threads), 1, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) status[i] = tasks[i].load();
  });
  for (const Status& st : status) LANTERN_RETURN_IF_ERROR(st);
  return s;
}

Result<MarksSet> Store::LoadMarks() const {
  MarksSet marks;
  for (const auto& f : block_files_) {
    LANTERN_ASSIGN_OR_RETURN(auto b, MarksBlock::Open(PathOf(f)));
    marks.blocks.push_back(std::move(b));
  }
  for (const auto& [date, f] : day_files_) {
    LANTERN_ASSIGN_OR_RETURN(auto d, MarksDay::Open(PathOf(f)));
    marks.days[date] = std::move(d);
  }
  return marks;
}

CommitChanges DescribeCommit(const CommitPlan& plan, uint64_t generation_before) {
  CommitChanges c;
  c.generation_before = generation_before;
  c.changed_tables = plan.changed_tables;
  c.changed_rows = plan.changed_rows;
  for (const auto& [date, file] : plan.add_days) c.mark_dates.push_back(date);
  c.blocks_changed = !plan.add_blocks.empty() || !plan.drop_blocks.empty() ||
                     !plan.drop_days.empty() || plan.drop_all_days;
  return c;
}

std::string Store::NewFileName(const std::string& kind, const std::string& ext) {
  return fmt::format("{}-{:06d}-{}.{}", kind, generation_ + 1, ++file_seq_, ext);
}

namespace {
// How a changed table is saved: as a new base or, when few rows changed, a
// delta after its files (named before any is written, so the names do not
// depend on the order the writes finish in).
struct TableSave {
  TableId id;
  bool delta = false;
  std::vector<uint32_t> rows;      // a delta's rows, sorted, unique
  std::vector<std::string> files;  // the table's files after the save
};

template <typename Table>
TableSave PlanSave(Store& store, const Table& t, TableId id, const CommitPlan& plan,
                   std::vector<std::string> files) {
  TableSave save;
  save.id = id;
  auto rows_it = plan.changed_rows.find(id);
  if (rows_it != plan.changed_rows.end() && !files.empty() && files.size() <= kMaxDeltas &&
      rows_it->second.size() * kDeltaRowRatio < t.size()) {
    save.delta = true;
    save.rows = rows_it->second;
    std::sort(save.rows.begin(), save.rows.end());
    save.rows.erase(std::unique(save.rows.begin(), save.rows.end()), save.rows.end());
    files.push_back(store.NewFileName("tbl", std::string(TableName(id)) + ".delta.seg"));
    save.files = std::move(files);
    return save;
  }
  save.files = {store.NewFileName("tbl", std::string(TableName(id)) + ".seg")};
  return save;
}

template <typename Table>
Status WriteSave(const Store& store, const Table& t, const TableSave& save) {
  const std::string path = store.PathOf(save.files.back());
  return save.delta ? SaveTableDelta(t, save.rows, path) : SaveTable(t, path);
}
}  // namespace

Status Store::Commit(const CommitPlan& plan) {
  if (mode_ != Mode::kWrite) return Status::Internal("commit on a read-only store");
  const StoreState& s = *plan.state;
  auto tables = table_files_;
  std::vector<TableSave> saves;
  for (TableId id : plan.changed_tables) {
    if (std::any_of(saves.begin(), saves.end(), [&](const TableSave& v) { return v.id == id; })) {
      continue;  // named twice: saved once
    }
    ForEachTable(s, [&](TableId t, const auto& table) {
      if (t == id) saves.push_back(PlanSave(*this, table, id, plan, tables[TableName(id)]));
    });
  }
  // The changed tables are written side by side (writing is mostly the
  // kernel copying into the page cache and fsync).
  std::vector<Status> written(saves.size());
  ParallelFor(saves.size(), ResolveThreads(0), 1, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) {
      ForEachTable(s, [&](TableId t, const auto& table) {
        if (t == saves[i].id) written[i] = WriteSave(*this, table, saves[i]);
      });
    }
  });
  for (size_t i = 0; i < saves.size(); ++i) {
    LANTERN_RETURN_IF_ERROR(written[i]);
    tables[TableName(saves[i].id)] = std::move(saves[i].files);
  }
  std::vector<std::string> blocks;
  for (const auto& b : block_files_) {
    if (std::find(plan.drop_blocks.begin(), plan.drop_blocks.end(), b) == plan.drop_blocks.end()) {
      blocks.push_back(b);
    }
  }
  blocks.insert(blocks.end(), plan.add_blocks.begin(), plan.add_blocks.end());
  std::map<int32_t, std::string> days =
      plan.drop_all_days ? std::map<int32_t, std::string>() : day_files_;
  for (int32_t d : plan.drop_days) days.erase(d);
  for (const auto& [d, f] : plan.add_days) days[d] = f;

  const uint64_t gen = generation_ + 1;
  std::optional<AcademicYear> year = plan.year ? plan.year : year_;
  json j;
  j["format"] = "lantern-store";
  j["format_version"] = kFormatVersion;
  j["generation"] = gen;
  j["time_period"] = year ? json(year->TimePeriod()) : json(nullptr);
  j["tables"] = tables;
  j["marks"]["blocks"] = blocks;
  j["marks"]["days"] = json::array();
  for (const auto& [d, f] : days) {
    j["marks"]["days"].push_back({{"date", FormatIsoDate(Date{d})}, {"file", f}});
  }
  // The saved counts stay valid only while all their blocks do.
  std::string summary_file = summary_file_;
  std::vector<std::string> summary_blocks = summary_blocks_;
  if (!plan.summary_file.empty()) {
    summary_file = plan.summary_file;
    summary_blocks = plan.summary_blocks;
  } else if (std::any_of(summary_blocks.begin(), summary_blocks.end(), [&](const std::string& b) {
               return std::find(blocks.begin(), blocks.end(), b) == blocks.end();
             })) {
    summary_file.clear();
    summary_blocks.clear();
  }
  if (!summary_file.empty()) j["summary"] = {{"file", summary_file}, {"blocks", summary_blocks}};
  // Pupil rows never change, so a saved UPN index stays valid until replaced.
  const std::string upn_index_file =
      plan.upn_index_file.empty() ? upn_index_file_ : plan.upn_index_file;
  if (!upn_index_file.empty()) j["upn_index"] = {{"file", upn_index_file}};
  // The generation that saved it: a file saved over in place by a run
  // whose commit then failed says another (flags/attendance_rings.h).
  const std::string flag_state_file =
      plan.flag_state_file.empty() ? flag_state_file_ : plan.flag_state_file;
  const uint64_t flag_state_generation =
      plan.flag_state_file.empty() ? flag_state_generation_ : gen;
  if (!flag_state_file.empty()) {
    j["flag_state"] = {{"file", flag_state_file}, {"generation", flag_state_generation}};
  }
  std::vector<std::string> history = history_;
  if (!plan.history_note.empty()) {
    json note = json::parse(plan.history_note, nullptr, false);
    if (!note.is_discarded()) {
      note["generation"] = gen;
      history.push_back(note.dump());
    }
  }
  if (history.size() > kHistoryKept) history.erase(history.begin(), history.end() - kHistoryKept);
  j["history"] = json::array();
  for (const auto& h : history) j["history"].push_back(json::parse(h));

  const std::string manifest_name = fmt::format("MANIFEST-{:06d}", gen);
  std::string text = j.dump(1);
  LANTERN_RETURN_IF_ERROR(WriteFileAtomic(PathOf(manifest_name), text));
  // Everything the manifest names must be durable before CURRENT points at it.
  // (Each segment was fsynced as it was written; the folder makes the names durable.)
  LANTERN_RETURN_IF_ERROR(SyncDirectory(dir_));
  LANTERN_RETURN_IF_ERROR(WriteFileAtomic(PathOf("CURRENT"), manifest_name + "\n"));

  generation_ = gen;
  file_seq_ = 0;
  year_ = year;
  table_files_ = std::move(tables);
  block_files_ = std::move(blocks);
  day_files_ = std::move(days);
  summary_file_ = std::move(summary_file);
  summary_blocks_ = std::move(summary_blocks);
  upn_index_file_ = upn_index_file;
  flag_state_file_ = flag_state_file;
  flag_state_generation_ = flag_state_generation;
  history_ = std::move(history);
  manifest_text_ = std::move(text);
  return CollectGarbage();
}

Status Store::CollectGarbage() {
  std::set<std::string> live;
  for (const auto& [t, files] : table_files_) live.insert(files.begin(), files.end());
  for (const auto& f : block_files_) live.insert(f);
  for (const auto& [d, f] : day_files_) live.insert(f);
  if (!summary_file_.empty()) live.insert(summary_file_);
  if (!upn_index_file_.empty()) live.insert(upn_index_file_);
  if (!flag_state_file_.empty()) live.insert(flag_state_file_);
  live.insert(fmt::format("MANIFEST-{:06d}", generation_));
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (IsStoreFile(name) && !live.count(name)) fs::remove(e.path(), ec);
  }
  return Status::Ok();
}

Status Store::Verify() const {
  for (const auto& [t, files] : table_files_) {
    for (const auto& f : files) {
      LANTERN_ASSIGN_OR_RETURN(auto r, SegmentReader::Open(PathOf(f)));
      LANTERN_RETURN_IF_ERROR(r->Verify());
    }
  }
  for (const auto& f : block_files_) LANTERN_RETURN_IF_ERROR(MarksBlock::Open(PathOf(f)).status());
  for (const auto& [d, f] : day_files_) LANTERN_RETURN_IF_ERROR(MarksDay::Open(PathOf(f)).status());
  return Status::Ok();
}

}  // namespace lantern
