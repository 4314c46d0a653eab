// Bad input: every kind of bad row is reported with file, line, column and
// check, kept aside, and never stops the good rows; a missing file or a
// wrong header fails the whole ingest and writes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "lantern/ingest.h"
#include "store/store.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;
using testing::TinyUpn;

class RejectsTest : public testing::ScratchDirTest {
 protected:
  RejectsTest() : ScratchDirTest("lantern_rejects") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    root_ = dir_;
    input_ = (root_ / "input").string();
    store_ = (root_ / "store").string();
  }

  Status Run(IngestReport* r) {
    IngestOptions o;
    o.input_dir = input_;
    o.store_dir = store_;
    return Ingest(o, r);
  }

  fs::path root_;
  std::string input_, store_;
};

std::string WithRows(const std::string& header_and_rows, const std::string& extra) {
  return header_and_rows + extra;
}

TEST_F(RejectsTest, EveryKindOfBadRowIsReportedAndKeptAside) {
  // Start from the good fixture and append bad rows to each file.
  testing::WriteTinyInput(input_);
  auto read = [&](const std::string& f) { return ReadFileToString(input_ + "/" + f).value(); };
  std::string bad_upn = TinyUpn(7);
  bad_upn[0] = bad_upn[0] == 'A' ? 'B' : 'A';  // wrong check letter
  const std::string p1 = TinyUpn(1), p2 = TinyUpn(2);
  std::map<std::string, std::string> files;
  files["schools.csv"] =
      WithRows(read("schools.csv"),
               "90000X,805,2002,Bad URN,primary,,,,,\n"               // line 5: urn
               "900004,999,2003,Bad LA,primary,,,,,\n"                // line 6: la_code
               "900005,805,2004,Bad phase,college,,,,,\n"             // line 7: code
               "900001,805,2001,Tiny Primary again,primary,,,,,\n");  // 8: duplicate
  files["pupils.csv"] =
      WithRows(read("pupils.csv"),
               bad_upn +
                   ",2011-03-15,F,N,N,N,,N,N,805,3\n"                  // line 8: upn_check_letter
                   "B80120000500,2011-03-15,F,N,N,N,,N,N,805,3\n"      // line 9: upn_length
                   + TinyUpn(8) + ",2011-02-30,F,N,N,N,,N,N,805,3\n"   // line 10: date
                   + TinyUpn(9) + ",2011-03-15,X,N,N,N,,N,N,805,3\n"   // line 11: code (sex)
                   + TinyUpn(10) + ",2011-03-15,F,Y,N,N,,N,N,805,3\n"  // line 12: consistency
                   + TinyUpn(11) + ",2011-03-15,F,N,N,N,,N,N,805\n"    // line 13: malformed
                   + TinyUpn(12) + ",2011-03-15,F,N,N,N,,N,N,805,\xE9\n");  // line 14: encoding
  files["enrolments.csv"] = WithRows(
      read("enrolments.csv"),
      TinyUpn(13) + ",900001,2018-09-03,,,C\n"                 // line 9: unknown_pupil
          + p1 + ",999999,2018-09-03,,,C\n"                    // line 10: unknown_school
          + p1 + ",900003,2018-09-10,2018-09-01,transfer,C\n"  // line 11: date (leave < entry)
          + p1 + ",900003,2018-09-10,,,Q\n"                    // line 12: code
          + p1 + ",900003,2018-01-01,,,C\n");                  // line 13: overlap
  files["attendance.csv"] =
      WithRows(read("attendance.csv"),
               p1 + ",900001,2018-09-10,A,/\n"         // line 35: code
                   + p1 + ",900001,2024-09-10,/,\\\n"  // line 36: date (outside year)
                   + p1 + ",900001,2018-09-10,,\n"     // line 37: no_marks
                   + p1 + ",900002,2018-09-10,/,\\\n"  // line 38: no_enrolment
                   + p1 +
                   ",900001,2018-09-03,/,\\\n"  // line 39: duplicate
                   "\"" +
                   p1 + ",900001,2018-09-11,/,\\\n"     // line 40: malformed
                   + p2 + ",900002,2018-09-11,H,H\n");  // line 41: fine (2018 < Aug 2024)
  files["suspensions.csv"] = "upn,urn,start_date,category,sessions,reason\n" + p2 +
                             ",900002,2018-10-01,suspension,2,DB\n" +         // line 2: fine
                             p2 + ",900002,2018-10-02,suspension,200,DB\n" +  // line 3: sessions
                             p2 + ",900002,2018-10-03,suspension,2,ZZ\n" +    // line 4: code
                             p1 + ",900002,2018-10-04,suspension,2,DB\n";  // line 5: no_enrolment
  files["ap_placements.csv"] =
      "upn,commissioner_urn,provider_id,setting,hours_per_week,reason,start_date,end_date,"
      "reintegration_plan\n" +
      p2 + ",900002,P1,registered,10,behaviour,2018-10-01,,Y\n" +           // line 2: fine
      p2 + ",900002,P2,registered,99,behaviour,2018-10-01,,Y\n" +           // line 3: hours
      p2 + ",900002,P3,registered,10,behaviour,2018-10-01,2018-09-01,Y\n";  // line 4: date
  testing::WriteTinyInput(input_, files);

  IngestReport r;
  Status st = Run(&r);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(r.committed);
  ASSERT_FALSE(r.rejects_dir.empty());
  auto report = CsvTable::Load(r.rejects_dir + "/rejects.csv");
  ASSERT_TRUE(report.ok());
  std::set<std::tuple<std::string, std::string, std::string>> got;
  for (size_t i = 0; i < report->rows(); ++i) {
    got.insert({report->Cell(i, report->Column("file")), report->Cell(i, report->Column("line")),
                report->Cell(i, report->Column("check"))});
    // No UPN is written in full into the report.
    EXPECT_LE(report->Cell(i, report->Column("value")).size(), 80u);
    if (report->Cell(i, report->Column("column")) == "upn") {
      EXPECT_LE(report->Cell(i, report->Column("value")).size(), 7u);
    }
  }
  const std::set<std::tuple<std::string, std::string, std::string>> want = {
      {"schools.csv", "5", "urn"},
      {"schools.csv", "6", "la_code"},
      {"schools.csv", "7", "code"},
      {"schools.csv", "8", "duplicate"},
      {"pupils.csv", "8", "upn_check_letter"},
      {"pupils.csv", "9", "upn_length"},
      {"pupils.csv", "10", "date"},
      {"pupils.csv", "11", "code"},
      {"pupils.csv", "12", "consistency"},
      {"pupils.csv", "13", "malformed"},
      {"pupils.csv", "14", "encoding"},
      {"enrolments.csv", "9", "unknown_pupil"},
      {"enrolments.csv", "10", "unknown_school"},
      {"enrolments.csv", "11", "date"},
      {"enrolments.csv", "12", "code"},
      {"enrolments.csv", "13", "overlap"},
      {"attendance.csv", "35", "code"},
      {"attendance.csv", "36", "date"},
      {"attendance.csv", "37", "no_marks"},
      {"attendance.csv", "38", "no_enrolment"},
      {"attendance.csv", "39", "duplicate"},
      {"attendance.csv", "40", "malformed"},
      {"suspensions.csv", "3", "sessions"},
      {"suspensions.csv", "4", "code"},
      {"suspensions.csv", "5", "no_enrolment"},
      {"ap_placements.csv", "3", "hours"},
      {"ap_placements.csv", "4", "date"},
  };
  EXPECT_EQ(got, want);
  // Every rejected row is kept aside, byte for byte, with its file's header.
  auto kept = CsvTable::Load(r.rejects_dir + "/attendance.csv");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->header()[0], "upn");
  EXPECT_EQ(kept->rows() + kept->malformed_records(), 6u);
  // The good rows still went in.
  for (const auto& f : r.files) {
    if (f.file == "attendance.csv") {
      EXPECT_EQ(f.rejected, 6u);
      EXPECT_EQ(f.inserted, 33u + 1u);  // the fixture's 33 rows and the good H row
    }
    if (f.file == "suspensions.csv") {
      EXPECT_EQ(f.inserted, 1u);
    }
  }
}

TEST_F(RejectsTest, EhcpRequestsAreCheckedRowByRow) {
  const std::string p1 = TinyUpn(1), p2 = TinyUpn(2), p3 = TinyUpn(3);
  testing::WriteTinyInput(
      input_, {{"ehcp_requests.csv",
                "upn,la_code,request_date,decision_date,decision,plan_issued_date,exception,"
                "exception_reason\n" +
                    p1 + ",805,2018-10-01,2018-11-05,assess,2019-02-11,N,\n"  // 2: good
                    + p2 + ",805,2018-10-01,,,,,\n"                           // 3: good, waiting
                    + p3 + ",806,2018-09-03,2018-10-10,refuse,,Y,school holiday\n"  // 4: good
                    + TinyUpn(13) + ",805,2018-10-01,,,,,\n"                   // 5: unknown_pupil
                    + p1 + ",805,2018-12-01,2018-11-05,assess,,,\n"            // 6: date
                    + p1 + ",805,2019-01-07,2019-01-20,maybe,,,\n"             // 7: code
                    + p1 + ",805,2019-01-08,2019-01-20,refuse,2019-03-01,,\n"  // 8: consistency
                    + p1 + ",805,2019-01-09,,,,Y,\n"                           // 9: required
                    + p1 + ",805,2019-01-10,2019-01-20,,,,\n"                  // 10: consistency
                    + p1 + ",805,2018-10-01,,,,,\n"                            // 11: duplicate
                    + p2 + ",805,2018-11-01,2019-05-20,no_plan,,,\n"           // 12: good
                    + p2 + ",805,2018-11-02,2019-05-20,no_plan,2019-05-21,,\n"}});  // 13
  IngestReport r;
  ASSERT_TRUE(Run(&r).ok());
  auto report = CsvTable::Load(r.rejects_dir + "/rejects.csv");
  ASSERT_TRUE(report.ok());
  std::set<std::pair<std::string, std::string>> got;
  for (size_t i = 0; i < report->rows(); ++i) {
    if (report->Cell(i, report->Column("file")) != "ehcp_requests.csv") continue;
    got.insert({report->Cell(i, report->Column("line")), report->Cell(i, report->Column("check"))});
  }
  const std::set<std::pair<std::string, std::string>> want = {
      {"5", "unknown_pupil"}, {"6", "date"},        {"7", "code"},
      {"8", "consistency"},   {"9", "required"},    {"10", "consistency"},
      {"11", "duplicate"},    {"13", "consistency"}};  // a plan issued with no_plan
  EXPECT_EQ(got, want);
  auto store = Store::Open(store_, Store::Mode::kRead);
  ASSERT_TRUE(store.ok());
  auto state = (*store)->Load(false);
  ASSERT_TRUE(state.ok());
  const auto& t = state->ehcp_requests;
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t.decision[3], static_cast<uint8_t>(EhcpDecision::kNoPlan));
  EXPECT_EQ(t.decision[0], static_cast<uint8_t>(EhcpDecision::kAssess));
  EXPECT_EQ(FormatIsoDate(Date{t.plan_issued_date[0]}), "2019-02-11");
  EXPECT_EQ(t.decision_date[1], kNoDate);
  EXPECT_EQ(t.la[2], 806);
  EXPECT_EQ(t.exception[2], 1);
  EXPECT_EQ(t.exception_reason[2], "school holiday");
}

// Employer encounters: each rule on one row (the fixture's P2, Year 8, is on
// the academy's roll all year; P1 at the primary).
TEST_F(RejectsTest, EmployerEncountersAreCheckedRowByRow) {
  const std::string p1 = TinyUpn(1), p2 = TinyUpn(2);
  const std::string long_name(201, 'a');
  testing::WriteTinyInput(
      input_,
      {{"employer_encounters.csv",
        "upn,urn,activity,start_date,end_date,employer,role,hours\n" + p2 +
            ",900002,encounter,2018-10-10,,Harbour Logistics,,1.5\n"  // 2: good
            + p2 + ",900002,placement,2018-11-05,2018-11-09,County Hospital,Ward support,30\n"  // 3
            + p1 + ",900001,encounter,2018-10-01,2018-10-01,Riverside Engineering,,\n"  // 4: good
            + TinyUpn(13) + ",900002,encounter,2018-10-10,,Harbour Logistics,,\n"  // 5: unknown
            + p2 + ",900002,visit,2018-10-10,,Harbour Logistics,,\n"               // 6: code
            + p2 + ",900002,encounter,2018-10-10,2018-10-11,Greenfield,,\n"        // 7: consistency
            + p2 + ",900002,encounter,2018-10-12,,Greenfield,Site assistant,\n"    // 8: consistency
            + p2 + ",900002,placement,2018-11-09,2018-11-05,Greenfield,,\n"        // 9: date
            + p2 + ",900002,encounter,2018-10-15,,,,\n"                            // 10: required
            + p2 + ",900002,encounter,2018-10-16,," + long_name + ",,\n"           // 11: length
            + p2 + ",900002,encounter,2018-10-17,,Greenfield,,900\n"               // 12: hours
            + p2 + ",900001,encounter,2018-10-18,,Greenfield,,\n"              // 13: no_enrolment
            + p2 + ",900002,encounter,2018-10-10,,Harbour Logistics,,2\n"}});  // 14: duplicate
  IngestReport r;
  ASSERT_TRUE(Run(&r).ok());
  auto report = CsvTable::Load(r.rejects_dir + "/rejects.csv");
  ASSERT_TRUE(report.ok());
  std::set<std::pair<std::string, std::string>> got;
  for (size_t i = 0; i < report->rows(); ++i) {
    if (report->Cell(i, report->Column("file")) != "employer_encounters.csv") continue;
    got.insert({report->Cell(i, report->Column("line")), report->Cell(i, report->Column("check"))});
  }
  const std::set<std::pair<std::string, std::string>> want = {
      {"5", "unknown_pupil"}, {"6", "code"},      {"7", "consistency"}, {"8", "consistency"},
      {"9", "date"},          {"10", "required"}, {"11", "length"},     {"12", "hours"},
      {"13", "no_enrolment"}, {"14", "duplicate"}};
  EXPECT_EQ(got, want);
  auto store = Store::Open(store_, Store::Mode::kRead);
  ASSERT_TRUE(store.ok());
  auto state = (*store)->Load(false);
  ASSERT_TRUE(state.ok());
  const auto& t = state->employer_activities;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.activity[1], static_cast<uint8_t>(EmployerActivity::kPlacement));
  EXPECT_EQ(FormatIsoDate(Date{t.end_date[1]}), "2018-11-09");
  EXPECT_EQ(t.role[1], "Ward support");
  EXPECT_EQ(t.end_date[0], t.start_date[0]);  // an encounter is one day
  EXPECT_FLOAT_EQ(t.hours[0], 1.5f);
  EXPECT_EQ(t.employer[2], "Riverside Engineering");
}

TEST_F(RejectsTest, MissingRequiredFileFailsAndWritesNothing) {
  testing::WriteTinyInput(input_, {{"pupils.csv", ""}});
  IngestReport r;
  Status st = Run(&r);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("pupils.csv"), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(store_ + "/CURRENT"));
}

TEST_F(RejectsTest, WrongHeaderFailsAndLeavesTheStoreAsItWas) {
  testing::WriteTinyInput(input_);
  IngestReport r;
  ASSERT_TRUE(Run(&r).ok());
  const std::string current = ReadFileToString(store_ + "/CURRENT").value();
  std::set<std::string> before;
  for (const auto& e : fs::directory_iterator(store_)) before.insert(e.path().filename().string());

  // A renamed column in one file: nothing from any file may go in.
  std::string pupils = ReadFileToString(input_ + "/pupils.csv").value();
  pupils.replace(pupils.find("birth_date"), 10, "dob");
  testing::WriteTinyInput(
      input_, {{"pupils.csv", pupils}, {"trusts.csv", "trust_id,trust_name\nTR1,Renamed Trust\n"}});
  Status st = Run(&r);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("birth_date"), std::string::npos) << st.message();
  EXPECT_EQ(ReadFileToString(store_ + "/CURRENT").value(), current);
  std::set<std::string> after;
  for (const auto& e : fs::directory_iterator(store_)) after.insert(e.path().filename().string());
  EXPECT_EQ(before, after);
}

TEST_F(RejectsTest, ASecondWriterIsRefusedWhileTheStoreIsLocked) {
  testing::WriteTinyInput(input_);
  IngestReport r;
  ASSERT_TRUE(Run(&r).ok());
  auto held = Store::Open(store_, Store::Mode::kWrite);
  ASSERT_TRUE(held.ok());
  Status st = Run(&r);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace lantern
