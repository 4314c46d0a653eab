// The daily job's flags step moves each pupil's attendance window on from
// the one the last run saved (flags/attendance_rings.h), and gives exactly
// what working every window out from the marks gives: a window whose
// oldest day goes out clears a flag, a new day's absence raises one, and a
// pupil whose enrolments the day's feed changed (a leaving date corrected
// back, a new school) is worked out afresh. A damaged file is not used.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/csv_table.h"
#include "common/date.h"
#include "common/file_util.h"
#include "flags/attendance_rings.h"
#include "flags/run.h"
#include "lantern/ingest.h"
#include "store/loaded_store.h"
#include "store/segment.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

// The first 40 weekdays from Monday 3 September 2018, as text.
std::vector<std::string> SchoolDays() {
  std::vector<std::string> days;
  for (int32_t d = ParseIsoDate("2018-09-03")->days; days.size() < 40; ++d) {
    if ((d + 3) % 7 < 5) days.push_back(FormatIsoDate(Date{d}));  // 1970-01-01 was a Thursday
  }
  return days;
}

class AttendanceRingsRunTest : public testing::ScratchDirTest {
 protected:
  AttendanceRingsRunTest() : ScratchDirTest("lantern_rings_run") {}

  void SetUp() override {
    ScratchDirTest::SetUp();
    days_ = SchoolDays();
    const std::string p1 = testing::TinyUpn(1), p2 = testing::TinyUpn(2), p3 = testing::TinyUpn(3);
    // Over the last 30 school days on a roll, a flag needs more than 6
    // absent sessions of 60 (under 90%).
    //  P1: absent days 10 to 12 and the morning of 13: 7 sessions in the
    //      window to day 39 (flagged); day 10 goes out on day 40 (cleared).
    //  P2: absent the afternoon of 37 and days 38 to 40: 5 to day 39, 7 to
    //      day 40 (raised).
    //  P3: absent days 36 to 39 (flagged on day 39); day 40's feed ends
    //      its enrolment on day 35 and opens one at the PRU on day 40, so
    //      its window is days 7 to 35 and 40, all present (cleared).
    std::string att = "upn,urn,date,am,pm\n", day39 = att, day40 = att;
    for (size_t i = 0; i < days_.size(); ++i) {
      const int n = static_cast<int>(i) + 1;  // school day n
      std::string& out = n == 40 ? day40 : n == 39 ? day39 : att;
      const auto mark = [&](const std::string& upn, const char* urn, bool am, bool pm) {
        out += upn + "," + urn + "," + days_[i] + "," + (am ? "/" : "O") + "," + (pm ? "\\" : "O") +
               "\n";
      };
      mark(p1, "900002", n < 10 || n > 13, n < 10 || n > 12);
      mark(p2, "900002", n < 38, n < 37);
      if (n < 40) mark(p3, "900002", n < 36, n < 36);
      if (n == 40) mark(p3, "900003", true, true);
    }
    testing::WriteTinyInput(
        dir_ + "/input",
        {{"pupils.csv",
          "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
          "looked_after,home_la_code,year_group\n" +
              p1 + ",2006-02-01,F,N,N,N,,N,N,805,8\n" + p2 + ",2006-03-01,M,N,N,N,,N,N,805,8\n" +
              p3 + ",2006-04-01,M,N,N,N,,N,N,806,8\n"},
         {"enrolments.csv", "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" + p1 +
                                ",900002,2017-09-04,,,C\n" + p2 + ",900002,2017-09-04,,,C\n" + p3 +
                                ",900002,2017-09-04,,,C\n"},
         {"attendance.csv", att}});
    fs::create_directories(dir_ + "/day39");
    std::ofstream(dir_ + "/day39/attendance.csv") << day39;
    fs::create_directories(dir_ + "/day");
    std::ofstream(dir_ + "/day/attendance.csv") << day40;
    std::ofstream(dir_ + "/day/enrolments.csv")
        << "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" + p3 +
               ",900002,2017-09-04," + days_[34] + ",transfer,C\n" + p3 + ",900003," + days_[39] +
               ",,,C\n";
  }

  // A store of the input to day 38, then the daily job for day 39 (the
  // first flags run: the attendance windows worked out and saved); returns
  // the flags raised.
  uint32_t FirstRun(const std::string& store) {
    IngestOptions i;
    i.input_dir = dir_ + "/input";
    i.store_dir = store;
    IngestReport ir;
    Status st = Ingest(i, &ir);
    EXPECT_TRUE(st.ok()) << st.ToString();
    const FlagsReport r = DailyJob("/day39", store, "", true);
    EXPECT_EQ(r.as_of, days_[38]);
    EXPECT_EQ(r.windows_carried, 0u);
    return r.raised;
  }
  // The daily job on a day: the day's feed (in `day`), then flags, told
  // what the ingest changed (as `lantern ingest --flags` is) or not.
  FlagsReport DailyJob(const std::string& day, const std::string& store, const std::string& out,
                       bool tell_changes) {
    IngestOptions i;
    i.input_dir = dir_ + day;
    i.store_dir = store;
    i.read_flag_tables = true;
    IngestReport ir;
    std::shared_ptr<LoadedStore> committed;
    Status st = Ingest(i, &ir, &committed);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(ir.rows_rejected, 0u);
    FlagsReport r;
    if (!st.ok()) return r;
    const auto& changes = committed->impl().last_commit;
    EXPECT_TRUE(changes.has_value());
    FlagsOptions f;
    f.store_dir = store;
    f.out_dir = out;
    f.threads = 2;
    f.changes = tell_changes && changes ? &*changes : nullptr;
    st = RunFlags(*committed->impl().store, &committed->mutable_impl().state, f, &r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }
  static std::set<std::string> Rows(const std::string& path, const std::string& change = "") {
    std::set<std::string> upns;
    auto t = CsvTable::Load(path);
    EXPECT_TRUE(t.ok()) << path;
    if (!t.ok()) return upns;
    for (size_t r = 0; r < t->rows(); ++r) {
      if (!change.empty() && t->Cell(r, t->Column("change")) != change) continue;
      upns.insert(std::string(t->Cell(r, t->Column("upn"))));
    }
    return upns;
  }
  static std::string Text(const std::string& path) {
    auto t = ReadFileToString(path);
    EXPECT_TRUE(t.ok()) << path;
    return t.ok() ? *t : "";
  }

  std::vector<std::string> days_;
};

TEST_F(AttendanceRingsRunTest, TheDailyStepMovesTheWindowsOnAsWorkingThemOutWould) {
  const std::string p1 = testing::TinyUpn(1), p2 = testing::TinyUpn(2), p3 = testing::TinyUpn(3);
  const std::string moved = dir_ + "/moved", afresh = dir_ + "/afresh", damaged = dir_ + "/damaged";
  for (const std::string& store : {moved, afresh, damaged}) {
    EXPECT_EQ(FirstRun(store), 2u) << store;  // P1 and P3
  }
  // A byte of the saved windows changed: the file fails its checksum.
  {
    auto s = Store::Open(damaged, Store::Mode::kRead);
    ASSERT_TRUE(s.ok());
    const std::string rings = (*s)->flag_state_path();
    ASSERT_FALSE(rings.empty());
    std::fstream f(rings, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 + 1);
    f.put('\x11');
  }
  const FlagsReport a = DailyJob("/day", moved, moved + "-out", true);
  const FlagsReport b = DailyJob("/day", afresh, afresh + "-out", false);
  const FlagsReport c = DailyJob("/day", damaged, damaged + "-out", true);
  ASSERT_EQ(a.as_of, days_[39]);
  // P1 and P2 moved on; P3, whose enrolments changed, worked out afresh.
  EXPECT_EQ(a.windows_carried, 2u);
  EXPECT_EQ(b.windows_carried, 0u);
  EXPECT_EQ(c.windows_carried, 0u);
  EXPECT_EQ(Rows(moved + "-out/flag_changes.csv", "raised"), std::set<std::string>{p2});
  EXPECT_EQ(Rows(moved + "-out/flag_changes.csv", "cleared"), (std::set<std::string>{p1, p3}));
  EXPECT_EQ(Rows(moved + "-out/flags.csv"), std::set<std::string>{p2});
  for (const char* file : {"/flags.csv", "/flag_changes.csv"}) {
    EXPECT_EQ(Text(moved + "-out" + file), Text(afresh + "-out" + file)) << file;
    EXPECT_EQ(Text(moved + "-out" + file), Text(damaged + "-out" + file)) << file;
  }
  // P2's words give the window's days, worked out though the sessions were
  // moved on.
  const std::string flags = Text(moved + "-out/flags.csv");
  EXPECT_NE(flags.find("53 of 60"), std::string::npos) << flags;
  EXPECT_NE(flags.find(days_[10]), std::string::npos) << flags;
}

// A run that saved its windows over the file and then failed to commit
// leaves a file whose head names the generation it meant to commit. Were
// the next commit (an ingest of enrolments only) to take that number, the
// daily job after it would see a file that looks saved by the commit
// before its ingest, though the enrolments changed in between. The
// manifest names the generation that saved the file, so it is not used.
TEST_F(AttendanceRingsRunTest, AFileSavedByARunThatDidNotCommitIsNotUsed) {
  const std::string told = dir_ + "/told", afresh = dir_ + "/afresh";
  fs::create_directories(dir_ + "/enrolments");
  fs::copy_file(dir_ + "/day/enrolments.csv", dir_ + "/enrolments/enrolments.csv");
  fs::create_directories(dir_ + "/marks");
  fs::copy_file(dir_ + "/day/attendance.csv", dir_ + "/marks/attendance.csv");
  for (const std::string& store : {told, afresh}) {
    ASSERT_EQ(FirstRun(store), 2u);
    // The file as a failed run would leave it: the next generation in its
    // head, its checksum made again.
    std::string path;
    uint64_t saved = 0;
    {
      auto s = Store::Open(store, Store::Mode::kRead);
      ASSERT_TRUE(s.ok());
      path = (*s)->flag_state_path();
      saved = (*s)->flag_state_generation();
      ASSERT_EQ(saved, (*s)->generation());  // the flags run's commit
    }
    std::string bytes = Text(path);
    ASSERT_GT(bytes.size(), 4096u);
    const uint64_t next = saved + 1;
    std::memcpy(bytes.data() + 16, &next, sizeof next);
    uint64_t pupils = 0, room = 0;
    std::memcpy(&pupils, bytes.data() + 24, 8);
    std::memcpy(&room, bytes.data() + 32, 8);
    uint32_t crc = Crc32(bytes.data() + 12, 4096 - 12);
    crc = Crc32Extend(crc, bytes.data() + 4096, pupils * AttendanceRings::Stride(30));
    std::memcpy(bytes.data() + 8, &crc, sizeof crc);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    // The enrolments ingested alone (that generation), then the day.
    IngestOptions i;
    i.input_dir = dir_ + "/enrolments";
    i.store_dir = store;
    IngestReport ir;
    ASSERT_TRUE(Ingest(i, &ir).ok());
    ASSERT_EQ(ir.generation, next);
  }
  const FlagsReport a = DailyJob("/marks", told, told + "-out", true);
  const FlagsReport b = DailyJob("/marks", afresh, afresh + "-out", false);
  EXPECT_EQ(a.windows_carried, 0u);
  EXPECT_EQ(Text(told + "-out/flags.csv"), Text(afresh + "-out/flags.csv"));
  EXPECT_EQ(Rows(told + "-out/flags.csv"), std::set<std::string>{testing::TinyUpn(2)});
}

}  // namespace
}  // namespace lantern
