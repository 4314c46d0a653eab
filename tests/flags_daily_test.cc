// The daily job's flags step on a generated LA over a school week: it
// carries the attendance windows that cannot have changed over from the day
// before (flags/flag_state.h), and gives, day after day, the same flags.csv
// and flag history as working every window out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

class DailyFlagsTest : public ::testing::Test {
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
  static void TearDownTestSuite() {
    if (dir_ != nullptr) fs::remove_all(*dir_);
    delete dir_;
    delete status_;
    dir_ = nullptr;
    status_ = nullptr;
  }
  void SetUp() override {
    LANTERN_REQUIRE_REAL_DATA(dir_ != nullptr);
    ASSERT_TRUE(status_->ok()) << status_->ToString();
  }

  // The daily job: ingest `input`, then the flags step on the committed
  // store, with what the ingest changed (carry) or without (every window
  // worked out), writing the whole list or only the changes. Returns the
  // step's report.
  static FlagsReport DailyJob(const std::string& input, const std::string& store,
                              const std::string& out, bool carry, bool list) {
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
    const auto& last = committed->impl().last_commit;
    EXPECT_TRUE(last.has_value());
    f.changes = carry && last ? &*last : nullptr;
    st = RunFlags(*committed->impl().store, &committed->mutable_impl().state, f, &r);
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

  static std::string* dir_;
  static Status* status_;
};
std::string* DailyFlagsTest::dir_ = nullptr;
Status* DailyFlagsTest::status_ = nullptr;

TEST_F(DailyFlagsTest, CarryingQuietWindowsGivesWhatWorkingThemOutDoes) {
  const std::string carry = *dir_ + "/carry", full = *dir_ + "/full";
  for (const std::string& store : {carry, full}) {
    IngestOptions i;
    i.input_dir = *dir_ + "/input";
    i.store_dir = store;
    IngestReport ir;
    ASSERT_TRUE(Ingest(i, &ir).ok());
    FlagsOptions f;
    f.store_dir = store;
    f.as_of = "2019-03-08";
    FlagsReport r;
    ASSERT_TRUE(RunFlags(f, &r).ok());
    EXPECT_EQ(r.windows_carried, 0u);  // a first run works every window out
  }
  const size_t pupils = Load(carry).pupils.size();
  // The carry store writes the changes only, as the daily job does, so
  // low-attendance flags under their threshold carry over too, except on
  // the last day, when it writes the whole list (which needs every flag's
  // window for its words); the other store works every window out and
  // writes every flag.
  for (const char* day : kDays) {
    const std::string input = *dir_ + "/day-" + day;
    const bool last = std::string(day) == kDays[4];
    std::filesystem::remove_all(carry + "-out");
    const FlagsReport a = DailyJob(input, carry, carry + "-out", true, last);
    const FlagsReport b = DailyJob(input, full, full + "-out", false, true);
    ASSERT_EQ(a.as_of, day);
    // Most pupils attended both sessions and had a window at or above 90%,
    // and some flags are far enough under it.
    EXPECT_GT(a.windows_carried, pupils / 2) << day;
    if (last) {
      EXPECT_EQ(a.under_carried, 0u);
      EXPECT_EQ(Text(carry + "-out/flags.csv"), Text(full + "-out/flags.csv"));
    } else {
      EXPECT_GT(a.under_carried, 0u) << day;
      EXPECT_FALSE(fs::exists(carry + "-out/flags.csv"));
    }
    EXPECT_EQ(b.windows_carried + b.under_carried, 0u) << day;
    EXPECT_GT(a.flags, 0u);
    EXPECT_EQ(a.flags, b.flags) << day;
    EXPECT_EQ(a.by_trigger, b.by_trigger) << day;
    EXPECT_EQ(a.raised, b.raised) << day;
    EXPECT_EQ(a.cleared, b.cleared) << day;
    EXPECT_EQ(a.referrals_raised, b.referrals_raised) << day;
    EXPECT_EQ(Text(carry + "-out/flag_changes.csv"), Text(full + "-out/flag_changes.csv")) << day;
    // The day's changes: one row per flag raised or cleared.
    auto changes = CsvTable::Load(carry + "-out/flag_changes.csv");
    ASSERT_TRUE(changes.ok());
    EXPECT_EQ(changes->rows(), size_t{a.raised} + a.cleared) << day;
    size_t raised = 0;
    for (size_t r = 0; r < changes->rows(); ++r) {
      raised += changes->Cell(r, changes->Column("change")) == "raised";
    }
    EXPECT_EQ(raised, a.raised) << day;
  }
  // A correction of an earlier day's marks, and the last day flagged
  // again: the saved state is not the day before's, and the marks it
  // stood on changed, so every window is worked out.
  const std::string fix = *dir_ + "/fix";
  fs::create_directories(fix);
  {
    std::ifstream in(*dir_ + "/day-2019-03-12/attendance.csv");
    std::string header, row;
    ASSERT_TRUE(std::getline(in, header) && std::getline(in, row));
    ASSERT_EQ(header, "upn,urn,date,am,pm");
    const std::string mark = row.substr(row.size() - 3) == "O,O" ? "/,/" : "O,O";
    std::ofstream(fix + "/attendance.csv") << header << "\n"
                                           << row.substr(0, row.size() - 3) << mark << "\n";
  }
  const FlagsReport a = DailyJob(fix, carry, carry + "-out", true, true);
  const FlagsReport b = DailyJob(fix, full, full + "-out", false, true);
  EXPECT_EQ(a.as_of, "2019-03-15");
  EXPECT_EQ(a.windows_carried, 0u);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(Text(carry + "-out/flags.csv"), Text(full + "-out/flags.csv"));
  const StoreState x = Load(carry), y = Load(full);
  ASSERT_EQ(x.flags.size(), y.flags.size());
  EXPECT_EQ(x.flags.pupil, y.flags.pupil);
  EXPECT_EQ(x.flags.trigger_id, y.flags.trigger_id);
  EXPECT_EQ(x.flags.since, y.flags.since);
  EXPECT_EQ(x.flags.until, y.flags.until);
  EXPECT_EQ(x.flags.reason, y.flags.reason);
}

}  // namespace
}  // namespace lantern
