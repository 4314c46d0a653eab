#include "server/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "common/csv_reader.h"
#include "common/file_util.h"
#include "common/json_text.h"
#include "flags/flags.h"
#include "flags/referrals.h"
#include "flags/run.h"
#include "lantern/build.h"
#include "lantern/ingest.h"
#include "lantern/measures.h"
#include "lantern/outcomes.h"
#include "lantern/scorecard.h"
#include "lantern/store.h"
#include "model/geography.h"
#include "model/policy.h"
#include "model/upn.h"
#include "passport/credentials.h"
#include "passport/jcs.h"
#include "reference/real_data.h"
#include "server/access.h"
#include "server/openapi.h"
#include "server/published_files.h"
#include "server/pupil_records.h"
#include "store/loaded_store.h"
#include "store/store.h"
#include "voice/catalogue.h"
#include "voice/report.h"

namespace lantern::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSessionCookie = "lantern_session";

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int> ParseInt(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 9) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, json{{"error", message}});
}

// A school as the search and the LA and trust pages list it.
struct SchoolEntry {
  uint32_t index = 0;  // into the scorecard input's schools
  int urn = 0;
  std::string name, phase, type, trust_id, trust_name, postcode;
  int la_code = 0;
  std::string la_name, region_name;
  std::string search;  // lower-case name, URN, LA, trust
};

// The published attendance rows of an area (LA or trust), as published.
struct AreaRows {
  std::vector<std::vector<std::string>> rows;
};

}  // namespace

// What the background computation makes; immutable once ready.
struct Published {
  ScorecardInput input;
  std::unique_ptr<Scorecard> scorecard;
  std::string indicators_json;
  std::vector<SchoolEntry> schools;
  std::unordered_map<int, size_t> school_by_urn;  // -> schools
  std::vector<std::string> attendance_columns;
  std::map<std::string, AreaRows> attendance_by_la, attendance_by_trust;
  // KS4 measures (issue 12): every school's, or why there are none.
  std::shared_ptr<const MeasuresResult> measures;
  std::unordered_map<int, size_t> measures_by_urn;  // -> measures->schools
  std::string measures_note;
  MeasuresOptions measures_options;  // as computed (for a school's pupils)
  // Children missing education cases by home LA (pupil-level mode): the
  // rows of lantern outcomes' case list, for the home LA alone.
  std::map<int, std::vector<json>> cme_by_la;
  // The Local Outcomes Framework (docs/local-outcomes.md), published and
  // disclosure-controlled, as JSON text made once: local_outcomes.csv rows by
  // LA code, movement.csv rows (the LA's and its schools') by LA code,
  // trust_contribution.csv rows by trust id. Empty when not computed.
  std::map<std::string, std::string> outcomes_by_la, movement_by_la, contribution_by_trust;
  // net_flows.csv rows (does a school or trust take its share?) by LA code
  // (its schools and trusts' rows there) and by trust id.
  std::map<std::string, std::string> net_flows_by_la, net_flows_by_trust;
  // movement_flows.csv rows (exits between trusts and out of education) by
  // LA code.
  std::map<std::string, std::string> movement_flows_by_la;
  // local_outcomes.csv's other places: Regional rows by region code,
  // National rows by country code (E92000001), user-defined places' rows
  // (geographic_level "Place", old_la_code "place:CODE") by their code; and
  // the list of them with their names, for the pages' navigation.
  std::map<std::string, std::string> outcomes_by_region, outcomes_by_country, outcomes_by_place;
  // movement.csv's rows for the same places: a region's with its LAs',
  // England's with its regions', a user-defined place's.
  std::map<std::string, std::string> movement_by_region, movement_by_country, movement_by_place;
  std::string outcome_places_json;
  // lipa_effectiveness.csv rows (docs/early-warning.md) by trust id and by
  // LA code: each LIPA's response times, outcomes and what became of its
  // flagged pupils, disclosure-controlled. Empty in open-data mode.
  std::map<std::string, std::string> lipa_by_trust, lipa_by_la;
  // Pupil voice (docs/pupil-voice.md): the rows of voice.csv,
  // voice_coverage.csv and voice_change.csv as `lantern voice` writes them,
  // by area ("school:100001", "la:805", "england"); computed once. Empty
  // when the store holds no wave; voice_status says why it failed, if it did.
  std::map<std::string, json> voice_by_area;
  json voice_items = json::array();  // the bank: stem, polarity, categories
  std::string voice_status;
  bool voice_covers_england = false;  // else no England level (voice::StoreCoversEngland)
  // Where the computation's time went ("build 5.1 s; scorecard input ..."),
  // for the log and the inbox's notes.
  std::string steps;
};

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<Accounts> accounts;  // null in open-data mode
  std::shared_ptr<const LoadedStore> store;
  std::unique_ptr<PupilRecords> pupils;
  std::string as_of;  // the store's last marked day: agreements in force then
  Policy policy;
  std::string time_period;

  // Requests read the generation in service (the store, its pupils, the
  // published figures, the caches and the caseload) under a shared lock;
  // a new day's generation takes its place under the exclusive one, all at
  // once (Serve), so a request sees one generation throughout.
  std::shared_mutex serve_mu;

  std::unique_ptr<httplib::Server> http;
  std::thread serve_thread, compute_thread, inbox_thread;
  int bound_port = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool computing_done = false;
  Status compute_status;
  std::shared_ptr<const Published> published;

  std::mutex cache_mu;
  std::unordered_map<int, std::shared_ptr<const std::string>> scorecard_cache;
  std::map<std::string, json> enquiry_cache;
  // A school's pupil list as JSON text, by what the decision shows (the
  // store does not change while it is served); the oldest go first.
  struct PupilList {
    std::string json;
    size_t count = 0;
  };
  static constexpr size_t kPupilCacheEntries = 256;
  std::map<std::string, std::shared_ptr<const PupilList>> pupil_cache;
  std::deque<std::string> pupil_cache_order;
  std::shared_ptr<const PupilList> PupilsOf(int urn, const PupilAccess& access);

  std::shared_ptr<const Published> Ready() {
    std::lock_guard lock(mu);
    return published;
  }
  void Compute();
  // The published figures of `from` (null in open-data mode).
  Status ComputeInto(const LoadedStore* from, Published* p);
  Status ComputeVoice(const LoadedStore& from, Published* p);
  // The inbox (options.inbox_dir): each folder dropped in is taken in as a
  // day (TakeDay), one at a time, until Stop.
  std::mutex inbox_mu;
  std::condition_variable inbox_cv;
  bool stopping = false;                 // under inbox_mu
  std::atomic<bool> day_loading{false};  // a day is being taken in: referral updates wait
  json inbox_last;                       // under mu: the last folder taken and its outcome
  std::set<std::string> stuck;  // folders taken that could not be moved out (inbox thread only)
  void WatchInbox();
  void TakeDay(const fs::path& folder);
  // Puts a new generation in service in place of the one served.
  void Serve(std::shared_ptr<const LoadedStore> next, std::shared_ptr<const Published> p);
  void Routes();
  Principal Who(const httplib::Request& req, std::string* csrf = nullptr);
  json SchoolJson(const SchoolEntry& s) const;
  json Enquiries(const Published& p, const std::vector<const SchoolEntry*>& schools,
                 const std::string& key);
  json AttendanceJson(const Published& p, const std::map<std::string, AreaRows>& by,
                      const std::string& key) const;
  void HandlePupils(const httplib::Request& req, httplib::Response& res);

  // The caseload (docs/server.md): the store's open flags and its
  // referrals, read once from the store the server opened (one generation;
  // the server serves one), with the clocks counted in each school's school
  // days. A status update changes the referrals here and in the store
  // together, under caseload_mu (SchoolDays caches as it goes).
  std::mutex caseload_mu;
  bool caseload_loaded = false;
  ReferralTable referrals;
  std::unique_ptr<StoreCalendar> calendar;
  std::unique_ptr<SchoolDays> school_days;
  std::map<std::string, std::string, std::less<>> trigger_meaning;
  std::string rules_version;
  int32_t caseload_day = kNoDate;
  std::vector<std::vector<uint32_t>> open_flags_by_pupil;
  void LoadCaseload();  // with caseload_mu held
  // Whether `who` may see a pupil at store school row `school` living in
  // `home_la`, by the pupil access rules (cached per school in `decided`).
  bool EntitledTo(const Principal& who, uint32_t school, int home_la,
                  const std::vector<Agreement>& agreements,
                  std::map<uint32_t, PupilAccess>* decided, std::string* basis);
  json ReferralJson(size_t row, const std::vector<Agreement>& agreements);
  void HandleCaseload(const httplib::Request& req, httplib::Response& res);
  // Each LIPA's effectiveness as of the store's last day, from its
  // referrals and flag history and the agreements' terms.
  Status ReadLipaEffectiveness(const LoadedStore& from, Published* p);
  void HandleReferralUpdate(const httplib::Request& req, httplib::Response& res);
  void HandleMeasures(const Published& p, const httplib::Request& req, httplib::Response& res);
  void HandleXlsx(int urn, httplib::Response& res);
  void ComputeMeasuresInto(const LoadedStore* from, Published* p);
  json MeasuresJson(const SchoolMeasures& m) const;
};

namespace {

// The LA and trust rows of a published family file, by area code.
Status ReadAreaRows(const std::string& path, Published* p) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  CsvReader reader(file->data());
  CsvRecord header, row;
  if (!reader.Next(&header)) return Status::Corruption(path + " is empty");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header.fields.size(); ++i) col[std::string(header.fields[i])] = i;
  for (const char* need : {"geographic_level", "old_la_code", "trust_id", "school_type",
                           "location_basis", "breakdown_topic", "breakdown"}) {
    if (!col.count(need)) return Status::Corruption(fmt::format("{} has no {} column", path, need));
  }
  // Columns kept: the filters and the indicators.
  std::vector<size_t> keep;
  for (const char* c : {"school_type", "location_basis", "breakdown_topic", "breakdown"}) {
    keep.push_back(col[c]);
  }
  const size_t first_indicator =
      col.count("num_schools") ? col["num_schools"] : col["breakdown"] + 1;
  for (size_t i = first_indicator; i < header.fields.size(); ++i) keep.push_back(i);
  for (size_t k : keep) p->attendance_columns.emplace_back(header.fields[k]);
  const size_t level = col["geographic_level"], la = col["old_la_code"], trust = col["trust_id"],
               type = col["school_type"];
  while (reader.Next(&row)) {
    if (row.fields.size() != header.fields.size()) continue;
    const std::string_view lvl = row.fields[level];
    std::map<std::string, AreaRows>* by = nullptr;
    std::string key;
    if (lvl == "Local authority") {
      by = &p->attendance_by_la;
      key = std::string(row.fields[la]);
    } else if (lvl == "MAT" && row.fields[type] == "Total") {
      by = &p->attendance_by_trust;
      key = std::string(row.fields[trust]);
    } else {
      continue;
    }
    std::vector<std::string> r;
    r.reserve(keep.size());
    for (size_t k : keep) r.emplace_back(row.fields[k]);
    (*by)[key].rows.push_back(std::move(r));
  }
  return Status::Ok();
}

// local_outcomes.csv (open-data mode's is about 100 MB), by place: LAs,
// regions, England, user-defined places; and the list of the regions,
// England and the user-defined places with their names (each region's as
// its latest period names it: one source spells "Yorkshire and The
// Humber", another "the").
Status IndexLocalOutcomes(const std::string& path, Published* p) {
  // code -> (period, name): the name of the latest period.
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> regions, places,
      countries;
  int level = -1, period = -1, region = -1, region_name = -1, la = -1, la_name = -1, country = -1,
      country_name = -1;
  bool found = false;  // the columns above, found from the header at the first row
  const RowVisitor names = [&](const std::vector<std::string>& header,
                               const std::vector<std::string_view>& row) {
    if (!found) {
      level = HeaderColumn(header, "geographic_level");
      period = HeaderColumn(header, "time_period");
      region = HeaderColumn(header, "region_code");
      region_name = HeaderColumn(header, "region_name");
      la = HeaderColumn(header, "old_la_code");
      la_name = HeaderColumn(header, "la_name");
      country = HeaderColumn(header, "country_code");
      country_name = HeaderColumn(header, "country_name");
      found = true;
    }
    const auto cell = [&](int c) {
      return c < 0 ? std::string_view() : row[static_cast<size_t>(c)];
    };
    const auto note = [&](auto& named, int code_col, int name_col, std::string_view prefix) {
      if (code_col < 0 || name_col < 0) return;
      std::string_view code = cell(code_col);
      if (!code.starts_with(prefix)) return;
      code.remove_prefix(prefix.size());
      const std::string_view when = cell(period);
      auto it = named.find(code);
      if (it == named.end()) {
        named.emplace(std::string(code), std::pair(std::string(when), std::string(cell(name_col))));
      } else if (when > it->second.first) {
        it->second = {std::string(when), std::string(cell(name_col))};
      }
    };
    const std::string_view lvl = cell(level);
    if (lvl == "Regional") {
      note(regions, region, region_name, "");
    } else if (lvl == "Place") {
      note(places, la, la_name, kPlaceCodePrefix);
    } else if (lvl == "National") {
      note(countries, country, country_name, "");
    }
  };
  LANTERN_RETURN_IF_ERROR(IndexPublishedFile(
      path,
      {{"old_la_code", {"Local authority"}, &p->outcomes_by_la},
       {"region_code", {"Regional"}, &p->outcomes_by_region},
       {"country_code", {"National"}, &p->outcomes_by_country},
       {"old_la_code", {"Place"}, &p->outcomes_by_place, std::string(kPlaceCodePrefix)}},
      names));
  auto list = [](const auto& named, const std::map<std::string, std::string>& served) {
    json out = json::array();
    for (const auto& [code, when_name] : named) {
      if (served.count(code)) out.push_back({{"code", code}, {"name", when_name.second}});
    }
    return out;
  };
  json body;
  const json england = list(countries, p->outcomes_by_country);
  body["england"] = england.empty() ? json(nullptr) : england.front();
  body["regions"] = list(regions, p->outcomes_by_region);
  body["places"] = list(places, p->outcomes_by_place);
  p->outcome_places_json = body.dump();
  return Status::Ok();
}

// The outcomes files in `dir` that exist, indexed for the endpoints.
Status IndexOutcomes(const std::string& dir, Published* p) {
  const fs::path d(dir);
  if (fs::exists(d / "local_outcomes.csv")) {
    LANTERN_RETURN_IF_ERROR(IndexLocalOutcomes((d / "local_outcomes.csv").string(), p));
  }
  if (fs::exists(d / "movement.csv")) {
    LANTERN_RETURN_IF_ERROR(IndexPublishedFile(
        (d / "movement.csv").string(),
        {{"old_la_code", {"Local authority", "School"}, &p->movement_by_la},
         {"region_code", {"Regional", "Local authority"}, &p->movement_by_region},
         {"country_code", {"National", "Regional"}, &p->movement_by_country},
         {"old_la_code", {"Place"}, &p->movement_by_place, std::string(kPlaceCodePrefix)}}));
    // England's figures only where the framework has them: from pupil
    // records, a store covering all nine regions.
    if (!p->outcomes_by_country.count("E92000001")) p->movement_by_country.clear();
  }
  if (fs::exists(d / "movement_flows.csv")) {
    LANTERN_RETURN_IF_ERROR(
        IndexPublishedFile((d / "movement_flows.csv").string(),
                           {{"old_la_code", {"Local authority"}, &p->movement_flows_by_la}}));
  }
  if (fs::exists(d / "trust_contribution.csv")) {
    LANTERN_RETURN_IF_ERROR(IndexPublishedFile((d / "trust_contribution.csv").string(),
                                               {{"trust_id", {}, &p->contribution_by_trust}}));
  }
  if (fs::exists(d / "net_flows.csv")) {
    LANTERN_RETURN_IF_ERROR(IndexPublishedFile(
        (d / "net_flows.csv").string(),
        {{"old_la_code", {}, &p->net_flows_by_la}, {"trust_id", {}, &p->net_flows_by_trust}}));
  }
  return Status::Ok();
}

// The Local Outcomes Framework over the store as the server runs it
// (docs/server.md): the user-defined places of --places, else the store's
// places.csv when it has one; the year before's store, when given, for the
// trend.
PupilLevelOutcomesOptions FrameworkOptions(const ServerOptions& options) {
  PupilLevelOutcomesOptions o;
  o.policy_file = options.policy_file;
  o.threads = options.threads;
  o.places_file = options.places_file;
  if (!options.previous_store_dir.empty()) o.earlier_stores = {options.previous_store_dir};
  if (const fs::path places = fs::path(options.store_dir) / "places.csv";
      o.places_file.empty() && fs::exists(places)) {
    o.places_file = places.string();
  }
  return o;
}

// The framework's files in `dir`, indexed, and the case list of children
// missing education by home LA.
Status ReadCmeCases(const std::string& dir, Published* p) {
  std::map<int, std::vector<json>> cases;
  bool no_home = false;
  LANTERN_RETURN_IF_ERROR(IndexPublishedFile(
      dir + "/children_missing_education.csv", {},
      [&](const std::vector<std::string>& header, const std::vector<std::string_view>& row) {
        const int home = HeaderColumn(header, "home_la_code");
        no_home = home < 0;
        if (no_home) return;
        const auto la = ParseInt(row[static_cast<size_t>(home)]);
        if (!la) return;
        json r;
        for (size_t c = 0; c < header.size(); ++c) r[header[c]] = row[c];
        cases[*la].push_back(std::move(r));
      }));
  if (no_home) return Status::Internal("the case list has no home_la_code");
  LANTERN_RETURN_IF_ERROR(IndexOutcomes(dir, p));
  p->cme_by_la = std::move(cases);
  return Status::Ok();
}

}  // namespace

namespace {

// The rows of one of `lantern voice`'s files, as objects without the
// geography columns, appended to by[area][name], in the file's order (the
// coverage file lists under-heard groups first).
Status ReadVoiceRows(const std::string& path, const char* name, std::map<std::string, json>* by) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  CsvReader reader(file->data());
  CsvRecord header, row;
  if (!reader.Next(&header)) return Status::Corruption(path + " is empty");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header.fields.size(); ++i) col[std::string(header.fields[i])] = i;
  for (const char* need : {"geographic_level", "old_la_code", "school_urn"}) {
    if (!col.count(need)) return Status::Corruption(fmt::format("{} has no {} column", path, need));
  }
  const std::set<std::string> geography = {
      "time_identifier", "geographic_level", "country_code",   "country_name", "region_code",
      "region_name",     "old_la_code",      "new_la_code",    "la_name",      "trust_id",
      "trust_name",      "school_urn",       "school_laestab", "school_name"};
  const size_t level = col["geographic_level"], la = col["old_la_code"], urn = col["school_urn"];
  while (reader.Next(&row)) {
    if (row.fields.size() != header.fields.size()) continue;
    const std::string_view lvl = row.fields[level];
    std::string key;
    if (lvl == "School") {
      key = "school:" + std::string(row.fields[urn]);
    } else if (lvl == "Local authority") {
      key = "la:" + std::string(row.fields[la]);
    } else if (lvl == "National") {
      key = "england";
    } else {
      continue;
    }
    json r = json::object();
    for (size_t i = 0; i < header.fields.size(); ++i) {
      std::string c(header.fields[i]);
      if (!geography.count(c)) r[c] = std::string(row.fields[i]);
    }
    json& area = (*by)[key];
    if (!area.contains(name)) area[name] = json::array();
    area[name].push_back(std::move(r));
  }
  return Status::Ok();
}

}  // namespace

// The store's voice wave through the one voice report and its one writer
// (src/voice/), read back by area: the API serves exactly the published
// files' rows, computed once.
Status Server::Impl::ComputeVoice(const LoadedStore& from, Published* p) {
  const StoreState& state = from.impl().state;
  LANTERN_ASSIGN_OR_RETURN(std::string dir, voice::FindCatalogueDir(""));
  LANTERN_ASSIGN_OR_RETURN(voice::VoiceCatalogue cat,
                           voice::LoadCatalogueWithLocalItems(dir, state.voice_local_items));
  // The previous year's store, when given: change since its wave.
  std::unique_ptr<StoreState> previous;
  if (!options.previous_store_dir.empty()) {
    LANTERN_ASSIGN_OR_RETURN(auto prev,
                             Store::Open(options.previous_store_dir, Store::Mode::kRead));
    LANTERN_ASSIGN_OR_RETURN(StoreState ps, prev->Load(true, std::max(1, options.threads)));
    previous = std::make_unique<StoreState>(std::move(ps));
    LANTERN_RETURN_IF_ERROR(voice::AddPreviousLocalItems(cat, previous->voice_local_items));
  }
  voice::VoiceReportInput in;
  in.current = &state;
  in.previous = previous.get();
  in.catalogue = &cat;
  in.policy = &policy;
  in.threads = std::max(1, options.threads);
  LANTERN_ASSIGN_OR_RETURN(voice::VoiceReport report, voice::MakeVoiceReport(in));
  p->voice_covers_england = report.covers_england;
  const std::string out = (fs::path(options.work_dir) / "voice").string();
  LANTERN_RETURN_IF_ERROR(voice::WriteVoiceFiles(report, cat, out));
  // The question bank, for the charts: each item's stem, polarity and
  // categories in scale order (points low to high, then those set aside).
  for (const voice::VoiceItem& item : cat.items()) {
    const voice::VoiceScale& scale = cat.ScaleOf(item);
    json cats = json::array();
    for (size_t k = 0; k < scale.categories.size(); ++k) {
      const auto& c = scale.categories[k];
      static constexpr const char* kKinds[] = {"point", "dont_know", "prefer_not_to_say",
                                               "not_answered"};
      cats.push_back({{"code", c.code},
                      {"label", c.label},
                      {"kind", kKinds[static_cast<int>(c.kind)]},
                      {"positive", k < item.positive.size() && item.positive[k]}});
    }
    p->voice_items.push_back({{"item_id", item.id},
                              {"item_version", item.version},
                              {"domain", item.domain},
                              {"stem", item.stem},
                              {"polarity", std::string(1, item.polarity)},
                              {"points", scale.points},
                              {"categories", std::move(cats)}});
  }
  LANTERN_RETURN_IF_ERROR(
      ReadVoiceRows(out + "/voice_coverage.csv", "coverage", &p->voice_by_area));
  LANTERN_RETURN_IF_ERROR(ReadVoiceRows(out + "/voice.csv", "distributions", &p->voice_by_area));
  LANTERN_RETURN_IF_ERROR(ReadVoiceRows(out + "/voice_change.csv", "change", &p->voice_by_area));
  return Status::Ok();
}

void Server::Impl::Compute() {
  auto p = std::make_shared<Published>();
  const Status st = ComputeInto(store.get(), p.get());
  std::lock_guard lock(mu);
  compute_status = st;
  if (st.ok()) published = std::move(p);
  computing_done = true;
  cv.notify_all();
  if (!options.quiet) {
    std::fprintf(
        stderr, "lantern serve: %s\n",
        st.ok() ? "published figures ready" : ("computing failed: " + st.ToString()).c_str());
    if (published) std::fprintf(stderr, "  %s\n", published->steps.c_str());
  }
}

// ---------------------------------------------------------------- the inbox

void Server::Impl::WatchInbox() {
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return computing_done; });
    if (!published) return;  // nothing served to put a new day beside
  }
  std::error_code ec;
  fs::create_directories(fs::path(options.inbox_dir), ec);
  for (;;) {
    {
      std::unique_lock lock(inbox_mu);
      if (inbox_cv.wait_for(lock, std::chrono::milliseconds(options.inbox_poll_ms),
                            [&] { return stopping; })) {
        return;
      }
    }
    // The folders in the inbox, oldest name first; a folder whose name
    // starts with a dot is still being written (write it so, then rename).
    std::vector<fs::path> folders;
    try {
      for (const auto& e : fs::directory_iterator(options.inbox_dir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_directory(ec) && !name.empty() && name[0] != '.' && name != "done" &&
            name != "failed" && !stuck.count(name)) {
          folders.push_back(e.path());
        }
      }
    } catch (const std::exception&) {
      // The inbox changed under the look (a folder removed): the next look.
      continue;
    }
    std::sort(folders.begin(), folders.end());
    for (const fs::path& f : folders) {
      {
        std::lock_guard lock(inbox_mu);
        if (stopping) return;
      }
      try {
        TakeDay(f);
      } catch (const std::exception& e) {
        // Whatever went wrong, the server goes on serving the day it has;
        // the folder is not taken again.
        day_loading = false;
        stuck.insert(f.filename().string());
        std::lock_guard lock(mu);
        inbox_last = json{{"folder", f.filename().string()},
                          {"status", "failed"},
                          {"detail", std::string("internal error: ") + e.what()}};
      }
    }
  }
}

namespace {

// Moves a folder the inbox took into `to` (done/ or failed/), beside a
// file of what became of it (NAME.txt); a name already there gets a number.
// Whether it could be moved.
bool FileAway(const fs::path& folder, const fs::path& to, std::string outcome) {
  std::error_code ec;
  fs::create_directories(to, ec);
  const std::string name = folder.filename().string();
  fs::path dest = to / name;
  for (int n = 2; fs::exists(dest, ec); ++n) dest = to / fmt::format("{}.{}", name, n);
  fs::rename(folder, dest, ec);
  if (ec) {
    outcome += fmt::format(
        "the folder could not be moved here ({}): it stays in the inbox, "
        "not taken again until the server restarts\n",
        ec.message());
  }
  std::ofstream(dest.string() + ".txt") << outcome;
  return !ec;
}

}  // namespace

void Server::Impl::TakeDay(const fs::path& folder) {
  const std::string name = folder.filename().string();
  const auto started = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const auto record = [&](const std::string& status, const std::string& detail) {
    std::lock_guard lock(mu);
    inbox_last = json{{"folder", name}, {"status", status}, {"detail", detail}};
    if (!options.quiet) {
      std::fprintf(stderr, "lantern serve: inbox %s: %s (%.2f s)\n", name.c_str(), status.c_str(),
                   seconds());
    }
  };
  // From here referral updates wait; the exclusive lock, taken and let go,
  // lets one already under way finish first.
  day_loading = true;
  { std::unique_lock wait_for_requests(serve_mu); }
  std::shared_ptr<const LoadedStore> current;
  {
    std::shared_lock lock(serve_mu);
    current = store;
  }
  std::vector<LipaTerms> lipas;
  if (auto agreements = accounts->ListAgreements(); agreements.ok()) {
    for (auto& a : *agreements) {
      if (a.lipa) lipas.push_back(std::move(*a.lipa));
    }
  }
  // The daily job, as `lantern ingest DAY --store S --flags OUT`: the
  // commit, then (where the store already keeps flags) the day's flags,
  // referrals and escalations on the state just committed.
  IngestOptions io;
  io.input_dir = folder.string();
  io.store_dir = options.store_dir;
  io.policy_file = options.policy_file;
  io.threads = options.threads;
  io.read_flag_tables = true;
  IngestReport report;
  FlagsReport flagged;
  bool flags_run = false;
  const std::string flags_dir = (fs::path(options.work_dir) / "daily" / name).string();
  Status st = current->impl().store->WriteFromReader([&]() -> Status {
    std::shared_ptr<LoadedStore> committed;
    LANTERN_RETURN_IF_ERROR(Ingest(io, &report, &committed));
    if (!committed || !report.committed || committed->impl().state.flag_runs.size() == 0) {
      return Status::Ok();
    }
    // The day's flag changes are pupil-level: audited like the daily
    // job's (docs/access.md).
    AuditEntry entry;
    entry.username = "lantern serve";
    entry.role = "operator";
    entry.scope = "store";
    entry.action = "inbox: the daily job";
    entry.target = "flag_changes.csv to " + flags_dir;
    entry.basis = "the server's inbox: the account's access to the store's files";
    LANTERN_RETURN_IF_ERROR(accounts->Append(entry));
    FlagsOptions f;
    f.store_dir = options.store_dir;
    f.out_dir = flags_dir;
    f.list = false;
    f.policy_file = options.policy_file;
    f.threads = options.threads;
    f.lipas = std::move(lipas);
    const auto& last_commit = committed->impl().last_commit;
    f.changes = last_commit ? &*last_commit : nullptr;
    flags_run = true;
    return RunFlags(*committed->impl().store, &committed->mutable_impl().state, f, &flagged);
  });
  const fs::path inbox(options.inbox_dir);
  if (st.code() == StatusCode::kUnavailable) {
    // Another process held the store: the folder stays for the next look.
    day_loading = false;
    return record("waiting", st.message());
  }
  std::string outcome = fmt::format("lantern ingest {} -> {}\n{}", name, options.store_dir,
                                    st.ok() || report.committed ? report.Summary() : "");
  if (flags_run) outcome += "flags -> " + flags_dir + "\n" + flagged.Summary();
  if (!st.ok()) {
    // Nothing was committed (or, for the flags, the ingest was: the store
    // is then a day on, and is served below).
    outcome += "failed: " + st.ToString() + "\n";
    if (!report.committed) {
      if (!FileAway(folder, inbox / "failed", outcome)) stuck.insert(name);
      day_loading = false;
      return record("failed", st.ToString());
    }
  }
  if (!report.committed) {
    // Every row rejected (kept aside in the store's rejects/), or nothing
    // new: the store and the day served stay as they were.
    const bool rejected = report.rows_rejected > 0;
    if (!FileAway(folder, inbox / (rejected ? "failed" : "done"), outcome)) stuck.insert(name);
    day_loading = false;
    return rejected ? record("failed", fmt::format("{} rows rejected, none taken (see {})",
                                                   report.rows_rejected, report.rejects_dir))
                    : record("unchanged", "nothing new in the folder");
  }
  // The new generation, loaded and published beside the one served, then
  // put in its place.
  auto next = LoadedStore::Open(options.store_dir, options.threads);
  Status published_st = next.ok() ? Status::Ok() : next.status();
  auto p = std::make_shared<Published>();
  if (published_st.ok()) published_st = ComputeInto(next->get(), p.get());
  outcome += "figures: " + p->steps + "\n";
  if (published_st.ok()) Serve(std::move(next).value(), std::move(p));
  day_loading = false;
  outcome += fmt::format("served: {}\n", published_st.ok() ? "yes" : published_st.ToString());
  // The day is in the store (if its flags failed, the note says why):
  // filed as done, since dropping it again would change nothing.
  if (!FileAway(folder, inbox / "done", outcome)) stuck.insert(name);
  if (!published_st.ok()) {
    return record("committed, not served",
                  "the store took the day but its figures failed: " + published_st.ToString());
  }
  record(st.ok() ? (report.rows_rejected > 0 ? "taken, some rows rejected" : "taken")
                 : "taken, flags failed",
         st.ok() ? fmt::format("{} rows rejected", report.rows_rejected) : st.ToString());
}

void Server::Impl::Serve(std::shared_ptr<const LoadedStore> next,
                         std::shared_ptr<const Published> p) {
  auto next_pupils = std::make_unique<PupilRecords>(next, policy);
  const StoreState& state = next->impl().state;
  const auto dates = state.marks.Dates();
  std::string next_as_of = dates.empty() ? "" : FormatIsoDate(Date{dates.back()});
  std::string next_period = state.year ? state.year->TimePeriod() : time_period;
  // The generation let go is freed after the lock.
  std::shared_ptr<const LoadedStore> old_store;
  std::unique_ptr<PupilRecords> old_pupils;
  std::shared_ptr<const Published> old_published;
  std::unique_lock lock(serve_mu);
  old_store = std::exchange(store, std::move(next));
  old_pupils = std::exchange(pupils, std::move(next_pupils));
  as_of = std::move(next_as_of);
  time_period = std::move(next_period);
  {
    std::lock_guard l(mu);
    old_published = std::exchange(published, std::move(p));
  }
  {
    std::lock_guard l(cache_mu);
    scorecard_cache.clear();
    enquiry_cache.clear();
    pupil_cache.clear();
    pupil_cache_order.clear();
  }
  {
    std::lock_guard l(caseload_mu);
    caseload_loaded = false;  // read again from the new store on first use
    trigger_meaning.clear();
  }
}

Status Server::Impl::ComputeInto(const LoadedStore* from, Published* p) {
  Status st;
  const int threads = options.threads;
  auto lap_start = std::chrono::steady_clock::now();
  const auto lap = [&](const char* name) {
    const auto now = std::chrono::steady_clock::now();
    p->steps += fmt::format("{}{} {:.2f} s", p->steps.empty() ? "" : "; ", name,
                            std::chrono::duration<double>(now - lap_start).count());
    lap_start = now;
  };
  if (!options.open_data) {
    BuildOptions b;
    b.store_dir = options.store_dir;
    b.out_dir = (fs::path(options.work_dir) / "build").string();
    b.policy_file = options.policy_file;
    b.threads = threads;
    // The Local Outcomes Framework from the build's computation (the
    // facts, the cube and the disclosure pass once for both), except with
    // user-defined places, whose audits the framework runs on its own, or
    // the year before's store, whose trend only its own run gives.
    PupilLevelOutcomesOptions framework = FrameworkOptions(options);
    const std::string framework_dir = (fs::path(options.work_dir) / "outcomes").string();
    const bool together = framework.places_file.empty() && framework.earlier_stores.empty();
    if (together) {
      b.outcomes_dir = framework_dir;
      b.outcomes = framework;
    }
    BuildReport report;
    st = Build(*from, b, &report);
    if (st.ok()) st = ReadAreaRows(b.out_dir + "/attendance.csv", p);
    lap(together ? "build and outcomes" : "build");
    if (st.ok() && !together) {
      OutcomesReport r;
      st = RunPupilLevelOutcomes(*from, framework, framework_dir, &r);
      if (!st.ok() && !framework.earlier_stores.empty()) {
        // The year before's store cannot give the trend (another year's
        // places file may name a school it does not hold): this year's alone.
        if (!options.quiet) {
          std::fprintf(stderr, "lantern serve: no trend from the previous store: %s\n",
                       st.ToString().c_str());
        }
        framework.earlier_stores.clear();
        st = RunPupilLevelOutcomes(*from, framework, framework_dir, &r);
      }
      lap("outcomes");
    }
    if (st.ok()) {
      PupilLevelOptions o;
      o.policy_file = options.policy_file;
      o.threads = threads;
      o.real_data_dir = options.real_data_dir;
      auto in = LoadPupilLevelScorecardInput(*from, o);
      if (in.ok()) {
        p->input = std::move(*in);
      } else {
        st = in.status();
      }
    }
    lap("scorecard input");
    if (st.ok()) st = ReadCmeCases(framework_dir, p);
    lap("outcomes read");
    if (st.ok()) st = ReadLipaEffectiveness(*from, p);
    lap("LIPA effectiveness");
  } else {
    auto in = LoadOpenDataScorecardInput(options.open_data_dir, threads, policy.suppress_below);
    if (in.ok()) {
      p->input = std::move(*in);
    } else {
      st = in.status();
    }
    // The open-data Local Outcomes Framework for every LA, its region and
    // England, where the published LA files are there; without them the
    // endpoints say so (the schools' figures are still served).
    if (st.ok()) {
      const std::string dir = (fs::path(options.work_dir) / "outcomes").string();
      OutcomesReport report;
      if (RunOpenDataOutcomes(options.open_data_dir, dir, policy.suppress_below, &report).ok()) {
        st = IndexOutcomes(dir, p);
      }
    }
  }
  if (st.ok()) {
    lap_start = std::chrono::steady_clock::now();
    ScorecardOptions so;
    so.threads = threads;
    auto sc = Scorecard::Build(p->input, so);
    if (sc.ok()) {
      p->scorecard = std::make_unique<Scorecard>(std::move(*sc));
    } else {
      st = sc.status();
    }
  }
  if (st.ok()) {
    p->indicators_json = ScorecardIndicatorsJson(p->input);
    std::map<int, const ScorecardLocalAuthority*> las;
    for (const auto& la : p->input.local_authorities) las[la.la_code] = &la;
    // Postcodes, where the store has them: a search by postcode or by its
    // district (the part before the space, "TS24").
    std::unordered_map<int, std::string> postcode;
    if (from != nullptr) {
      const SchoolTable& t = from->impl().state.schools;
      for (size_t i = 0; i < t.size(); ++i) {
        if (!t.postcode[i].empty()) postcode[t.urn[i]] = t.postcode[i];
      }
    }
    for (uint32_t i = 0; i < p->input.schools.size(); ++i) {
      const ScorecardSchool& s = p->input.schools[i];
      if (s.reference || !p->scorecard->Scored(i)) continue;
      SchoolEntry e;
      e.index = i;
      e.urn = s.urn;
      e.name = s.name;
      e.phase = std::string(ScorecardPhaseLabel(s.phase));
      e.type = s.type_label;
      e.trust_id = s.trust_id;
      e.trust_name = s.trust_name;
      e.la_code = s.la_code;
      if (auto it = las.find(s.la_code); it != las.end()) {
        e.la_name = it->second->la_name;
        e.region_name = it->second->region_name;
      }
      e.search = Lower(fmt::format("{} {} {} {} {} {} {} {}", e.name, e.urn, e.la_name, e.la_code,
                                   e.trust_name, e.trust_id, e.phase, e.type));
      if (auto pc = postcode.find(e.urn); pc != postcode.end()) {
        e.postcode = pc->second;
        e.search +=
            " " + Lower(pc->second) + " " + Lower(pc->second.substr(0, pc->second.find(' ')));
      }
      p->school_by_urn[e.urn] = p->schools.size();
      p->schools.push_back(std::move(e));
    }
  }
  lap("scorecard and schools");
  if (st.ok()) ComputeMeasuresInto(from, p);
  lap("measures");
  if (st.ok() && from != nullptr && from->impl().state.voice_respondents.size() > 0) {
    Status vs = ComputeVoice(*from, p);
    if (!vs.ok()) p->voice_status = vs.ToString();
    lap("voice");
  }
  return st;
}

// Every school's KS4 measures: from the store against the Department's
// published estimates where the real-data folder has them (a local
// authority's store then gets the national-basis figure), else the store's
// own cohort; in open-data mode from the published 2019 files. A store with
// no KS4 results leaves a note, not a failure.
void Server::Impl::ComputeMeasuresInto(const LoadedStore* from, Published* p) {
  Result<MeasuresResult> r = Status::NotFound("no KS4 measures");
  if (!options.open_data) {
    MeasuresOptions& m = p->measures_options;
    m.store_dir = options.store_dir;
    m.policy_file = options.policy_file;
    m.threads = options.threads;
    if (auto real = FindRealDataDir(options.real_data_dir); real.ok()) {
      const std::string published =
          *real + "/progress8_ks2_estimates_2024/p8_pupil_coefficients_file.csv";
      if (fs::exists(published)) m.estimates_file = published;
    }
    r = ComputeMeasures(*from, m);
  } else if (auto real = FindRealDataDir(options.open_data_dir); real.ok()) {
    r = OpenDataMeasures(*real);
  } else {
    r = real.status();
  }
  if (!r.ok()) {
    p->measures_note = r.status().message();
    return;
  }
  auto m = std::make_shared<MeasuresResult>(std::move(*r));
  for (size_t i = 0; i < m->schools.size(); ++i) p->measures_by_urn[m->schools[i].urn] = i;
  p->measures = std::move(m);
}

namespace {

json ProgressJson(const ProgressFigure& f, bool shown) {
  if (!f.available) return json{{"available", false}, {"symbol", "z"}};
  if (!shown) return json{{"available", true}, {"symbol", "c"}};
  return json{{"available", true},
              {"pupils", f.pupils},
              {"score", f.score},
              {"lower", f.lower},
              {"upper", f.upper},
              {"unadjusted", f.unadjusted},
              {"capped", f.capped},
              {"elements", f.elements},
              {"band", ProgressBandName(f.band)},
              {"band3", ProgressBand3Name(f.band)},
              {"percentile_band", f.percentile_band}};
}

}  // namespace

// A school's measures as published: figures of a school with fewer KS4
// pupils than the policy's threshold are withheld ("c"), as in measures.csv.
json Server::Impl::MeasuresJson(const SchoolMeasures& m) const {
  const int min = policy.ks4_school_min_pupils;
  const bool shown = m.ks4_pupils >= min;
  json j{{"urn", m.urn},
         {"name", m.name},
         {"la_code", m.la_code},
         {"trust_id", m.trust_id},
         {"school_type", m.school_type},
         {"ks4_pupils", m.ks4_pupils},
         {"withheld", !shown}};
  if (shown) {
    j["att8"] = m.att8;
    j["att8_percentile_band"] = m.att8_percentile_band;
    j["broader"] = m.broader;
    j["p5_attainment"] = m.p5_attainment;
    j["share_sen"] = m.share_sen;
    j["share_disadvantaged"] = m.share_disadvantaged;
    j["share_vocational"] = m.share_vocational;
    j["sustained_destination"] =
        m.sustained_destination < 0 ? json(nullptr) : json(m.sustained_destination);
    j["band_moves"] = m.band_moves;
  }
  j["p8"] = ProgressJson(m.p8, shown && m.p8.pupils >= min);
  j["p5"] = ProgressJson(m.p5, shown && m.p5.pupils >= min);
  return j;
}

// GET /api/v1/schools/{urn}/measures: the school's measures for everyone;
// its pupils' slots only for those entitled to its pupils (every pupil, not
// residents only), audited before they are sent.
void Server::Impl::HandleMeasures(const Published& p, const httplib::Request& req,
                                  httplib::Response& res) {
  const auto urn = ParseInt(req.matches[1].str());
  if (!p.measures) return SendError(res, 404, "no KS4 measures here: " + p.measures_note);
  auto it = urn ? p.measures_by_urn.find(*urn) : p.measures_by_urn.end();
  if (it == p.measures_by_urn.end()) return SendError(res, 404, "no KS4 measures for that URN");
  json body;
  body["time_period"] =
      fmt::format("{}{:02d}", p.measures->ks4_year, (p.measures->ks4_year + 1) % 100);
  body["estimates_source"] = p.measures->estimates_source;
  body["school"] = MeasuresJson(p.measures->schools[it->second]);
  body["pupils"] = nullptr;
  const Principal who = accounts ? Who(req) : Principal{};
  if (!who.authenticated()) {
    body["pupils_note"] = "pupils' slots are shown to those entitled to the school's pupils";
    return SendJson(res, 200, body);
  }
  const auto school = pupils ? pupils->School(*urn) : std::nullopt;
  auto agreements = accounts->ListAgreements();
  if (!agreements.ok()) return SendError(res, 500, "the agreements could not be read");
  const PupilAccess access =
      school ? DecidePupilAccess(who, *school, *agreements, as_of) : PupilAccess{};
  if (!access.allowed || access.residents_of != 0) {
    body["pupils_note"] = "you are not entitled to see this school's pupils' slots";
    return SendJson(res, 200, body);
  }
  auto list = ComputePupilMeasures(*store, p.measures_options, *urn);
  if (!list.ok()) return SendError(res, 500, "the pupils' measures could not be computed");
  AuditEntry entry;
  entry.username = who.username;
  entry.role = std::string(RoleName(who.role));
  entry.scope = who.scope;
  entry.action = "GET /api/v1/schools/{urn}/measures";
  entry.target = fmt::format("school:{} pupils:{}", *urn, list->size());
  entry.basis = access.basis;
  if (Status st = accounts->Append(entry); !st.ok()) {
    return SendError(res, 500, "the audit log could not be written, so nothing is shown");
  }
  auto slots = [](const std::vector<PupilSlot>& v) {
    json a = json::array();
    for (const PupilSlot& s : v) {
      a.push_back({{"slot", s.slot},
                   {"qual_id", s.qual_id},
                   {"title", s.title},
                   {"grade", s.grade},
                   {"points", s.points},
                   {"weight", s.weight}});
    }
    return a;
  };
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json list_json = json::array();
  for (const PupilMeasures& m : *list) {
    list_json.push_back({{"upn", m.upn},
                         {"att8", m.att8},
                         {"ks2_average", opt(m.ks2_average)},
                         {"pag", m.pag},
                         {"p8", opt(m.p8)},
                         {"p8_adjusted", opt(m.p8_adjusted)},
                         {"p5", opt(m.p5)},
                         {"p5_adjusted", opt(m.p5_adjusted)},
                         {"p5_attainment", m.p5_attainment},
                         {"broader", m.broader},
                         {"a8_slots", slots(m.a8_slots)},
                         {"p5_slots", slots(m.p5_slots)}});
  }
  body["basis"] = access.basis;
  body["pupils"] = std::move(list_json);
  SendJson(res, 200, body);
}

Principal Server::Impl::Who(const httplib::Request& req, std::string* csrf) {
  Principal who;
  if (!accounts) return who;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) {
    auto user = accounts->AuthenticateApiToken(auth.substr(7));
    if (user.ok()) {
      who.username = user->username;
      who.role = user->role;
      who.scope = user->scope;
      if (csrf != nullptr) *csrf = "";  // a token needs no CSRF header: no cookie is involved
    }
    return who;
  }
  const std::string cookies = req.get_header_value("Cookie");
  const std::string prefix = std::string(kSessionCookie) + "=";
  for (size_t at = 0; at < cookies.size();) {
    size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    std::string_view part(cookies.data() + at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, prefix.size()) == prefix) {
      auto session = accounts->Authenticate(std::string(part.substr(prefix.size())), Now());
      if (session.ok()) {
        who.username = session->user.username;
        who.role = session->user.role;
        who.scope = session->user.scope;
        if (csrf != nullptr) *csrf = session->csrf;
      }
      break;
    }
    at = end + 1;
  }
  return who;
}

json Server::Impl::SchoolJson(const SchoolEntry& s) const {
  return json{{"urn", s.urn},           {"name", s.name},
              {"phase", s.phase},       {"type", s.type},
              {"la_code", s.la_code},   {"la_name", s.la_name},
              {"trust_id", s.trust_id}, {"trust_name", s.trust_name},
              {"postcode", s.postcode}};
}

json Server::Impl::Enquiries(const Published& p, const std::vector<const SchoolEntry*>& schools,
                             const std::string& key) {
  {
    std::lock_guard lock(cache_mu);
    if (auto it = enquiry_cache.find(key); it != enquiry_cache.end()) return it->second;
  }
  json out = json::array();
  for (const SchoolEntry* s : schools) {
    for (const SchoolEnquiry& e : SchoolEnquiries(*p.scorecard, s->index)) {
      out.push_back({{"urn", s->urn},
                     {"school_name", s->name},
                     {"indicator", e.indicator},
                     {"pupil_group", e.pupil_group},
                     {"breakdown", e.breakdown},
                     {"direction", e.direction > 0 ? "higher" : "lower"},
                     {"enquiry_text", e.text}});
    }
  }
  std::lock_guard lock(cache_mu);
  enquiry_cache[key] = out;
  return out;
}

json Server::Impl::AttendanceJson(const Published& p, const std::map<std::string, AreaRows>& by,
                                  const std::string& key) const {
  json rows = json::array();
  if (auto it = by.find(key); it != by.end()) {
    for (const auto& r : it->second.rows) rows.push_back(r);
  }
  return json{{"columns", p.attendance_columns}, {"rows", std::move(rows)}};
}

void Server::Impl::HandlePupils(const httplib::Request& req, httplib::Response& res) {
  if (!accounts) return SendError(res, 404, "this server holds no pupil records (open-data mode)");
  const Principal who = Who(req);
  if (!who.authenticated()) return SendError(res, 401, "log in to see pupil records");
  const auto urn = ParseInt(req.matches[1].str());
  // A refusal says the same whether or not the school exists.
  const std::string refusal = "you are not entitled to see this school's pupils";
  if (!urn || !pupils) return SendError(res, 403, refusal);
  const auto school = pupils->School(*urn);
  if (!school) return SendError(res, 403, refusal);
  auto agreements = accounts->ListAgreements();
  if (!agreements.ok()) return SendError(res, 500, "the agreements could not be read");
  const PupilAccess access = DecidePupilAccess(who, *school, *agreements, as_of);
  if (!access.allowed) return SendError(res, 403, refusal);
  const std::shared_ptr<const PupilList> list = PupilsOf(*urn, access);
  const size_t count = list->count;
  if (count == 0 && access.residents_of != 0) return SendError(res, 403, refusal);
  // Audited before anything is sent: no entry, no data.
  AuditEntry entry;
  entry.username = who.username;
  entry.role = std::string(RoleName(who.role));
  entry.scope = who.scope;
  entry.action = "GET /api/v1/schools/{urn}/pupils";
  entry.target = fmt::format("school:{} pupils:{}", *urn, count);
  entry.basis = access.basis;
  if (Status st = accounts->Append(entry); !st.ok()) {
    return SendError(res, 500, "the audit log could not be written, so nothing is shown");
  }
  json who_can_see = json::array();
  if (auto users = accounts->ListUsers(); users.ok()) {
    for (const User& u : *users) {
      if (u.disabled) continue;
      const PupilAccess a =
          DecidePupilAccess({u.username, u.role, u.scope}, *school, *agreements, as_of);
      if (!a.allowed) continue;
      who_can_see.push_back({{"username", u.username},
                             {"role", std::string(RoleName(u.role))},
                             {"scope", u.scope},
                             {"basis", a.basis},
                             {"classes", a.classes}});
    }
  }
  json body;
  body["school"] = json{{"urn", *urn}, {"name", pupils->SchoolName(*urn)}};
  body["basis"] = access.basis;
  body["classes"] = access.classes;
  body["residents_of"] = access.residents_of == 0 ? json(nullptr) : json(access.residents_of);
  body["who_can_see"] = std::move(who_can_see);
  std::string text = body.dump();
  text.pop_back();  // the closing brace: the pupils go last, as cached
  text += ",\"pupils\":";
  text += list->json;
  text += '}';
  res.status = 200;
  res.set_content(std::move(text), "application/json");
}

namespace {

json DateJson(int32_t d) { return d == kNoDate ? json(nullptr) : json(FormatIsoDate(Date{d})); }

std::vector<std::string> SplitTriggers(std::string_view text) {
  std::vector<std::string> out;
  for (size_t at = 0; at <= text.size();) {
    size_t end = text.find(';', at);
    if (end == std::string_view::npos) end = text.size();
    if (end > at) out.emplace_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

Status Server::Impl::ReadLipaEffectiveness(const LoadedStore& from, Published* p) {
  std::vector<LipaTerms> lipas;
  if (accounts) {
    LANTERN_ASSIGN_OR_RETURN(auto agreements, accounts->ListAgreements());
    for (auto& a : agreements) {
      if (a.lipa) lipas.push_back(std::move(*a.lipa));
    }
  }
  const StoreState& st = from.impl().state;
  const fs::path dir = fs::path(options.work_dir) / "flags";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  const StoreCalendar days_calendar(st.marks.Dates());
  const SchoolDays days(st, days_calendar);
  LANTERN_RETURN_IF_ERROR(WriteLipaEffectiveness(st, st.flags, st.referrals, StoreLastDay(st),
                                                 dir.string(), lipas, policy.suppress_below, days));
  const std::string file = (dir / "lipa_effectiveness.csv").string();
  return IndexPublishedFile(file,
                            {{"trust_id", {}, &p->lipa_by_trust}, {"la_code", {}, &p->lipa_by_la}});
}

void Server::Impl::LoadCaseload() {
  if (caseload_loaded) return;
  caseload_loaded = true;
  const StoreState& st = store->impl().state;
  referrals = st.referrals;
  calendar = std::make_unique<StoreCalendar>(st.marks.Dates());
  school_days = std::make_unique<SchoolDays>(st, *calendar);
  caseload_day = StoreLastDay(st);
  if (auto rules = RulesInForce(st); rules.ok()) {
    rules_version = rules->version;
    for (const Trigger& t : rules->triggers) trigger_meaning[t.id] = t.meaning;
  }
  open_flags_by_pupil.assign(st.pupils.size(), {});
  for (uint32_t i = 0; i < st.flags.size(); ++i) {
    if (st.flags.until[i] == kNoDate && st.flags.pupil[i] < st.pupils.size()) {
      open_flags_by_pupil[st.flags.pupil[i]].push_back(i);
    }
  }
}

bool Server::Impl::EntitledTo(const Principal& who, uint32_t school, int home_la,
                              const std::vector<Agreement>& agreements,
                              std::map<uint32_t, PupilAccess>* decided, std::string* basis) {
  const StoreState& st = store->impl().state;
  if (school >= st.schools.size()) return false;
  auto it = decided->find(school);
  if (it == decided->end()) {
    SchoolFacts f;
    f.urn = st.schools.urn[school];
    f.la_code = st.schools.la_code[school];
    f.trust_id = st.schools.trust_id[school];
    it = decided->emplace(school, DecidePupilAccess(who, f, agreements, as_of)).first;
  }
  const PupilAccess& a = it->second;
  if (!a.allowed) return false;
  if (a.residents_of != 0 && a.residents_of != home_la) return false;
  if (basis != nullptr && basis->empty()) *basis = a.basis;
  return true;
}

json Server::Impl::ReferralJson(size_t i, const std::vector<Agreement>& agreements) {
  const StoreState& st = store->impl().state;
  const ReferralTable& r = referrals;
  std::vector<std::string> steps;
  for (const Agreement& a : agreements) {
    if (a.lipa && a.id == r.agreement_id[i]) steps = a.lipa->escalation;
  }
  if (steps.empty()) steps = DefaultSteps();
  const ReferralClock c = ClockOf(r, i, caseload_day, *school_days, steps.size());
  const uint32_t school = r.school[i];
  const bool has_school = school < st.schools.size();
  const auto step_name = [&](int n) -> json {
    if (n <= 0) return nullptr;
    return steps[std::min<size_t>(static_cast<size_t>(n), steps.size()) - 1];
  };
  json triggers = json::array();
  for (const std::string& t : SplitTriggers(r.triggers[i])) {
    auto m = trigger_meaning.find(t);
    triggers.push_back({{"id", t}, {"meaning", m == trigger_meaning.end() ? "" : m->second}});
  }
  const auto status = static_cast<ReferralStatus>(r.status[i]);
  return json{
      {"id", i + 1},
      {"upn", r.pupil[i] < st.pupils.size() ? UnpackUpn(st.pupils.upn[r.pupil[i]]) : ""},
      {"urn", has_school ? json(st.schools.urn[school]) : json(nullptr)},
      {"school_name", has_school ? st.schools.name[school] : ""},
      {"home_la", r.home_la[i]},
      {"trust_id", r.trust_id[i]},
      {"triggers", std::move(triggers)},
      {"agreement_id", r.agreement_id[i]},
      {"routed_to", r.routed_to[i]},
      {"status", std::string(ReferralStatusName(status))},
      {"raised", DateJson(r.raised_date[i])},
      {"acknowledged", DateJson(r.acknowledged_date[i])},
      {"plan_agreed", DateJson(r.plan_date[i])},
      {"closed", DateJson(r.closed_date[i])},
      {"outcome", r.outcome[i]},
      {"acknowledge_within", r.acknowledge_days[i]},
      {"plan_within", r.plan_days[i]},
      {"school_days_open", c.open_days},
      {"school_days_to_acknowledge", c.to_acknowledge < 0 ? json(nullptr) : json(c.to_acknowledge)},
      {"school_days_to_plan", c.to_plan < 0 ? json(nullptr) : json(c.to_plan)},
      {"acknowledge_breached", c.acknowledge_breached},
      {"plan_breached", c.plan_breached},
      {"next_deadline", DateJson(c.next_deadline)},
      {"escalation_level", r.escalation_level[i]},
      {"escalated_to", step_name(r.escalation_level[i])},
      {"escalated_on", DateJson(r.escalated_date[i])},
      {"escalation_due", c.escalation_due > r.escalation_level[i]},
      {"escalation_due_to",
       c.escalation_due > r.escalation_level[i] ? step_name(c.escalation_due) : json(nullptr)},
      {"escalation_due_on", DateJson(c.escalation_due_on)},
      {"notes", ReferralNotes(r, i, st.flags)}};
}

void Server::Impl::HandleCaseload(const httplib::Request& req, httplib::Response& res) {
  if (!accounts) return SendError(res, 404, "this server holds no pupil records (open-data mode)");
  const Principal who = Who(req);
  if (!who.authenticated()) return SendError(res, 401, "log in to see your caseload");
  if (who.role != Role::kSchool && who.role != Role::kTrust && who.role != Role::kLa) {
    return SendError(res, 403, "only school, trust and LA users have a caseload of pupils");
  }
  auto agreements = accounts->ListAgreements();
  if (!agreements.ok()) return SendError(res, 500, "the agreements could not be read");
  const StoreState& st = store->impl().state;
  std::lock_guard lock(caseload_mu);
  LoadCaseload();
  std::map<uint32_t, PupilAccess> decided;
  std::string basis;
  json pupils_out = json::array();
  std::map<uint32_t, size_t> open_referral;  // pupil -> referral id
  for (size_t i = 0; i < referrals.size(); ++i) {
    if (static_cast<ReferralStatus>(referrals.status[i]) != ReferralStatus::kClosed) {
      open_referral[referrals.pupil[i]] = i + 1;
    }
  }
  for (uint32_t p = 0; p < open_flags_by_pupil.size(); ++p) {
    const auto& rows = open_flags_by_pupil[p];
    if (rows.empty()) continue;
    const uint32_t school = st.flags.school[rows.front()];
    if (!EntitledTo(who, school, st.pupils.home_la[p], *agreements, &decided, &basis)) continue;
    json flags = json::array();
    for (uint32_t f : rows) {
      auto m = trigger_meaning.find(st.flags.trigger_id[f]);
      flags.push_back({{"trigger_id", st.flags.trigger_id[f]},
                       {"meaning", m == trigger_meaning.end() ? "" : m->second},
                       {"since", DateJson(st.flags.since[f])},
                       {"reason", st.flags.reason[f]},
                       {"rules_version", st.flags.rules_version[f]}});
    }
    auto ref = open_referral.find(p);
    pupils_out.push_back(
        {{"upn", UnpackUpn(st.pupils.upn[p])},
         {"urn", st.schools.urn[school]},
         {"school_name", st.schools.name[school]},
         {"home_la", st.pupils.home_la[p]},
         {"flags", std::move(flags)},
         {"referral_id", ref == open_referral.end() ? json(nullptr) : json(ref->second)}});
  }
  std::vector<json> refs;
  for (size_t i = 0; i < referrals.size(); ++i) {
    const uint32_t p = referrals.pupil[i];
    const int home = p < st.pupils.size() ? st.pupils.home_la[p] : referrals.home_la[i];
    if (!EntitledTo(who, referrals.school[i], home, *agreements, &decided, &basis)) continue;
    refs.push_back(ReferralJson(i, *agreements));
  }
  // Escalations due first, then open referrals, then closed; oldest first.
  std::stable_sort(refs.begin(), refs.end(), [](const json& a, const json& b) {
    const auto rank = [](const json& r) {
      return r["escalation_due"].get<bool>() ? 0 : r["status"] != "closed" ? 1 : 2;
    };
    return rank(a) < rank(b);
  });
  size_t due = 0;
  for (const json& r : refs) due += r["escalation_due"].get<bool>() ? 1 : 0;
  // Audited before anything is sent: no entry, no data.
  AuditEntry entry;
  entry.username = who.username;
  entry.role = std::string(RoleName(who.role));
  entry.scope = who.scope;
  entry.action = "GET /api/v1/caseload";
  entry.target = fmt::format("caseload pupils:{} referrals:{}", pupils_out.size(), refs.size());
  entry.basis = basis.empty() ? "no pupil of the caseload is within the user's scope" : basis;
  if (Status s = accounts->Append(entry); !s.ok()) {
    return SendError(res, 500, "the audit log could not be written, so nothing is shown");
  }
  json outcomes = ReferralOutcomes();
  SendJson(res, 200,
           json{{"as_of", DateJson(caseload_day)},
                {"rules_version", rules_version},
                {"basis", entry.basis},
                {"escalations_due", due},
                {"outcomes", std::move(outcomes)},
                {"pupils", std::move(pupils_out)},
                {"referrals", std::move(refs)}});
}

void Server::Impl::HandleReferralUpdate(const httplib::Request& req, httplib::Response& res) {
  if (!accounts) return SendError(res, 404, "this server holds no pupil records (open-data mode)");
  std::string csrf;
  const Principal who = Who(req, &csrf);
  if (!who.authenticated()) return SendError(res, 401, "log in to update a referral");
  if (!csrf.empty() && req.get_header_value("X-CSRF-Token") != csrf) {
    return SendError(res, 403, "missing or wrong X-CSRF-Token header");
  }
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    return SendError(res, 415, "send the update as JSON");
  }
  const json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("status") ||
      !body["status"].is_string()) {
    return SendError(res, 400,
                     "expected {\"status\": \"acknowledged|plan_agreed|closed\", \"outcome\": "
                     "\"...\", \"note\": \"...\", \"on\": \"YYYY-MM-DD\"}");
  }
  const auto text = [&](const char* k) {
    return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : std::string();
  };
  const auto to = ParseReferralStatus(text("status"));
  if (!to || *to == ReferralStatus::kRaised) {
    return SendError(res, 400, "status must be acknowledged, plan_agreed or closed");
  }
  auto agreements = accounts->ListAgreements();
  if (!agreements.ok()) return SendError(res, 500, "the agreements could not be read");
  const StoreState& st = store->impl().state;
  // A referral the user may not see is refused the same way as one that
  // does not exist.
  const std::string refusal = "no referral you are entitled to see has that id";
  const auto id = ParseInt(req.matches[1].str());
  std::lock_guard lock(caseload_mu);
  LoadCaseload();
  if (!id || *id < 1 || static_cast<size_t>(*id) > referrals.size()) {
    return SendError(res, 404, refusal);
  }
  const size_t row = static_cast<size_t>(*id) - 1;
  std::map<uint32_t, PupilAccess> decided;
  std::string basis;
  const uint32_t p = referrals.pupil[row];
  const int home = p < st.pupils.size() ? st.pupils.home_la[p] : referrals.home_la[row];
  if (who.role != Role::kSchool && who.role != Role::kTrust && who.role != Role::kLa) {
    return SendError(res, 404, refusal);
  }
  if (!EntitledTo(who, referrals.school[row], home, *agreements, &decided, &basis)) {
    return SendError(res, 404, refusal);
  }
  int32_t on = caseload_day;
  if (!text("on").empty()) {
    auto d = ParseIsoDate(text("on"));
    if (!d) return SendError(res, 400, "on must be a date, YYYY-MM-DD");
    on = d->days;
  }
  // A day being taken in (the inbox) writes the referrals itself: a change
  // now would be made to the table it replaces.
  if (day_loading) {
    res.set_header("Retry-After", "60");
    return SendError(res, 503, "a new day is being taken in; try again in a minute");
  }
  // Checked on a copy first: a refused change writes nothing.
  StoreState next;
  next.referrals = referrals;
  if (Status s = UpdateReferral(&next.referrals, row, *to, on, text("outcome"), text("note"));
      !s.ok()) {
    return SendError(res, 400, s.message());
  }
  AuditEntry entry;
  entry.username = who.username;
  entry.role = std::string(RoleName(who.role));
  entry.scope = who.scope;
  entry.action = "POST /api/v1/referrals/{id}";
  entry.target = fmt::format("referral:{} status:{}", *id, ReferralStatusName(*to));
  entry.basis = basis;
  if (Status s = accounts->Append(entry); !s.ok()) {
    return SendError(res, 500, "the audit log could not be written, so nothing was changed");
  }
  CommitPlan plan;
  plan.state = &next;
  plan.changed_tables = {TableId::kReferrals};
  plan.changed_rows[TableId::kReferrals] = {static_cast<uint32_t>(row)};
  plan.history_note =
      fmt::format(R"({{"command":"serve: POST /api/v1/referrals","referral":{},"status":"{}"}})",
                  *id, ReferralStatusName(*to));
  // The server holds the store's shared lock (STORE/LOCK) while it serves;
  // for this one commit it writes as any writer would (Store::CommitFromReader):
  // 503 while another process holds the store.
  if (Status s = store->impl().store->CommitFromReader(plan); !s.ok()) {
    if (s.code() == StatusCode::kUnavailable) {
      return SendError(res, 503, "the store is busy (" + s.message() + "); try again");
    }
    return SendError(res, 500, "the change could not be saved: " + s.message());
  }
  referrals = std::move(next.referrals);
  SendJson(res, 200, ReferralJson(row, *agreements));
}

std::shared_ptr<const Server::Impl::PupilList> Server::Impl::PupilsOf(int urn,
                                                                      const PupilAccess& access) {
  std::string key = fmt::format("{}/{}", urn, access.residents_of);
  for (const std::string& c : access.classes) key += "/" + c;
  {
    std::lock_guard lock(cache_mu);
    if (auto it = pupil_cache.find(key); it != pupil_cache.end()) return it->second;
  }
  auto list = std::make_shared<PupilList>();
  list->json = pupils->List(urn, access, &list->count).dump();
  std::lock_guard lock(cache_mu);
  if (pupil_cache.emplace(key, list).second) {
    pupil_cache_order.push_back(key);
    if (pupil_cache_order.size() > kPupilCacheEntries) {
      pupil_cache.erase(pupil_cache_order.front());
      pupil_cache_order.pop_front();
    }
  }
  return list;
}

void Server::Impl::HandleXlsx(int urn, httplib::Response& res) {
  auto p = Ready();
  auto it = p->school_by_urn.find(urn);
  if (it == p->school_by_urn.end()) return SendError(res, 404, "no school with that URN");
  const json page =
      json::parse(SchoolScorecardJson(*p->scorecard, p->schools[it->second].index), nullptr, false);
  if (page.is_discarded()) return SendError(res, 500, "the scorecard could not be read");
  char path[] = "/tmp/lantern-xlsx-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return SendError(res, 500, "no room for the workbook");
  ::close(fd);
  lxw_workbook* wb = workbook_new(path);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Scorecard");
  const char* heads[] = {"indicator",     "pupil_group", "breakdown",     "value",
                         "lower",         "upper",       "numerator",     "denominator",
                         "similar_value", "la_value",    "england_value", "enquiry"};
  for (int c = 0; c < 12; ++c)
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), heads[c], nullptr);
  auto cell = [&](lxw_row_t r, lxw_col_t c, const json& v) {
    if (v.is_number()) {
      worksheet_write_number(ws, r, c, v.get<double>(), nullptr);
    } else if (v.is_string()) {
      worksheet_write_string(ws, r, c, v.get<std::string>().c_str(), nullptr);
    }
  };
  lxw_row_t r = 1;
  if (page.contains("indicators") && page["indicators"].is_object()) {
    for (const auto& [id, rows] : page["indicators"].items()) {
      for (const json& row : rows) {
        worksheet_write_string(ws, r, 0, id.c_str(), nullptr);
        const auto get = [&](const char* k) { return row.contains(k) ? row[k] : json(); };
        const auto value = [](const json& o) {
          return o.is_object() && o.contains("value") ? o["value"] : json();
        };
        cell(r, 1, get("pupil_group"));
        cell(r, 2, get("breakdown"));
        cell(r, 3, get("value"));
        cell(r, 4, get("lower"));
        cell(r, 5, get("upper"));
        cell(r, 6, get("numerator"));
        cell(r, 7, get("denominator"));
        cell(r, 8, value(get("similar_schools")));
        cell(r, 9, value(get("la")));
        cell(r, 10, value(get("england")));
        cell(r, 11, get("enquiry"));
        ++r;
      }
    }
  }
  const lxw_error err = workbook_close(wb);
  std::string bytes;
  if (err == LXW_NO_ERROR) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::error_code ec;
  fs::remove(path, ec);
  if (bytes.empty()) return SendError(res, 500, "the workbook could not be written");
  res.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"scorecard-{}.xlsx\"", urn));
  res.set_content(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

namespace {

// Registers routes whose handlers each hold a shared lock on `mu` while
// they run (Server::Impl::serve_mu).
struct GuardedRoutes {
  httplib::Server& server;
  std::shared_mutex& mu;
  template <typename H>
  httplib::Server::Handler Guard(H handler) {
    return [&m = mu, handler = std::move(handler)](const httplib::Request& req,
                                                   httplib::Response& res) {
      std::shared_lock lock(m);
      handler(req, res);
    };
  }
  template <typename H>
  void Get(const std::string& pattern, H handler) {
    server.Get(pattern, Guard(std::move(handler)));
  }
  template <typename H>
  void Post(const std::string& pattern, H handler) {
    server.Post(pattern, Guard(std::move(handler)));
  }
  template <typename H>
  void Delete(const std::string& pattern, H handler) {
    server.Delete(pattern, Guard(std::move(handler)));
  }
};

}  // namespace

void Server::Impl::Routes() {
  httplib::Server& server = *http;
  // The routes, each run under the shared lock on the generation served.
  GuardedRoutes s{server, serve_mu};
  // Every worker catches what a handler might throw; the client gets a 500
  // and the server goes on.
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) { SendError(res, 500, "internal error"); });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      SendError(res, res.status,
                res.status == 404 ? "not found" : fmt::format("request refused ({})", res.status));
    }
  });
  // Responses are compressed with gzip, never Brotli. cpp-httplib compresses
  // with Brotli whenever a client accepts "br" (every browser does), at
  // Brotli's slowest quality, which its build does not let us lower: the
  // web's biggest answers took seconds (the LA caseload, 4.2 MB of JSON:
  // 6.4 s against 0.19 s with gzip; bench/RESULTS.md, "Session 15"). The
  // request is the server's own object, handed to this handler as const,
  // and is rewritten before the library reads the header to choose.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    auto& headers = const_cast<httplib::Headers&>(req.headers);
    auto it = headers.find("Accept-Encoding");
    if (it != headers.end()) {
      if (it->second.find("gzip") != std::string::npos) {
        it->second = "gzip";
      } else {
        headers.erase(it);
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                   "frame-ancestors 'none'");
    if (req.path.rfind("/api/", 0) == 0) res.set_header("Cache-Control", "no-store");
  });
  if (!options.quiet) {
    // Method, path (no query, no headers: no search text, cookie or token),
    // status. Paths hold URNs and codes, never a pupil.
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %d\n", req.method.c_str(), req.path.c_str(), res.status);
    });
  }

  s.Get("/api/v1/health", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mu);
    SendJson(res, 200,
             json{{"status", "ok"},
                  {"mode", options.open_data ? "open-data" : "pupil-level"},
                  {"time_period", time_period},
                  {"scorecard", published        ? "ready"
                                : computing_done ? "failed"
                                                 : "computing"},
                  {"accounts", accounts != nullptr},
                  // The generation served and its last day; the inbox's
                  // last folder, where there is an inbox.
                  {"generation", store ? json(store->generation()) : json(nullptr)},
                  {"as_of", as_of.empty() ? json(nullptr) : json(as_of)},
                  {"inbox", options.inbox_dir.empty()
                                ? json(nullptr)
                                : json{{"taking_in", day_loading.load()}, {"last", inbox_last}}}});
  });
  s.Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(OpenApiJson()), "application/json");
  });

  // Sessions.
  s.Get("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
    std::string csrf;
    const Principal who = Who(req, &csrf);
    if (!who.authenticated()) return SendError(res, 401, "not logged in");
    SendJson(res, 200,
             json{{"username", who.username},
                  {"role", std::string(RoleName(who.role))},
                  {"scope", who.scope},
                  {"csrf_token", csrf}});
  });
  s.Post("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
    if (!accounts) return SendError(res, 404, "this server has no accounts (open-data mode)");
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
      return SendError(res, 415, "send the username and password as JSON");
    }
    const json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("username") ||
        !body.contains("password") || !body["username"].is_string() ||
        !body["password"].is_string()) {
      return SendError(res, 400, "expected {\"username\": \"...\", \"password\": \"...\"}");
    }
    auto session = accounts->Login(body["username"].get<std::string>(),
                                   body["password"].get<std::string>(), req.remote_addr, Now());
    if (!session.ok()) {
      const bool limited = session.status().message().find("too many") != std::string::npos;
      return SendError(res, limited ? 429 : 401, session.status().message());
    }
    res.set_header("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; Secure; SameSite=Strict",
                                             kSessionCookie, session->token));
    SendJson(res, 200,
             json{{"username", session->user.username},
                  {"role", std::string(RoleName(session->user.role))},
                  {"scope", session->user.scope},
                  {"csrf_token", session->csrf}});
  });
  s.Delete("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
    std::string csrf;
    const Principal who = Who(req, &csrf);
    if (!who.authenticated()) return SendError(res, 401, "not logged in");
    if (!csrf.empty() && req.get_header_value("X-CSRF-Token") != csrf) {
      return SendError(res, 403, "missing or wrong X-CSRF-Token header");
    }
    const std::string cookies = req.get_header_value("Cookie");
    const std::string prefix = std::string(kSessionCookie) + "=";
    if (size_t at = cookies.find(prefix); at != std::string::npos) {
      size_t end = cookies.find(';', at);
      accounts->Logout(cookies.substr(at + prefix.size(), end == std::string::npos
                                                              ? std::string::npos
                                                              : end - at - prefix.size()));
    }
    res.set_header("Set-Cookie", fmt::format("{}=; Path=/; HttpOnly; Secure; SameSite=Strict; "
                                             "Max-Age=0",
                                             kSessionCookie));
    res.status = 204;
  });

  // Published figures: open to everyone.
  auto need_ready = [this](httplib::Response& res) -> std::shared_ptr<const Published> {
    auto p = Ready();
    if (p) return p;
    std::lock_guard lock(mu);
    if (computing_done) {
      SendError(res, 500,
                "the published figures could not be computed: " + compute_status.ToString());
    } else {
      SendError(res, 503, "the scorecards are being computed; try again in a few seconds");
      res.set_header("Retry-After", "3");
    }
    return nullptr;
  };
  s.Get("/api/v1/indicators", [need_ready](const httplib::Request&, httplib::Response& res) {
    auto p = need_ready(res);
    if (p) res.set_content(p->indicators_json, "application/json");
  });
  s.Get("/api/v1/schools", [this, need_ready](const httplib::Request& req, httplib::Response& res) {
    auto p = need_ready(res);
    if (!p) return;
    const std::string q = Lower(req.get_param_value("q"));
    int limit = 20;
    if (req.has_param("limit")) {
      auto l = ParseInt(req.get_param_value("limit"));
      if (!l || *l < 1 || *l > 200) return SendError(res, 400, "limit must be 1 to 200");
      limit = *l;
    }
    if (q.size() > 200) return SendError(res, 400, "the query is too long");
    json results = json::array();
    // Every word of the query must appear; schools in input order, never ranked.
    std::vector<std::string> words;
    for (size_t at = 0; at < q.size();) {
      size_t end = q.find(' ', at);
      if (end == std::string::npos) end = q.size();
      if (end > at) words.push_back(q.substr(at, end - at));
      at = end + 1;
    }
    for (const SchoolEntry& e : p->schools) {
      bool all = true;
      for (const auto& w : words) all = all && e.search.find(w) != std::string::npos;
      if (!all) continue;
      results.push_back(SchoolJson(e));
      if (static_cast<int>(results.size()) >= limit) break;
    }
    SendJson(res, 200, json{{"query", req.get_param_value("q")}, {"results", std::move(results)}});
  });
  s.Get(R"(/api/v1/schools/(\d{1,9})/scorecard)",
        [this, need_ready](const httplib::Request& req, httplib::Response& res) {
          auto p = need_ready(res);
          if (!p) return;
          const auto urn = ParseInt(req.matches[1].str());
          auto it = urn ? p->school_by_urn.find(*urn) : p->school_by_urn.end();
          if (it == p->school_by_urn.end()) return SendError(res, 404, "no school with that URN");
          std::shared_ptr<const std::string> page;
          {
            std::lock_guard lock(cache_mu);
            if (auto c = scorecard_cache.find(*urn); c != scorecard_cache.end()) page = c->second;
          }
          if (!page) {
            page = std::make_shared<const std::string>(
                SchoolScorecardJson(*p->scorecard, p->schools[it->second].index));
            std::lock_guard lock(cache_mu);
            scorecard_cache.emplace(*urn, page);
          }
          res.set_content(*page, "application/json");
        });
  s.Get(R"(/api/v1/schools/(\d{1,9})/scorecard\.xlsx)",
        [this, need_ready](const httplib::Request& req, httplib::Response& res) {
          if (!need_ready(res)) return;
          const auto urn = ParseInt(req.matches[1].str());
          if (!urn) return SendError(res, 404, "no school with that URN");
          HandleXlsx(*urn, res);
        });
  s.Get(R"(/api/v1/schools/(\d{1,9})/measures)",
        [this, need_ready](const httplib::Request& req, httplib::Response& res) {
          auto p = need_ready(res);
          if (p) HandleMeasures(*p, req, res);
        });
  // Every school's P8 and P5 side by side, with intervals and bands (never
  // ranks): the national comparison page.
  s.Get("/api/v1/measures/comparison", [this, need_ready](const httplib::Request&,
                                                          httplib::Response& res) {
    auto p = need_ready(res);
    if (!p) return;
    if (!p->measures) return SendError(res, 404, "no KS4 measures here: " + p->measures_note);
    const MeasuresResult& m = *p->measures;
    json schools = json::array();
    for (const SchoolMeasures& s : m.schools) schools.push_back(MeasuresJson(s));
    SendJson(res, 200,
             json{{"time_period", fmt::format("{}{:02d}", m.ks4_year, (m.ks4_year + 1) % 100)},
                  {"estimates_source", m.estimates_source},
                  {"national",
                   {{"att8", m.national_att8},
                    {"p8", m.national_p8},
                    {"p5", m.national_p5},
                    {"sd_p8", m.sd_p8},
                    {"sd_p5", m.sd_p5},
                    {"pupils", m.pupils},
                    {"pupils_with_prior", m.pupils_with_prior}}},
                  {"schools", std::move(schools)}});
  });
  s.Get(R"(/api/v1/schools/([^/]{1,64})/pupils)",
        [this](const httplib::Request& req, httplib::Response& res) { HandlePupils(req, res); });
  s.Get("/api/v1/caseload",
        [this](const httplib::Request& req, httplib::Response& res) { HandleCaseload(req, res); });
  s.Post(R"(/api/v1/referrals/([^/]{1,16}))",
         [this](const httplib::Request& req, httplib::Response& res) {
           HandleReferralUpdate(req, res);
         });
  s.Get(R"(/api/v1/las/(\d{3})/cme)", [this, need_ready](const httplib::Request& req,
                                                         httplib::Response& res) {
    if (!accounts)
      return SendError(res, 404, "this server holds no pupil records (open-data mode)");
    const Principal who = Who(req);
    if (!who.authenticated()) return SendError(res, 401, "log in to see a caseload");
    const auto la = ParseInt(req.matches[1].str());
    const CmeAccess access = DecideCmeAccess(who, la ? *la : 0);
    if (!la || !access.allowed) {
      return SendError(res, 403, "only the home LA may see its children missing education cases");
    }
    auto p = need_ready(res);
    if (!p) return;
    auto it = p->cme_by_la.find(*la);
    const size_t count = it == p->cme_by_la.end() ? 0 : it->second.size();
    // Audited before anything is sent: no entry, no data.
    AuditEntry entry;
    entry.username = who.username;
    entry.role = std::string(RoleName(who.role));
    entry.scope = who.scope;
    entry.action = "GET /api/v1/las/{la}/cme";
    entry.target = fmt::format("la:{} cases:{}", *la, count);
    entry.basis = access.basis;
    if (Status st = accounts->Append(entry); !st.ok()) {
      return SendError(res, 500, "the audit log could not be written, so nothing is shown");
    }
    json body;
    body["la_code"] = *la;
    body["basis"] = access.basis;
    body["cases"] = it == p->cme_by_la.end() ? json::array() : json(it->second);
    SendJson(res, 200, body);
  });
  // The Local Outcomes Framework: published, disclosure-controlled figures,
  // public. Made once after the build (Published), never per request.
  auto outcomes_route = [&s, need_ready](const char* pattern,
                                         std::map<std::string, std::string> Published::*by,
                                         const char* missing) {
    s.Get(pattern, [need_ready, by, missing](const httplib::Request& req, httplib::Response& res) {
      auto p = need_ready(res);
      if (!p) return;
      auto it = ((*p).*by).find(req.matches[1].str());
      if (it == ((*p).*by).end()) return SendError(res, 404, missing);
      res.set_content(it->second, "application/json");
    });
  };
  // The framework's measures: label, definition and polarity in words, so a
  // page names a measure rather than showing its id (docs/local-outcomes.md).
  s.Get("/api/v1/outcomes/measures", [](const httplib::Request&, httplib::Response& res) {
    json list = json::array();
    for (const OutcomeMeasureText& m : OutcomeMeasureCatalogue()) {
      list.push_back({{"id", m.id},
                      {"label", m.label},
                      {"definition", m.definition},
                      {"polarity", m.polarity},
                      {"unit", m.unit},
                      {"domain", m.domain}});
    }
    SendJson(res, 200, json{{"measures", std::move(list)}});
  });
  outcomes_route(R"(/api/v1/las/(\d{3})/outcomes)", &Published::outcomes_by_la,
                 "no Local Outcomes Framework for that local authority");
  // The framework's other places (docs/local-outcomes.md, "Places"): regions
  // by their ONS code, England, user-defined places by their code. A code
  // that cannot be one is refused before it is looked up.
  outcomes_route(R"(/api/v1/regions/(E1[23]\d{6})/outcomes)", &Published::outcomes_by_region,
                 "no Local Outcomes Framework for that region");
  outcomes_route(R"(/api/v1/regions/(E1[23]\d{6})/movement)", &Published::movement_by_region,
                 "no movement figures for that region");
  // A user-defined place's code is whatever its places file gives (any
  // text but a slash, which a path cannot carry): 1 to 64 bytes, no control
  // characters.
  const auto place_route = [&](const std::string& what,
                               std::map<std::string, std::string> Published::*by) {
    s.Get(fmt::format("/api/v1/places/([^/]*)/{}", what),
          [need_ready, by](const httplib::Request& req, httplib::Response& res) {
            const std::string code = req.matches[1].str();
            if (code.empty() || code.size() > 64 ||
                std::any_of(code.begin(), code.end(),
                            [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
              return SendError(res, 400,
                               "a place's code is 1 to 64 characters with no control characters");
            }
            auto p = need_ready(res);
            if (!p) return;
            auto it = ((*p).*by).find(code);
            if (it == ((*p).*by).end()) {
              return SendError(
                  res, 404,
                  "no user-defined place with that code and figures (GET /api/v1/places "
                  "lists them)");
            }
            res.set_content(it->second, "application/json");
          });
  };
  place_route("outcomes", &Published::outcomes_by_place);
  place_route("movement", &Published::movement_by_place);
  const auto england_route = [&](const std::string& what,
                                 std::map<std::string, std::string> Published::*by,
                                 const char* missing_open_data) {
    s.Get(
        fmt::format("/api/v1/england/{}", what),
        [this, need_ready, by, missing_open_data](const httplib::Request&, httplib::Response& res) {
          auto p = need_ready(res);
          if (!p) return;
          auto it = ((*p).*by).find("E92000001");
          if (it != ((*p).*by).end()) return res.set_content(it->second, "application/json");
          SendError(res, 404,
                    options.open_data
                        ? missing_open_data
                        : "no figures for England: the store's pupil records do not cover "
                          "England's nine regions, so it has no England rows (England's "
                          "published figures are served by lantern serve --open-data)");
        });
  };
  england_route("outcomes", &Published::outcomes_by_country,
                "no Local Outcomes Framework for England: the published LA files were not found");
  england_route("movement", &Published::movement_by_country,
                "no movement figures: they come from pupil records, which open-data mode has not");
  // The places other than LAs that have a framework, with their names: the
  // pages' navigation.
  s.Get("/api/v1/places", [need_ready](const httplib::Request&, httplib::Response& res) {
    auto p = need_ready(res);
    if (!p) return;
    if (p->outcome_places_json.empty()) {
      return SendJson(
          res, 200,
          json{{"england", nullptr}, {"regions", json::array()}, {"places", json::array()}});
    }
    res.set_content(p->outcome_places_json, "application/json");
  });
  outcomes_route(R"(/api/v1/las/(\d{3})/movement)", &Published::movement_by_la,
                 "no movement figures for that local authority");
  outcomes_route(R"(/api/v1/las/(\d{3})/movement/flows)", &Published::movement_flows_by_la,
                 "no exits from that local authority's schools");
  // A code that cannot be an LA's or a region's.
  s.Get(R"(/api/v1/(las|regions)/([^/]*)/(outcomes|movement))", [](const httplib::Request& req,
                                                                   httplib::Response& res) {
    SendError(res, 400,
              req.matches[1].str() == "las" ? "a local authority's code is three digits, like 805"
                                            : "a region's code is its ONS code, like E12000001");
  });
  outcomes_route(R"(/api/v1/trusts/([^/]{1,32})/contribution)", &Published::contribution_by_trust,
                 "no contribution figures for that trust");
  outcomes_route(R"(/api/v1/las/(\d{3})/net-flows)", &Published::net_flows_by_la,
                 "no joiners or leavers at that local authority's schools");
  outcomes_route(R"(/api/v1/trusts/([^/]{1,32})/net-flows)", &Published::net_flows_by_trust,
                 "no joiners or leavers at that trust's schools");
  outcomes_route(R"(/api/v1/trusts/([^/]{1,32})/lipa)", &Published::lipa_by_trust,
                 "no referrals under an agreement with that trust");
  outcomes_route(R"(/api/v1/las/(\d{3})/lipa)", &Published::lipa_by_la,
                 "no referrals to that local authority");
  s.Get(R"(/api/v1/las/([^/]{1,16}))",
        [this, need_ready](const httplib::Request& req, httplib::Response& res) {
          auto p = need_ready(res);
          if (!p) return;
          const auto code = ParseInt(req.matches[1].str());
          std::vector<const SchoolEntry*> schools;
          for (const SchoolEntry& e : p->schools) {
            if (code && e.la_code == *code) schools.push_back(&e);
          }
          if (!code || schools.empty())
            return SendError(res, 404, "no local authority with that code");
          json list = json::array();
          for (const SchoolEntry* e : schools) list.push_back(SchoolJson(*e));
          const std::string key = std::to_string(*code);
          json body;
          body["la_code"] = *code;
          body["la_name"] = schools.front()->la_name;
          body["region_name"] = schools.front()->region_name;
          body["schools"] = std::move(list);
          body["enquiries"] = Enquiries(*p, schools, "la:" + key);
          body["attendance"] = AttendanceJson(*p, p->attendance_by_la, key);
          SendJson(res, 200, body);
        });
  // Pupil voice: the published distributions, coverage and change of one
  // school, LA or England (docs/pupil-voice.md), as `lantern voice` writes them.
  auto voice = [need_ready](httplib::Response& res, const std::string& key,
                            const std::string& what) {
    auto p = need_ready(res);
    if (!p) return;
    if (!p->voice_status.empty()) {
      return SendError(res, 500,
                       "the pupil voice figures could not be computed: " + p->voice_status);
    }
    auto it = p->voice_by_area.find(key);
    if (it == p->voice_by_area.end()) {
      if (key == "england" && !p->voice_covers_england) {
        return SendError(res, 404,
                         "no pupil voice figures for England: the store does not cover England "
                         "(it holds schools in fewer than England's nine regions), so its top "
                         "levels are the regions and LAs it holds");
      }
      return SendError(res, 404, "no published pupil voice figures for " + what);
    }
    json body = it->second;
    for (const char* k : {"coverage", "distributions", "change"}) {
      if (!body.contains(k)) body[k] = json::array();
    }
    body["area"] = key;
    body["items"] = p->voice_items;
    body["caution"] =
        "Take care comparing these figures. Differences between schools, areas, groups or years "
        "can arise by random variation alone; schools and areas differ in their intake and "
        "their area, so a difference does not show a cause; small groups swing more from year "
        "to year; and groups flagged under-heard answered less often, so their figures may "
        "not represent them.";
    SendJson(res, 200, body);
  };
  s.Get(R"(/api/v1/schools/(\d{1,9})/voice)",
        [voice](const httplib::Request& req, httplib::Response& res) {
          const auto urn = ParseInt(req.matches[1].str());
          if (!urn) return SendError(res, 404, "no school with that URN");
          voice(res, "school:" + std::to_string(*urn), "that school");
        });
  s.Get(R"(/api/v1/las/(\d{1,6})/voice)",
        [voice](const httplib::Request& req, httplib::Response& res) {
          const auto code = ParseInt(req.matches[1].str());
          if (!code) return SendError(res, 404, "no local authority with that code");
          voice(res, "la:" + std::to_string(*code), "that local authority");
        });
  s.Get("/api/v1/england/voice", [voice](const httplib::Request&, httplib::Response& res) {
    voice(res, "england", "England");
  });
  s.Get(R"(/api/v1/trusts/([^/]{1,64}))",
        [this, need_ready](const httplib::Request& req, httplib::Response& res) {
          auto p = need_ready(res);
          if (!p) return;
          const std::string id = req.matches[1].str();
          std::vector<const SchoolEntry*> schools;
          for (const SchoolEntry& e : p->schools) {
            if (!id.empty() && e.trust_id == id) schools.push_back(&e);
          }
          if (schools.empty()) return SendError(res, 404, "no trust with that id");
          json list = json::array();
          for (const SchoolEntry* e : schools) list.push_back(SchoolJson(*e));
          json body;
          body["trust_id"] = id;
          body["trust_name"] = schools.front()->trust_name;
          body["schools"] = std::move(list);
          body["enquiries"] = Enquiries(*p, schools, "trust:" + id);
          body["attendance"] = AttendanceJson(*p, p->attendance_by_trust, id);
          SendJson(res, 200, body);
        });
  // The skills passport check: open to everyone (an employer holds the
  // file; nothing of the store is read). The body is not logged or kept.
  s.Post("/api/v1/passport/verify", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
      return SendError(res, 415, "send the passport as JSON");
    }
    auto body = passport::ParseJson(req.body);
    if (!body.ok() || !body->is_object() || !body->contains("passport") ||
        !(*body)["passport"].is_object()) {
      return SendError(res, 400,
                       "expected {\"passport\": {...}, \"status_list\": {...} (optional), "
                       "\"recipient_email\": \"...\" (optional)}" +
                           (body.ok() ? std::string() : ": " + body.status().message()));
    }
    passport::VerifyOptions o;
    o.now = passport::NowUtc();
    const json& b = *body;
    if (b.contains("status_list") && !b["status_list"].is_null()) {
      if (!b["status_list"].is_object())
        return SendError(res, 400, "status_list must be an object");
      o.status_list = &b["status_list"];
    }
    if (b.contains("recipient_email") && b["recipient_email"].is_string()) {
      o.recipient_email = b["recipient_email"].get<std::string>();
    }
    json answer = passport::VerifyReportJson(passport::Verify(b["passport"], o));
    answer["checked_at"] = o.now;
    SendJson(res, 200, answer);
  });

  // Anything else under /api is a JSON 404, never the web app.
  s.Get("/api/.*", [](const httplib::Request&, httplib::Response& res) {
    SendError(res, 404, "no such endpoint (see /api/v1/openapi.json)");
  });

  // The web app.
  if (!options.web_dir.empty() && fs::exists(fs::path(options.web_dir) / "index.html")) {
    server.set_mount_point("/", options.web_dir);
  } else {
    const std::string missing = options.web_dir;
    s.Get("/", [missing](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!doctype html><title>Lantern</title><p>The web app is not built (" +
                          missing +
                          "/index.html is missing): run <code>make build</code>. The API is at "
                          "<a href=\"/api/v1/health\">/api/v1</a>.</p>",
                      "text/html");
    });
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  ServerOptions& o = impl->options;
  if (o.threads <= 0)
    o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!o.tls_cert.empty() != !o.tls_key.empty()) {
    return Status::InvalidArgument("give both --tls-cert and --tls-key, or neither");
  }
  LANTERN_ASSIGN_OR_RETURN(impl->policy, LoadPolicyOrDefault(o.policy_file));
  if (o.web_dir.empty()) {
#ifdef LANTERN_SOURCE_DIR
    o.web_dir = (fs::path(LANTERN_SOURCE_DIR) / "web" / "dist").string();
#endif
  }
  if (o.open_data) {
    LANTERN_ASSIGN_OR_RETURN(o.open_data_dir, FindRealDataDir(o.open_data_dir));
    impl->time_period = "201819";
    // The open-data Local Outcomes Framework's files: never in the folder
    // the server was started from.
    if (o.work_dir.empty()) {
      o.work_dir =
          (fs::temp_directory_path() / ("lantern-serve-" + std::to_string(::getpid()))).string();
    }
  } else {
    if (o.store_dir.empty()) return Status::InvalidArgument("give --store STORE or --open-data");
    LANTERN_ASSIGN_OR_RETURN(impl->store, LoadedStore::Open(o.store_dir, o.threads));
    const StoreState& state = impl->store->impl().state;
    if (!state.year) return Status::FailedPrecondition(o.store_dir + " holds no marks yet");
    impl->time_period = state.year->TimePeriod();
    const auto dates = state.marks.Dates();
    impl->as_of = dates.empty() ? "" : FormatIsoDate(Date{dates.back()});
    if (o.db_path.empty()) o.db_path = (fs::path(o.store_dir) / "lantern.db").string();
    if (o.work_dir.empty()) o.work_dir = (fs::path(o.store_dir) / "serve").string();
    LANTERN_ASSIGN_OR_RETURN(impl->accounts, Accounts::Open(o.db_path, o.accounts));
    impl->pupils = std::make_unique<PupilRecords>(impl->store, impl->policy);
  }
  if (o.tls_cert.empty()) {
    impl->http = std::make_unique<httplib::Server>();
  } else {
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!tls->is_valid()) {
      return Status::InvalidArgument("the TLS certificate or key could not be read: " + o.tls_cert +
                                     ", " + o.tls_key);
    }
    impl->http = std::move(tls);
  }
  // A keep-alive connection holds a worker while it lasts, so there are
  // workers for the connections a busy office opens at once.
  const int workers = std::max(128, o.threads * 16);
  impl->http->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  impl->http->set_payload_max_length(1 << 20);
  impl->http->set_read_timeout(o.io_timeout_seconds, 0);
  impl->http->set_write_timeout(o.io_timeout_seconds, 0);
  impl->http->set_keep_alive_timeout(std::min(5, o.io_timeout_seconds));
  impl->http->set_keep_alive_max_count(1000);
  impl->Routes();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::Start() {
  Impl& m = *impl_;
  const auto& o = m.options;
  if (o.port == 0) {
    m.bound_port = m.http->bind_to_any_port(o.bind);
  } else {
    m.bound_port = m.http->bind_to_port(o.bind, o.port) ? o.port : -1;
  }
  if (m.bound_port <= 0) {
    return Status::FailedPrecondition(fmt::format("cannot listen on {}:{}", o.bind, o.port));
  }
  m.compute_thread = std::thread([&m] { m.Compute(); });
  if (!o.inbox_dir.empty() && !o.open_data) m.inbox_thread = std::thread([&m] { m.WatchInbox(); });
  m.serve_thread = std::thread([&m] { m.http->listen_after_bind(); });
  for (int i = 0; i < 1000 && !m.http->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::Ok();
}

Status Server::Run() {
  LANTERN_RETURN_IF_ERROR(Start());
  impl_->serve_thread.join();
  return Status::Ok();
}

void Server::Stop() {
  if (!impl_) return;
  if (impl_->http) impl_->http->stop();
  if (impl_->serve_thread.joinable()) impl_->serve_thread.join();
  if (impl_->compute_thread.joinable()) impl_->compute_thread.join();
  {
    std::lock_guard lock(impl_->inbox_mu);
    impl_->stopping = true;
  }
  impl_->inbox_cv.notify_all();
  if (impl_->inbox_thread.joinable()) impl_->inbox_thread.join();
}

int Server::port() const { return impl_->bound_port; }

bool Server::ready() const { return impl_->Ready() != nullptr; }

Status Server::WaitReady() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [&] { return impl_->computing_done; });
  return impl_->compute_status;
}

}  // namespace lantern::server
