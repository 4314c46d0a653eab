// Common Transfer Files: a CTF in the input folder becomes the same records
// the CSV files would give, and a malformed or partial one is reported like
// any bad row, never a crash (docs/ctf.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/csv_table.h"
#include "common/date.h"
#include "common/file_util.h"
#include "lantern/ingest.h"
#include "model/upn.h"
#include "store/store.h"
#include "store/table_ops.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;
using testing::TinyUpn;

// P1 (on the tiny store's roll at Tiny Primary, 805/2001) moves to the PRU
// (805/1100); the CTF carries her marks from Monday 15 October 2018 (the
// week ends with a Saturday and Sunday of "-") and nothing else about her.
// P20 is new: full details, FSM since 2017, SEN support (SPLD), marks at
// Tiny Primary for the same week. A pupil without a UPN, and P21 without a
// date of birth, are rejected.
std::string Ctf() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>19.0</CTFversion>
    <DateTime>2018-10-22T09:15:00</DateTime>
    <DocumentQualifier>full</DocumentQualifier>
    <SupplierID>Test</SupplierID>
    <SourceSchool><LEA>805</LEA><Estab>2001</Estab><URN>900001</URN>
      <SchoolName>Tiny Primary</SchoolName><AcademicYear>2018</AcademicYear></SourceSchool>
    <DestSchool><LEA>805</LEA><Estab>1100</Estab></DestSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>)" +
         TinyUpn(1) +
         R"(</UPN>
      <Surname>One</Surname><Forename>Pupil</Forename>
      <Attendance><YearData><Year>2018</Year><LEA>805</LEA><Estab>2001</Estab>
        <SessionsPossible>10</SessionsPossible><SessionsAuthorised>2</SessionsAuthorised>
        <SessionsUnauthorised>0</SessionsUnauthorised>
        <AttendanceMarks>////II/\//----</AttendanceMarks>
        <AttendStartDate>2018-10-15</AttendStartDate></YearData></Attendance>
    </Pupil>
    <Pupil>
      <UPN>)" +
         TinyUpn(20) +
         R"(</UPN>
      <Surname>Twenty</Surname><Forename>New</Forename><DOB>2011-04-01</DOB><Sex>F</Sex>
      <BasicDetails><NCyearActual>3</NCyearActual><Ethnicity>WBRI</Ethnicity>
        <FirstLanguage>ENG</FirstLanguage></BasicDetails>
      <FSMhistory><FSMinstance><FSMstartDate>2017-01-09</FSMstartDate></FSMinstance></FSMhistory>
      <SENhistory><SEN><StartDate>2018-01-08</StartDate><SENprovision>K</SENprovision>
        <SENneeds><SENneed><Type>SPLD</Type><TypeRank>1</TypeRank></SENneed></SENneeds>
      </SEN></SENhistory>
      <Attendance><YearData><Year>2018</Year><LEA>805</LEA><Estab>2001</Estab>
        <AttendanceMarks>//////////</AttendanceMarks>
        <AttendStartDate>2018-10-15</AttendStartDate></YearData></Attendance>
    </Pupil>
    <Pupil>
      <Surname>NoUpn</Surname>
    </Pupil>
    <Pupil>
      <UPN>)" +
         TinyUpn(21) +
         R"(</UPN>
      <Sex>M</Sex>
      <BasicDetails><NCyearActual>4</NCyearActual><FirstLanguage>ENG</FirstLanguage></BasicDetails>
    </Pupil>
  </CTFpupilData>
</CTfile>
)";
}

class CtfIngestTest : public testing::ScratchDirTest {
 protected:
  CtfIngestTest() : ScratchDirTest("lantern_ctf") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    store_ = dir_ + "/store";
    const std::string input = dir_ + "/input";
    ASSERT_TRUE(testing::IngestTinyInput(input, store_).ok());
  }

  IngestReport IngestText(const std::string& name, const std::string& text,
                          Status* status = nullptr) {
    const std::string day = dir_ + "/day-" + std::to_string(++runs_);
    fs::create_directories(day);
    std::ofstream(day + "/" + name) << text;
    IngestOptions o;
    o.input_dir = day;
    o.store_dir = store_;
    IngestReport r;
    Status s = Ingest(o, &r);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return r;
  }

  StoreState Load() {
    auto store = Store::Open(store_, Store::Mode::kRead);
    EXPECT_TRUE(store.ok());
    auto state = (*store)->Load(true, 1);
    EXPECT_TRUE(state.ok());
    return std::move(*state);
  }

  static uint32_t PupilRow(const StoreState& s, const std::string& upn) {
    for (size_t i = 0; i < s.pupils.size(); ++i) {
      if (s.pupils.upn[i] == PackUpn(upn)) return static_cast<uint32_t>(i);
    }
    return kNoIndex;
  }

  std::string store_;
  int runs_ = 0;
};

int32_t Day(const char* iso) { return ParseIsoDate(iso)->days; }

TEST_F(CtfIngestTest, APupilsMoveDetailsAndMarksBecomeRecords) {
  IngestReport r = IngestText("transfer.xml", Ctf());
  StoreState s = Load();

  // P1: Tiny Primary's enrolment closes on the last day marked (Friday 19
  // October) as a transfer; the PRU's opens on the CTF's date.
  const uint32_t p1 = PupilRow(s, TinyUpn(1));
  ASSERT_NE(p1, kNoIndex);
  bool closed = false, opened = false;
  for (size_t e = 0; e < s.enrolments.size(); ++e) {
    if (s.enrolments.pupil[e] != p1) continue;
    const int32_t urn = s.schools.urn[s.enrolments.school[e]];
    if (urn == 900001) {
      EXPECT_EQ(s.enrolments.entry_date[e], Day("2015-09-03"));
      EXPECT_EQ(s.enrolments.leaving_date[e], Day("2018-10-19"));
      EXPECT_EQ(s.enrolments.leaving_reason[e], static_cast<uint8_t>(LeavingReason::kTransfer));
      closed = true;
    }
    if (urn == 900003) {
      EXPECT_EQ(s.enrolments.entry_date[e], Day("2018-10-22"));
      EXPECT_EQ(s.enrolments.leaving_date[e], kNoDate);
      opened = true;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_TRUE(opened);
  // P1's details were not in the CTF: the stored ones stay (FSM, Year 3).
  EXPECT_EQ(s.pupils.fsm[p1], 1);
  EXPECT_EQ(s.pupils.year_group[p1], 3);
  EXPECT_EQ(s.pupils.home_la[p1], 805);

  // P20 is new, with the CTF's details.
  const uint32_t p20 = PupilRow(s, TinyUpn(20));
  ASSERT_NE(p20, kNoIndex);
  EXPECT_EQ(s.pupils.birth_date[p20], Day("2011-04-01"));
  EXPECT_EQ(s.pupils.fsm[p20], 1);
  EXPECT_EQ(s.pupils.disadvantaged[p20], 1);
  EXPECT_EQ(s.pupils.sen_provision[p20], static_cast<uint8_t>(SenProvision::kSupport));
  EXPECT_EQ(s.pupils.sen_need[p20], static_cast<uint8_t>(SenNeed::kSpld));
  EXPECT_EQ(s.pupils.eal[p20], 0);
  EXPECT_EQ(s.pupils.home_la[p20], 805);  // the receiving school's LA

  // Marks: P1's five school days at Tiny Primary (the weekend is skipped),
  // P20's five; as an attendance.csv would give.
  size_t marks_rows = 0;
  for (const auto& f : r.files) {
    if (f.file == "transfer.xml as attendance.csv") {
      marks_rows = f.rows;
      EXPECT_EQ(f.rejected, 0u);
    }
  }
  EXPECT_EQ(marks_rows, 10u);

  // The pupil without a UPN and P21 without a birth date are rejected,
  // against the XML file and the line of their <Pupil> element.
  auto t = CsvTable::Load(r.rejects_dir + "/rejects.csv");
  ASSERT_TRUE(t.ok());
  const std::string ctf = Ctf();
  const auto line_of = [&](const std::string& needle) {
    size_t at = ctf.find(needle);
    size_t pupil = ctf.rfind("<Pupil>", at);
    return std::to_string(1 + std::count(ctf.begin(), ctf.begin() + pupil, '\n'));
  };
  bool no_upn = false, no_dob = false;
  for (size_t i = 0; i < t->rows(); ++i) {
    EXPECT_EQ(t->Cell(i, t->Column("file")), "transfer.xml");
    const std::string& col = t->Cell(i, t->Column("column"));
    const std::string& line = t->Cell(i, t->Column("line"));
    if (col == "UPN" && t->Cell(i, t->Column("check")) == "required") {
      no_upn = true;
      EXPECT_EQ(line, line_of("<Surname>NoUpn"));
    }
    if (col == "DOB") {
      no_dob = true;
      EXPECT_EQ(line, line_of(TinyUpn(21)));
    }
  }
  EXPECT_TRUE(no_upn);
  EXPECT_TRUE(no_dob);
  EXPECT_EQ(PupilRow(s, TinyUpn(21)), kNoIndex);
  // The rejected pupils' elements are kept aside as they were.
  auto kept = ReadFileToString(r.rejects_dir + "/transfer.xml");
  ASSERT_TRUE(kept.ok());
  EXPECT_NE(kept->find(TinyUpn(21)), std::string::npos);
  EXPECT_NE(kept->find("NoUpn"), std::string::npos);
}

TEST_F(CtfIngestTest, ACtfAndTheCsvItStandsForGiveTheSameStore) {
  IngestText("transfer.xml", Ctf());
  StoreState from_ctf = Load();

  // The same again as CSV files, into a second store.
  const std::string p1 = TinyUpn(1), p20 = TinyUpn(20);
  store_ = dir_ + "/store-csv";
  {
    const std::string input = dir_ + "/input";
    IngestOptions o;
    o.input_dir = input;
    o.store_dir = store_;
    IngestReport r;
    ASSERT_TRUE(Ingest(o, &r).ok());
  }
  const std::string day = dir_ + "/csv-day";
  fs::create_directories(day);
  std::ofstream(day + "/pupils.csv")
      << "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
         "looked_after,home_la_code,year_group,ethnicity\n"
      << p20 << ",2011-04-01,F,Y,Y,K,SPLD,N,N,805,3,WBRI\n";
  std::ofstream(day + "/enrolments.csv")
      << "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n"
      << p1 << ",900001,2015-09-03,2018-10-19,transfer,C\n"
      << p1 << ",900003,2018-10-22,,,C\n"
      << p20 << ",900001,2018-10-15,2018-10-19,transfer,C\n"
      << p20 << ",900003,2018-10-22,,,C\n";
  std::ofstream a(day + "/attendance.csv");
  a << "upn,urn,date,am,pm\n";
  const char* p1_marks[] = {"/,/", "/,/", "I,I", "/,\\", "/,/"};
  for (int d = 0; d < 5; ++d) {
    a << p1 << ",900001,2018-10-" << 15 + d << "," << p1_marks[d] << "\n";
    a << p20 << ",900001,2018-10-" << 15 + d << ",/,/\n";
  }
  a.close();
  IngestOptions o;
  o.input_dir = day;
  o.store_dir = store_;
  IngestReport r;
  ASSERT_TRUE(Ingest(o, &r).ok());
  EXPECT_EQ(r.rows_rejected, 0u);
  StoreState from_csv = Load();

  ASSERT_EQ(from_ctf.pupils.size(), from_csv.pupils.size());
  for (size_t i = 0; i < from_ctf.pupils.size(); ++i) {
    const uint32_t j = PupilRow(from_csv, UnpackUpn(from_ctf.pupils.upn[i]));
    ASSERT_NE(j, kNoIndex);
    EXPECT_TRUE(RowsEqual(from_ctf.pupils, i, from_csv.pupils, j))
        << UnpackUpn(from_ctf.pupils.upn[i]);
  }
  ASSERT_EQ(from_ctf.enrolments.size(), from_csv.enrolments.size());
}

// The attendance summary is not stored (the store counts marks), but the
// fixture's (10 possible, 2 authorised: the marks' own count) passes
// silently; one the marks do not add up to, and one without marks, are
// said with their <Pupil> lines.
TEST_F(CtfIngestTest, AnAttendanceSummaryIsCheckedAgainstTheMarks) {
  auto summary_warnings = [](const IngestReport& r) {
    std::vector<std::string> out;
    for (const auto& w : r.warnings) {
      if (w.find("summar") != std::string::npos) out.push_back(w);
    }
    return out;
  };
  EXPECT_TRUE(summary_warnings(IngestText("transfer.xml", Ctf())).empty());
  std::string text = Ctf();
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  replace("<SessionsPossible>10</SessionsPossible>", "<SessionsPossible>12</SessionsPossible>");
  replace("<SessionsUnauthorised>0</SessionsUnauthorised>",
          "<SessionsUnauthorised>1</SessionsUnauthorised>");
  replace("<AttendanceMarks>//////////</AttendanceMarks>",
          "<SessionsPossible>10</SessionsPossible>");
  const auto w = summary_warnings(IngestText("again.xml", text));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0],
            "again.xml: 1 pupils' attendance at the sending school is a summary without daily "
            "marks (<Pupil> at line 23): not stored, since Lantern counts attendance from marks; "
            "ask the sending school for the marks (AttendanceMarks, or its attendance.csv)");
  EXPECT_EQ(w[1],
            "again.xml: 1 pupils' attendance summaries differ from the marks the file carries "
            "(line 14: SessionsPossible 12, the marks 10, SessionsUnauthorised 1, the marks 0): "
            "the marks are stored; check the sending school's register");
}

TEST_F(CtfIngestTest, AMalformedCtfIsOneRejectAndTheRestIsRead) {
  const std::string ctf = Ctf();
  const std::string day = dir_ + "/bad";
  fs::create_directories(day);
  std::ofstream(day + "/broken.xml") << ctf.substr(0, ctf.size() / 2);
  std::ofstream(day + "/attendance.csv") << "upn,urn,date,am,pm\n"
                                         << TinyUpn(2) << ",900002,2018-09-10,/,/\n";
  IngestOptions o;
  o.input_dir = day;
  o.store_dir = store_;
  IngestReport r;
  ASSERT_TRUE(Ingest(o, &r).ok());
  EXPECT_TRUE(r.committed);  // the attendance row went in
  EXPECT_EQ(r.rows_rejected, 1u);
  auto t = CsvTable::Load(r.rejects_dir + "/rejects.csv");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows(), 1u);
  EXPECT_EQ(t->Cell(0, t->Column("file")), "broken.xml");
  EXPECT_EQ(t->Cell(0, t->Column("check")), "malformed");
}

// A CTF with a missing element: without <DestSchool> the pupils' details
// and marks are read but no move is made (no enrolment closed or opened);
// without <Header><DateTime> nothing can be placed in time, so the file is
// one reject naming the element and nothing of it is read. Never a crash.
TEST_F(CtfIngestTest, ACtfWithAMissingElementIsReadAsFarAsItCanBeAndSaysWhat) {
  const std::string full = Ctf();
  auto without = [&](const std::string& open, const std::string& close) {
    const size_t a = full.find(open);
    const size_t b = full.find(close, a) + close.size();
    return full.substr(0, a) + full.substr(b);
  };
  {
    IngestReport r = IngestText("no_dest.xml", without("<DestSchool>", "</DestSchool>"));
    EXPECT_TRUE(r.committed);
    // The pupil with no UPN and P21 with no DOB, as before; and P20's five
    // days of marks at Tiny Primary, which with no move has no enrolment for
    // the new pupil there: each a `no_enrolment` reject, not a guess.
    EXPECT_EQ(r.rows_rejected, 7u);
    auto t = CsvTable::Load(r.rejects_dir + "/rejects.csv");
    ASSERT_TRUE(t.ok());
    int no_enrolment = 0;
    for (size_t i = 0; i < t->rows(); ++i) {
      no_enrolment += t->Cell(i, t->Column("check")) == "no_enrolment";
    }
    EXPECT_EQ(no_enrolment, 5);
    StoreState s = Load();
    const uint32_t p1 = PupilRow(s, TinyUpn(1));
    ASSERT_NE(p1, kNoIndex);
    for (size_t e = 0; e < s.enrolments.size(); ++e) {
      if (s.enrolments.pupil[e] != p1) continue;
      EXPECT_EQ(s.schools.urn[s.enrolments.school[e]], 900001);  // nothing opened at the PRU
      EXPECT_EQ(s.enrolments.leaving_date[e], kNoDate);          // nor closed
    }
    const uint32_t p20 = PupilRow(s, TinyUpn(20));
    ASSERT_NE(p20, kNoIndex);  // details read
    EXPECT_EQ(s.pupils.birth_date[p20], Day("2011-04-01"));
  }
  {
    IngestReport r = IngestText("no_date.xml", without("<DateTime>", "</DateTime>"));
    EXPECT_EQ(r.rows_rejected, 1u);
    auto t = CsvTable::Load(r.rejects_dir + "/rejects.csv");
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->rows(), 1u);
    EXPECT_EQ(t->Cell(0, t->Column("file")), "no_date.xml");
    EXPECT_EQ(t->Cell(0, t->Column("column")), "Header/DateTime");
    EXPECT_EQ(t->Cell(0, t->Column("check")), "date");
  }
}

// Every prefix of a CTF (a file cut short in transfer) is read without a
// crash and without an error: at worst one reject.
TEST_F(CtfIngestTest, EveryTruncationIsReportedNeverACrash) {
  const std::string ctf = Ctf();
  const fs::path clean = fs::path(dir_) / "clean-store";
  fs::copy(store_, clean, fs::copy_options::recursive);
  for (size_t cut = 0; cut < ctf.size(); cut += 97) {
    fs::remove_all(store_);
    fs::copy(clean, store_, fs::copy_options::recursive);
    Status s;
    IngestReport r = IngestText("cut.xml", ctf.substr(0, cut), &s);
    // Too short to be a CTF at all: ignored with a warning, nothing to read.
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << cut << ": " << s.ToString();
      continue;
    }
    EXPECT_GE(r.rows_rejected, 1u) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace lantern
