// lantern flags on a store: the history kept across runs and cleared, the
// referrals raised, rules adopted, and a broken rules file refused with the
// rules in force kept.
#include "flags/run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "model/upn.h"
#include "tests/scratch_dir.h"
#include "tests/store_rows.h"

namespace lantern {
namespace {

int32_t D(const char* iso) { return ParseIsoDate(iso)->days; }

class RunFlagsTest : public testing::ScratchDirTest {
 protected:
  RunFlagsTest() : ScratchDirTest("lantern_run_flags") {}

  void SetUp() override {
    ScratchDirTest::SetUp();
    StoreState s;
    auto& sc = s.schools;
    for (int i = 0; i < 2; ++i) {
      sc.urn.push_back(100001 + i);
      sc.la_code.push_back(805);
      sc.estab.push_back(static_cast<int16_t>(4000 + i));
      sc.phase.push_back(0);
      sc.name.push_back("School " + std::to_string(i));
      sc.type.push_back("");
      sc.trust_id.push_back(i == 0 ? "TR1" : "");
      sc.postcode.push_back("");
      sc.open_date.push_back(kNoDate);
      sc.close_date.push_back(kNoDate);
    }
    for (int i = 0; i < 2; ++i) testing::AddPupil(&s, i == 0 ? 806 : 805, D("2006-01-01"));
    auto& e = s.enrolments;
    for (uint32_t i = 0; i < 2; ++i) {
      e.pupil.push_back(i);
      e.school.push_back(i);
      e.entry_date.push_back(D("2017-09-01"));
      e.leaving_date.push_back(kNoDate);
      e.leaving_reason.push_back(0);
      e.status.push_back(0);
      e.boarder.push_back(0);
    }
    // Pupil 0: suspensions on 2018-11-20 and 2019-05-02.
    for (const char* d : {"2018-11-20", "2019-05-02"}) Suspend(&s, 0, 0, d, 2);
    auto store = Store::Open(store_dir(), Store::Mode::kWrite);
    ASSERT_TRUE(store.ok());
    CommitPlan plan;
    plan.state = &s;
    plan.changed_tables.assign(std::begin(kAllTables), std::end(kAllTables));
    ASSERT_TRUE((*store)->Commit(plan).ok());
  }
  static void Suspend(StoreState* s, uint32_t pupil, uint32_t school, const char* day,
                      int sessions) {
    testing::AddSuspension(s, pupil, school, D(day), sessions);
  }
  std::string store_dir() const { return dir_ + "/store"; }
  FlagsOptions Options(const char* as_of) {
    FlagsOptions o;
    o.store_dir = store_dir();
    o.out_dir = dir_ + "/out";
    o.as_of = as_of;
    o.threads = 1;
    return o;
  }
  StoreState Load() {
    auto store = Store::Open(store_dir(), Store::Mode::kRead);
    EXPECT_TRUE(store.ok());
    auto s = (*store)->Load(false);
    EXPECT_TRUE(s.ok());
    return std::move(s).value();
  }
  uint64_t Generation() {
    auto store = Store::Open(store_dir(), Store::Mode::kRead);
    return (*store)->generation();
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(RunFlagsTest, KeepsTheHistoryAndRaisesAReferral) {
  FlagsReport r;
  ASSERT_TRUE(RunFlags(Options("2019-06-03"), &r).ok());
  EXPECT_EQ(r.flags, 1u);
  EXPECT_EQ(r.raised, 1u);
  EXPECT_EQ(r.referrals_raised, 1u);
  auto csv = CsvTable::Load(dir_ + "/out/flags.csv");
  ASSERT_TRUE(csv.ok());
  ASSERT_EQ(csv->rows(), 1u);
  EXPECT_EQ(csv->Cell(0, csv->Column("upn")), MakeUpn(805, 2001, 10, 1));
  EXPECT_EQ(csv->Cell(0, csv->Column("urn")), "100001");
  EXPECT_EQ(csv->Cell(0, csv->Column("home_la_code")), "806");
  EXPECT_EQ(csv->Cell(0, csv->Column("trigger_id")), "repeat_suspension");
  EXPECT_EQ(csv->Cell(0, csv->Column("since")), "2019-05-02");
  EXPECT_EQ(csv->Cell(0, csv->Column("rules_version")), "1");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/flags.meta.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/lipa_effectiveness.csv"));
  // The day's changes: the flag raised, with the words it was raised with.
  auto changes = CsvTable::Load(dir_ + "/out/flag_changes.csv");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->rows(), 1u);
  EXPECT_EQ(changes->Cell(0, changes->Column("change")), "raised");
  EXPECT_EQ(changes->Cell(0, changes->Column("since")), "2019-05-02");
  EXPECT_EQ(changes->Cell(0, changes->Column("until")), "");
  EXPECT_EQ(changes->Cell(0, changes->Column("reason")), csv->Cell(0, csv->Column("reason")));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/flag_changes.meta.csv"));
  StoreState s = Load();
  ASSERT_EQ(s.flags.size(), 1u);
  ASSERT_EQ(s.referrals.size(), 1u);
  EXPECT_EQ(s.referrals.raised_date[0], D("2019-06-03"));
  EXPECT_EQ(s.referrals.home_la[0], 806);
  EXPECT_EQ(s.flag_runs.size(), 1u);
  // A later day: the flag still holds, nothing new; then it clears. Without
  // the list (the daily job's default), only the changes are written.
  std::filesystem::remove_all(dir_ + "/out");
  FlagsOptions changes_only = Options("2019-09-02");
  changes_only.list = false;
  ASSERT_TRUE(RunFlags(changes_only, &r).ok());
  EXPECT_EQ(r.raised, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/out/flags.csv"));
  changes = CsvTable::Load(dir_ + "/out/flag_changes.csv");
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->rows(), 0u);
  changes_only.as_of = "2019-11-20";
  ASSERT_TRUE(RunFlags(changes_only, &r).ok());
  EXPECT_EQ(r.cleared, 1u);
  changes = CsvTable::Load(dir_ + "/out/flag_changes.csv");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->rows(), 1u);
  EXPECT_EQ(changes->Cell(0, changes->Column("change")), "cleared");
  EXPECT_EQ(changes->Cell(0, changes->Column("until")), "2019-11-20");
  EXPECT_EQ(changes->Cell(0, changes->Column("trigger_id")), "repeat_suspension");
  // The same day again (the whole list asked for later, into the same
  // folder): the day's changes are listed again from the history.
  ASSERT_TRUE(RunFlags(Options("2019-11-20"), &r).ok());
  EXPECT_TRUE(r.history_updated);
  EXPECT_FALSE(r.changes_kept);
  EXPECT_EQ(r.cleared, 0u);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/flags.csv"));
  changes = CsvTable::Load(dir_ + "/out/flag_changes.csv");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->rows(), 1u);
  EXPECT_EQ(changes->Cell(0, changes->Column("change")), "cleared");
  s = Load();
  ASSERT_EQ(s.flags.size(), 1u);
  EXPECT_EQ(s.flags.until[0], D("2019-11-20"));
  EXPECT_EQ(s.flag_runs.size(), 3u);
  // Looking back before the last run reports, and changes nothing.
  const uint64_t gen = Generation();
  ASSERT_TRUE(RunFlags(Options("2019-06-03"), &r).ok());
  EXPECT_FALSE(r.history_updated);
  EXPECT_EQ(r.flags, 1u);
  EXPECT_EQ(Generation(), gen);
}

// A second run for a day, after a correction, lists the day's changes
// again: the first run's and the correction's. A store whose first run of
// the day kept no raise day keeps that run's file.
TEST_F(RunFlagsTest, ASecondRunForADayListsTheFirstRunsChangesAndItsCorrections) {
  FlagsOptions o = Options("2019-06-03");
  o.list = false;
  FlagsReport r;
  ASSERT_TRUE(RunFlags(o, &r).ok());
  ASSERT_EQ(r.raised, 1u);
  // Changes to the store's flag history or suspensions, committed.
  const auto change = [&](TableId table, const std::function<void(StoreState&)>& f) {
    auto store = Store::Open(store_dir(), Store::Mode::kWrite);
    ASSERT_TRUE(store.ok());
    auto s = (*store)->Load(true);
    ASSERT_TRUE(s.ok());
    f(*s);
    CommitPlan plan;
    plan.state = &*s;
    plan.changed_tables = {table};
    ASSERT_TRUE((*store)->Commit(plan).ok());
  };
  // The correction: pupil 1 had two suspensions in the year too.
  change(TableId::kSuspensions, [](StoreState& s) {
    for (const char* d : {"2019-01-15", "2019-05-20"}) Suspend(&s, 1, 1, d, 1);
  });
  ASSERT_TRUE(RunFlags(o, &r).ok());
  EXPECT_EQ(r.raised, 1u);
  EXPECT_FALSE(r.changes_kept);
  auto changes = CsvTable::Load(dir_ + "/out/flag_changes.csv");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->rows(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(changes->Cell(i, changes->Column("upn")), MakeUpn(805, 2001, 10, i + 1));
    EXPECT_EQ(changes->Cell(i, changes->Column("change")), "raised");
  }
  StoreState s = Load();
  ASSERT_EQ(s.flags.size(), 2u);
  EXPECT_EQ(s.flags.raised[0], D("2019-06-03"));
  EXPECT_EQ(s.flags.raised[1], D("2019-06-03"));
  // As if the day's first run had been made before the raise day was kept.
  change(TableId::kFlags, [](StoreState& s) { s.flags.raised[0] = 0; });
  const std::string kept = "the first run's file\n";
  Write("out/flag_changes.csv", kept);
  ASSERT_TRUE(RunFlags(o, &r).ok());
  EXPECT_TRUE(r.changes_kept);
  auto text = ReadFileToString(dir_ + "/out/flag_changes.csv");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, kept);
}

// The daily job hands its state's history over (it reads the state no
// more); a caller that shares its state has it copied. Both commit the same.
TEST_F(RunFlagsTest, HandingTheHistoryOverCommitsWhatCopyingItDoes) {
  FlagsReport r;
  ASSERT_TRUE(RunFlags(Options("2019-06-03"), &r).ok());
  const std::string other = dir_ + "/store2";
  std::filesystem::copy(store_dir(), other, std::filesystem::copy_options::recursive);
  auto run_next_day = [&](const std::string& dir, bool hand_over, size_t* flags_left) {
    auto store = Store::Open(dir, Store::Mode::kWrite);
    ASSERT_TRUE(store.ok());
    auto state = (*store)->Load(true);
    ASSERT_TRUE(state.ok());
    FlagsOptions o = Options("2019-11-20");  // the flag clears: the history changes
    o.store_dir = dir;
    o.out_dir = dir + "_out";
    FlagsReport day;
    Status st =
        hand_over ? RunFlags(**store, &*state, o, &day) : RunFlags(**store, *state, o, &day);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(day.cleared, 1u);
    *flags_left = state->flags.size();
  };
  size_t copied_left = 0, handed_left = 0;
  run_next_day(store_dir(), /*hand_over=*/false, &copied_left);
  run_next_day(other, /*hand_over=*/true, &handed_left);
  EXPECT_EQ(copied_left, 1u);  // the caller's state untouched
  EXPECT_EQ(handed_left, 0u);  // taken
  StoreState a = Load();
  auto b_store = Store::Open(other, Store::Mode::kRead);
  ASSERT_TRUE(b_store.ok());
  auto b = (*b_store)->Load(false);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(a.flags.size(), 1u);
  ASSERT_EQ(b->flags.size(), 1u);
  EXPECT_EQ(a.flags.until[0], D("2019-11-20"));
  EXPECT_EQ(b->flags.until[0], a.flags.until[0]);
  EXPECT_EQ(b->flags.since[0], a.flags.since[0]);
  EXPECT_EQ(b->flags.reason[0], a.flags.reason[0]);
  ASSERT_EQ(b->referrals.size(), a.referrals.size());
  EXPECT_EQ(b->referrals.notes[0], a.referrals.notes[0]);
  EXPECT_EQ(b->referrals.escalation_level[0], a.referrals.escalation_level[0]);
  EXPECT_EQ(b->flag_runs.size(), a.flag_runs.size());
  auto csv_a = ReadFileToString(store_dir() + "_out/lipa_effectiveness.csv");
  auto csv_b = ReadFileToString(other + "_out/lipa_effectiveness.csv");
  ASSERT_TRUE(csv_a.ok() && csv_b.ok());
  EXPECT_EQ(*csv_a, *csv_b);
}

// A version names one set of rules: the same version with a changed
// trigger is refused (each flag records the rules that raised it); the
// same file again is not a change.
TEST_F(RunFlagsTest, ChangedRulesUnderTheVersionInForceAreRefused) {
  const std::string trigger =
      "scope = \"local\"\nversion = \"805-1\"\n[[trigger]]\nid = \"one_susp\"\n"
      "meaning = \"A suspension in the last 3 months.\"\n"
      "measure = \"suspensions_started\"\nwindow = \"3 months\"\nthreshold = ";
  FlagsOptions o = Options("2019-06-03");
  o.rules_file = Write("local.toml", trigger + "1\n");
  FlagsReport r;
  ASSERT_TRUE(RunFlags(o, &r).ok());
  ASSERT_EQ(r.rules_version, "1+805-1");
  const uint64_t gen = Generation();
  o = Options("2019-06-04");
  o.rules_file = Write("changed.toml", trigger + "2\n");
  Status st = RunFlags(o, &r);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("changed.toml: version 1+805-1 is in force with other rules "
                              "(one_susp changed)"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(Generation(), gen);
  // The file in force, given again: the same rules, run as before.
  o = Options("2019-06-05");
  o.rules_file = Write("again.toml", trigger + "1\n");
  ASSERT_TRUE(RunFlags(o, &r).ok());
  EXPECT_EQ(r.rules_version, "1+805-1");
  EXPECT_FALSE(r.rules_adopted);
}

TEST_F(RunFlagsTest, ABrokenRulesFileIsRefusedAndTheRulesInForceStay) {
  FlagsOptions o = Options("2019-06-03");
  o.rules_file = Write("local.toml",
                       "scope = \"local\"\nversion = \"805-1\"\n[[trigger]]\nid = \"one_susp\"\n"
                       "meaning = \"A suspension in the last 3 months.\"\n"
                       "measure = \"suspensions_started\"\nwindow = \"3 months\"\nthreshold = 1\n");
  FlagsReport r;
  ASSERT_TRUE(RunFlags(o, &r).ok());
  EXPECT_TRUE(r.rules_adopted);
  EXPECT_EQ(r.rules_version, "1+805-1");
  EXPECT_EQ(r.flags, 2u);  // repeat_suspension and one_susp
  const uint64_t gen = Generation();
  // A protected characteristic as a trigger: refused, nothing written.
  o = Options("2019-06-04");
  o.rules_file = Write("bad.toml",
                       "scope = \"local\"\nversion = \"805-2\"\n[[trigger]]\nid = \"boys\"\n"
                       "meaning = \"m\"\nmeasure = \"sex\"\nwindow = \"none\"\nthreshold = 1\n");
  Status st = RunFlags(o, &r);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("bad.toml:6:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("the rules in force (version 1+805-1) stay in force"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(Generation(), gen);
  // The next run without --rules uses the rules in force.
  ASSERT_TRUE(RunFlags(Options("2019-06-04"), &r).ok());
  EXPECT_EQ(r.rules_version, "1+805-1");
  StoreState s = Load();
  ASSERT_EQ(s.at_risk_rules.size(), 1u);
  EXPECT_EQ(s.at_risk_rules.version[0], "1+805-1");
  for (size_t i = 0; i < s.flags.size(); ++i) EXPECT_EQ(s.flags.rules_version[i], "1+805-1");
}

}  // namespace
}  // namespace lantern
