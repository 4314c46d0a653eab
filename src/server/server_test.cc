// The server end to end on the tiny store (tests/tiny_fixture.h): the
// authorisation matrix (every role against schools inside and outside its
// scope, a school that does not exist, guessed and tampered identifiers,
// forged and expired sessions), the audit of every pupil-level read, CSRF,
// malformed requests, and that the API withholds what the published files
// withhold.
#include "server/server.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "flags/flags.h"
#include "flags/referrals.h"
#include "lantern/ingest.h"
#include "lantern/scorecard.h"
#include "model/upn.h"
#include "reference/real_data.h"
#include "server/accounts.h"
#include "store/store.h"
#include "tests/real_data.h"
#include "tests/tiny_fixture.h"

namespace lantern::server {
namespace {

namespace fs = std::filesystem;
using lantern::testing::TinyUpn;
using nlohmann::json;

constexpr const char* kPassword = "correct-horse-battery";

// The index of a published table's column in the server's {columns, rows}
// body, or -1.
int column(const json& body, const std::string& name) {
  const auto& cols = body["columns"];
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// The tiny store's schools: 900001 a maintained primary and 900003 a
// maintained PRU of LA 805, 900002 an academy of trust TR1 in LA 805. P3
// (at the academy) lives in LA 806; everyone else in 805.
struct User {
  const char* name;
  Role role;
  const char* scope;
};
const User kUsers[] = {
    {"school1", Role::kSchool, "900001"}, {"school2", Role::kSchool, "900002"},
    {"trust1", Role::kTrust, "TR1"},      {"trust9", Role::kTrust, "TR9"},
    {"la805", Role::kLa, "805"},          {"la806", Role::kLa, "806"},
    {"la807", Role::kLa, "807"},          {"national", Role::kNational, ""},
    {"board", Role::kBoard, "805,806"},
};

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(
        (fs::temp_directory_path() / ("lantern_server_test_" + std::to_string(::getpid())))
            .string());
    fs::remove_all(*root_);
    const std::string input = *root_ + "/input", store = *root_ + "/store";
    // P4 (Year 11 at the academy) has KS2, KS4 results and destinations.
    const std::string p4 = TinyUpn(4);
    std::string dest = "upn,urn,ks4_year,month,activity,source\n";
    for (int m = 0; m < 24; ++m) {
      dest += fmt::format("{},900002,201819,{}-{:02d},school_sixth_form,matched\n", p4,
                          2019 + (7 + m) / 12, (7 + m) % 12 + 1);
    }
    auto files = lantern::testing::TinyVoiceFiles();
    files.insert(
        {{"ks2_results.csv", "upn,ks2_year,read_scaled,mat_scaled,read_status,mat_status\n" + p4 +
                                 ",201314,104,106,,\n"},
         {"ks4_results.csv", "upn,urn,ks4_year,qual_id,grade,exam_series\n" + p4 +
                                 ",900002,201819,GCSE_ENG_LANG,6,2019-06\n" + p4 +
                                 ",900002,201819,GCSE_MATHS,5,2019-06\n" + p4 +
                                 ",900002,201819,GCSE_HISTORY,7,2019-06\n"},
         {"destinations.csv", dest}});
    const Status ingested = lantern::testing::IngestTinyInput(input, store, files);
    ASSERT_TRUE(ingested.ok()) << ingested.ToString();
    AddFlagsAndReferrals(store);
    // User-defined places (docs/local-outcomes.md, "Places"), which the
    // server takes from the store's places.csv: two LAs, and one school by
    // a code with a space.
    ASSERT_TRUE(WriteFileAtomic(store + "/places.csv",
                                "place_code,place_name,kind,member\n"
                                "TEES,Tees Valley,la,805\n"
                                "TEES,Tees Valley,la,806\n"
                                "TS1 board,Tiny board,school,900001\n")
                    .ok());
    {
      auto accounts = Accounts::Open(store + "/lantern.db");
      ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
      for (const User& u : kUsers) {
        ASSERT_TRUE((*accounts)->AddUser(u.name, u.role, u.scope, kPassword).ok()) << u.name;
      }
      ASSERT_TRUE((*accounts)->AddUser("gone", Role::kSchool, "900001", kPassword).ok());
      ASSERT_TRUE((*accounts)->DisableUser("gone").ok());
      const std::string agreements = *root_ + "/agreements.toml";
      ASSERT_TRUE(WriteFileAtomic(agreements,
                                  "[[agreement]]\n"
                                  "id = \"TR1-806\"\n"
                                  "trust_id = \"TR1\"\n"
                                  "la_code = 806\n"
                                  "classes = [\"attendance\"]\n"
                                  "start = 2018-09-01\n"
                                  "end = 2019-08-31\n")
                      .ok());
      ASSERT_TRUE((*accounts)->ImportAgreements(agreements).ok());
      auto token = (*accounts)->CreateApiToken("la805", "test script");
      ASSERT_TRUE(token.ok());
      token_ = new std::string(*token);
    }
    ServerOptions o;
    o.store_dir = store;
    o.port = 0;
    o.quiet = true;
    o.threads = 2;
    o.web_dir = *root_ + "/no-web";
    // No published figures to compare with: the tests are about access,
    // and computing comparators from the national files takes seconds.
    o.real_data_dir = *root_ + "/no-published-data";
    auto server = Server::Create(o);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = server->release();
    ASSERT_TRUE(server_->Start().ok());
    ready_ = new Status(server_->WaitReady());
  }
  // Two open flags with their referrals, raised by the engine on the
  // store's last day: P1 at 900001 (maintained, LA 805) and P3 at 900002
  // (academy of TR1 in LA 805, P3 living in LA 806).
  static void AddFlagsAndReferrals(const std::string& dir) {
    auto store = Store::Open(dir, Store::Mode::kWrite);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto state = (*store)->Load(true);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    const int32_t day = StoreLastDay(*state);
    const auto pupil = [&](int n) {
      for (uint32_t i = 0; i < state->pupils.size(); ++i) {
        if (state->pupils.upn[i] == PackUpn(TinyUpn(n))) return i;
      }
      return kNoIndex;
    };
    const auto school = [&](int urn) {
      for (uint32_t i = 0; i < state->schools.size(); ++i) {
        if (state->schools.urn[i] == urn) return i;
      }
      return kNoIndex;
    };
    StoreState next;
    FlagTable& f = next.flags;
    const std::pair<int, int> flagged[] = {{1, 900001}, {3, 900002}};
    for (const auto& [n, urn] : flagged) {
      ASSERT_NE(pupil(n), kNoIndex);
      ASSERT_NE(school(urn), kNoIndex);
      f.pupil.push_back(pupil(n));
      f.school.push_back(school(urn));
      f.trigger_id.push_back("repeat_suspension");
      f.since.push_back(day);
      f.until.push_back(kNoDate);
      f.rules_version.push_back("1");
      f.reason.push_back("2 suspensions in the 12 months up to the day");
      f.raised.push_back(day);
    }
    RaiseReferrals(*state, f, {0, 1}, day, {}, &next.referrals);
    ASSERT_EQ(next.referrals.size(), 2u);
    CommitPlan plan;
    plan.state = &next;
    plan.changed_tables = {TableId::kFlags, TableId::kReferrals};
    ASSERT_TRUE((*store)->Commit(plan).ok());
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    if (root_ != nullptr) fs::remove_all(*root_);
    delete root_;
    delete token_;
    delete ready_;
  }

  static httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(30, 0);
    return c;
  }
  // Logs in; the session cookie ("lantern_session=...") and the CSRF token.
  static std::pair<std::string, std::string> Login(const std::string& user,
                                                   const std::string& password = kPassword) {
    auto c = Client();
    auto r = c.Post("/api/v1/session", json{{"username", user}, {"password", password}}.dump(),
                    "application/json");
    if (!r || r->status != 200) return {};
    const std::string set = r->get_header_value("Set-Cookie");
    return {set.substr(0, set.find(';')), json::parse(r->body)["csrf_token"]};
  }
  static httplib::Result Get(const std::string& path, const std::string& cookie = "") {
    auto c = Client();
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return c.Get(path.c_str(), h);
  }
  static int64_t AuditCount() {
    auto accounts = Accounts::Open(*root_ + "/store/lantern.db");
    EXPECT_TRUE(accounts.ok());
    auto e = (*accounts)->AuditEntries(0, 100000);
    return e.ok() ? static_cast<int64_t>(e->size()) : -1;
  }

  static std::string* root_;
  static std::string* token_;
  static Server* server_;
  static Status* ready_;
};
std::string* ServerTest::root_ = nullptr;
std::string* ServerTest::token_ = nullptr;
Server* ServerTest::server_ = nullptr;
Status* ServerTest::ready_ = nullptr;

std::set<std::string> Upns(const json& body) {
  std::set<std::string> out;
  for (const auto& p : body["pupils"]) out.insert(p["upn"].get<std::string>());
  return out;
}

TEST_F(ServerTest, EveryRoleSeesExactlyThePupilsItIsEntitledTo) {
  const std::string p1 = TinyUpn(1), p2 = TinyUpn(2), p3 = TinyUpn(3), p4 = TinyUpn(4),
                    p5 = TinyUpn(5), p6 = TinyUpn(6);
  const std::set<std::string> primary = {p1, p5}, academy = {p2, p3, p4, p6}, pru = {p6};
  // user -> urn -> the pupils listed (absent: 403).
  std::map<std::string, std::map<std::string, std::set<std::string>>> want = {
      {"school1", {{"900001", primary}}},
      {"school2", {{"900002", academy}}},
      {"trust1", {{"900002", academy}}},
      {"trust9", {}},
      // LA 805: its maintained schools whole; its residents at the academy
      // only under an agreement with TR1, and there is none.
      {"la805", {{"900001", primary}, {"900003", pru}}},
      // LA 806: its one resident at the academy, under TR1-806.
      {"la806", {{"900002", {p3}}}},
      {"la807", {}},
      {"national", {}},
      {"board", {}},
  };
  const std::vector<std::string> urns = {"900001", "900002", "900003",    "999999",
                                         "12",     "abc",    "900001%20", "-900001"};
  int64_t audited = AuditCount();
  for (const auto& [user, allowed] : want) {
    const auto [cookie, csrf] = Login(user);
    ASSERT_FALSE(cookie.empty()) << user;
    for (const std::string& urn : urns) {
      auto r = Get("/api/v1/schools/" + urn + "/pupils", cookie);
      ASSERT_TRUE(r) << user << " " << urn;
      auto it = allowed.find(urn);
      if (it == allowed.end()) {
        EXPECT_EQ(r->status, 403) << user << " " << urn << ": " << r->body;
        // The same refusal whether or not the school exists.
        EXPECT_EQ(json::parse(r->body)["error"], "you are not entitled to see this school's pupils")
            << user << " " << urn;
        continue;
      }
      ASSERT_EQ(r->status, 200) << user << " " << urn << ": " << r->body;
      const json body = json::parse(r->body);
      EXPECT_EQ(Upns(body), it->second) << user << " " << urn;
      ++audited;
      EXPECT_EQ(AuditCount(), audited) << "one audit entry per read: " << user << " " << urn;
    }
  }
}

TEST_F(ServerTest, OnlyTheHomeLaSeesItsChildrenMissingEducationCasesAndEveryReadIsAudited) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  EXPECT_EQ(Get("/api/v1/las/805/cme")->status, 401);
  for (const char* user : {"la806", "school1", "trust1", "national", "board"}) {
    SCOPED_TRACE(user);
    const auto [cookie, csrf] = Login(user);
    ASSERT_FALSE(cookie.empty());
    EXPECT_EQ(Get("/api/v1/las/805/cme", cookie)->status, 403);
  }
  const auto [cookie, csrf] = Login("la805");
  const int64_t before = AuditCount();
  auto r = Get("/api/v1/las/805/cme", cookie);
  ASSERT_EQ(r->status, 200);
  const json body = json::parse(r->body);
  EXPECT_EQ(body["la_code"], 805);
  EXPECT_TRUE(body["cases"].is_array());
  for (const auto& c : body["cases"]) EXPECT_EQ(c["home_la_code"], "805");
  EXPECT_EQ(AuditCount(), before + 1);
  // Another LA's caseload is refused to 805 too.
  EXPECT_EQ(Get("/api/v1/las/806/cme", cookie)->status, 403);
}

// The Local Outcomes Framework is published and disclosure-controlled:
// public, made once after the build, the place's own rows only.
TEST_F(ServerTest, ServesTheLocalOutcomesFrameworkMovementAndTrustContributionToAnyone) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  auto r = Get("/api/v1/las/805/outcomes");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  const int la = column(body, "old_la_code"), level = column(body, "geographic_level"),
            measure = column(body, "measure"), value = column(body, "value"),
            england = column(body, "england_value");
  ASSERT_GE(la, 0);
  ASSERT_GE(level, 0);
  ASSERT_GE(measure, 0);
  ASSERT_GE(value, 0);
  ASSERT_GE(england, 0);
  ASSERT_FALSE(body["rows"].empty());
  std::set<std::string> measures;
  for (const auto& row : body["rows"]) {
    EXPECT_EQ(row[la], "805");
    EXPECT_EQ(row[level], "Local authority");
    EXPECT_FALSE(row[value].get<std::string>().empty()) << "no data is x, never blank";
    measures.insert(row[measure].get<std::string>());
  }
  EXPECT_TRUE(measures.count("pupils"));
  EXPECT_TRUE(measures.count("sess_overall_percent"));

  r = Get("/api/v1/las/805/movement");
  ASSERT_EQ(r->status, 200) << r->body;
  body = json::parse(r->body);
  ASSERT_GE(column(body, "moves"), 0);
  ASSERT_GE(column(body, "exits_no_school"), 0);
  bool la_row = false;
  for (const auto& row : body["rows"]) {
    EXPECT_EQ(row[column(body, "old_la_code")], "805");
    la_row = la_row || row[column(body, "geographic_level")] == "Local authority";
  }
  EXPECT_TRUE(la_row);

  r = Get("/api/v1/trusts/TR1/contribution");
  ASSERT_EQ(r->status, 200) << r->body;
  body = json::parse(r->body);
  ASSERT_GE(column(body, "question"), 0);
  ASSERT_FALSE(body["rows"].empty());
  for (const auto& row : body["rows"]) EXPECT_EQ(row[column(body, "trust_id")], "TR1");

  // Net flows (does a school or trust take its share?): by LA, its schools'
  // and trusts' rows there; by trust, its own.
  r = Get("/api/v1/las/805/net-flows");
  ASSERT_EQ(r->status, 200) << r->body;
  body = json::parse(r->body);
  ASSERT_GE(column(body, "joiners_reading"), 0);
  ASSERT_FALSE(body["rows"].empty());
  for (const auto& row : body["rows"]) EXPECT_EQ(row[column(body, "old_la_code")], "805");
  r = Get("/api/v1/trusts/TR1/net-flows");
  ASSERT_EQ(r->status, 200) << r->body;
  body = json::parse(r->body);
  ASSERT_FALSE(body["rows"].empty());
  for (const auto& row : body["rows"]) EXPECT_EQ(row[column(body, "trust_id")], "TR1");

  EXPECT_EQ(Get("/api/v1/las/999/outcomes")->status, 404);
  EXPECT_EQ(Get("/api/v1/las/999/movement")->status, 404);
  EXPECT_EQ(Get("/api/v1/las/999/net-flows")->status, 404);
  EXPECT_EQ(Get("/api/v1/trusts/NOPE/contribution")->status, 404);
  EXPECT_EQ(Get("/api/v1/trusts/NOPE/net-flows")->status, 404);

  // The measures' labels, definitions and polarity in words, for every
  // measure the framework names (so a page never shows an id alone).
  r = Get("/api/v1/outcomes/measures");
  ASSERT_EQ(r->status, 200) << r->body;
  body = json::parse(r->body);
  std::map<std::string, json> by_id;
  for (const auto& m : body["measures"]) by_id[m["id"].get<std::string>()] = m;
  for (const std::string& id : measures) {
    ASSERT_TRUE(by_id.count(id)) << id;
    EXPECT_FALSE(by_id[id]["label"].get<std::string>().empty()) << id;
    EXPECT_FALSE(by_id[id]["definition"].get<std::string>().empty()) << id;
  }
  EXPECT_EQ(by_id["sess_overall_percent"]["polarity"], "lower is better");
  EXPECT_EQ(by_id["pupils"]["polarity"], "neither");
}

// Exits between trusts and out of education (movement_flows.csv), by LA:
// published and disclosure-controlled, so public. The tiny store's one
// exit: P6 leaves the Tiny Learning Trust's academy for the PRU (a school
// in no trust), a flow of one, hidden.
TEST_F(ServerTest, ServesTheFlowsBetweenTrustsAndOutOfEducationByLa) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  auto r = Get("/api/v1/las/805/movement/flows");
  ASSERT_EQ(r->status, 200) << r->body;
  const json body = json::parse(r->body);
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < body["columns"].size(); ++i) col[body["columns"][i]] = i;
  for (const char* c : {"old_la_code", "geographic_level", "from_group", "from_name", "to_group",
                        "to_name", "exits"}) {
    ASSERT_TRUE(col.count(c)) << c;
  }
  std::set<std::string> flows;
  for (const auto& row : body["rows"]) {
    EXPECT_EQ(row[col["old_la_code"]], "805");
    EXPECT_EQ(row[col["geographic_level"]], "Local authority");
    const std::string exits = row[col["exits"]];
    EXPECT_EQ(exits, "c") << "a flow of one pupil is hidden";
    flows.insert(row[col["from_name"]].get<std::string>() + " > " +
                 row[col["to_group"]].get<std::string>());
  }
  EXPECT_EQ(flows, (std::set<std::string>{"Tiny Learning Trust > No trust"}));
  // The LA's movement rows are still at /movement; an LA with none is 404.
  EXPECT_EQ(Get("/api/v1/las/805/movement")->status, 200);
  r = Get("/api/v1/las/999/movement/flows");
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("no exits"), std::string::npos) << r->body;
  EXPECT_EQ(Get("/api/v1/las/80/movement/flows")->status, 404);
}

// movement.csv beyond the LA: a region's rows with its LAs', a place of
// LAs' under its own code (not an LA's), a place of schools' (its schools'
// rows added up), and none for England when the store does not cover it. The tiny store's one exit,
// from the academy to the PRU, is in LA 805, region E12000001 and place TEES alike.
TEST_F(ServerTest, ServesMovementForRegionsAndPlaces) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  // A figure of the level's one total row.
  auto total_of = [&](const json& body, const std::string& level,
                      const std::string& figure = "exits") {
    std::string value;
    for (const auto& row : body["rows"]) {
      if (row[column(body, "geographic_level")] == level &&
          row[column(body, "school_type")] == "Total" &&
          row[column(body, "location_basis")] == "School location" &&
          row[column(body, "breakdown")] == "Total") {
        EXPECT_TRUE(value.empty()) << "one total row for " << level;
        value = row[column(body, figure)].get<std::string>();
      }
    }
    return value;
  };
  // Every row a place's own, under its code.
  auto expect_place_rows = [&](const json& body, const std::string& code) {
    ASSERT_FALSE(body["rows"].empty());
    for (const auto& row : body["rows"]) {
      EXPECT_EQ(row[column(body, "geographic_level")], "Place");
      EXPECT_EQ(row[column(body, "old_la_code")], "place:" + code);
    }
  };
  auto r = Get("/api/v1/las/805/movement");
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string la_exits = total_of(json::parse(r->body), "Local authority");
  ASSERT_FALSE(la_exits.empty());

  r = Get("/api/v1/regions/E12000001/movement");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  std::set<std::string> levels;
  for (const auto& row : body["rows"]) {
    EXPECT_EQ(row[column(body, "region_code")], "E12000001");
    levels.insert(row[column(body, "geographic_level")].get<std::string>());
  }
  EXPECT_EQ(levels, (std::set<std::string>{"Regional", "Local authority"}));
  EXPECT_EQ(total_of(body, "Regional"), la_exits) << "the region's one LA with exits";

  r = Get("/api/v1/places/TEES/movement");
  ASSERT_EQ(r->status, 200) << r->body;
  body = json::parse(r->body);
  expect_place_rows(body, "TEES");
  for (const auto& row : body["rows"]) EXPECT_EQ(row[column(body, "la_name")], "Tees Valley");
  EXPECT_EQ(total_of(body, "Place"), la_exits);

  // A place of schools: its schools' rows added up (here one school's).
  r = Get("/api/v1/places/TS1%20board/movement");
  ASSERT_EQ(r->status, 200) << r->body;
  body = json::parse(r->body);
  expect_place_rows(body, "TS1 board");
  json la_rows = json::parse(Get("/api/v1/las/805/movement")->body);
  std::string school_joiners;
  for (const auto& row : la_rows["rows"]) {
    if (row[column(la_rows, "school_urn")] == "900001" &&
        row[column(la_rows, "breakdown")] == "Total") {
      school_joiners = row[column(la_rows, "joiners")].get<std::string>();
    }
  }
  ASSERT_FALSE(school_joiners.empty());
  EXPECT_EQ(total_of(body, "Place", "joiners"), school_joiners);

  for (const char* path : {"/api/v1/england/movement", "/api/v1/regions/E12000009/movement",
                           "/api/v1/places/NOPE/movement"}) {
    r = Get(path);
    ASSERT_EQ(r->status, 404) << path;
    EXPECT_FALSE(json::parse(r->body)["error"].get<std::string>().empty()) << path;
  }
  for (const char* path : {"/api/v1/regions/north/movement", "/api/v1/places/%01/movement",
                           "/api/v1/las/abc/movement"}) {
    r = Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path;
  }
}

TEST_F(ServerTest, ServesTheFrameworkForRegionsEnglandAndUserDefinedPlaces) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  // The list: the store's region and its two places, with their names; no
  // England, as the tiny store does not cover England.
  auto r = Get("/api/v1/places");
  ASSERT_EQ(r->status, 200) << r->body;
  json list = json::parse(r->body);
  EXPECT_TRUE(list["england"].is_null());
  EXPECT_EQ(list["regions"], json::parse(R"([{"code": "E12000001", "name": "North East"}])"));
  EXPECT_EQ(list["places"], json::parse(R"([{"code": "TEES", "name": "Tees Valley"},
                                            {"code": "TS1 board", "name": "Tiny board"}])"));

  // Each endpoint serves its place's rows and only those, at its level.
  struct Case {
    std::string path, level, key_column, key;
  };
  const Case cases[] = {
      {"/api/v1/regions/E12000001/outcomes", "Regional", "region_code", "E12000001"},
      {"/api/v1/places/TEES/outcomes", "Place", "old_la_code", "place:TEES"},
      {"/api/v1/places/TS1%20board/outcomes", "Place", "old_la_code", "place:TS1 board"},
  };
  for (const Case& c : cases) {
    r = Get(c.path);
    ASSERT_EQ(r->status, 200) << c.path << ": " << r->body;
    const json body = json::parse(r->body);
    const int level = column(body, "geographic_level"), key = column(body, c.key_column),
              measure = column(body, "measure"), value = column(body, "value"),
              lower = column(body, "gap_to_england_lower_95");
    ASSERT_GE(level, 0);
    ASSERT_GE(key, 0);
    ASSERT_GE(lower, 0) << "the gap to England's interval is served";
    ASSERT_FALSE(body["rows"].empty()) << c.path;
    std::set<std::string> measures;
    for (const auto& row : body["rows"]) {
      EXPECT_EQ(row[level], c.level) << c.path;
      EXPECT_EQ(row[key], c.key) << c.path;
      EXPECT_FALSE(row[value].get<std::string>().empty()) << "no data is x, never blank";
      measures.insert(row[measure].get<std::string>());
    }
    EXPECT_TRUE(measures.count("pupils")) << c.path;
  }
  // A place of schools is counted by school location only; a place of LAs
  // by residence as well.
  r = Get("/api/v1/places/TS1%20board/outcomes");
  json body = json::parse(r->body);
  for (const auto& row : body["rows"]) {
    EXPECT_EQ(row[column(body, "location_basis")], "School location");
    EXPECT_EQ(row[column(body, "la_name")], "Tiny board");
  }
  // The LA endpoint still serves its LA's rows alone.
  r = Get("/api/v1/las/805/outcomes");
  body = json::parse(r->body);
  for (const auto& row : body["rows"]) {
    EXPECT_EQ(row[column(body, "geographic_level")], "Local authority");
  }

  // Unknown places are 404 saying why; codes that cannot be codes are 400;
  // every answer JSON.
  r = Get("/api/v1/england/outcomes");
  ASSERT_EQ(r->status, 404);
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("nine regions"),
            std::string::npos);
  for (const char* path : {"/api/v1/regions/E12000009/outcomes", "/api/v1/places/NOPE/outcomes",
                           "/api/v1/places/tees/outcomes", "/api/v1/las/999/outcomes"}) {
    r = Get(path);
    ASSERT_EQ(r->status, 404) << path;
    EXPECT_FALSE(json::parse(r->body)["error"].get<std::string>().empty()) << path;
  }
  const std::string long_code(65, 'A');
  for (const std::string& path :
       {std::string("/api/v1/regions/north/outcomes"), std::string("/api/v1/regions/E1/outcomes"),
        std::string("/api/v1/las/80/outcomes"), std::string("/api/v1/las/abc/outcomes"),
        "/api/v1/places/" + long_code + "/outcomes", std::string("/api/v1/places/%01/outcomes"),
        std::string("/api/v1/places//outcomes")}) {
    r = Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path;
    EXPECT_FALSE(json::parse(r->body)["error"].get<std::string>().empty()) << path;
  }
}

// A store that covers England (a school in each of its nine regions) has
// England rows: the England endpoint serves them, and the list names
// England and the nine regions.
TEST(ServerEnglandTest, ServesEnglandsFrameworkWhenTheStoreCoversEngland) {
  const std::string root =
      (fs::temp_directory_path() / ("lantern_server_england_" + std::to_string(::getpid())))
          .string();
  fs::remove_all(root);
  const std::pair<int, const char*> others[] = {
      {340, "E08000011,Knowsley,E12000002,North West"},
      {370, "E08000016,Barnsley,E12000003,Yorkshire and The Humber"},
      {831, "E06000015,Derby,E12000004,East Midlands"},
      {330, "E08000025,Birmingham,E12000005,West Midlands"},
      {873, "E10000003,Cambridgeshire,E12000006,East of England"},
      {202, "E09000007,Camden,E12000007,London"},
      {826, "E06000042,Milton Keynes,E12000008,South East"},
      {800, "E06000022,Bath and North East Somerset,E12000009,South West"}};
  std::string las =
      "old_la_code,new_la_code,la_name,region_code,region_name\n"
      "805,E06000001,Hartlepool,E12000001,North East\n"
      "806,E06000002,Middlesbrough,E12000001,North East\n";
  std::string schools =
      "urn,la_code,estab,name,phase,type,trust_id,postcode,open_date,close_date\n"
      "900001,805,2001,Tiny Primary,primary,Community school,,TS1 1AA,,\n"
      "900002,805,4001,\"Tiny Academy, Hartlepool\",secondary,Academy converter,TR1,,,\n"
      "900003,805,1100,Tiny PRU,ap,Pupil referral unit,,,,\n";
  int urn = 900011;
  for (const auto& [code, rest] : others) {
    las += fmt::format("{},{}\n", code, rest);
    schools += fmt::format("{},{},2001,School {},primary,Community school,,,,\n", urn, code, urn);
    ++urn;
  }
  const Status ingested = lantern::testing::IngestTinyInput(
      root + "/input", root + "/store", {{"local_authorities.csv", las}, {"schools.csv", schools}});
  ASSERT_TRUE(ingested.ok()) << ingested.ToString();
  ServerOptions o;
  o.store_dir = root + "/store";
  o.port = 0;
  o.quiet = true;
  o.threads = 2;
  o.web_dir = root + "/no-web";
  o.real_data_dir = root + "/no-published-data";
  auto server = Server::Create(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->Start().ok());
  ASSERT_TRUE((*server)->WaitReady().ok());
  httplib::Client c("127.0.0.1", (*server)->port());
  c.set_read_timeout(30, 0);

  auto r = c.Get("/api/v1/places");
  ASSERT_EQ(r->status, 200) << r->body;
  const json list = json::parse(r->body);
  EXPECT_EQ(list["england"], json::parse(R"({"code": "E92000001", "name": "England"})"));
  EXPECT_EQ(list["regions"].size(), 9u) << list.dump();
  EXPECT_TRUE(list["places"].empty());

  r = c.Get("/api/v1/england/outcomes");
  ASSERT_EQ(r->status, 200) << r->body;
  const json body = json::parse(r->body);
  std::map<std::string, int> col;
  for (size_t i = 0; i < body["columns"].size(); ++i) col[body["columns"][i]] = static_cast<int>(i);
  ASSERT_FALSE(body["rows"].empty());
  std::set<std::string> groups;
  for (const auto& row : body["rows"]) {
    EXPECT_EQ(row[col["geographic_level"]], "National");
    EXPECT_EQ(row[col["country_code"]], "E92000001");
    EXPECT_EQ(row[col["region_code"]], "");
    groups.insert(row[col["breakdown"]].get<std::string>());
  }
  EXPECT_TRUE(groups.count("Total"));
  EXPECT_GT(groups.size(), 1u) << "England is given by pupil group";
  // A region of this store is set beside England.
  r = c.Get("/api/v1/regions/E12000002/outcomes");
  ASSERT_EQ(r->status, 200) << r->body;
  const json region = json::parse(r->body);
  bool beside_england = false;
  for (const auto& row : region["rows"]) {
    EXPECT_EQ(row[col["geographic_level"]], "Regional");
    beside_england =
        beside_england || ParsePublishedNumber(row[col["england_value"]].get<std::string>());
  }
  EXPECT_TRUE(beside_england) << "a region's rows carry England's figure";
  // England's movement: its own rows and its regions'.
  r = c.Get("/api/v1/england/movement");
  ASSERT_EQ(r->status, 200) << r->body;
  const json moves = json::parse(r->body);
  std::set<std::string> levels;
  for (const auto& row : moves["rows"]) {
    levels.insert(row[column(moves, "geographic_level")].get<std::string>());
  }
  EXPECT_EQ(levels, (std::set<std::string>{"National", "Regional"}));
  (*server)->Stop();
  server->reset();
  fs::remove_all(root);
}

// A browser accepts Brotli and gzip: the answer comes gzipped (the
// library's Brotli is at its slowest quality), and the same JSON as
// unencoded; a client that accepts only Brotli gets it unencoded.
TEST_F(ServerTest, AnswersAreGzippedNeverBrotli) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  auto get = [](const char* path, const char* accept) {
    auto c = Client();
    return c.Get(path, httplib::Headers{{"Accept-Encoding", accept}});
  };
  for (const char* path : {"/api/v1/las/805/movement", "/"}) {
    SCOPED_TRACE(path);
    auto plain = get(path, "identity");
    ASSERT_TRUE(plain);
    ASSERT_EQ(plain->status, 200);
    EXPECT_FALSE(plain->has_header("Content-Encoding"));
    auto browser = get(path, "gzip, deflate, br, zstd");
    ASSERT_TRUE(browser);
    EXPECT_EQ(browser->get_header_value("Content-Encoding"), "gzip");
    EXPECT_EQ(browser->body, plain->body);  // the client has decompressed it
    auto br_only = get(path, "br");
    ASSERT_TRUE(br_only);
    EXPECT_FALSE(br_only->has_header("Content-Encoding"));
    EXPECT_EQ(br_only->body, plain->body);
  }
}

TEST_F(ServerTest, AnAgreementSharesOnlyItsDataClasses) {
  const auto [cookie, csrf] = Login("la806");
  auto r = Get("/api/v1/schools/900002/pupils", cookie);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json body = json::parse(r->body);
  EXPECT_EQ(body["classes"], json::array({"attendance"}));
  EXPECT_EQ(body["residents_of"], 806);
  ASSERT_EQ(body["pupils"].size(), 1u);
  const json& p3 = body["pupils"][0];
  EXPECT_TRUE(p3.contains("attendance"));
  for (const char* hidden : {"suspensions", "ap", "internal_units", "sen"}) {
    EXPECT_FALSE(p3.contains(hidden)) << hidden;
  }
  // P3: 10 possible sessions, 1 absent (an appointment) in the tiny week.
  EXPECT_GT(p3["attendance"]["possible"].get<int>(), 0);
  EXPECT_NE(body["basis"].get<std::string>().find("TR1-806"), std::string::npos);
  // The school sees every class for the same pupil.
  const auto [school_cookie, c2] = Login("school2");
  const json all = json::parse(Get("/api/v1/schools/900002/pupils", school_cookie)->body);
  for (const auto& p : all["pupils"]) {
    for (const char* key : {"attendance", "suspensions", "ap", "internal_units", "sen"}) {
      EXPECT_TRUE(p.contains(key)) << key;
    }
  }
}

TEST_F(ServerTest, WhoCanSeeListsTheEntitledUsers) {
  const auto [cookie, csrf] = Login("school2");
  const json body = json::parse(Get("/api/v1/schools/900002/pupils", cookie)->body);
  std::set<std::string> names;
  for (const auto& u : body["who_can_see"]) names.insert(u["username"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"school2", "trust1", "la806"}));
}

TEST_F(ServerTest, NoSessionIs401AndAForgedOrDisabledOneToo) {
  const int64_t before = AuditCount();
  EXPECT_EQ(Get("/api/v1/schools/900001/pupils")->status, 401);
  EXPECT_EQ(Get("/api/v1/schools/900001/pupils", "lantern_session=" + std::string(64, 'a'))->status,
            401);
  EXPECT_EQ(Get("/api/v1/schools/900001/pupils", "lantern_session=")->status, 401);
  EXPECT_TRUE(Login("gone").first.empty()) << "a disabled user cannot log in";
  EXPECT_TRUE(Login("school1", "wrong-password-here").first.empty());
  EXPECT_EQ(AuditCount(), before) << "refusals read nothing, so audit nothing";
}

TEST_F(ServerTest, AnApiTokenWorksWithoutACookie) {
  auto c = Client();
  httplib::Headers h = {{"Authorization", "Bearer " + *token_}};
  auto r = c.Get("/api/v1/schools/900001/pupils", h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  h = {{"Authorization", "Bearer " + std::string(64, '0')}};
  EXPECT_EQ(c.Get("/api/v1/schools/900001/pupils", h)->status, 401);
}

TEST_F(ServerTest, TamperedParametersChangeNothing) {
  const auto [cookie, csrf] = Login("school1");
  // Another school's URN in a parameter, an encoded path, a path that walks up.
  EXPECT_EQ(Get("/api/v1/schools/900002/pupils?urn=900001", cookie)->status, 403);
  EXPECT_EQ(Get("/api/v1/schools/900002/pupils?scope=900002", cookie)->status, 403);
  auto up = Get("/api/v1/schools/900001/../900002/pupils", cookie);
  ASSERT_TRUE(up);
  EXPECT_NE(up->status, 200);
  auto enc = Get("/api/v1/schools/%39%30%30%30%30%32/pupils", cookie);
  ASSERT_TRUE(enc);
  EXPECT_NE(enc->status, 200);
  EXPECT_EQ(Get("/../../etc/passwd")->status / 100, 4);
}

TEST_F(ServerTest, LogoutNeedsTheCsrfTokenAndEndsTheSession) {
  const auto [cookie, csrf] = Login("school1");
  auto c = Client();
  auto no_token = c.Delete("/api/v1/session", httplib::Headers{{"Cookie", cookie}});
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 403);
  EXPECT_EQ(Get("/api/v1/schools/900001/pupils", cookie)->status, 200);
  auto ok =
      c.Delete("/api/v1/session", httplib::Headers{{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(Get("/api/v1/schools/900001/pupils", cookie)->status, 401);
}

TEST_F(ServerTest, BadRequestsGetACleanAnswerAndTheServerGoesOn) {
  auto c = Client();
  auto bad_json = c.Post("/api/v1/session", "{not json", "application/json");
  ASSERT_TRUE(bad_json);
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_TRUE(json::parse(bad_json->body).contains("error"));
  auto form =
      c.Post("/api/v1/session", "username=a&password=b", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
  auto wrong_shape = c.Post("/api/v1/session", "[1,2]", "application/json");
  ASSERT_TRUE(wrong_shape);
  EXPECT_EQ(wrong_shape->status, 400);
  httplib::Headers huge = {{"X-Filler", std::string(1 << 20, 'x')}};
  auto big = c.Get("/api/v1/health", huge);
  if (big) {
    EXPECT_EQ(big->status / 100, 4);  // or the connection is closed
  }
  EXPECT_EQ(Get("/api/v1/schools?limit=100000")->status, 400);
  EXPECT_EQ(Get("/api/v1/nothing-here")->status, 404);
  auto health = Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServerTest, TheApiWithholdsWhatThePublishedFilesWithhold) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  // The scorecard files `lantern scorecard` writes for the same store.
  const std::string out = *root_ + "/scorecard";
  ScorecardRunOptions run;
  run.output.out_dir = out;
  run.output.pages = false;
  ScorecardReport report;
  PupilLevelOptions pl;
  pl.real_data_dir = *root_ + "/no-published-data";
  ASSERT_TRUE(RunPupilLevelScorecard(*root_ + "/store", pl, run, &report).ok());
  int compared = 0;
  for (const auto& e : fs::directory_iterator(out + "/scorecards")) {
    const std::string urn = e.path().stem().string();
    auto r = Get("/api/v1/schools/" + urn + "/scorecard");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << urn;
    auto file = ReadFileToString(e.path().string());
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(json::parse(r->body), json::parse(*file)) << urn;
    ++compared;
  }
  EXPECT_EQ(compared, 3);
  auto la = Get("/api/v1/las/805");
  ASSERT_TRUE(la);
  ASSERT_EQ(la->status, 200);
  const json body = json::parse(la->body);
  EXPECT_EQ(body["schools"].size(), 3u);
  EXPECT_FALSE(body["attendance"]["rows"].empty());
  // Counts of 1 or 2 pupils are c in the LA's published rows, as in the file.
  const auto& cols = body["attendance"]["columns"];
  const auto enrol = std::find(cols.begin(), cols.end(), "enrolments") - cols.begin();
  for (const auto& row : body["attendance"]["rows"]) {
    const std::string v = row[static_cast<size_t>(enrol)];
    EXPECT_TRUE(v != "1" && v != "2") << row.dump();
  }
}

// Pupil voice: the rows `lantern voice` publishes, by area. The tiny wave
// has 4 respondents at 900002 (a school needs a base of 10) and 5 in LA 805
// (an area needs 30 from 3 schools), so every distribution is withheld
// whole, with its reason, and no count of 1 or 2 is shown anywhere. The
// store is one LA, so it has no England level (404, saying why).
TEST_F(ServerTest, VoiceServesThePublishedRowsWithheldWithTheirReason) {
  ASSERT_TRUE(ready_->ok()) << ready_->ToString();
  auto england = Get("/api/v1/england/voice");
  ASSERT_TRUE(england);
  EXPECT_EQ(england->status, 404);
  EXPECT_NE(england->body.find("does not cover England"), std::string::npos) << england->body;
  for (const std::string path : {"/api/v1/schools/900002/voice", "/api/v1/las/805/voice"}) {
    auto r = Get(path);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << path << " " << r->body;
    const json body = json::parse(r->body);
    EXPECT_NE(body["caution"].get<std::string>().find("random variation"), std::string::npos);
    ASSERT_FALSE(body["distributions"].empty()) << path;
    ASSERT_FALSE(body["coverage"].empty()) << path;
    std::set<std::string> belong_all;
    for (const auto& row : body["distributions"]) {
      const std::string n = row["respondents"];
      EXPECT_TRUE(n != "1" && n != "2") << path << row.dump();
      EXPECT_FALSE(row["withheld_reason"].get<std::string>().empty()) << path << row.dump();
      EXPECT_EQ(n, "c") << path << row.dump();
      EXPECT_FALSE(row.contains("school_urn")) << "geography columns are dropped";
      if (row["item_id"] == "belong_school" && row["breakdown"] == "All pupils") {
        belong_all.insert(row["response"].get<std::string>());
      }
    }
    // Every category of the item's scale, the two the engine adds included.
    EXPECT_TRUE(belong_all.count("agree") && belong_all.count("prefer_not_to_say") &&
                belong_all.count("not_answered"))
        << path;
    // Who was not heard first: no row not under-heard before an under-heard one.
    bool seen_heard = false;
    for (const auto& row : body["coverage"]) {
      const std::string n = row["respondents"];
      EXPECT_TRUE(n != "1" && n != "2") << path << row.dump();
      if (row["under_heard"] == "Y") {
        EXPECT_FALSE(seen_heard) << path << row.dump();
      } else {
        seen_heard = true;
      }
    }
  }
  auto none = Get("/api/v1/schools/999999/voice");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  auto bad = Get("/api/v1/las/nope/voice");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 404);
}

TEST_F(ServerTest, SearchFindsSchoolsByNameUrnAndLa) {
  ASSERT_TRUE(ready_->ok());
  auto r = Get("/api/v1/schools?q=tiny%20academy");
  ASSERT_TRUE(r);
  const json body = json::parse(r->body);
  ASSERT_EQ(body["results"].size(), 1u);
  EXPECT_EQ(body["results"][0]["urn"], 900002);
  EXPECT_EQ(json::parse(Get("/api/v1/schools?q=900003")->body)["results"].size(), 1u);
  // By postcode district (the tiny primary is in TS1 1AA).
  const json ts1 = json::parse(Get("/api/v1/schools?q=ts1")->body);
  ASSERT_EQ(ts1["results"].size(), 1u);
  EXPECT_EQ(ts1["results"][0]["urn"], 900001);
  EXPECT_EQ(ts1["results"][0]["postcode"], "TS1 1AA");
  EXPECT_EQ(json::parse(Get("/api/v1/schools?q=hartlepool")->body)["results"].size(), 3u);
  EXPECT_EQ(Get("/api/v1/schools/999999/scorecard")->status, 404);
  auto xlsx = Get("/api/v1/schools/900002/scorecard.xlsx");
  ASSERT_TRUE(xlsx);
  EXPECT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");  // a zip, as XLSX files are
}

TEST_F(ServerTest, TheAuditChainHoldsAfterTheReads) {
  const int64_t before = AuditCount();
  for (const char* user : {"school1", "la805", "trust1"}) {
    const auto [cookie, csrf] = Login(user);
    Get("/api/v1/schools/900001/pupils", cookie);
    Get("/api/v1/schools/900002/pupils", cookie);
  }
  EXPECT_EQ(AuditCount(), before + 3);  // school1 900001, la805 900001, trust1 900002
  auto accounts = Accounts::Open(*root_ + "/store/lantern.db");
  ASSERT_TRUE(accounts.ok());
  auto report = (*accounts)->VerifyAudit();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
}

// KS4 measures (issue 12): the school's figures for everyone, withheld as
// measures.csv withholds them; its pupils' slots only for the entitled,
// audited first.
TEST_F(ServerTest, MeasuresShowSlotsOnlyToTheEntitledAndAuditThem) {
  ASSERT_TRUE(ready_->ok());
  auto pub = Get("/api/v1/schools/900002/measures");
  ASSERT_TRUE(pub);
  ASSERT_EQ(pub->status, 200) << pub->body;
  const json open = json::parse(pub->body);
  EXPECT_EQ(open["school"]["urn"], 900002);
  EXPECT_EQ(open["school"]["ks4_pupils"], 1);
  // One pupil: below any threshold, so the figures are withheld.
  EXPECT_TRUE(open["school"]["withheld"].get<bool>());
  EXPECT_FALSE(open["school"].contains("att8"));
  EXPECT_TRUE(open["pupils"].is_null());

  const int64_t before = AuditCount();
  // The school's own user sees P4's slots (maths 5 x2, English language 6
  // alone x1, history 7 in an EBacc slot: 23), and the read is audited.
  const auto [cookie, csrf] = Login("school2");
  auto own = Get("/api/v1/schools/900002/measures", cookie);
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 200) << own->body;
  const json body = json::parse(own->body);
  ASSERT_TRUE(body["pupils"].is_array());
  ASSERT_EQ(body["pupils"].size(), 1u);
  EXPECT_EQ(body["pupils"][0]["upn"], TinyUpn(4));
  EXPECT_DOUBLE_EQ(body["pupils"][0]["att8"].get<double>(), 23.0);
  EXPECT_FALSE(body["pupils"][0]["a8_slots"].empty());
  EXPECT_EQ(AuditCount(), before + 1);

  // Another school, and an LA over an academy it has no agreement with for
  // its own residents here: the figures, no slots, nothing audited.
  for (const char* user : {"school1", "la806", "national"}) {
    const auto [c, t] = Login(user);
    auto r = Get("/api/v1/schools/900002/measures", c);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << user;
    EXPECT_TRUE(json::parse(r->body)["pupils"].is_null()) << user;
  }
  EXPECT_EQ(AuditCount(), before + 1);
  // A URN without measures is a 404.
  auto none = Get("/api/v1/schools/999999/measures");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
}

TEST_F(ServerTest, TheComparisonListsEverySchoolWithMeasures) {
  ASSERT_TRUE(ready_->ok());
  auto r = Get("/api/v1/measures/comparison");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json body = json::parse(r->body);
  EXPECT_EQ(body["time_period"], "201819");
  ASSERT_EQ(body["schools"].size(), 1u);
  EXPECT_EQ(body["schools"][0]["urn"], 900002);
  EXPECT_TRUE(body["schools"][0]["withheld"].get<bool>());
  EXPECT_EQ(body["national"]["pupils"], 1);
}

}  // namespace
}  // namespace lantern::server

namespace lantern::server {
namespace {

std::set<std::string> CaseloadUpns(const json& body, const char* list) {
  std::set<std::string> out;
  for (const auto& p : body[list]) out.insert(p["upn"].get<std::string>());
  return out;
}

TEST_F(ServerTest, TheCaseloadShowsOnlyTheFlaggedPupilsTheUserIsEntitledTo) {
  const std::string p1 = TinyUpn(1), p3 = TinyUpn(3);
  const std::map<std::string, std::set<std::string>> expect = {
      {"school1", {p1}}, {"school2", {p3}}, {"trust1", {p3}}, {"trust9", {}},
      {"la805", {p1}},   {"la806", {p3}},   {"la807", {}}};
  for (const auto& [user, upns] : expect) {
    const auto [cookie, csrf] = Login(user);
    ASSERT_FALSE(cookie.empty()) << user;
    const int64_t before = AuditCount();
    auto r = Get("/api/v1/caseload", cookie);
    ASSERT_TRUE(r) << user;
    ASSERT_EQ(r->status, 200) << user << r->body;
    const json body = json::parse(r->body);
    EXPECT_EQ(CaseloadUpns(body, "pupils"), upns) << user;
    EXPECT_EQ(CaseloadUpns(body, "referrals"), upns) << user;
    EXPECT_EQ(AuditCount(), before + 1) << user << ": the read is audited";
    for (const auto& p : body["pupils"]) {
      ASSERT_EQ(p["flags"].size(), 1u);
      EXPECT_EQ(p["flags"][0]["trigger_id"], "repeat_suspension");
      EXPECT_FALSE(p["flags"][0]["meaning"].get<std::string>().empty());
      EXPECT_EQ(p["flags"][0]["rules_version"], "1");
      EXPECT_TRUE(p["referral_id"].is_number());
    }
    for (const auto& x : body["referrals"]) {
      EXPECT_EQ(x["status"], "raised");
      EXPECT_EQ(x["acknowledge_within"], kDefaultAcknowledgeDays);
      EXPECT_EQ(x["school_days_open"], 0);
      EXPECT_FALSE(x["acknowledge_breached"].get<bool>());
    }
  }
  // Nobody else has a caseload, and the public must log in.
  for (const char* user : {"national", "board"}) {
    EXPECT_EQ(Get("/api/v1/caseload", Login(user).first)->status, 403) << user;
  }
  EXPECT_EQ(Get("/api/v1/caseload")->status, 401);
}

TEST_F(ServerTest, AReferralUpdateNeedsEntitlementAndCsrfAndIsSavedAndAudited) {
  const auto [cookie, csrf] = Login("school1");
  json caseload = json::parse(Get("/api/v1/caseload", cookie)->body);
  ASSERT_EQ(caseload["referrals"].size(), 1u);
  const int mine = caseload["referrals"][0]["id"];
  const int other = mine == 1 ? 2 : 1;
  auto post = [&](const std::string& who_cookie, const std::string& token, int id,
                  const json& body) {
    auto c = Client();
    httplib::Headers h{{"Cookie", who_cookie}};
    if (!token.empty()) h.emplace("X-CSRF-Token", token);
    return c.Post(("/api/v1/referrals/" + std::to_string(id)).c_str(), h, body.dump(),
                  "application/json");
  };
  const json ack{{"status", "acknowledged"}};
  EXPECT_EQ(post(cookie, "", mine, ack)->status, 403) << "no CSRF token";
  // Another school's referral and one that does not exist look the same.
  auto theirs = post(cookie, csrf, other, ack);
  auto none = post(cookie, csrf, 99, ack);
  EXPECT_EQ(theirs->status, 404);
  EXPECT_EQ(none->status, 404);
  EXPECT_EQ(theirs->body, none->body);
  EXPECT_EQ(post(cookie, csrf, mine, json{{"status", "closed"}})->status, 400)
      << "closing needs an outcome";
  const int64_t before = AuditCount();
  auto ok = post(cookie, csrf, mine, ack);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json::parse(ok->body)["status"], "acknowledged");
  EXPECT_EQ(AuditCount(), before + 1);
  caseload = json::parse(Get("/api/v1/caseload", cookie)->body);
  EXPECT_EQ(caseload["referrals"][0]["status"], "acknowledged");
  EXPECT_EQ(caseload["referrals"][0]["school_days_to_acknowledge"], 0);
  // Saved in the store: a fresh read of it has the new status.
  auto store = Store::Open(*root_ + "/store", Store::Mode::kRead);
  ASSERT_TRUE(store.ok());
  auto state = (*store)->Load(false);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->referrals.status[mine - 1], static_cast<uint8_t>(ReferralStatus::kAcknowledged));
  EXPECT_EQ(state->referrals.status[other - 1], static_cast<uint8_t>(ReferralStatus::kRaised));
}

TEST_F(ServerTest, EachLipasEffectivenessIsPublicDisclosureControlledAndByTrustAndLa) {
  const auto rows = [](const httplib::Result& r) {
    const json body = json::parse(r->body);
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& row : body["rows"]) {
      std::map<std::string, std::string> m;
      for (size_t c = 0; c < body["columns"].size(); ++c) {
        m[body["columns"][c].get<std::string>()] = row[c].get<std::string>();
      }
      out.push_back(std::move(m));
    }
    return out;
  };
  // P3's referral: at TR1's academy, home LA 806 (the agreement TR1-806
  // names no LIPA terms, so the national standards applied).
  auto trust = Get("/api/v1/trusts/TR1/lipa");
  ASSERT_TRUE(trust);
  ASSERT_EQ(trust->status, 200) << trust->body;
  auto t = rows(trust);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["trust_id"], "TR1");
  EXPECT_EQ(t[0]["la_code"], "806");
  EXPECT_EQ(t[0]["acknowledge_standard_days"], std::to_string(kDefaultAcknowledgeDays));
  // One referral, one pupil: counts of 1 are never shown.
  EXPECT_EQ(t[0]["referrals"], "c");
  EXPECT_EQ(t[0]["flagged_pupils"], "c");
  // P1's referral: a maintained school of LA 805 (no trust).
  auto la = Get("/api/v1/las/805/lipa");
  ASSERT_EQ(la->status, 200) << la->body;
  auto l = rows(la);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0]["trust_id"], "");
  EXPECT_EQ(Get("/api/v1/las/806/lipa")->status, 200);
  EXPECT_EQ(Get("/api/v1/las/807/lipa")->status, 404);
  EXPECT_EQ(Get("/api/v1/trusts/TR9/lipa")->status, 404);
  for (int n = 1; n <= 6; ++n) {
    EXPECT_EQ(trust->body.find(TinyUpn(n)), std::string::npos);
    EXPECT_EQ(la->body.find(TinyUpn(n)), std::string::npos);
  }
}

}  // namespace
}  // namespace lantern::server
