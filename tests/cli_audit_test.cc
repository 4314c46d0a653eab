// The commands that show or write pupil-level data record each run in the
// store's audit log, as the server does each read (docs/access.md), and
// show and write nothing when the entry cannot be written. Also the
// referrals commands end to end: list, show and update on a tiny store
// whose Year 8 pupil has two suspensions.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "common/file_util.h"
#include "lantern/ingest.h"
#include "lantern/store.h"
#include "server/accounts.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

class CliAuditTest : public testing::ScratchDirTest {
 protected:
  CliAuditTest() : ScratchDirTest("lantern_cli_audit") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    store_ = dir_ + "/store";
    const std::string p2 = testing::TinyUpn(2);
    ASSERT_TRUE(testing::IngestTinyInput(
                    dir_ + "/input", store_,
                    {{"suspensions.csv", "upn,urn,start_date,category,sessions,reason\n" + p2 +
                                             ",900002,2018-09-04,suspension,2,DB\n" + p2 +
                                             ",900002,2018-09-06,suspension,1,DB\n"}})
                    .ok());
  }
  // Runs `lantern ARGS`; its exit code, with standard output and error in *log.
  int Run(const std::string& args, std::string* log) {
    const std::string cmd = std::string(LANTERN_BINARY) + " " + args + " > " + dir_ + "/log 2>&1";
    const int rc = std::system(cmd.c_str());
    auto text = ReadFileToString(dir_ + "/log");
    *log = text.ok() ? *text : "";
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  std::vector<server::AuditEntry> Audit() {
    auto accounts = server::Accounts::Open(store_ + "/lantern.db");
    EXPECT_TRUE(accounts.ok());
    if (!accounts.ok()) return {};
    auto entries = (*accounts)->AuditEntries();
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? *entries : std::vector<server::AuditEntry>{};
  }

  std::string store_;
};

TEST_F(CliAuditTest, EachPupilLevelCommandIsAuditedAndTheReferralsCommandsWork) {
  std::string log;
  ASSERT_EQ(Run("flags --store " + store_ + " --out " + dir_ + "/flags", &log), 0) << log;
  ASSERT_EQ(Run("referrals list --store " + store_, &log), 0) << log;
  EXPECT_NE(log.find("900002"), std::string::npos) << log;
  EXPECT_NE(log.find("repeat_suspension"), std::string::npos) << log;
  EXPECT_NE(log.find("1 of 1 referrals"), std::string::npos) << log;
  ASSERT_EQ(Run("referrals show 1 --store " + store_, &log), 0) << log;
  EXPECT_NE(log.find("pupil        " + testing::TinyUpn(2)), std::string::npos) << log;
  EXPECT_NE(log.find("2 suspensions in the last 12 months: 2018-09-04 (2 sessions), 2018-09-06 "
                     "(1 session)"),
            std::string::npos)
      << log;
  EXPECT_EQ(Run("referrals show 2 --store " + store_, &log), 2) << log;  // no such referral
  EXPECT_NE(log.find("no referral 2"), std::string::npos) << log;
  ASSERT_EQ(Run("referrals update 1 --status acknowledged --store " + store_, &log), 0) << log;
  ASSERT_EQ(Run("referrals show 1 --store " + store_, &log), 0) << log;
  EXPECT_NE(log.find("status       acknowledged"), std::string::npos) << log;
  ASSERT_EQ(Run("outcomes --store " + store_ + " --out " + dir_ + "/lof", &log), 0) << log;

  const auto entries = Audit();
  std::vector<std::string> actions;
  for (const auto& e : entries) {
    actions.push_back(e.action);
    EXPECT_EQ(e.role, "operator");
    EXPECT_FALSE(e.username.empty());
    EXPECT_FALSE(e.hash.empty());
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"lantern flags", "lantern referrals list",
                                      "lantern referrals show", "lantern referrals update",
                                      "lantern referrals show", "lantern outcomes --store"}));
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[2].target, "referral:1 pupil:" + testing::TinyUpn(2));
}

// With no audit log to write to (lantern.db cannot be opened), nothing is
// shown and no file is written.
TEST_F(CliAuditTest, WithoutTheAuditLogNothingIsShownOrWritten) {
  std::string log;
  ASSERT_EQ(Run("flags --store " + store_ + " --out " + dir_ + "/flags", &log), 0) << log;
  fs::remove(store_ + "/lantern.db");
  fs::create_directories(store_ + "/lantern.db");  // a folder: the database cannot open
  EXPECT_NE(Run("outcomes --store " + store_ + " --out " + dir_ + "/lof", &log), 0);
  EXPECT_NE(log.find("the audit log could not be written"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(dir_ + "/lof/children_missing_education.csv"));
  EXPECT_NE(Run("referrals show 1 --store " + store_, &log), 0);
  EXPECT_EQ(log.find(testing::TinyUpn(2)), std::string::npos) << log;
  EXPECT_NE(Run("flags --store " + store_ + " --out " + dir_ + "/flags2", &log), 0);
  EXPECT_FALSE(fs::exists(dir_ + "/flags2/flags.csv"));
}

// While another process holds the store (a server serving it), a writer
// exits with its own code, 4, so that a scheduled job can try again later,
// and the store is left as it was.
TEST_F(CliAuditTest, AStoreInUseGivesItsOwnExitCodeAndIsLeftAsItWas) {
  std::string log;
  uint64_t generation = 0;
  {
    auto held = Store::Open(store_, Store::Mode::kRead);
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    generation = (*held)->generation();
    EXPECT_EQ(Run("flags --store " + store_ + " --out " + dir_ + "/flags", &log), 4) << log;
    EXPECT_NE(log.find("is in use by another lantern process"), std::string::npos) << log;
    EXPECT_NE(log.find("try again"), std::string::npos) << log;
    EXPECT_FALSE(fs::exists(dir_ + "/flags/flags.csv"));
  }
  EXPECT_EQ(Store::Open(store_, Store::Mode::kRead).value()->generation(), generation);
  EXPECT_EQ(Run("flags --store " + store_ + " --out " + dir_ + "/flags", &log), 0) << log;
}

}  // namespace
}  // namespace lantern
