// Checks that relate rows (overlapping registrations, a mark's enrolment)
// see the batch's final state: a feed that closes one enrolment and opens
// the next is accepted whatever its row order, and a real overlap is
// rejected whatever its row order.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/csv_table.h"
#include "common/date.h"
#include "common/file_util.h"
#include "lantern/ingest.h"
#include "store/store.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;
using testing::TinyUpn;

using EnrolmentRow = std::tuple<uint32_t, uint32_t, int32_t, int32_t, uint8_t, uint8_t>;

class IngestOrderTest : public testing::ScratchDirTest {
 protected:
  IngestOrderTest() : ScratchDirTest("lantern_ingest_order") {}

  // A store holding the tiny fixture, then one day's enrolments and marks
  // with the rows in the given order. Returns the day's report.
  IngestReport RunDay(const std::string& name, const std::vector<std::string>& enrolment_rows,
                      const std::vector<std::string>& mark_rows) {
    const fs::path root = fs::path(dir_) / name;
    const std::string input = (root / "input").string(), day = (root / "day").string();
    store_ = (root / "store").string();
    testing::WriteTinyInput(input);
    IngestOptions o;
    o.input_dir = input;
    o.store_dir = store_;
    IngestReport first;
    EXPECT_TRUE(Ingest(o, &first).ok());
    EXPECT_EQ(first.rows_rejected, 0u);

    fs::create_directories(day);
    std::ofstream e(day + "/enrolments.csv");
    e << "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n";
    for (const auto& r : enrolment_rows) e << r << "\n";
    e.close();
    std::ofstream a(day + "/attendance.csv");
    a << "upn,urn,date,am,pm\n";
    for (const auto& r : mark_rows) a << r << "\n";
    a.close();
    o.input_dir = day;
    IngestReport report;
    Status s = Ingest(o, &report);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return report;
  }

  // The stored enrolments, as a sorted list (the table's row order is the
  // order rows arrived in, which is not what is compared).
  std::vector<EnrolmentRow> StoredEnrolments() {
    auto store = Store::Open(store_, Store::Mode::kRead);
    EXPECT_TRUE(store.ok());
    auto state = (*store)->Load(false, 1);
    EXPECT_TRUE(state.ok());
    const EnrolmentTable& t = state->enrolments;
    std::vector<EnrolmentRow> rows;
    for (size_t i = 0; i < t.size(); ++i) {
      rows.emplace_back(static_cast<uint32_t>(state->pupils.upn[t.pupil[i]] % 1000000007u),
                        static_cast<uint32_t>(state->schools.urn[t.school[i]]), t.entry_date[i],
                        t.leaving_date[i], t.leaving_reason[i], t.status[i]);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  // The (line, check) of every reject in the day's report.
  std::vector<std::pair<std::string, std::string>> Rejects(const IngestReport& r) {
    std::vector<std::pair<std::string, std::string>> out;
    if (r.rejects_dir.empty()) return out;
    auto t = CsvTable::Load(r.rejects_dir + "/rejects.csv");
    EXPECT_TRUE(t.ok());
    for (size_t i = 0; i < t->rows(); ++i) {
      out.emplace_back(t->Cell(i, t->Column("file")) + ":" + t->Cell(i, t->Column("line")),
                       t->Cell(i, t->Column("check")));
    }
    return out;
  }

  std::string store_;
};

// P1 is on roll at 900001 from 2015. The feed closes that enrolment on
// Friday 19 October 2018 and opens one at 900003 on Monday 22 October, with
// a mark there that day: accepted in either order, to the same store.
TEST_F(IngestOrderTest, ALeaverAndAJoinerAreAcceptedInEitherOrder) {
  const std::string p1 = TinyUpn(1);
  const std::string closes = p1 + ",900001,2015-09-03,2018-10-19,transfer,C";
  const std::string opens = p1 + ",900003,2018-10-22,,,C";
  const std::vector<std::string> marks = {p1 + ",900003,2018-10-22,/,\\"};

  IngestReport joiner_first = RunDay("joiner_first", {opens, closes}, marks);
  EXPECT_EQ(joiner_first.rows_rejected, 0u);
  EXPECT_TRUE(Rejects(joiner_first).empty());
  auto a = StoredEnrolments();

  IngestReport leaver_first = RunDay("leaver_first", {closes, opens}, marks);
  EXPECT_EQ(leaver_first.rows_rejected, 0u);
  auto b = StoredEnrolments();

  EXPECT_EQ(a, b);
  const int32_t oct22 = ParseIsoDate("2018-10-22")->days;
  const int32_t oct19 = ParseIsoDate("2018-10-19")->days;
  bool closed = false, opened = false;
  for (const auto& r : a) {
    if (std::get<1>(r) == 900001 && std::get<3>(r) == oct19) closed = true;
    if (std::get<1>(r) == 900003 && std::get<2>(r) == oct22 && std::get<3>(r) == kNoDate)
      opened = true;
  }
  EXPECT_TRUE(closed);
  EXPECT_TRUE(opened);
  for (const auto& f : joiner_first.files) {
    if (f.file == "attendance.csv") {
      EXPECT_EQ(f.rejected, 0u);
    }
  }
}

// Real overlaps are rejected whatever the order:
// - P2 (on roll at 900002 from 2017, not closed by the feed) joins 900001:
//   the new registration overlaps the stored one;
// - P3 (at 900002 from 2016) is closed on 1 March 2019 but joins 900001 on
//   7 January: the later registration is the one rejected, the closing row
//   is kept;
// - P4 leaves 900002 on 2 November 2018 and joins both 900001 and 900003
//   on 5 November: both joins are rejected, the leaving row is kept.
TEST_F(IngestOrderTest, RealOverlapsAreRejectedInEitherOrder) {
  const std::string p2 = TinyUpn(2), p3 = TinyUpn(3), p4 = TinyUpn(4);
  const std::vector<std::string> rows = {
      p2 + ",900001,2018-10-01,,,C",
      p3 + ",900001,2019-01-07,,,C",
      p3 + ",900002,2016-09-05,2019-03-01,transfer,C",
      p4 + ",900001,2018-11-05,,,C",
      p4 + ",900003,2018-11-05,,,C",
      p4 + ",900002,2014-09-03,2018-11-02,transfer,C",
  };
  std::vector<std::string> reversed(rows.rbegin(), rows.rend());

  IngestReport forward = RunDay("forward", rows, {});
  auto a = StoredEnrolments();
  IngestReport backward = RunDay("backward", reversed, {});
  auto b = StoredEnrolments();

  // Lines are 2.. in file order: forward rejects lines 2, 3, 5, 6; backward
  // holds the same rows at lines 7, 6, 4, 3.
  using R = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(Rejects(forward), (R{{"enrolments.csv:2", "overlap"},
                                 {"enrolments.csv:3", "overlap"},
                                 {"enrolments.csv:5", "overlap"},
                                 {"enrolments.csv:6", "overlap"}}));
  EXPECT_EQ(Rejects(backward), (R{{"enrolments.csv:3", "overlap"},
                                  {"enrolments.csv:4", "overlap"},
                                  {"enrolments.csv:6", "overlap"},
                                  {"enrolments.csv:7", "overlap"}}));
  EXPECT_EQ(a, b);
  // P3's and P4's enrolments at 900002 were closed.
  const int32_t mar1 = ParseIsoDate("2019-03-01")->days;
  const int32_t nov2 = ParseIsoDate("2018-11-02")->days;
  for (int32_t closed : {mar1, nov2}) {
    EXPECT_TRUE(std::any_of(a.begin(), a.end(), [&](const EnrolmentRow& r) {
      return std::get<1>(r) == 900002 && std::get<3>(r) == closed;
    }));
  }
  // The kept-aside file holds the four rejected rows unchanged.
  auto kept = ReadFileToString(forward.rejects_dir + "/enrolments.csv");
  ASSERT_TRUE(kept.ok());
  EXPECT_NE(kept->find(rows[0]), std::string::npos);
  EXPECT_NE(kept->find(rows[1]), std::string::npos);
  EXPECT_EQ(kept->find(rows[2]), std::string::npos);
}

// A row rejected as an overlap says where the other registration is.
TEST_F(IngestOrderTest, AnOverlapSaysWhichRegistrationItMeets) {
  const std::string p2 = TinyUpn(2);
  IngestReport r = RunDay("reason", {p2 + ",900001,2018-10-01,,,C"}, {});
  auto t = CsvTable::Load(r.rejects_dir + "/rejects.csv");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows(), 1u);
  EXPECT_NE(t->Cell(0, t->Column("reason")).find("URN 900002, 2017-09-04 to still on roll"),
            std::string::npos)
      << t->Cell(0, t->Column("reason"));
}

}  // namespace
}  // namespace lantern
