// The server's inbox (docs/server.md, "A new day while it serves"): a day
// folder dropped in is ingested, flagged and served in place of the old
// generation without a restart; a bad one is set aside with its reason and
// the old generation goes on being served; a folder still being written
// (a name starting with a dot) is left alone.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "common/file_util.h"
#include "flags/run.h"
#include "lantern/ingest.h"
#include "server/accounts.h"
#include "server/server.h"
#include "store/store.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern::server {
namespace {

namespace fs = std::filesystem;
using lantern::testing::TinyUpn;
using nlohmann::json;

constexpr const char* kPassword = "correct-horse-battery";

class ServerInboxTest : public lantern::testing::ScratchDirTest {
 protected:
  ServerInboxTest() : ScratchDirTest("lantern_inbox_test") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    store_ = dir_ + "/store";
    inbox_ = dir_ + "/inbox";
    ASSERT_TRUE(lantern::testing::IngestTinyInput(dir_ + "/input", store_).ok());
    // The store keeps flags: the inbox's days run them too.
    FlagsOptions f;
    f.store_dir = store_;
    f.threads = 2;
    FlagsReport fr;
    ASSERT_TRUE(RunFlags(f, &fr).ok());
    {
      auto accounts = Accounts::Open(store_ + "/lantern.db");
      ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
      ASSERT_TRUE((*accounts)->AddUser("school1", Role::kSchool, "900001", kPassword).ok());
    }
    ServerOptions o;
    o.store_dir = store_;
    o.port = 0;
    o.quiet = true;
    o.threads = 2;
    o.web_dir = dir_ + "/no-web";
    o.real_data_dir = dir_ + "/no-published-data";
    o.inbox_dir = inbox_;
    o.inbox_poll_ms = 50;
    auto server = Server::Create(o);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_TRUE(server_->WaitReady().ok());
  }
  void TearDown() override {
    server_.reset();  // before the folder goes
    ScratchDirTest::TearDown();
  }

  json Health() {
    httplib::Client c("127.0.0.1", server_->port());
    auto r = c.Get("/api/v1/health");
    return r && r->status == 200 ? json::parse(r->body) : json();
  }
  // Waits (up to a minute) for the inbox to say it has taken `folder`.
  // The health answer once the inbox has done with `folder` (and given it
  // `status`, when one is asked for); null after a minute.
  json WaitForFolder(const std::string& folder, const std::string& status = "") {
    for (int i = 0; i < 1200; ++i) {
      json h = Health();
      if (h.contains("inbox") && h["inbox"]["last"].is_object() &&
          h["inbox"]["last"]["folder"] == folder && !h["inbox"]["taking_in"].get<bool>() &&
          (status.empty() || h["inbox"]["last"]["status"] == status)) {
        return h;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return json();
  }
  // Writes a folder as a feed would: under a dot name, then renamed in.
  void Drop(const std::string& name, const std::map<std::string, std::string>& files) {
    const fs::path tmp = fs::path(inbox_) / ("." + name);
    fs::create_directories(tmp);
    for (const auto& [file, text] : files) std::ofstream(tmp / file) << text;
    fs::rename(tmp, fs::path(inbox_) / name);
  }
  std::set<std::string> PupilsOf(const std::string& urn) {
    httplib::Client c("127.0.0.1", server_->port());
    auto login =
        c.Post("/api/v1/session", json{{"username", "school1"}, {"password", kPassword}}.dump(),
               "application/json");
    EXPECT_TRUE(login && login->status == 200) << (login ? login->body : "no answer");
    if (!login || login->status != 200) return {};
    const std::string set = login->get_header_value("Set-Cookie");
    httplib::Headers h{{"Cookie", set.substr(0, set.find(';'))}};
    auto r = c.Get(("/api/v1/schools/" + urn + "/pupils").c_str(), h);
    std::set<std::string> out;
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    if (!r || r->status != 200) return out;
    const json body = json::parse(r->body);
    for (const auto& p : body["pupils"]) out.insert(p["upn"].get<std::string>());
    return out;
  }

  std::string store_, inbox_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerInboxTest, ANewDayIsServedInPlaceOfTheOldWithoutARestart) {
  const json before = Health();
  ASSERT_EQ(before["as_of"], "2019-06-04");
  const uint64_t generation = before["generation"].get<uint64_t>();
  const std::string p7 = TinyUpn(7);
  EXPECT_EQ(PupilsOf("900001").count(p7), 0u);
  // A folder still being written is left alone.
  fs::create_directories(fs::path(inbox_) / ".being-written");
  // The day after the store's last: a new pupil joins the primary school,
  // with the day's marks.
  Drop("2019-06-05",
       {{"pupils.csv",
         "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
         "looked_after,home_la_code,year_group\n" +
             p7 + ",2011-04-01,F,N,N,N,,N,N,805,3\n"},
        {"enrolments.csv", "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" + p7 +
                               ",900001,2019-06-05,,,C\n"},
        {"attendance.csv", "upn,urn,date,am,pm\n" + p7 + ",900001,2019-06-05,/,\\\n" + TinyUpn(1) +
                               ",900001,2019-06-05,/,\\\n"}});
  const json after = WaitForFolder("2019-06-05");
  ASSERT_FALSE(after.is_null()) << "the inbox did not take the day: " << Health().dump();
  EXPECT_EQ(after["inbox"]["last"]["status"], "taken") << after.dump();
  EXPECT_EQ(after["as_of"], "2019-06-05");
  // The ingest's commit and the flags' commit.
  EXPECT_GE(after["generation"].get<uint64_t>(), generation + 2);
  // The served pupil records are the new generation's.
  EXPECT_EQ(PupilsOf("900001").count(p7), 1u);
  // The folder is filed with a note of what became of it; the day's flag
  // changes are written, and their writing audited.
  EXPECT_TRUE(fs::is_directory(fs::path(inbox_) / "done" / "2019-06-05"));
  auto note = ReadFileToString(inbox_ + "/done/2019-06-05.txt");
  ASSERT_TRUE(note.ok());
  EXPECT_NE(note->find("served: yes"), std::string::npos) << *note;
  EXPECT_NE(note->find("as of 2019-06-05"), std::string::npos) << *note;
  EXPECT_TRUE(fs::exists(store_ + "/serve/daily/2019-06-05/flag_changes.csv"));
  auto accounts = Accounts::Open(store_ + "/lantern.db");
  ASSERT_TRUE(accounts.ok());
  auto entries = (*accounts)->AuditEntries(0, 1000);
  ASSERT_TRUE(entries.ok());
  bool audited = false;
  for (const auto& e : *entries) audited |= e.action == "inbox: the daily job";
  EXPECT_TRUE(audited);
  EXPECT_TRUE(fs::is_directory(fs::path(inbox_) / ".being-written"));
  // The store is served with its shared lock again: no other writer.
  auto store = Store::Open(store_, Store::Mode::kWrite);
  EXPECT_FALSE(store.ok());
}

TEST_F(ServerInboxTest, ABadFolderIsSetAsideAndTheOldDayIsStillServed) {
  const json before = Health();
  Drop("2019-06-05",
       {{"attendance.csv", "upn,urn,when,am,pm\n" + TinyUpn(1) + ",900001,2019-06-05,/,\\\n"}});
  const json after = WaitForFolder("2019-06-05");
  ASSERT_FALSE(after.is_null()) << Health().dump();
  EXPECT_EQ(after["inbox"]["last"]["status"], "failed");
  EXPECT_EQ(after["as_of"], before["as_of"]);
  EXPECT_EQ(after["generation"], before["generation"]);
  EXPECT_TRUE(fs::is_directory(fs::path(inbox_) / "failed" / "2019-06-05"));
  auto note = ReadFileToString(inbox_ + "/failed/2019-06-05.txt");
  ASSERT_TRUE(note.ok());
  EXPECT_NE(note->find("wrong header"), std::string::npos) << *note;
  EXPECT_EQ(PupilsOf("900001").count(TinyUpn(1)), 1u) << "the old day is still served";
  // The next good folder is still taken.
  Drop("2019-06-06",
       {{"attendance.csv", "upn,urn,date,am,pm\n" + TinyUpn(1) + ",900001,2019-06-05,/,\\\n"}});
  const json next = WaitForFolder("2019-06-06");
  ASSERT_FALSE(next.is_null()) << Health().dump();
  EXPECT_EQ(next["as_of"], "2019-06-05");
}

// Another process holding the store (here a reader's shared lock, as a
// second server would hold it) keeps the day out: the folder waits in the
// inbox, the old day is served, and the folder is taken at a look after
// the store is let go.
TEST_F(ServerInboxTest, AFolderWaitsWhileAnotherProcessHoldsTheStore) {
  const json before = Health();
  auto held = Store::Open(store_, Store::Mode::kRead);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  Drop("2019-06-05",
       {{"attendance.csv", "upn,urn,date,am,pm\n" + TinyUpn(1) + ",900001,2019-06-05,/,\\\n"}});
  const json waiting = WaitForFolder("2019-06-05", "waiting");
  ASSERT_FALSE(waiting.is_null()) << Health().dump();
  EXPECT_NE(waiting["inbox"]["last"]["detail"].get<std::string>().find("in use"), std::string::npos)
      << waiting.dump();
  EXPECT_EQ(waiting["generation"], before["generation"]);
  EXPECT_TRUE(fs::is_directory(fs::path(inbox_) / "2019-06-05")) << "the folder stays";
  EXPECT_FALSE(fs::exists(fs::path(inbox_) / "failed" / "2019-06-05"));
  held->reset();
  const json taken = WaitForFolder("2019-06-05", "taken");
  ASSERT_FALSE(taken.is_null()) << Health().dump();
  EXPECT_EQ(taken["as_of"], "2019-06-05");
  EXPECT_TRUE(fs::is_directory(fs::path(inbox_) / "done" / "2019-06-05"));
}

}  // namespace
}  // namespace lantern::server
