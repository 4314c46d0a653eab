// End to end on the tiny fixture: ingest, build, and the figures worked out
// by hand in tiny_fixture.h.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "flags/run.h"
#include "lantern/build.h"
#include "lantern/ingest.h"
#include "store/loaded_store.h"
#include "store/store.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

class TinyTest : public testing::ScratchDirTest {
 protected:
  TinyTest() : ScratchDirTest("lantern_tiny") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    root_ = dir_;
    input_ = (root_ / "input").string();
    store_ = (root_ / "store").string();
    out_ = (root_ / "out").string();
  }

  IngestReport IngestOk(const std::string& dir) {
    IngestOptions o;
    o.input_dir = dir;
    o.store_dir = store_;
    IngestReport r;
    Status st = Ingest(o, &r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }
  // Builds with the default policy, or with a policy JSON text.
  CsvTable BuildOk(const std::string& policy_json = "") {
    BuildOptions o;
    o.store_dir = store_;
    o.out_dir = out_;
    if (!policy_json.empty()) {
      o.policy_file = (root_ / "policy.json").string();
      std::ofstream(o.policy_file) << policy_json;
    }
    BuildReport r;
    Status st = Build(o, &r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    auto t = CsvTable::Load(out_ + "/attendance.csv");
    EXPECT_TRUE(t.ok());
    return std::move(t).value();
  }
  // The value of `column` in the one row matching all filters.
  static std::string Cell(const CsvTable& t, const std::map<std::string, std::string>& where,
                          const std::string& column) {
    std::string found;
    int matches = 0;
    for (size_t r = 0; r < t.rows(); ++r) {
      bool ok = true;
      for (const auto& [k, v] : where) ok = ok && t.Cell(r, t.Column(k)) == v;
      if (ok) {
        ++matches;
        found = t.Cell(r, t.Column(column));
      }
    }
    EXPECT_EQ(matches, 1) << column;
    return found;
  }
  static std::map<std::string, std::string> School(const std::string& urn,
                                                   const std::string& topic = "Total",
                                                   const std::string& group = "Total") {
    return {{"geographic_level", "School"},
            {"school_urn", urn},
            {"breakdown_topic", topic},
            {"breakdown", group}};
  }

  fs::path root_;
  std::string input_, store_, out_;
};

TEST_F(TinyTest, BuildsTheHandWorkedFigures) {
  testing::WriteTinyInput(input_);
  IngestReport ir = IngestOk(input_);
  EXPECT_TRUE(ir.committed);
  EXPECT_EQ(ir.rows_rejected, 0u) << ir.Summary();
  EXPECT_EQ(ir.time_period, "201819");
  // Disclosure control off, to see every figure; it is tested below.
  CsvTable t = BuildOk(R"({"suppress_below": 1})");

  // Academy: P2, P3, P4, P6's first enrolment. 38 possible, 8 absent.
  auto academy = School("900002");
  EXPECT_EQ(Cell(t, academy, "enrolments"), "4");
  EXPECT_EQ(Cell(t, academy, "sess_possible"), "38");
  EXPECT_EQ(Cell(t, academy, "sess_overall"), "8");
  EXPECT_EQ(Cell(t, academy, "sess_authorised"), "4");
  EXPECT_EQ(Cell(t, academy, "sess_unauthorised"), "4");
  EXPECT_EQ(Cell(t, academy, "sess_overall_percent"), "21.05263");
  EXPECT_EQ(Cell(t, academy, "enrolments_pa_10_exact"), "4");  // P3 at exactly 10% counts
  EXPECT_EQ(Cell(t, academy, "enrolments_pa_50_exact"), "0");
  EXPECT_EQ(Cell(t, academy, "sess_auth_illness"), "3");
  EXPECT_EQ(Cell(t, academy, "sess_auth_appointments"), "1");
  EXPECT_EQ(Cell(t, academy, "sess_unauth_holiday"), "2");
  EXPECT_EQ(Cell(t, academy, "sess_unauth_other"), "2");
  EXPECT_EQ(Cell(t, academy, "sess_late"), "1");
  EXPECT_EQ(Cell(t, academy, "school_laestab"), "8054001");
  EXPECT_EQ(Cell(t, academy, "trust_id"), "TR1");
  EXPECT_EQ(Cell(t, academy, "school_name"), "Tiny Academy, Hartlepool");

  EXPECT_EQ(Cell(t, School("900002", "Sex", "Female"), "enrolments"), "1");
  EXPECT_EQ(Cell(t, School("900002", "Sex", "Male"), "sess_possible"), "26");
  EXPECT_EQ(Cell(t, School("900002", "SEN provision", "EHC plan"), "sess_overall_percent"),
            "10.00000");
  EXPECT_EQ(Cell(t, School("900002", "NC year group", "Year 11"), "sess_possible"), "12");
  // The primary has one pupil in the cohort (the Reception child is 4).
  EXPECT_EQ(Cell(t, School("900001"), "enrolments"), "1");
  EXPECT_EQ(Cell(t, School("900003"), "sess_possible"), "2");

  // Hartlepool, by school location: the primary and the academy; the PRU is
  // reported as its own school type, outside the headline total.
  std::map<std::string, std::string> la = {{"geographic_level", "Local authority"},
                                           {"old_la_code", "805"},
                                           {"school_type", "Total"},
                                           {"location_basis", "School location"},
                                           {"breakdown_topic", "Total"}};
  EXPECT_EQ(Cell(t, la, "enrolments"), "5");
  EXPECT_EQ(Cell(t, la, "sess_possible"), "48");
  EXPECT_EQ(Cell(t, la, "sess_overall"), "10");
  EXPECT_EQ(Cell(t, la, "num_schools"), "2");
  EXPECT_EQ(Cell(t, la, "new_la_code"), "E06000001");
  EXPECT_EQ(Cell(t, la, "region_name"), "North East");
  la["school_type"] = "Pupil referral unit";
  EXPECT_EQ(Cell(t, la, "enrolments"), "1");

  // Where pupils live: P3 lives in Middlesbrough.
  std::map<std::string, std::string> res = {{"geographic_level", "Local authority"},
                                            {"old_la_code", "806"},
                                            {"school_type", "Total"},
                                            {"location_basis", "Pupil residence"},
                                            {"breakdown_topic", "Total"}};
  EXPECT_EQ(Cell(t, res, "enrolments"), "1");
  EXPECT_EQ(Cell(t, res, "sess_overall"), "1");
  EXPECT_EQ(Cell(t, res, "num_schools"), "x");

  // England, and the trust.
  std::map<std::string, std::string> eng = {
      {"geographic_level", "National"}, {"school_type", "Total"}, {"breakdown_topic", "Total"}};
  EXPECT_EQ(Cell(t, eng, "sess_possible"), "48");
  EXPECT_EQ(Cell(t, eng, "time_period"), "201819");
  EXPECT_EQ(Cell(t, eng, "time_identifier"), "Academic year");
  std::map<std::string, std::string> mat = {
      {"geographic_level", "MAT"}, {"school_type", "Total"}, {"breakdown_topic", "Total"}};
  EXPECT_EQ(Cell(t, mat, "trust_name"), "Tiny Learning Trust");
  EXPECT_EQ(Cell(t, mat, "enrolments"), "4");

  // Metadata lists every non-geography column.
  auto meta = CsvTable::Load(out_ + "/attendance.meta.csv");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->rows(), t.header().size() - 15);
}

TEST_F(TinyTest, PublishedFiguresPassDisclosureControl) {
  testing::WriteTinyInput(input_);
  IngestOk(input_);
  CsvTable t = BuildOk();
  // One-pupil cells are suppressed, and so is their complement.
  EXPECT_EQ(Cell(t, School("900002", "Sex", "Female"), "enrolments"), "c");
  EXPECT_EQ(Cell(t, School("900002", "Sex", "Male"), "enrolments"), "c");
  EXPECT_EQ(Cell(t, School("900002", "Sex", "Male"), "sess_overall_percent"), "c");
  // The primary's single pupil is hidden; the LA total (5) is published, so
  // the academy (4) must be hidden too, or 5 - 4 would give the pupil away.
  EXPECT_EQ(Cell(t, School("900001"), "enrolments"), "c");
  EXPECT_EQ(Cell(t, School("900002"), "enrolments"), "c");
  std::map<std::string, std::string> la = {{"geographic_level", "Local authority"},
                                           {"old_la_code", "805"},
                                           {"school_type", "Total"},
                                           {"location_basis", "School location"},
                                           {"breakdown_topic", "Total"}};
  EXPECT_EQ(Cell(t, la, "enrolments"), "5");
  // No published count anywhere is 1 or 2.
  for (size_t r = 0; r < t.rows(); ++r) {
    for (const char* col : {"enrolments", "enrolments_pa_10_exact", "enrolments_pa_50_exact"}) {
      const std::string& v = t.Cell(r, t.Column(col));
      EXPECT_TRUE(v != "1" && v != "2") << "row " << r << " " << col;
    }
  }
}

// The suspensions family, by hand. On census day (17 January 2019) the
// academy has P2, P3 and P4 on roll (P6 left in September), the primary P1
// and P5, the PRU P6. At the academy P2 is suspended twice and P6 once
// (before leaving: still counted), P4 permanently excluded (upheld) and P3's
// exclusion overturned (not counted).
std::map<std::string, std::string> TinySuspensions() {
  using testing::TinyUpn;
  return {{"suspensions.csv", "upn,urn,start_date,category,sessions,reason,outcome\n" + TinyUpn(2) +
                                  ",900002,2018-10-01,suspension,2,DB,\n" + TinyUpn(2) +
                                  ",900002,2018-11-05,suspension,4,VA,\n" + TinyUpn(6) +
                                  ",900002,2018-09-04,suspension,1,DB,\n" + TinyUpn(4) +
                                  ",900002,2019-03-04,permanent_exclusion,10,PA,upheld\n" +
                                  TinyUpn(3) +
                                  ",900002,2019-02-04,permanent_exclusion,10,DB,overturned\n"}};
}

TEST_F(TinyTest, SuspensionsFamilyByHand) {
  testing::WriteTinyInput(input_, TinySuspensions());
  EXPECT_EQ(IngestOk(input_).rows_rejected, 0u);
  BuildOk(R"({"suppress_below": 1})");
  auto t = CsvTable::Load(out_ + "/suspensions.csv");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto academy = School("900002");
  EXPECT_EQ(Cell(*t, academy, "headcount"), "3");
  EXPECT_EQ(Cell(*t, academy, "susp"), "3");
  EXPECT_EQ(Cell(*t, academy, "susp_rate"), "100.00000");
  EXPECT_EQ(Cell(*t, academy, "one_plus_susp"), "2");  // P2 once, however many times
  EXPECT_EQ(Cell(*t, academy, "one_plus_susp_rate"), "66.66667");
  EXPECT_EQ(Cell(*t, academy, "perm_excl"), "1");
  EXPECT_EQ(Cell(*t, academy, "perm_excl_rate"), "33.33333");
  EXPECT_EQ(Cell(*t, School("900002", "Sex", "Male"), "headcount"), "2");
  EXPECT_EQ(Cell(*t, School("900002", "Sex", "Male"), "susp"), "3");
  EXPECT_EQ(Cell(*t, School("900002", "Sex", "Female"), "perm_excl"), "1");
  EXPECT_EQ(Cell(*t, School("900001"), "headcount"), "2");  // P5 (aged 4) counts here
  EXPECT_EQ(Cell(*t, School("900001"), "susp_rate"), "0.00000");
  std::map<std::string, std::string> la = {{"geographic_level", "Local authority"},
                                           {"old_la_code", "805"},
                                           {"school_type", "Total"},
                                           {"location_basis", "School location"},
                                           {"breakdown_topic", "Total"}};
  EXPECT_EQ(Cell(*t, la, "headcount"), "5");  // the PRU is not in Total
  EXPECT_EQ(Cell(*t, la, "num_schools"), "2");
  la["location_basis"] = "Pupil residence";
  la["old_la_code"] = "806";
  EXPECT_EQ(Cell(*t, la, "headcount"), "1");  // P3 lives in 806
  EXPECT_EQ(Cell(*t, la, "num_schools"), "x");

  // With the policy's disclosure control, no count of 1 or 2 is published.
  BuildOk();
  t = CsvTable::Load(out_ + "/suspensions.csv");
  ASSERT_TRUE(t.ok());
  for (size_t r = 0; r < t->rows(); ++r) {
    for (const char* col : {"headcount", "susp", "one_plus_susp", "perm_excl"}) {
      const std::string& v = t->Cell(r, t->Column(col));
      EXPECT_TRUE(v != "1" && v != "2") << "row " << r << " " << col;
    }
  }
  EXPECT_EQ(Cell(*t, School("900002"), "perm_excl_rate"), "c");

  // The metadata: every filter with its default item, every indicator with
  // its decimal places and a unit the platform accepts.
  auto meta = CsvTable::Load(out_ + "/suspensions.meta.csv");
  ASSERT_TRUE(meta.ok());
  std::map<std::string, std::vector<std::string>> by_name;
  for (size_t r = 0; r < meta->rows(); ++r) {
    by_name[meta->Cell(r, meta->Column("col_name"))] = meta->Row(r);
  }
  const size_t type = meta->Column("col_type"), unit = meta->Column("indicator_unit"),
               dp = meta->Column("indicator_dp"), def = meta->Column("filter_default");
  EXPECT_EQ(by_name["breakdown"][def], "Total");
  EXPECT_EQ(by_name["location_basis"][def], "School location");
  EXPECT_EQ(by_name["susp_rate"][type], "Indicator");
  EXPECT_EQ(by_name["susp_rate"][unit], "");  // per 100 pupils: no EES unit
  EXPECT_EQ(by_name["susp_rate"][dp], "2");
  EXPECT_EQ(by_name["one_plus_susp_rate"][unit], "%");
  EXPECT_EQ(by_name["headcount"][dp], "0");
  for (const auto& [name, row] : by_name) {
    if (row[type] == "Filter") {
      EXPECT_FALSE(row[def].empty()) << name;
    }
    if (row[type] == "Indicator") {
      EXPECT_FALSE(row[dp].empty()) << name;
    }
  }
}

// A policy is a value: two builds of one store under two policies, at the
// same time in one process, each give what they give alone.
TEST_F(TinyTest, TwoPoliciesInOneProcessAtOnce) {
  testing::WriteTinyInput(input_, TinySuspensions());
  IngestOk(input_);
  const std::string a = (root_ / "policy_a.json").string();
  const std::string b = (root_ / "policy_b.json").string();
  std::ofstream(a) << R"({"suppress_below": 1})";
  // Illness is not a possible session; persistent absence from 20%.
  std::ofstream(b) << R"({"suppress_below": 1, "persistent_absence_threshold": 0.2,
                          "code_treatment_overrides": {"I": "not_possible"}})";
  auto build = [&](const std::string& policy, const std::string& out) {
    BuildOptions o;
    o.store_dir = store_;
    o.out_dir = (root_ / out).string();
    o.policy_file = policy;
    o.threads = 2;
    BuildReport r;
    return Build(o, &r);
  };
  Status sa, sb;
  std::thread other([&] { sb = build(b, "b_together"); });
  sa = build(a, "a_together");
  other.join();
  ASSERT_TRUE(sa.ok()) << sa.ToString();
  ASSERT_TRUE(sb.ok()) << sb.ToString();
  ASSERT_TRUE(build(a, "a_alone").ok());
  ASSERT_TRUE(build(b, "b_alone").ok());
  for (const char* file : {"/attendance.csv", "/suspensions.csv", "/policy.json"}) {
    for (const char* p : {"a", "b"}) {
      auto together = ReadFileToString((root_ / (std::string(p) + "_together")).string() + file);
      auto alone = ReadFileToString((root_ / (std::string(p) + "_alone")).string() + file);
      ASSERT_TRUE(together.ok() && alone.ok()) << file;
      EXPECT_EQ(*together, *alone) << p << file;
    }
  }
  auto ta = CsvTable::Load((root_ / "a_alone/attendance.csv").string());
  auto tb = CsvTable::Load((root_ / "b_alone/attendance.csv").string());
  ASSERT_TRUE(ta.ok() && tb.ok());
  // A: as worked by hand (38 possible, P3 at exactly 10% persistent). B: the
  // three illness sessions are not possible; P2 (4 of 10) is still at 20% or
  // more, P3 (1 of 10) and P6 (0 of 5 now) are not.
  EXPECT_EQ(Cell(*ta, School("900002"), "sess_possible"), "38");
  EXPECT_EQ(Cell(*tb, School("900002"), "sess_possible"), "35");
  EXPECT_EQ(Cell(*ta, School("900002"), "enrolments_pa_10_exact"), "4");
  EXPECT_EQ(Cell(*tb, School("900002"), "enrolments_pa_10_exact"), "1");
  EXPECT_EQ(Cell(*tb, School("900002"), "sess_auth_illness"), "0");
}

TEST_F(TinyTest, IngestingTheSameFilesTwiceChangesNothing) {
  testing::WriteTinyInput(input_);
  IngestReport first = IngestOk(input_);
  ASSERT_TRUE(first.committed);
  std::string current = ReadFileToString(store_ + "/CURRENT").value();
  IngestReport second = IngestOk(input_);
  EXPECT_FALSE(second.committed);
  EXPECT_EQ(second.generation, first.generation);
  EXPECT_EQ(ReadFileToString(store_ + "/CURRENT").value(), current);
  for (const auto& f : second.files) {
    EXPECT_EQ(f.inserted + f.updated, 0u) << f.file;
    EXPECT_EQ(f.unchanged, f.rows) << f.file;
  }
}

TEST_F(TinyTest, CompactFormGivesTheSameFiguresAsTheLongForm) {
  testing::WriteTinyInput(input_);
  IngestOk(input_);
  CsvTable long_form = BuildOk(R"({"suppress_below": 1})");

  // The same marks as attendance_compact.csv: weekdays from Monday 3 Sept.
  using testing::TinyUpn;
  std::string compact = "upn,urn,from_date,marks\n";
  compact += TinyUpn(1) + ",900001,2018-09-03,/\\II/\\/\\/\\\n";
  compact += TinyUpn(2) + ",900002,2018-09-03,/\\/\\OOGG/\\\n";
  compact += TinyUpn(3) + ",900002,2018-09-03,L\\/\\/\\/\\/M\n";
  compact += TinyUpn(4) + ",900002,2018-09-03,/\\/\\/\\/\\/\\\n";
  compact += TinyUpn(4) + ",900002,2019-05-20,II\n";
  compact += TinyUpn(4) + ",900002,2019-06-03,OOOO\n";
  compact += TinyUpn(5) + ",900001,2018-09-03,/\\/\\/\\/\\/\\\n";
  compact += TinyUpn(6) + ",900002,2018-09-03,/\\/\\/I\n";
  compact += TinyUpn(6) + ",900003,2018-09-06,/\\##\n";
  fs::remove_all(store_);
  testing::WriteTinyInput(input_, {{"attendance.csv", ""}, {"attendance_compact.csv", compact}});
  IngestReport r = IngestOk(input_);
  EXPECT_EQ(r.rows_rejected, 0u) << r.Summary();
  CsvTable compact_form = BuildOk(R"({"suppress_below": 1})");
  ASSERT_EQ(long_form.rows(), compact_form.rows());
  for (size_t i = 0; i < long_form.rows(); ++i) EXPECT_EQ(long_form.Row(i), compact_form.Row(i));
}

TEST_F(TinyTest, IngestWithBuildGivesTheSameFilesAsASeparateBuild) {
  testing::WriteTinyInput(input_);
  IngestOptions o;
  o.input_dir = input_;
  o.store_dir = store_;
  IngestReport r;
  std::shared_ptr<LoadedStore> committed;
  ASSERT_TRUE(Ingest(o, &r, &committed).ok());
  ASSERT_NE(committed, nullptr);
  EXPECT_EQ(committed->generation(), r.generation);
  // The daily job's build, from the store as committed, in this process.
  BuildOptions b;
  b.out_dir = (root_ / "together").string();
  BuildReport built;
  ASSERT_TRUE(Build(*committed, b, &built).ok());
  committed.reset();  // lets the separate build open the store
  CsvTable separate = BuildOk();
  for (const char* file : {"/attendance.csv", "/suspensions.csv"}) {
    auto a = ReadFileToString(out_ + file), t = ReadFileToString(b.out_dir + file);
    ASSERT_TRUE(a.ok() && t.ok()) << file;
    EXPECT_EQ(*a, *t) << file;
  }
  EXPECT_GT(separate.rows(), 0u);
}

TEST_F(TinyTest, OneFamilyAloneIsTheSameFileAsInAWholeBuild) {
  testing::WriteTinyInput(input_);
  IngestOk(input_);
  BuildOk();
  BuildOptions o;
  o.store_dir = store_;
  o.out_dir = (root_ / "attendance_only").string();
  o.families = {"attendance"};
  BuildReport r;
  ASSERT_TRUE(Build(o, &r).ok());
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].file, "attendance.csv");
  EXPECT_FALSE(fs::exists(o.out_dir + "/suspensions.csv"));
  auto whole = ReadFileToString(out_ + "/attendance.csv");
  auto alone = ReadFileToString(o.out_dir + "/attendance.csv");
  ASSERT_TRUE(whole.ok() && alone.ok());
  // The disclosure pass links only the cells of one family's counts, so
  // one family's figures do not depend on which others are built.
  EXPECT_EQ(*alone, *whole);
  o.families = {"nonsense"};
  EXPECT_EQ(Build(o, &r).code(), StatusCode::kInvalidArgument);
}

// Each build writes over the attendance.csv the build before last left in
// OUT/.spare: whatever that file held, and however long it was, the result
// is byte for byte a fresh build's.
TEST_F(TinyTest, RebuildsWriteOverTheSpareFileExactly) {
  testing::WriteTinyInput(input_);
  IngestOk(input_);
  const std::string unsuppressed = R"({"suppress_below": 1})";
  BuildOk(unsuppressed);
  BuildOk();
  BuildOk();  // writes over the first (unsuppressed, so longer) file
  ASSERT_TRUE(fs::exists(out_ + "/.spare/attendance.csv"));
  const std::string recycled = ReadFileToString(out_ + "/attendance.csv").value();
  BuildOk(unsuppressed);  // writes over the second
  const std::string recycled_unsuppressed = ReadFileToString(out_ + "/attendance.csv").value();
  fs::remove_all(out_);
  BuildOk();
  const std::string fresh = ReadFileToString(out_ + "/attendance.csv").value();
  EXPECT_FALSE(fs::exists(out_ + "/.spare/attendance.csv"));
  fs::remove_all(out_);
  BuildOk(unsuppressed);
  const std::string fresh_unsuppressed = ReadFileToString(out_ + "/attendance.csv").value();
  EXPECT_NE(fresh.size(), fresh_unsuppressed.size());
  EXPECT_EQ(recycled, fresh);
  EXPECT_EQ(recycled_unsuppressed, fresh_unsuppressed);
}

TEST_F(TinyTest, SavedCountsGiveTheSameFiguresAsCountingEveryMark) {
  testing::WriteTinyInput(input_);
  IngestOk(input_);
  auto both = [&](const std::string& policy) {
    BuildOptions o;
    o.store_dir = store_;
    o.out_dir = out_;
    if (!policy.empty()) {
      o.policy_file = (root_ / "policy.json").string();
      std::ofstream(o.policy_file) << policy;
    }
    BuildReport saved, full;
    EXPECT_TRUE(Build(o, &saved).ok());
    std::string a = ReadFileToString(out_ + "/attendance.csv").value();
    o.full_scan = true;
    EXPECT_TRUE(Build(o, &full).ok());
    std::string b = ReadFileToString(out_ + "/attendance.csv").value();
    EXPECT_FALSE(full.used_saved_counts);
    EXPECT_EQ(a, b);
    return saved.used_saved_counts;
  };
  EXPECT_TRUE(both(R"({"suppress_below": 1})"));
  // A new day, a correction to a date inside the block, and a leaver whose
  // window shrinks: the saved counts are adjusted or bypassed row by row.
  std::string day_dir = (root_ / "day").string();
  fs::create_directories(day_dir);
  std::ofstream(day_dir + "/attendance.csv")
      << "upn,urn,date,am,pm\n" + testing::TinyUpn(2) + ",900002,2018-09-10,I,I\n" +
             testing::TinyUpn(3) + ",900002,2018-09-05,O,O\n";
  std::ofstream(day_dir + "/enrolments.csv")
      << "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" + testing::TinyUpn(4) +
             ",900002,2014-09-03,2019-05-31,ehe,C\n";
  IngestOk(day_dir);
  EXPECT_TRUE(both(R"({"suppress_below": 1})"));
  // A policy that counts a code differently cannot reuse the saved counts.
  EXPECT_FALSE(both(R"({"suppress_below": 1, "code_treatment_overrides": {"#": "authorised"}})"));
}

TEST_F(TinyTest, OneMoreDayIsAppendedAsADayFile) {
  testing::WriteTinyInput(input_);
  IngestReport first = IngestOk(input_);
  // Monday 10 September: P2 ill all day.
  std::string day = "upn,urn,date,am,pm\n" + testing::TinyUpn(2) + ",900002,2018-09-10,I,I\n";
  std::string day_dir = (root_ / "day").string();
  fs::create_directories(day_dir);
  std::ofstream(day_dir + "/attendance.csv") << day;
  IngestReport second = IngestOk(day_dir);
  EXPECT_TRUE(second.committed);
  EXPECT_EQ(second.generation, first.generation + 1);
  EXPECT_EQ(second.mark_dates_written, 1u);
  CsvTable t = BuildOk(R"({"suppress_below": 1})");
  EXPECT_EQ(Cell(t, School("900002"), "sess_possible"), "40");
  EXPECT_EQ(Cell(t, School("900002"), "sess_overall"), "10");
  // The same day again changes nothing.
  EXPECT_FALSE(IngestOk(day_dir).committed);
  // A correction of a day already stored replaces it.
  std::ofstream(day_dir + "/attendance.csv")
      << "upn,urn,date,am,pm\n" + testing::TinyUpn(2) + ",900002,2018-09-05,/,\\\n";
  IngestReport fix = IngestOk(day_dir);
  EXPECT_TRUE(fix.committed);
  EXPECT_EQ(fix.files[0].updated, 1u);
  t = BuildOk(R"({"suppress_below": 1})");
  EXPECT_EQ(Cell(t, School("900002"), "sess_overall"), "8");
}

// A daily ingest without --flags does not read the flag history and
// referrals (they are England's largest tables once flags run daily), and
// its commit leaves them exactly as they were.
TEST_F(TinyTest, AnIngestThatDoesNotReadTheFlagTablesKeepsThem) {
  testing::WriteTinyInput(input_);
  IngestOk(input_);
  FlagsOptions f;
  f.store_dir = store_;
  f.from = "2018-09-03";
  FlagsReport fr;
  ASSERT_TRUE(RunFlags(f, &fr).ok());
  auto load = [&] {
    auto store = Store::Open(store_, Store::Mode::kRead);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    auto state = (*store)->Load(false);
    EXPECT_TRUE(state.ok());
    return std::move(state).value();
  };
  const StoreState before = load();
  ASSERT_GT(before.flag_runs.size(), 0u);
  const std::string day_dir = (root_ / "day").string();
  fs::create_directories(day_dir);
  std::ofstream(day_dir + "/attendance.csv")
      << "upn,urn,date,am,pm\n" + testing::TinyUpn(2) + ",900002,2018-09-10,I,I\n";
  IngestOptions o;
  o.input_dir = day_dir;
  o.store_dir = store_;
  o.read_flag_tables = false;
  IngestReport r;
  std::shared_ptr<LoadedStore> committed;
  ASSERT_TRUE(Ingest(o, &r, &committed).ok());
  ASSERT_TRUE(r.committed);
  EXPECT_EQ(committed->impl().state.flag_runs.size(), 0u);  // not read
  committed.reset();                                        // it holds the writer's lock
  const StoreState after = load();
  EXPECT_EQ(after.flag_runs.size(), before.flag_runs.size());
  EXPECT_EQ(after.flags.size(), before.flags.size());
  EXPECT_EQ(after.flags.reason, before.flags.reason);
  EXPECT_EQ(after.flags.until, before.flags.until);
  EXPECT_EQ(after.referrals.size(), before.referrals.size());
  EXPECT_EQ(after.referrals.notes, before.referrals.notes);
  EXPECT_EQ(after.enrolments.size(), before.enrolments.size());
}

}  // namespace
}  // namespace lantern

namespace lantern {
namespace {

// The saved UPN index is a cache: a daily ingest maps it; a damaged one is
// rebuilt with a warning and the figures do not change.
TEST_F(TinyTest, SavedUpnIndexIsUsedAndADamagedOneIsRebuilt) {
  testing::WriteTinyInput(input_);
  IngestOk(input_);
  auto store = Store::Open(store_, Store::Mode::kRead);
  ASSERT_TRUE(store.ok());
  const std::string index = (*store)->upn_index_path();
  ASSERT_FALSE(index.empty()) << "the first ingest saves the UPN index";
  ASSERT_TRUE(fs::exists(index));
  store->reset();

  std::string day_dir = (root_ / "day").string();
  fs::create_directories(day_dir);
  std::ofstream(day_dir + "/attendance.csv")
      << "upn,urn,date,am,pm\n" + testing::TinyUpn(2) + ",900002,2018-09-10,I,I\n";
  // Damage the index: the ingest warns, rebuilds it in memory and goes on.
  fs::resize_file(index, fs::file_size(index) - 8);
  IngestReport day = IngestOk(day_dir);
  EXPECT_TRUE(day.committed);
  bool warned = false;
  for (const auto& w : day.warnings) warned |= w.find("UPN index") != std::string::npos;
  EXPECT_TRUE(warned);
  CsvTable t = BuildOk(R"({"suppress_below": 1})");
  EXPECT_EQ(Cell(t, School("900002"), "sess_overall"), "10");
}

}  // namespace
}  // namespace lantern
