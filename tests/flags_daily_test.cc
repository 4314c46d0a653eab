// The daily job's flags step on a generated LA over a school week: it
// writes the day's flags raised and cleared (flag_changes.csv), and they are
// exactly what turns one day's whole list into the next day's, the list
// written beside it by a second store that asks for it (--flags-list), and
// what a third store gives with every attendance window worked out from
// the marks rather than moved on from the day before's.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "common/csv_table.h"
#include "common/date.h"
#include "common/file_util.h"
#include "flags/run.h"
#include "lantern/generate.h"
#include "lantern/ingest.h"
#include "reference/real_data.h"
#include "store/loaded_store.h"
#include "tests/real_data.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

const char* const kDays[] = {"2019-03-11", "2019-03-12", "2019-03-13", "2019-03-14", "2019-03-15"};

// The (upn, trigger) pairs of a flags file's rows, those whose `change` is
// `change` if given.
std::set<std::pair<std::string, std::string>> Pairs(const std::string& path,
                                                    const std::string& change = "") {
  std::set<std::pair<std::string, std::string>> out;
  auto t = CsvTable::Load(path);
  EXPECT_TRUE(t.ok()) << path;
  if (!t.ok()) return out;
  for (size_t r = 0; r < t->rows(); ++r) {
    if (!change.empty() && t->Cell(r, t->Column("change")) != change) continue;
    out.emplace(std::string(t->Cell(r, t->Column("upn"))),
                std::string(t->Cell(r, t->Column("trigger_id"))));
  }
  return out;
}

class DailyFlagsTest : public testing::GeneratedDataSuite<DailyFlagsTest> {
 protected:
  static void SetUpTestSuite() {
    if (!FindRealDataDir().ok()) return;
    dir_ = new std::string(
        (fs::temp_directory_path() / ("lantern_daily_flags_" + std::to_string(::getpid())))
            .string());
    fs::remove_all(*dir_);
    GenerateOptions g;
    g.la_codes = {805};
    g.seed = 7;
    g.form = "compact";
    g.through = "2019-03-08";
    g.out_dir = *dir_ + "/input";
    g.progress = false;
    GenerateReport gr;
    status_ = new Status(Generate(g, &gr));
    for (const char* day : kDays) {
      if (!status_->ok()) return;
      g.form = "long";
      g.through.clear();
      g.day = day;
      g.out_dir = *dir_ + "/day-" + day;
      *status_ = Generate(g, &gr);
    }
  }

  // The daily job: ingest `input`, then the flags step on the committed
  // store, writing the whole list too or only the changes, told what the
  // ingest changed (so that the attendance windows move on from the last
  // run's) or not (every one worked out). Returns the step's report.
  static FlagsReport DailyJob(const std::string& input, const std::string& store,
                              const std::string& out, bool list, bool tell_changes = true) {
    IngestOptions i;
    i.input_dir = input;
    i.store_dir = store;
    i.threads = 2;
    i.read_flag_tables = true;
    IngestReport ir;
    std::shared_ptr<LoadedStore> committed;
    Status st = Ingest(i, &ir, &committed);
    EXPECT_TRUE(st.ok()) << st.ToString();
    FlagsReport r;
    if (!st.ok()) return r;
    FlagsOptions f;
    f.store_dir = store;
    f.out_dir = out;
    f.list = list;
    f.threads = 2;
    const auto& changes = committed->impl().last_commit;
    f.changes = tell_changes && changes ? &*changes : nullptr;
    st = RunFlags(*committed->impl().store, &committed->mutable_impl().state, f, &r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }
  // A store of the generated input up to the week, flagged as of the day
  // before it (the first run), its files in `out` ("": none).
  static FlagsReport FirstRun(const std::string& store, const std::string& out) {
    IngestOptions i;
    i.input_dir = *dir_ + "/input";
    i.store_dir = store;
    IngestReport ir;
    Status st = Ingest(i, &ir);
    EXPECT_TRUE(st.ok()) << st.ToString();
    FlagsOptions f;
    f.store_dir = store;
    f.out_dir = out;
    f.as_of = "2019-03-08";
    FlagsReport r;
    if (st.ok()) st = RunFlags(f, &r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }
  static StoreState Load(const std::string& store) {
    auto s = Store::Open(store, Store::Mode::kRead);
    EXPECT_TRUE(s.ok());
    auto state = (*s)->Load(false);
    EXPECT_TRUE(state.ok());
    return std::move(state).value();
  }
  static std::string Text(const std::string& path) {
    auto t = ReadFileToString(path);
    EXPECT_TRUE(t.ok()) << path;
    return t.ok() ? *t : "";
  }
};

TEST_F(DailyFlagsTest, TheDaysChangesTurnOneDaysListIntoTheNext) {
  const std::string changes = *dir_ + "/changes", list = *dir_ + "/list";
  const std::string afresh = *dir_ + "/afresh";  // every window worked out each day
  for (const std::string& store : {changes, list, afresh}) {
    const std::string out = store + "-2019-03-08";
    // A first run raises every flag holding.
    EXPECT_GT(FirstRun(store, out).flags, 0u);
    EXPECT_EQ(Pairs(out + "/flag_changes.csv", "raised"), Pairs(out + "/flags.csv"));
  }
  std::string before = list + "-2019-03-08/flags.csv";
  size_t raised_all = 0, cleared_all = 0;
  for (const char* day : kDays) {
    const std::string input = *dir_ + "/day-" + day;
    const std::string a_out = changes + "-" + day, b_out = list + "-" + day;
    const FlagsReport a = DailyJob(input, changes, a_out, false);
    const FlagsReport b = DailyJob(input, list, b_out, true);
    const FlagsReport c = DailyJob(input, afresh, afresh + "-" + day, false, false);
    ASSERT_EQ(a.as_of, day);
    // The windows moved on from the day before's give the same changes as
    // every window worked out from the marks.
    // (The first run, on its own, kept none: the first day works them out.)
    if (day != std::string(kDays[0])) {
      EXPECT_GT(a.windows_carried, 0u) << day;
    }
    EXPECT_EQ(c.windows_carried, 0u) << day;
    EXPECT_EQ(Text(a_out + "/flag_changes.csv"), Text(afresh + "-" + day + "/flag_changes.csv"))
        << day;
    EXPECT_GT(a.flags, 0u);
    EXPECT_EQ(a.flags, b.flags) << day;
    EXPECT_EQ(a.by_trigger, b.by_trigger) << day;
    EXPECT_EQ(a.raised, b.raised) << day;
    EXPECT_EQ(a.cleared, b.cleared) << day;
    // Only the changes without the list; the same changes with it.
    EXPECT_FALSE(fs::exists(a_out + "/flags.csv")) << day;
    EXPECT_FALSE(fs::exists(a_out + "/lipa_effectiveness.csv")) << day;
    EXPECT_TRUE(fs::exists(a_out + "/flag_changes.meta.csv")) << day;
    EXPECT_EQ(Text(a_out + "/flag_changes.csv"), Text(b_out + "/flag_changes.csv")) << day;
    // One row per flag raised or cleared, and yesterday's list, less what
    // cleared, with what was raised, is today's.
    auto rows = CsvTable::Load(a_out + "/flag_changes.csv");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->rows(), size_t{a.raised} + a.cleared) << day;
    const auto raised = Pairs(a_out + "/flag_changes.csv", "raised");
    const auto cleared = Pairs(a_out + "/flag_changes.csv", "cleared");
    EXPECT_EQ(raised.size(), a.raised) << day;
    EXPECT_EQ(cleared.size(), a.cleared) << day;
    auto expected = Pairs(before);
    for (const auto& c : cleared) EXPECT_EQ(expected.erase(c), 1u) << day << " " << c.first;
    for (const auto& r : raised) EXPECT_TRUE(expected.insert(r).second) << day << " " << r.first;
    EXPECT_EQ(expected, Pairs(b_out + "/flags.csv")) << day;
    before = b_out + "/flags.csv";
    raised_all += a.raised;
    cleared_all += a.cleared;
  }
  // A school week of absences raises and clears low-attendance flags.
  EXPECT_GT(raised_all, 0u);
  EXPECT_GT(cleared_all, 0u);
  // The two stores keep the same history.
  const StoreState x = Load(changes), y = Load(list);
  ASSERT_EQ(x.flags.size(), y.flags.size());
  EXPECT_EQ(x.flags.pupil, y.flags.pupil);
  EXPECT_EQ(x.flags.trigger_id, y.flags.trigger_id);
  EXPECT_EQ(x.flags.since, y.flags.since);
  EXPECT_EQ(x.flags.until, y.flags.until);
  EXPECT_EQ(x.flags.reason, y.flags.reason);

  // The week run in turn by one flags run (--from) on a third store lists
  // the week's changes: a flag raised on one day and cleared on a later one
  // as raised_and_cleared, once.
  std::multiset<std::tuple<std::string, std::string, std::string>> expected;
  std::map<std::pair<std::string, std::string>, int> pending;  // raised, not yet cleared
  for (const char* day : kDays) {
    auto t = CsvTable::Load(changes + "-" + day + "/flag_changes.csv");
    ASSERT_TRUE(t.ok());
    for (size_t r = 0; r < t->rows(); ++r) {
      const std::pair<std::string, std::string> pair(t->Cell(r, t->Column("upn")),
                                                     t->Cell(r, t->Column("trigger_id")));
      if (t->Cell(r, t->Column("change")) == "raised") {
        ++pending[pair];
      } else if (pending[pair] > 0) {
        --pending[pair];
        expected.emplace(pair.first, pair.second, "raised_and_cleared");
      } else {
        expected.emplace(pair.first, pair.second, "cleared");
      }
    }
  }
  for (const auto& [pair, n] : pending) {
    for (int i = 0; i < n; ++i) expected.emplace(pair.first, pair.second, "raised");
  }
  const std::string week = *dir_ + "/week";
  FirstRun(week, "");
  for (const char* day : kDays) {
    IngestOptions i;
    i.input_dir = *dir_ + "/day-" + day;
    i.store_dir = week;
    IngestReport ir;
    ASSERT_TRUE(Ingest(i, &ir).ok());
  }
  FlagsOptions f;
  f.store_dir = week;
  f.from = kDays[0];
  f.out_dir = week + "-run";
  f.list = false;
  FlagsReport r;
  ASSERT_TRUE(RunFlags(f, &r).ok());
  EXPECT_EQ(r.days_run, std::size(kDays));
  auto t = CsvTable::Load(f.out_dir + "/flag_changes.csv");
  ASSERT_TRUE(t.ok());
  std::multiset<std::tuple<std::string, std::string, std::string>> listed;
  for (size_t row = 0; row < t->rows(); ++row) {
    listed.emplace(t->Cell(row, t->Column("upn")), t->Cell(row, t->Column("trigger_id")),
                   t->Cell(row, t->Column("change")));
  }
  EXPECT_EQ(listed, expected);
  EXPECT_GT(std::count_if(listed.begin(), listed.end(),
                          [](const auto& x) { return std::get<2>(x) == "raised_and_cleared"; }),
            0);
}

}  // namespace
}  // namespace lantern
