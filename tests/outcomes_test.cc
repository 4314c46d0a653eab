// lantern outcomes --store end to end on the tiny hand-made input, with three
// exits worked by hand: P6 moves from the academy to the PRU (a move within
// LA 805), P2 (Year 8, lives in 805) leaves the academy on 7 September 2018
// with no destination and is never seen again (a CME case for 805), and P3
// (Year 10, EHC plan, lives in 806) leaves the academy for elective home
// education on 31 January 2019.
#include "lantern/outcomes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>

#include "aggregate/groups.h"
#include "common/csv_table.h"
#include "common/file_util.h"
#include "compute/compute.h"
#include "derive/exits.h"
#include "indicators/catalogue.h"
#include "lantern/build.h"
#include "lantern/ingest.h"
#include "outcomes/pupil_level.h"
#include "stats/intervals.h"
#include "store/store.h"
#include "suppress/disclosure.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

class OutcomesEndToEndTest : public testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    const std::string input = dir_ + "/input";
    using testing::TinyUpn;
    testing::WriteTinyInput(
        input,
        {{"enrolments.csv",
          "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" + TinyUpn(1) +
              ",900001,2015-09-03,,,C\n" + TinyUpn(2) + ",900002,2017-09-04,2018-09-07,other,C\n" +
              TinyUpn(3) + ",900002,2016-09-05,2019-01-31,ehe,C\n" + TinyUpn(4) +
              ",900002,2014-09-03,,,C\n" + TinyUpn(5) + ",900001,2018-09-03,,,C\n" + TinyUpn(6) +
              ",900002,2016-09-05,2018-09-05,transfer,C\n" + TinyUpn(6) +
              ",900003,2018-09-06,,,C\n"}});
    IngestOptions o;
    o.input_dir = input;
    o.store_dir = dir_ + "/store";
    IngestReport r;
    Status st = Ingest(o, &r);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  // Runs outcomes with the disclosure threshold given.
  void Run(int suppress_below, const std::string& places = "") {
    PupilLevelOutcomesOptions o;
    o.policy_file = dir_ + "/policy.json";
    std::ofstream(o.policy_file) << "{\"suppress_below\": " << suppress_below << "}";
    if (!places.empty()) {
      o.places_file = dir_ + "/places.csv";
      std::ofstream(o.places_file) << places;
    }
    Status st = RunPupilLevelOutcomes(dir_ + "/store", o, dir_ + "/out", &report_);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  OutcomesReport report_;  // the last Run's
  // Ingests `files` (WriteTinyInput's overrides) into the store; every row
  // must be accepted.
  void AddToStore(const std::string& name, const std::map<std::string, std::string>& files) {
    const std::string input = dir_ + "/" + name;
    testing::WriteTinyInput(input, files);
    IngestOptions io;
    io.input_dir = input;
    io.store_dir = dir_ + "/store";
    IngestReport ir;
    ASSERT_TRUE(Ingest(io, &ir).ok());
    ASSERT_EQ(ir.rows_rejected, 0);
  }
  CsvTable Load(const std::string& name) {
    auto t = CsvTable::Load(dir_ + "/out/" + name);
    EXPECT_TRUE(t.ok()) << name;
    return std::move(t).value();
  }
  // The value of an LA's row (all pupils unless `group`), or how many rows
  // matched when not one.
  static std::string LaValue(const CsvTable& t, const std::string& basis, const std::string& la,
                             const std::string& measure, const std::string& group = "Total") {
    const auto v = Cells(t,
                         {{"geographic_level", "Local authority"},
                          {"location_basis", basis},
                          {"old_la_code", la},
                          {"measure", measure},
                          {"breakdown", group}},
                         "value");
    return v.size() == 1 ? v[0] : "rows: " + std::to_string(v.size());
  }
  // The value of `column` in the rows matching all filters (empty: none).
  static std::vector<std::string> Cells(const CsvTable& t,
                                        const std::map<std::string, std::string>& where,
                                        const std::string& column) {
    std::vector<std::string> out;
    for (size_t r = 0; r < t.rows(); ++r) {
      bool match = true;
      for (const auto& [k, v] : where) match = match && t.Cell(r, t.Column(k)) == v;
      if (match) out.push_back(t.Cell(r, t.Column(column)));
    }
    return out;
  }
};

TEST_F(OutcomesEndToEndTest, SchoolLocatedLaCountsAreTheSumOfTheirSchoolsResidenceDiffers) {
  Run(1);
  const CsvTable m = Load("movement.csv");
  const std::map<std::string, std::string> total = {{"breakdown", "Total"},
                                                    {"school_type", "Total"}};
  for (const char* measure : {"exits", "moves", "ehe_exits", "cme_cases", "exits_no_school"}) {
    SCOPED_TRACE(measure);
    auto where = total;
    where["geographic_level"] = "Local authority";
    where["location_basis"] = "School location";
    where["old_la_code"] = "805";
    const auto la = Cells(m, where, measure);
    ASSERT_EQ(la.size(), 1u);
    int64_t schools = 0;
    for (const std::string& v :
         Cells(m, {{"geographic_level", "School"}, {"breakdown", "Total"}}, measure)) {
      schools += std::stoll(v);
    }
    EXPECT_EQ(std::stoll(la[0]), schools);
  }
  auto cell = [&](const char* basis, const char* la, const char* measure) {
    auto v = Cells(m,
                   {{"geographic_level", "Local authority"},
                    {"location_basis", basis},
                    {"old_la_code", la},
                    {"breakdown", "Total"},
                    {"school_type", "Total"}},
                   measure);
    return v.empty() ? std::string("no row") : v[0];
  };
  EXPECT_EQ(cell("School location", "805", "exits"), "3");
  EXPECT_EQ(cell("School location", "805", "ehe_exits"), "1");
  EXPECT_EQ(cell("School location", "805", "moves"), "1");
  EXPECT_EQ(cell("School location", "805", "cme_cases"), "1");
  // P3 lives in 806: by residence the exit to home education is 806's.
  EXPECT_EQ(cell("Pupil residence", "806", "ehe_exits"), "1");
  EXPECT_EQ(cell("Pupil residence", "805", "ehe_exits"), "0");
  EXPECT_EQ(cell("Pupil residence", "805", "exits"), "2");
}

TEST_F(OutcomesEndToEndTest, TheCaseListHasTheChildForTheHomeLaAndTheFiguresAgree) {
  Run(1);
  const CsvTable cme = Load("children_missing_education.csv");
  ASSERT_EQ(cme.rows(), 1u);
  EXPECT_EQ(cme.Cell(0, cme.Column("upn")), testing::TinyUpn(2));
  EXPECT_EQ(cme.Cell(0, cme.Column("home_la_code")), "805");
  EXPECT_EQ(cme.Cell(0, cme.Column("status")), "open");
  EXPECT_EQ(cme.Cell(0, cme.Column("last_school_urn")), "900002");
  EXPECT_EQ(cme.Cell(0, cme.Column("leaving_date")), "2018-09-07");
  EXPECT_EQ(cme.Cell(0, cme.Column("window_end_date")), "2018-09-21");
  // The last marks before leaving: O O on Wednesday, G G Thursday, / \ Friday.
  EXPECT_NE(cme.Cell(0, cme.Column("last_marks")).find("2018-09-07 / \\"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/children_missing_education.meta.csv"));
  const CsvTable lo = Load("local_outcomes.csv");
  const auto v = Cells(lo,
                       {{"geographic_level", "Local authority"},
                        {"location_basis", "School location"},
                        {"old_la_code", "805"},
                        {"measure", "cme_cases"},
                        {"breakdown", "Total"}},
                       "value");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], "1");
  // The overall absence rate carries the scorecard's interval (sessions
  // clustered by enrolment), and it contains the value.
  auto absence = [&](const char* column) {
    const auto v = Cells(lo,
                         {{"geographic_level", "Local authority"},
                          {"location_basis", "School location"},
                          {"old_la_code", "805"},
                          {"measure", "sess_overall_percent"},
                          {"breakdown", "Total"},
                          {"school_type", "Total"}},
                         column);
    return v.size() == 1 ? std::stod(v[0]) : -1.0;
  };
  EXPECT_GT(absence("value"), 0);
  EXPECT_LT(absence("lower_95"), absence("value"));
  EXPECT_GT(absence("upper_95"), absence("value"));
  // A store of two LAs of one region is not England: no England row, and no
  // England comparator (x), rather than the store set beside itself.
  EXPECT_TRUE(Cells(lo, {{"geographic_level", "National"}}, "value").empty());
  const auto england = Cells(lo,
                             {{"geographic_level", "Local authority"},
                              {"location_basis", "School location"},
                              {"old_la_code", "805"},
                              {"measure", "cme_cases"},
                              {"breakdown", "Total"}},
                             "england_value");
  ASSERT_EQ(england.size(), 1u);
  EXPECT_EQ(england[0], "x");
  // A measure the store cannot give is x, never 0: no EHC requests here.
  const auto ehcp = Cells(lo,
                          {{"geographic_level", "Local authority"},
                           {"location_basis", "Pupil residence"},
                           {"old_la_code", "805"},
                           {"measure", "ehcp_20_week_pupil_level"}},
                          "value");
  ASSERT_FALSE(ehcp.empty());
  EXPECT_EQ(ehcp[0], "x");
}

// SEND timeliness from ehcp_requests.csv, by the LA each request was made
// to: of the plans issued in 2018/19 with no exception, those within 20
// weeks (140 days) of the request. 805: one in 18 weeks, one in 21 weeks 4
// days, one late with an exception (left out), one with no plan yet, one
// issued the year before (left out); 806: one in 19 weeks 1 day.
// The year's exits are classified once: the computation keeps the exit
// grain's (as ClassifyExits gives them) for the case list. A computation
// with no exit measure has none, and the case list then classifies its
// own: the same file.
TEST_F(OutcomesEndToEndTest, TheComputationKeepsTheExitsItClassifiedForTheCaseList) {
  auto store = Store::Open(dir_ + "/store", Store::Mode::kRead);
  ASSERT_TRUE(store.ok());
  auto state = (*store)->Load(true, 1);
  ASSERT_TRUE(state.ok());
  const StoreState& st = *state;
  Policy policy;
  policy.suppress_below = 1;
  auto catalogue = DefaultCatalogue();
  ASSERT_TRUE(catalogue.ok());
  ComputeRequest request;
  request.state = &st;
  request.policy = &policy;
  request.catalogue = *catalogue;
  request.threads = 1;
  ComputeRequest attendance = request;
  ASSERT_TRUE(outcomes::AddFrameworkMeasures(**catalogue, &request).ok());
  auto framework = Compute(request);
  ASSERT_TRUE(framework.ok()) << framework.status().ToString();
  ASSERT_NE(framework->exits, nullptr);
  EXPECT_EQ(framework->first_day, st.year->FirstDay());
  EXPECT_EQ(framework->last_day, st.year->LastDay());
  const ExitSet alone = ClassifyExits(st, policy, st.year->FirstDay(), st.year->LastDay());
  ASSERT_EQ(alone.exits.size(), 3u);  // P2, P3 and P6's first registration
  ASSERT_EQ(framework->exits->exits.size(), alone.exits.size());
  for (size_t i = 0; i < alone.exits.size(); ++i) {
    EXPECT_EQ(framework->exits->exits[i].enrolment, alone.exits[i].enrolment);
    EXPECT_EQ(framework->exits->exits[i].move, alone.exits[i].move);
    EXPECT_EQ(framework->exits->exits[i].cme, alone.exits[i].cme);
  }
  const Family* family = (*catalogue)->FindFamily("attendance");
  ASSERT_NE(family, nullptr);
  attendance.indicators = family->indicators;
  auto without = Compute(attendance);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_EQ(without->exits, nullptr);
  const std::string period = "201819";
  uint64_t cases[2] = {0, 0}, open[2] = {0, 0};
  const Computation* computations[2] = {&*framework, &*without};
  for (int i = 0; i < 2; ++i) {
    const Computation& c = *computations[i];
    outcomes::PupilLevelContext ctx{st, policy, c.cube, c.flags, c, **catalogue, period, 1};
    const std::string out = dir_ + "/cme" + std::to_string(i);
    std::filesystem::create_directories(out);
    ASSERT_TRUE(outcomes::WriteCmeCases(ctx, out, &cases[i], &open[i]).ok());
  }
  EXPECT_EQ(cases[0], 1u);
  EXPECT_EQ(cases[1], cases[0]);
  EXPECT_EQ(open[1], open[0]);
  auto a = ReadFileToString(dir_ + "/cme0/children_missing_education.csv");
  auto b = ReadFileToString(dir_ + "/cme1/children_missing_education.csv");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST_F(OutcomesEndToEndTest, EhcPlansWithinTwentyWeeksByTheLaOfTheRequest) {
  using testing::TinyUpn;
  const std::string input = dir_ + "/ehcp_input";
  testing::WriteTinyInput(
      input, {{"ehcp_requests.csv",
               "upn,la_code,request_date,decision_date,decision,plan_issued_date,exception,"
               "exception_reason\n" +
                   TinyUpn(1) + ",805,2018-09-10,2018-10-15,assess,2019-01-14,N,\n" + TinyUpn(2) +
                   ",805,2018-10-01,2018-11-12,assess,2019-03-01,N,\n" + TinyUpn(3) +
                   ",805,2018-10-01,2018-11-12,assess,2019-04-01,Y,school holiday\n" + TinyUpn(5) +
                   ",805,2019-06-01,,,,,\n" + TinyUpn(6) +
                   ",805,2017-09-01,2017-10-09,assess,2018-01-10,N,\n" + TinyUpn(4) +
                   ",806,2018-11-01,2018-12-10,assess,2019-03-15,N,\n"}});
  IngestOptions io;
  io.input_dir = input;
  io.store_dir = dir_ + "/ehcp_store";
  IngestReport ir;
  ASSERT_TRUE(Ingest(io, &ir).ok());
  ASSERT_EQ(ir.rows_rejected, 0);
  PupilLevelOutcomesOptions o;
  o.policy_file = dir_ + "/policy1.json";
  std::ofstream(o.policy_file) << "{\"suppress_below\": 1}";
  OutcomesReport report;
  ASSERT_TRUE(RunPupilLevelOutcomes(io.store_dir, o, dir_ + "/ehcp_out", &report).ok());
  auto t = CsvTable::Load(dir_ + "/ehcp_out/local_outcomes.csv");
  ASSERT_TRUE(t.ok());
  auto value = [&](const char* level, const char* basis, const char* la) {
    std::map<std::string, std::string> where = {{"geographic_level", level},
                                                {"measure", "ehcp_20_week_pupil_level"},
                                                {"breakdown", "Total"}};
    if (basis != nullptr) where["location_basis"] = basis;
    if (la != nullptr) where["old_la_code"] = la;
    const auto v = Cells(*t, where, "value");
    return v.size() == 1 ? v[0] : "rows: " + std::to_string(v.size());
  };
  EXPECT_EQ(value("Local authority", "Pupil residence", "805"), "50.00000");
  EXPECT_EQ(value("Local authority", "Pupil residence", "806"), "100.00000");
  EXPECT_EQ(value("Regional", "Pupil residence", nullptr), "66.66667");
  // The store covers one region, not England: no England row.
  EXPECT_EQ(value("National", nullptr, nullptr), "rows: 0");
  // By school location the request's LA is not the school's: z.
  EXPECT_EQ(value("Local authority", "School location", "805"), "z");
  // With the one rule at 3, a count of 1 or 2 hides the figure.
  o.policy_file = dir_ + "/policy3.json";
  std::ofstream(o.policy_file) << "{\"suppress_below\": 3}";
  ASSERT_TRUE(RunPupilLevelOutcomes(io.store_dir, o, dir_ + "/ehcp_out3", &report).ok());
  t = CsvTable::Load(dir_ + "/ehcp_out3/local_outcomes.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(value("Local authority", "Pupil residence", "805"), "c");
  EXPECT_EQ(value("Regional", "Pupil residence", nullptr), "c");  // 2 of 3
}

// Employer engagement from employer_encounters.csv. Pupils in Years 7-11 on
// a roll during the year: at the academy P2 (Y8, until 7 September), P3
// (Y10, until 31 January), P4 (Y11) and P6 (Y9, until 5 September); P6 at
// the PRU too, which the LA's total leaves out (a pupil referral unit is a
// school type of its own, as the Department counts). P4 has two encounters
// (counted once), P3 a week's placement, P1 (Year 3) an encounter, which
// the Years 7-11 share leaves out.
TEST_F(OutcomesEndToEndTest, EmployerEncountersOfPupilsInYearsSevenToEleven) {
  using testing::TinyUpn;
  // Without the input, every row is x and says why (never 0%).
  Run(1);
  {
    const CsvTable lo = Load("local_outcomes.csv");
    EXPECT_EQ(LaValue(lo, "School location", "805", "employer_encounter_percent"), "x");
    EXPECT_EQ(Cells(lo, {{"measure", "employer_encounter_percent"}, {"value", "0.00000"}}, "value")
                  .size(),
              0u);
  }
  AddToStore("employer_input",
             {{"employer_encounters.csv",
               "upn,urn,activity,start_date,end_date,employer,role,hours\n" + TinyUpn(4) +
                   ",900002,encounter,2018-10-10,,Harbour Logistics,,1\n" + TinyUpn(4) +
                   ",900002,encounter,2018-11-20,,Greenfield Builders,,2\n" + TinyUpn(3) +
                   ",900002,placement,2018-11-05,2018-11-09,County Hospital,Ward support,30\n" +
                   TinyUpn(1) + ",900001,encounter,2018-10-01,,Riverside Engineering,,1\n"}});
  if (HasFatalFailure()) return;
  Run(1);
  const CsvTable lo = Load("local_outcomes.csv");
  auto value = [&](const char* basis, const char* la, const char* measure,
                   const char* group = "Total") { return LaValue(lo, basis, la, measure, group); };
  // By school location: P3 and P4 of the academy's four.
  EXPECT_EQ(value("School location", "805", "employer_encounter_pupils"), "2");
  EXPECT_EQ(value("School location", "805", "employer_encounter_percent"), "50.00000");
  EXPECT_EQ(value("School location", "805", "work_placements"), "1");
  // By residence: P3 lives in 806 (1 of 1); 805 has P4 of P2, P4 and P6.
  EXPECT_EQ(value("Pupil residence", "806", "employer_encounter_percent"), "100.00000");
  EXPECT_EQ(value("Pupil residence", "805", "employer_encounter_percent"), "33.33333");
  // The gap by group: P3 (EHC plan, looked after) was reached, P2 (SEN
  // support) was not.
  EXPECT_EQ(value("School location", "805", "employer_encounter_percent", "SEN support"),
            "0.00000");
  EXPECT_EQ(value("School location", "805", "employer_encounter_percent", "EHC plan"), "100.00000");
  // With the one rule at 3, counts of 1 or 2 are hidden.
  Run(3);
  EXPECT_EQ(
      LaValue(Load("local_outcomes.csv"), "School location", "805", "employer_encounter_percent"),
      "c");
}

// NEET or not known at 16 from destinations.csv, as the Department counts
// 16-17 year olds (the ends of December, January and February averaged):
// P4 (Year 11, lives in 805) is in college from August to November, NEET in
// December, in college in January, NEET in February and in college in March:
// 2 of the 3 months (a window a month early or late would give 1 of 3).
TEST_F(OutcomesEndToEndTest, NeetAtSixteenFromTheDestinationsOfTheYearsLeavers) {
  using testing::TinyUpn;
  auto value = [](const CsvTable& lo, const char* basis, const char* measure) {
    return LaValue(lo, basis, "805", measure);
  };
  // Without destinations every leaver would be "not known": x instead.
  Run(1);
  EXPECT_EQ(value(Load("local_outcomes.csv"), "Pupil residence", "NEET_not_known_16_percent"), "x");
  std::string rows = "upn,urn,ks4_year,month,activity,source\n";
  for (const char* m : {"2019-08", "2019-09", "2019-10", "2019-11", "2020-01", "2020-03"}) {
    rows += TinyUpn(4) + ",900002,201819," + m + ",fe_college,matched\n";
  }
  for (const char* m : {"2019-12", "2020-02"}) {
    rows += TinyUpn(4) + ",900002,201819," + m + ",neet,nccis\n";
  }
  AddToStore("destinations_input", {{"destinations.csv", rows}});
  if (HasFatalFailure()) return;
  Run(1);
  const CsvTable lo = Load("local_outcomes.csv");
  EXPECT_EQ(value(lo, "Pupil residence", "NEET_not_known_16_percent"), "66.66667");
  EXPECT_EQ(value(lo, "School location", "NEET_not_known_16_percent"), "66.66667");
  EXPECT_EQ(value(lo, "Pupil residence", "participating_16_percent"), "33.33333");
  // The Department's 16-17 measure stays x in this mode, and says where to look.
  const auto why = Cells(lo,
                         {{"geographic_level", "Local authority"},
                          {"location_basis", "Pupil residence"},
                          {"old_la_code", "805"},
                          {"measure", "NEET_not_known_percent"}},
                         "source");
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("NEET_not_known_16_percent"), std::string::npos);
}

// NEET or not known at 17: the same leavers a year on, December 2020 to
// February 2021 (months 16 to 18 after Year 11). Records that stop before
// February 2021 give x, saying why (every month after them would count as
// "not known"); then P4 is NEET in December, at college in January and has
// no record for February (not known): 2 of 3 months, 1 of 3 participating
// (a window a month early or late would give 1 or 3 of 3 NEET or not known).
TEST_F(OutcomesEndToEndTest, NeetAtSeventeenFromTheSameLeaversAYearOn) {
  using testing::TinyUpn;
  auto value = [](const CsvTable& lo, const char* basis, const char* measure) {
    return LaValue(lo, basis, "805", measure);
  };
  std::string rows = "upn,urn,ks4_year,month,activity,source\n";
  for (const char* m : {"2019-12", "2020-01", "2020-02", "2020-11"}) {
    rows += TinyUpn(4) + ",900002,201819," + m + ",fe_college,matched\n";
  }
  AddToStore("destinations_input", {{"destinations.csv", rows}});
  if (HasFatalFailure()) return;
  Run(1);
  CsvTable lo = Load("local_outcomes.csv");
  EXPECT_EQ(value(lo, "Pupil residence", "NEET_not_known_16_percent"), "0.00000");
  EXPECT_EQ(value(lo, "Pupil residence", "NEET_not_known_17_percent"), "x");
  const auto why = Cells(lo,
                         {{"geographic_level", "Local authority"},
                          {"location_basis", "Pupil residence"},
                          {"old_la_code", "805"},
                          {"breakdown", "Total"},
                          {"measure", "participating_17_percent"}},
                         "source");
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("stop before February 2021"), std::string::npos) << why[0];

  rows = "upn,urn,ks4_year,month,activity,source\n";
  for (const char* m : {"2021-01", "2021-03"}) {
    rows += TinyUpn(4) + ",900002,201819," + m + ",fe_college,matched\n";
  }
  rows += TinyUpn(4) + ",900002,201819,2020-12,neet,nccis\n";
  AddToStore("destinations_input_2", {{"destinations.csv", rows}});
  if (HasFatalFailure()) return;
  Run(1);
  lo = Load("local_outcomes.csv");
  EXPECT_EQ(value(lo, "Pupil residence", "NEET_not_known_17_percent"), "66.66667");
  EXPECT_EQ(value(lo, "School location", "NEET_not_known_17_percent"), "66.66667");
  EXPECT_EQ(value(lo, "Pupil residence", "participating_17_percent"), "33.33333");
}

// NEET or not known at 16-17 for one winter: this year's leavers at 16 and
// the year before's at 17 in the same December to February, their
// young-person months added. Hand-made counts for the year before: LA 805's
// residents (3 of 30 months NEET or not known), its region's hidden, and
// none for LA 805 by school location. This year's one leaver is in college
// all winter (0 of 3 months).
TEST_F(OutcomesEndToEndTest, NeetAtSixteenToSeventeenAddsTheYearBeforesLeaversAtSeventeen) {
  using testing::TinyUpn;
  std::string rows = "upn,urn,ks4_year,month,activity,source\n";
  for (const char* m : {"2019-12", "2020-01", "2020-02"}) {
    rows += TinyUpn(4) + ",900002,201819," + m + ",fe_college,matched\n";
  }
  AddToStore("destinations_input", {{"destinations.csv", rows}});
  if (HasFatalFailure()) return;
  auto store = Store::Open(dir_ + "/store", Store::Mode::kRead);
  ASSERT_TRUE(store.ok());
  auto state = (*store)->Load(true, 1);
  ASSERT_TRUE(state.ok());
  Policy policy;
  policy.suppress_below = 1;
  auto catalogue = DefaultCatalogue();
  ASSERT_TRUE(catalogue.ok());
  ComputeRequest request;
  request.state = &*state;
  request.policy = &policy;
  request.catalogue = *catalogue;
  request.threads = 1;
  ASSERT_TRUE(outcomes::AddFrameworkMeasures(**catalogue, &request).ok());
  auto c = Compute(request);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const int all = *FindCategory("all_pupils");
  outcomes::SeventeenCounts before;
  before.time_period = "201718";
  for (const AggregateUnit& unit : c->cube.units()) {
    const GeographyRow& g = unit.geography;
    if (g.level == GeographicLevel::kLocalAuthority && g.old_la_code == "805" &&
        unit.basis == LocationBasis::kResidence) {
      before.cells[outcomes::SeventeenKey(unit, all)] = {3, 30, false};
    }
    if (g.level == GeographicLevel::kRegional) {
      before.cells[outcomes::SeventeenKey(unit, all)] = {3, 30, true};
    }
  }
  ASSERT_EQ(before.cells.size(), 3u);  // the region by both bases
  outcomes::SeventeenCounts now;
  OutcomesReport report;
  PupilLevelOutcomesOptions o;
  o.local_outcomes_only = true;
  ASSERT_TRUE(outcomes::WriteFramework(*state, policy, **catalogue, *c, outcomes::UserPlaces(), o,
                                       dir_ + "/winter", &report,
                                       {.year_before = &before, .seventeen = &now})
                  .ok());
  auto lo = CsvTable::Load(dir_ + "/winter/local_outcomes.csv");
  ASSERT_TRUE(lo.ok());
  auto cell = [&](const char* level, const char* basis, const char* la, const char* column) {
    const auto v = Cells(*lo,
                         {{"geographic_level", level},
                          {"location_basis", basis},
                          {"old_la_code", la},
                          {"breakdown", "Total"},
                          {"measure", "NEET_not_known_percent"}},
                         column);
    return v.size() == 1 ? v[0] : "(" + std::to_string(v.size()) + " rows)";
  };
  EXPECT_EQ(cell("Local authority", "Pupil residence", "805", "value"), "9.09091");  // 3 of 33
  EXPECT_EQ(cell("Regional", "Pupil residence", "", "value"), "c");
  EXPECT_EQ(cell("Regional", "School location", "", "value"), "c");
  EXPECT_EQ(cell("Local authority", "School location", "805", "value"), "x");
  EXPECT_NE(cell("Local authority", "School location", "805", "source").find("201718 leavers"),
            std::string::npos);
  EXPECT_NE(cell("Local authority", "Pupil residence", "805", "source").find("the same winter"),
            std::string::npos);
  // This year's leavers at 17 for the year after's run: none yet (their
  // records stop before February 2021).
  EXPECT_TRUE(now.cells.empty());
  EXPECT_EQ(now.time_period, "201819");
  // Without the year before: x, saying what would give it.
  Run(1);
  const CsvTable alone = Load("local_outcomes.csv");
  const auto why = Cells(alone,
                         {{"geographic_level", "Local authority"},
                          {"location_basis", "Pupil residence"},
                          {"old_la_code", "805"},
                          {"measure", "NEET_not_known_percent"}},
                         "source");
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("--earlier-store"), std::string::npos) << why[0];
}

// SEND sufficiency: where children with an EHC plan on roll at the January
// census (17 January 2019) are taught. P3 (lives in 806) is at the academy
// in 805 until 31 January; a special school in 806 has P7 (lives in 805)
// and P8 (lives in 806).
TEST_F(OutcomesEndToEndTest, WhereChildrenWithAnEhcPlanAreTaught) {
  using testing::TinyUpn;
  AddToStore("send_input",
             {{"schools.csv",
               "urn,la_code,estab,name,phase,type,trust_id,postcode,open_date,close_date\n"
               "900004,806,7001,Tiny Special,special,Community special school,,,,\n"},
              {"pupils.csv",
               "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
               "looked_after,home_la_code,year_group\n" +
                   TinyUpn(7) + ",2010-05-05,M,N,N,E,ASD,N,N,805,3\n" + TinyUpn(8) +
                   ",2009-07-07,F,N,N,E,SLD,N,N,806,4\n"},
              {"enrolments.csv", "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" +
                                     TinyUpn(7) + ",900004,2017-09-04,,,C\n" + TinyUpn(8) +
                                     ",900004,2016-09-05,,,C\n"}});
  if (HasFatalFailure()) return;
  Run(1);
  const CsvTable lo = Load("local_outcomes.csv");
  auto value = [&](const char* basis, const char* la, const char* measure) {
    return LaValue(lo, basis, la, measure);
  };
  EXPECT_EQ(value("School location", "805", "ehcp_pupils"), "1");
  EXPECT_EQ(value("School location", "805", "ehcp_special_school_percent"), "0.00000");
  EXPECT_EQ(value("School location", "805", "ehcp_other_la_percent"), "100.00000");
  EXPECT_EQ(value("School location", "806", "ehcp_pupils"), "2");
  EXPECT_EQ(value("School location", "806", "ehcp_special_school_percent"), "100.00000");
  EXPECT_EQ(value("School location", "806", "ehcp_other_la_percent"), "50.00000");
  EXPECT_EQ(value("Pupil residence", "806", "ehcp_special_school_percent"), "50.00000");
  EXPECT_EQ(value("Pupil residence", "806", "ehcp_other_la_percent"), "50.00000");
  EXPECT_EQ(value("Pupil residence", "805", "ehcp_other_la_percent"), "100.00000");
}

// The summary's times: the files are one step, and the two lanes that
// write them side by side are listed apart, each within it (their times
// overlap, so they are not added to the steps).
TEST_F(OutcomesEndToEndTest, TheSummaryListsTheFilesLanesSideBySide) {
  Run(3);
  std::vector<std::string> steps;
  for (const auto& [name, seconds] : report_.steps) steps.push_back(name);
  EXPECT_EQ(steps, (std::vector<std::string>{"facts and cube", "suppress", "files"}));
  ASSERT_EQ(report_.lanes.size(), 2u);
  std::vector<std::vector<std::string>> lanes;
  for (const auto& lane : report_.lanes) {
    double total = 0;
    lanes.emplace_back();
    for (const auto& [name, seconds] : lane) {
      lanes.back().push_back(name);
      total += seconds;
    }
    EXPECT_LE(total, report_.steps.back().second);
  }
  EXPECT_EQ(lanes[0], (std::vector<std::string>{
                          "movement.csv", "movement_flows.csv", "children_missing_education.csv",
                          "unexplained_exits.csv", "trust_contribution.csv", "net_flows.csv"}));
  EXPECT_EQ(lanes[1], (std::vector<std::string>{"local_outcomes rows", "local_outcomes.csv"}));
  OutcomesReport r;
  r.steps = {{"facts and cube", 1.0}, {"suppress", 0.5}, {"files", 0.75}};
  EXPECT_NE(r.Summary().find("  time: facts and cube 1.00 s, suppress 0.50 s, files 0.75 s\n"),
            std::string::npos)
      << r.Summary();
  r.lanes = {{{"movement.csv", 0.46}, {"children_missing_education.csv", 0.23}},
             {{"local_outcomes rows", 0.3}}};
  EXPECT_NE(r.Summary().find("  time: facts and cube 1.00 s, suppress 0.50 s, files 0.75 s "
                             "(side by side: movement.csv 0.46 s, children_missing_education.csv "
                             "0.23 s | local_outcomes rows 0.30 s)\n"),
            std::string::npos)
      << r.Summary();
}

TEST_F(OutcomesEndToEndTest, SmallCountsAreHiddenByTheOneRule) {
  Run(3);
  const CsvTable m = Load("movement.csv");
  const auto v = Cells(m,
                       {{"geographic_level", "Local authority"},
                        {"location_basis", "School location"},
                        {"old_la_code", "805"},
                        {"breakdown", "Total"},
                        {"school_type", "Total"}},
                       "ehe_exits");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], "c");
  const CsvTable lo = Load("local_outcomes.csv");
  for (const std::string& value :
       Cells(lo, {{"measure", "ehe_exits"}, {"breakdown", "Total"}}, "value")) {
    EXPECT_TRUE(value == "c" || value == "0") << value;
  }
}

TEST_F(OutcomesEndToEndTest, PlacesByLaAndBySchoolAndABadPlacesFileIsRefused) {
  Run(1,
      "place_code,place_name,kind,member\n"
      "P1,Two LAs,la,805\nP1,Two LAs,la,806\n"
      "P2,The academy,school,900002\n");
  const CsvTable lo = Load("local_outcomes.csv");
  const auto by_la = Cells(lo,
                           {{"la_name", "Two LAs"},
                            {"location_basis", "Pupil residence"},
                            {"measure", "ehe_exits"},
                            {"breakdown", "Total"}},
                           "value");
  ASSERT_EQ(by_la.size(), 1u);
  EXPECT_EQ(by_la[0], "1");
  const auto by_school = Cells(
      lo, {{"la_name", "The academy"}, {"measure", "exits"}, {"breakdown", "Total"}}, "value");
  ASSERT_TRUE(by_school.empty());  // exits is not a local-outcomes measure: moves is
  const auto moves = Cells(
      lo, {{"la_name", "The academy"}, {"measure", "moves"}, {"breakdown", "Total"}}, "value");
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0], "1");
  PupilLevelOutcomesOptions o;
  o.places_file = dir_ + "/bad_places.csv";
  std::ofstream(o.places_file) << "place_code,place_name,kind,member\nP9,X,county,805\n";
  OutcomesReport report;
  Status st = RunPupilLevelOutcomes(dir_ + "/store", o, dir_ + "/out2", &report);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("kind"), std::string::npos);
}

// The daily job: a day that ends P4's registration (Year 9 at the academy,
// from 2014) for home education, committed and the place measures refreshed
// from the committed state in the same process, gives exactly the files a
// separate `lantern outcomes --store` gives afterwards, and counts the exit;
// so does the framework written from a build's computation (`ingest DAY
// --build OUT --outcomes LOF`), whose build files are a build's alone.
TEST_F(OutcomesEndToEndTest, TheDailyJobRefreshesThePlaceMeasuresFromTheCommittedState) {
  const std::string day = dir_ + "/day";
  std::filesystem::create_directories(day);
  std::ofstream(day + "/enrolments.csv")
      << "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n"
      << testing::TinyUpn(4) << ",900002,2014-09-03,2019-02-01,ehe,C\n";
  IngestOptions i;
  i.input_dir = day;
  i.store_dir = dir_ + "/store";
  IngestReport ir;
  std::shared_ptr<LoadedStore> committed;
  ASSERT_TRUE(Ingest(i, &ir, &committed).ok());
  ASSERT_TRUE(committed);
  PupilLevelOutcomesOptions o;
  o.policy_file = dir_ + "/policy.json";
  std::ofstream(o.policy_file) << "{\"suppress_below\": 1}";
  OutcomesReport daily, separate;
  ASSERT_TRUE(RunPupilLevelOutcomes(*committed, o, dir_ + "/daily", &daily).ok());
  // The daily job with --build: the framework from the build's computation.
  BuildOptions b;
  b.out_dir = dir_ + "/daily_build";
  b.policy_file = o.policy_file;
  b.outcomes_dir = dir_ + "/daily_shared";
  b.outcomes = o;
  BuildReport built;
  Status st = Build(*committed, b, &built);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(built.outcomes.rows, 0u);
  const uint64_t daily_movement_rows = built.outcomes.movement_rows;
  // Its movement.csv is the build's (the same computation), under a second
  // name, not written twice.
  EXPECT_TRUE(std::filesystem::equivalent(dir_ + "/daily_build/movement.csv",
                                          dir_ + "/daily_shared/movement.csv"));
  // User-defined places change the cube: a build does not take them.
  b.outcomes.places_file = dir_ + "/places.csv";
  b.outcomes_dir = dir_ + "/refused";
  EXPECT_FALSE(Build(*committed, b, &built).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/refused"));
  // A framework folder that cannot be made: the error says the build's files
  // are written and the place measures are not.
  std::ofstream(dir_ + "/a_file") << "x";
  b.outcomes.places_file.clear();
  b.out_dir = dir_ + "/daily_build2";
  b.outcomes_dir = dir_ + "/a_file/lof";
  st = Build(*committed, b, &built);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("the place measures could not be written"), std::string::npos)
      << st.message();
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/daily_build2/attendance.csv"));
  committed.reset();
  ASSERT_TRUE(RunPupilLevelOutcomes(dir_ + "/store", o, dir_ + "/out", &separate).ok());
  // The daily job's movement file has the rows of the framework's alone.
  EXPECT_EQ(daily_movement_rows, separate.movement_rows);
  EXPECT_GT(separate.movement_rows, 0u);
  for (const char* f : {"local_outcomes.csv", "movement.csv", "movement.meta.csv",
                        "trust_contribution.csv", "unexplained_exits.csv", "net_flows.csv",
                        "movement_flows.csv", "children_missing_education.csv"}) {
    SCOPED_TRACE(f);
    auto a = ReadFileToString(dir_ + "/daily/" + f);
    auto b = ReadFileToString(dir_ + "/out/" + f);
    auto c = ReadFileToString(dir_ + "/daily_shared/" + f);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(*c, *b);
  }
  // ... and the build's own files are those of a build alone.
  BuildOptions alone;
  alone.store_dir = dir_ + "/store";
  alone.out_dir = dir_ + "/build_alone";
  alone.policy_file = o.policy_file;
  ASSERT_TRUE(Build(alone, &built).ok());
  for (const char* f : {"attendance.csv", "suspensions.csv", "movement.csv"}) {
    SCOPED_TRACE(f);
    auto a = ReadFileToString(dir_ + "/daily_build/" + f);
    auto c = ReadFileToString(dir_ + "/build_alone/" + f);
    ASSERT_TRUE(a.ok() && c.ok());
    EXPECT_EQ(*a, *c);
  }
  const CsvTable m = Load("movement.csv");
  const auto ehe = Cells(m,
                         {{"geographic_level", "Local authority"},
                          {"location_basis", "School location"},
                          {"old_la_code", "805"},
                          {"breakdown", "Total"},
                          {"school_type", "Total"}},
                         "ehe_exits");
  ASSERT_EQ(ehe.size(), 1u);
  EXPECT_EQ(ehe[0], "2");  // P3's and now P4's
}

// Net flows (net_flows.csv) in a place of two secondary schools in LA 805:
// the academy (900002) and Tiny High (900004). E1-E3 (Year 9, EHC plan)
// leave the academy on 30 November and join Tiny High on 3 December; N1-N3
// (Year 9, no SEN) leave Tiny High on 31 January and join the academy on 4
// February. With the fixture's leavers from the academy (P2 with SEN
// support on 7 September, P3 with an EHC plan to home education on 31
// January, P6 to the PRU on 5 September: none at a usual leaving point;
// P6's entry to the PRU on 6 September is within the usual entry window,
// so no joining), worked by hand:
//
//   academy    joiners 3 (EHC plan 0), leavers 6 (EHC plan 4: E1-E3, P3)
//   Tiny High  joiners 3 (EHC plan 3), leavers 3 (EHC plan 0)
//
// J1 (Year 3, no SEN) joins Tiny Primary on 7 January: a primary school is
// set beside the place's other primary schools, never the secondaries.
//
// E1 was suspended at the academy on 15 October, before both his moves;
// N1 was suspended at the academy on 5 March, after both of hers.
class NetFlowsTest : public OutcomesEndToEndTest {
 protected:
  void SetUp() override {
    OutcomesEndToEndTest::SetUp();
    using testing::TinyUpn;
    std::string pupils =
        "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
        "looked_after,home_la_code,year_group\n";
    std::string enrolments = "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n";
    for (int i = 0; i < 3; ++i) {
      const std::string e = TinyUpn(11 + i), n = TinyUpn(21 + i);
      pupils += e + ",2005-01-10,M,N,N,E,ASD,N,N,805,9\n";
      pupils += n + ",2005-02-10,F,N,N,N,,N,N,805,9\n";
      enrolments += e + ",900002,2016-09-05,2018-11-30,transfer,C\n";
      enrolments += e + ",900004,2018-12-03,,,C\n";
      enrolments += n + ",900004,2016-09-05,2019-01-31,transfer,C\n";
      enrolments += n + ",900002,2019-02-04,,,C\n";
    }
    pupils += TinyUpn(31) + ",2011-05-05,F,N,N,N,,N,N,805,3\n";
    enrolments += TinyUpn(31) + ",900001,2019-01-07,,,C\n";
    AddToStore("net_flows_input",
               {{"schools.csv",
                 "urn,la_code,estab,name,phase,type,trust_id,postcode,open_date,close_date\n"
                 "900001,805,2001,Tiny Primary,primary,Community school,,TS1 1AA,,\n"
                 "900002,805,4001,\"Tiny Academy, Hartlepool\",secondary,Academy converter,TR1,,,\n"
                 "900003,805,1100,Tiny PRU,ap,Pupil referral unit,,,,\n"
                 "900004,805,4002,Tiny High,secondary,Community school,,,,\n"},
                {"pupils.csv", pupils},
                {"enrolments.csv", enrolments},
                {"suspensions.csv", "upn,urn,start_date,category,sessions,reason\n" + TinyUpn(11) +
                                        ",900002,2018-10-15,suspension,2,PA\n" + TinyUpn(21) +
                                        ",900002,2019-03-05,suspension,2,PA\n"}});
  }
  // A column of the one row of a school (by URN) or trust and a group.
  std::string Flow(const CsvTable& t, const std::string& level, const std::string& unit,
                   const std::string& group, const std::string& column) {
    const auto v = Cells(t,
                         {{"geographic_level", level},
                          {level == "School" ? "school_urn" : "trust_id", unit},
                          {"breakdown", group}},
                         column);
    return v.size() == 1 ? v[0] : "rows: " + std::to_string(v.size());
  }
};

TEST_F(NetFlowsTest, OneSchoolTakesInPupilsWithAnEhcPlanAndTheOtherLosesThem) {
  Run(1);
  const CsvTable t = Load("net_flows.csv");
  auto school = [&](const char* urn, const char* group, const char* column) {
    return Flow(t, "School", urn, group, column);
  };
  // The counts and the net, worked by hand.
  EXPECT_EQ(school("900004", "EHC plan", "joiners"), "3");
  EXPECT_EQ(school("900004", "EHC plan", "joiners_all"), "3");
  EXPECT_EQ(school("900004", "EHC plan", "leavers"), "0");
  EXPECT_EQ(school("900004", "EHC plan", "leavers_all"), "3");
  EXPECT_EQ(school("900004", "EHC plan", "net"), "3");
  EXPECT_EQ(school("900002", "EHC plan", "joiners"), "0");
  EXPECT_EQ(school("900002", "EHC plan", "joiners_all"), "3");
  EXPECT_EQ(school("900002", "EHC plan", "leavers"), "4");
  EXPECT_EQ(school("900002", "EHC plan", "leavers_all"), "6");
  EXPECT_EQ(school("900002", "EHC plan", "net"), "-4");
  EXPECT_EQ(school("900002", "Total", "net"), "-3");
  EXPECT_EQ(school("900002", "SEN support", "leavers"), "1");  // P2
  // The shares: each school's against the place's other secondary school's.
  EXPECT_EQ(school("900004", "EHC plan", "joiners_percent"), "100.00000");
  EXPECT_EQ(school("900004", "EHC plan", "place_joiners_percent"), "0.00000");
  EXPECT_EQ(school("900002", "EHC plan", "joiners_percent"), "0.00000");
  EXPECT_EQ(school("900002", "EHC plan", "place_joiners_percent"), "100.00000");
  EXPECT_EQ(school("900002", "EHC plan", "leavers_percent"), "66.66667");
  EXPECT_EQ(school("900002", "EHC plan", "place_leavers_percent"), "0.00000");
  EXPECT_EQ(school("900002", "EHC plan", "leavers_difference"), "66.66667");
  // Each difference lies in its interval; with three joiners a side the
  // interval of 100 points still leaves out zero, with six and three
  // leavers that of 67 points does not.
  for (const char* urn : {"900002", "900004"}) {
    for (const char* side : {"joiners", "leavers"}) {
      SCOPED_TRACE(std::string(urn) + " " + side);
      const std::string d = std::string(side) + "_difference";
      const double diff = std::stod(school(urn, "EHC plan", d.c_str()));
      EXPECT_LE(std::stod(school(urn, "EHC plan", (d + "_lower_95").c_str())), diff);
      EXPECT_GE(std::stod(school(urn, "EHC plan", (d + "_upper_95").c_str())), diff);
    }
  }
  EXPECT_GT(std::stod(school("900004", "EHC plan", "joiners_difference_lower_95")), 0);
  EXPECT_LT(std::stod(school("900002", "EHC plan", "joiners_difference_upper_95")), 0);
  EXPECT_LT(std::stod(school("900002", "EHC plan", "leavers_difference_lower_95")), 0);
  // Read as a question, never a verdict.
  EXPECT_EQ(school("900004", "EHC plan", "joiners_reading"),
            "more than its place's share of joiners with an EHC plan");
  EXPECT_EQ(school("900002", "EHC plan", "joiners_reading"),
            "less than its place's share of joiners with an EHC plan");
  EXPECT_EQ(school("900002", "EHC plan", "leavers_reading"),
            "in line with its place's share of leavers with an EHC plan");
  EXPECT_EQ(school("900002", "EHC plan", "question"),
            "Does it take its share of pupils with an EHC plan?");
  EXPECT_EQ(school("900002", "Total", "joiners_reading"), "not applicable");
  EXPECT_EQ(school("900002", "Total", "joiners_difference"), "z");
  // The trust (TR1: the academy alone among the place's secondary schools).
  EXPECT_EQ(Flow(t, "MAT", "TR1", "EHC plan", "leavers"), "4");
  EXPECT_EQ(Flow(t, "MAT", "TR1", "EHC plan", "joiners_reading"),
            "less than its place's share of joiners with an EHC plan");
  // The primary school's one joiner, with no other primary school to set
  // it beside; the PRU had no one join or leave after the usual points.
  EXPECT_EQ(school("900001", "Total", "joiners"), "1");
  EXPECT_EQ(school("900001", "EHC plan", "joiners_percent"), "0.00000");
  EXPECT_EQ(school("900001", "EHC plan", "place_joiners_percent"), "z");
  EXPECT_EQ(school("900001", "EHC plan", "joiners_reading"), "not assessed");
  EXPECT_EQ(Cells(t, {{"school_urn", "900003"}}, "net").size(), 0u);
  for (size_t r = 0; r < t.rows(); ++r) {
    for (const char* f : {"joiners_reading", "leavers_reading", "question"}) {
      EXPECT_LE(t.Cell(r, t.Column(f)).size(), 120u);
    }
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/net_flows.meta.csv"));
}

TEST_F(NetFlowsTest, SuspendedInTheYearBeforeTheMoveNotAfterIt) {
  Run(1);
  const CsvTable t = Load("net_flows.csv");
  const std::string g = "Previously suspended";
  // E1: suspended at the academy before leaving it and before joining Tiny
  // High. N1: suspended after leaving Tiny High and after joining the
  // academy.
  EXPECT_EQ(Flow(t, "School", "900002", g, "leavers"), "1");
  EXPECT_EQ(Flow(t, "School", "900002", g, "joiners"), "0");
  EXPECT_EQ(Flow(t, "School", "900004", g, "joiners"), "1");
  EXPECT_EQ(Flow(t, "School", "900004", g, "leavers"), "0");
  EXPECT_EQ(Flow(t, "School", "900004", g, "net"), "1");
  EXPECT_EQ(Flow(t, "School", "900004", g, "question"),
            "Does it take its share of pupils suspended in the year before the move?");
  // The same counts in movement.csv, by the one writer.
  const CsvTable m = Load("movement.csv");
  const auto la = Cells(m,
                        {{"geographic_level", "Local authority"},
                         {"location_basis", "School location"},
                         {"old_la_code", "805"},
                         {"breakdown", "Total"},
                         {"school_type", "Total"}},
                        "joiners_prev_susp");
  ASSERT_EQ(la.size(), 1u);
  EXPECT_EQ(la[0], "1");
}

TEST_F(NetFlowsTest, SmallCountsAreHiddenByTheOnePass) {
  Run(3);
  const CsvTable t = Load("net_flows.csv");
  const std::string g = "Previously suspended";
  // One previously suspended joiner at Tiny High: hidden, with the share,
  // the difference and the net it would give away.
  for (const char* column : {"joiners", "joiners_percent", "place_joiners_percent",
                             "joiners_difference", "joiners_difference_lower_95", "net"}) {
    SCOPED_TRACE(column);
    EXPECT_EQ(Flow(t, "School", "900004", g, column), "c");
  }
  EXPECT_EQ(Flow(t, "School", "900004", g, "joiners_reading"), "not assessed");
  // Every count is the cube's, hidden where movement.csv hides it: Tiny
  // High's three joiners with an EHC plan too (the pass hides them beside
  // the academy's one pupil with an EHC plan on census day).
  const CsvTable m = Load("movement.csv");
  EXPECT_EQ(Flow(t, "School", "900004", "EHC plan", "joiners"), "c");
  int compared = 0;
  for (const char* urn : {"900002", "900004"}) {
    for (const char* group :
         {"Total", "SEN support", "EHC plan", "Disadvantaged", "Previously suspended"}) {
      const bool susp = std::string(group) == "Previously suspended";
      for (const char* side : {"joiners", "leavers"}) {
        SCOPED_TRACE(std::string(urn) + " " + group + " " + side);
        const auto in_movement = Cells(m,
                                       {{"geographic_level", "School"},
                                        {"school_urn", urn},
                                        {"breakdown", susp ? "Total" : group}},
                                       susp ? std::string(side) + "_prev_susp" : std::string(side));
        // movement.csv has no row for a group with no one in it.
        ASSERT_LE(in_movement.size(), 1u);
        EXPECT_EQ(Flow(t, "School", urn, group, side), in_movement.empty() ? "0" : in_movement[0]);
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 20);
}

// unexplained_exits.csv on six more secondary academies in LA 805 (ten
// Year 9 pupils each; the k-th school loses k of them, k = 0..5, to no
// known destination, unexplained exits) beside the tiny academy (three
// unexplained exits of four pupils in Years 7-11, worked in the file's
// header comment). Every figure is checked against the file's own
// published rows: a school's rate with its Wilson interval, and a
// comparison group's pooled rate made only of its schools whose figures
// are published, so a hidden school's exits cannot be recovered from it.
TEST_F(OutcomesEndToEndTest, UnexplainedExitsAgainstSimilarSchoolsWithoutTheHiddenOnes) {
  std::string schools =
      "urn,la_code,estab,name,phase,type,trust_id,postcode,open_date,close_date\n";
  std::string pupils =
      "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
      "looked_after,home_la_code,year_group\n";
  std::string enrolments = "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n";
  for (int k = 0; k < 6; ++k) {
    const std::string urn = std::to_string(900010 + k);
    schools += urn + ",805," + std::to_string(4010 + k) + ",Academy " + std::to_string(k) +
               ",secondary,Academy converter,,,,\n";
    for (int i = 0; i < 10; ++i) {
      const std::string upn = testing::TinyUpn(100 + 10 * k + i);
      pupils += upn + ",2005-03-03,F,N,N,N,,N,N,805,9\n";
      enrolments += upn + "," + urn + ",2016-09-05," + (i < k ? "2018-11-05,other" : ",") + ",C\n";
    }
  }
  AddToStore("academies",
             {{"schools.csv", schools}, {"pupils.csv", pupils}, {"enrolments.csv", enrolments}});
  if (HasFatalFailure()) return;
  for (int threshold : {1, 3}) {
    SCOPED_TRACE(threshold);
    Run(threshold);
    const CsvTable t = Load("unexplained_exits.csv");
    std::map<std::string, std::pair<int64_t, int64_t>> published;  // group -> exits, roll
    std::map<std::string, int> units;
    int hidden = 0;
    for (size_t r = 0; r < t.rows(); ++r) {
      if (t.Cell(r, t.Column("geographic_level")) != "School" ||
          t.Cell(r, t.Column("school_type")) != "State-funded secondary") {
        continue;
      }
      const std::string exits(t.Cell(r, t.Column("unexplained_exits")));
      const std::string group(t.Cell(r, t.Column("comparison_group")));
      if (exits == "c") {
        ++hidden;
        EXPECT_EQ(t.Cell(r, t.Column("position")), "not assessed");
        continue;
      }
      const int64_t x = std::stoll(exits);
      const int64_t n = std::stoll(std::string(t.Cell(r, t.Column("roll_y7_11"))));
      published[group].first += x;
      published[group].second += n;
      ++units[group];
      EXPECT_NEAR(std::stod(std::string(t.Cell(r, t.Column("unexplained_exit_rate")))),
                  100.0 * x / n, 1e-4);
      const stats::Interval ci = stats::WilsonInterval(static_cast<double>(x), n);
      EXPECT_NEAR(std::stod(std::string(t.Cell(r, t.Column("lower_95")))), 100 * ci.lower, 1e-4);
      EXPECT_NEAR(std::stod(std::string(t.Cell(r, t.Column("upper_95")))), 100 * ci.upper, 1e-4);
    }
    for (size_t r = 0; r < t.rows(); ++r) {
      if (t.Cell(r, t.Column("school_type")) != "State-funded secondary") continue;
      const std::string group(t.Cell(r, t.Column("comparison_group")));
      const std::string rate(t.Cell(r, t.Column("comparison_rate")));
      if (units[group] < 5) {
        EXPECT_EQ(group, "Too few schools of its type to compare");
        EXPECT_EQ(rate, "x");
        continue;
      }
      EXPECT_EQ(t.Cell(r, t.Column("comparison_units")), std::to_string(units[group]));
      EXPECT_NEAR(std::stod(rate), 100.0 * published[group].first / published[group].second, 1e-4)
          << group;
    }
    if (threshold == 1) {
      // Nothing hidden: all seven compared as similar schools (every FSM
      // share is 0: one fifth), pooled 18 of 64.
      EXPECT_EQ(hidden, 0);
      // The tiny academy (3 of 4) and Academy k (k of 10).
      const auto academy = Cells(t, {{"school_urn", "900002"}}, "unexplained_exits");
      ASSERT_EQ(academy.size(), 1u);
      EXPECT_EQ(academy[0], "3");
      const auto five = Cells(t, {{"school_urn", "900015"}}, "unexplained_exits");
      ASSERT_EQ(five.size(), 1u);
      EXPECT_EQ(five[0], "5");
      EXPECT_EQ(units["Similar schools (fifth 1 of FSM share)"], 7);
      EXPECT_EQ(published["Similar schools (fifth 1 of FSM share)"],
                (std::pair<int64_t, int64_t>{18, 64}));
    } else {
      EXPECT_GE(hidden, 2);  // Academy 1 and Academy 2 at least
    }
  }
}

// Flows between trusts and out of education (movement_flows.csv). LA 805's
// schools: Tiny Academy (900002) and Tiny Academy North (900007) of the
// Tiny Learning Trust (TR1); Second Academy (900005) of the Second Trust
// (TR2); Tiny Primary, the PRU and Tiny High (900004) in no trust; and
// Middlesbrough Academy (900008, TR2) in 806. Beside the fixture's three
// exits from the academy (P2, a CME case still open; P3 to home
// education; P6 to the PRU), all in Year 9:
//
//   A1-A4  academy -> Second Academy          TR1 -> TR2            4
//   B1     academy -> Tiny Academy North      TR1 -> TR1            1
//   C1-C3  Second Academy -> Middlesbrough    TR2 -> Another LA     3
//   D1-D5  Second Academy -> Tiny High        TR2 -> no trust       5
//   E1     Second Academy, back there         TR2 -> Same school    1
//   F1-F3  Tiny High -> academy               no trust -> TR1       3
//   G1     Tiny High, emigrated               no trust -> no school 1
//   H1-H3  Middlesbrough Academy, emigrated   (806) TR2 -> no school 3
class MovementFlowsTest : public OutcomesEndToEndTest {
 protected:
  void SetUp() override {
    OutcomesEndToEndTest::SetUp();
    std::string pupils =
        "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
        "looked_after,home_la_code,year_group\n";
    std::string enrolments = "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n";
    int next = 41;
    // `n` pupils who leave `from` on `left` for `reason` and (unless `to`
    // is empty) join `to` on the next school day.
    auto moves = [&](int n, const std::string& from, const std::string& left,
                     const std::string& reason, const std::string& to, const std::string& joined) {
      for (int i = 0; i < n; ++i) {
        const std::string upn = testing::TinyUpn(next++);
        pupils += upn + ",2005-03-03,M,N,N,N,,N,N," + (from == "900008" ? "806" : "805") + ",9\n";
        enrolments += upn + "," + from + ",2016-09-05," + left + "," + reason + ",C\n";
        if (!to.empty()) enrolments += upn + "," + to + "," + joined + ",,,C\n";
      }
    };
    moves(4, "900002", "2018-11-30", "transfer", "900005", "2018-12-03");  // A
    moves(1, "900002", "2018-11-30", "transfer", "900007", "2018-12-03");  // B
    moves(3, "900005", "2019-01-31", "transfer", "900008", "2019-02-01");  // C
    moves(5, "900005", "2019-01-31", "transfer", "900004", "2019-02-01");  // D
    moves(1, "900005", "2018-11-30", "other", "900005", "2018-12-03");     // E
    moves(3, "900004", "2019-01-31", "transfer", "900002", "2019-02-01");  // F
    moves(1, "900004", "2019-01-31", "emigrated", "", "");                 // G
    moves(3, "900008", "2019-01-31", "emigrated", "", "");                 // H
    AddToStore(
        "flows_input",
        {{"trusts.csv",
          "trust_id,trust_name,trust_type\nTR1,Tiny Learning Trust,MAT\nTR2,Second Trust,MAT\n"},
         {"schools.csv",
          "urn,la_code,estab,name,phase,type,trust_id,postcode,open_date,close_date\n"
          "900001,805,2001,Tiny Primary,primary,Community school,,TS1 1AA,,\n"
          "900002,805,4001,\"Tiny Academy, Hartlepool\",secondary,Academy converter,TR1,,,\n"
          "900003,805,1100,Tiny PRU,ap,Pupil referral unit,,,,\n"
          "900004,805,4002,Tiny High,secondary,Community school,,,,\n"
          "900005,805,4003,Second Academy,secondary,Academy converter,TR2,,,\n"
          "900007,805,4004,Tiny Academy North,secondary,Academy converter,TR1,,,\n"
          "900008,806,4005,Middlesbrough Academy,secondary,Academy converter,TR2,,,\n"},
         {"pupils.csv", pupils},
         {"enrolments.csv", enrolments}});
  }
  // LA -> "from > to" -> exits, from movement_flows.csv; checks the columns
  // on the way.
  std::map<std::string, std::map<std::string, std::string>> Flows() {
    const CsvTable t = Load("movement_flows.csv");
    std::map<std::string, std::map<std::string, std::string>> out;
    for (size_t r = 0; r < t.rows(); ++r) {
      EXPECT_EQ(t.Cell(r, t.Column("geographic_level")), "Local authority");
      EXPECT_EQ(t.Cell(r, t.Column("time_period")), "201819");
      const std::string key = std::string(t.Cell(r, t.Column("from_name"))) + " > " +
                              std::string(t.Cell(r, t.Column("to_name")));
      EXPECT_TRUE(out[std::string(t.Cell(r, t.Column("old_la_code")))]
                      .emplace(key, t.Cell(r, t.Column("exits")))
                      .second)
          << key;
    }
    return out;
  }
};

TEST_F(MovementFlowsTest, ExitsBetweenTrustsAndOutOfEducationAddUpToMovementCsv) {
  if (HasFatalFailure()) return;
  Run(1);
  const auto flows = Flows();
  const std::map<std::string, std::string> la805 = {
      {"Second Trust > Maintained schools", "5"},
      {"Second Trust > A school in another LA", "3"},
      {"Second Trust > Registered at the same school again", "1"},
      {"Tiny Learning Trust > Second Trust", "4"},
      {"Tiny Learning Trust > Tiny Learning Trust", "1"},
      {"Tiny Learning Trust > Maintained schools", "1"},
      {"Tiny Learning Trust > Elective home education, no school after", "1"},
      {"Tiny Learning Trust > Children missing education (open case)", "1"},
      {"Maintained schools > Tiny Learning Trust", "3"},
      {"Maintained schools > No school in the records", "1"},
  };
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows.at("805"), la805);
  EXPECT_EQ(flows.at("806"),
            (std::map<std::string, std::string>{{"Second Trust > No school in the records", "3"}}));
  // The groups, and the order: trusts by name, then no trust; to a trust,
  // no trust, then out of the LA's schools.
  const CsvTable t = Load("movement_flows.csv");
  std::vector<std::string> order;
  for (size_t r = 0; r < t.rows() && order.size() < 3; ++r) {
    order.push_back(std::string(t.Cell(r, t.Column("from_group"))) + "/" +
                    std::string(t.Cell(r, t.Column("to_group"))));
  }
  EXPECT_EQ(order,
            (std::vector<std::string>{"Trust/No trust", "Trust/Another LA", "Trust/Same school"}));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/movement_flows.meta.csv"));

  // Every origin's flows add up to its schools' exits in movement.csv, each
  // LA's to its exits (the headline types and the PRUs, which the policy
  // leaves out of the Total), and each destination that movement.csv counts
  // to its count there.
  const CsvTable m = Load("movement.csv");
  auto la_cell = [&](const std::string& la, const char* type, const char* measure) {
    const auto v = Cells(m,
                         {{"geographic_level", "Local authority"},
                          {"location_basis", "School location"},
                          {"old_la_code", la},
                          {"breakdown", "Total"},
                          {"school_type", type}},
                         measure);
    return v.size() == 1 ? std::stoll(v[0]) : int64_t{0};
  };
  auto school_exits = [&](const std::string& la, const std::string& trust) {
    int64_t n = 0;
    for (size_t r = 0; r < m.rows(); ++r) {
      if (m.Cell(r, m.Column("geographic_level")) == "School" &&
          m.Cell(r, m.Column("breakdown")) == "Total" && m.Cell(r, m.Column("old_la_code")) == la &&
          m.Cell(r, m.Column("trust_id")) == trust) {
        n += std::stoll(std::string(m.Cell(r, m.Column("exits"))));
      }
    }
    return n;
  };
  const std::map<std::string, std::string> trust_ids = {
      {"Tiny Learning Trust", "TR1"}, {"Second Trust", "TR2"}, {"Maintained schools", ""}};
  for (const auto& [la, cells] : flows) {
    SCOPED_TRACE(la);
    std::map<std::string, int64_t> from, to;
    int64_t total = 0;
    for (const auto& [key, v] : cells) {
      const size_t gt = key.find(" > ");
      from[key.substr(0, gt)] += std::stoll(v);
      to[key.substr(gt + 3)] += std::stoll(v);
      total += std::stoll(v);
    }
    EXPECT_EQ(total, la_cell(la, "Total", "exits") + la_cell(la, "Pupil referral unit", "exits"));
    for (const auto& [name, n] : from) EXPECT_EQ(n, school_exits(la, trust_ids.at(name))) << name;
    EXPECT_EQ(to["A school in another LA"], la_cell(la, "Total", "moves_other_la"));
    EXPECT_EQ(to["Elective home education, no school after"],
              la_cell(la, "Total", "ehe_no_school"));
    EXPECT_EQ(to["Children missing education (open case)"], la_cell(la, "Total", "cme_open"));
  }
  EXPECT_EQ(la_cell("805", "Total", "exits"), 21);
}

// The rule on the LA 805 table above, as counted (threshold 3): the
// counts of 1 are hidden, then a second cell in every row and column that
// has one. The Second Trust's row has one small cell (E1, same school):
// its Maintained schools cell (5) is hidden with it rather than its
// smaller Another LA cell (3), which is alone in its column and so is the
// LA's published moves_other_la. The Maintained schools column then has
// two hidden; the Tiny Learning Trust column has one (B1), so its other
// cell (F1-F3) goes, which gives the Maintained schools row its second.
TEST(MovementFlowsTableTest, ARowWithOneSmallCellGetsASecondHidden) {
  constexpr int kTr2 = 0, kTr1 = 1, kNoTrust = -1, kOtherLa = -2, kSame = -3, kHome = -4,
                kMissing = -5, kNone = -6;
  std::vector<outcomes::FlowCell> t = {
      {kTr2, kNoTrust, 5}, {kTr2, kOtherLa, 3}, {kTr2, kSame, 1}, {kTr1, kTr1, 1},
      {kTr1, kTr2, 4},     {kTr1, kNoTrust, 1}, {kTr1, kHome, 1}, {kTr1, kMissing, 1},
      {kNoTrust, kTr1, 3}, {kNoTrust, kNone, 1}};
  for (auto& c : t) c.hidden = IsDisclosive(c.n, 3);
  outcomes::SuppressFlowTable(&t, 3);
  std::vector<int64_t> shown;
  for (const auto& c : t) {
    if (!c.hidden) shown.push_back(c.n);
  }
  EXPECT_EQ(shown, (std::vector<int64_t>{3, 4}));  // TR2 -> another LA, TR1 -> TR2
  EXPECT_TRUE(t[0].hidden);                        // TR2 -> no trust, 5
}

// Every line with a hidden cell of a table after the rule: two or more
// hidden adding up to the threshold, so no subtraction of the shown cells
// from the margin gives one back; or every nonzero cell of it hidden, the
// margin then being their sum. Returns what is wrong, or "".
std::string FlowLinesProblem(const std::vector<outcomes::FlowCell>& t, int threshold) {
  std::map<std::pair<bool, int>, std::vector<const outcomes::FlowCell*>> lines;
  for (const auto& c : t) {
    lines[{true, c.from}].push_back(&c);
    lines[{false, c.to}].push_back(&c);
  }
  for (const auto& [line, cells] : lines) {
    int hidden = 0, shown_nonzero = 0;
    int64_t hidden_sum = 0;
    for (const auto* c : cells) {
      if (c->hidden) {
        ++hidden;
        hidden_sum += c->n;
      } else if (c->n != 0) {
        ++shown_nonzero;
      }
    }
    if (hidden == 0 || (hidden >= 2 && hidden_sum >= threshold) || shown_nonzero == 0) continue;
    return (line.first ? "row " : "column ") + std::to_string(line.second) + ": " +
           std::to_string(hidden) + " hidden adding up to " + std::to_string(hidden_sum);
  }
  return "";
}

// By brute force on random tables: after the rule, no line with a shown
// cell lets a hidden one be had by subtraction, and a cell is hidden only
// if the rule needed it (a count of 1 or 2, or a line's second).
TEST(MovementFlowsTableTest, NoHiddenCellIsItsMarginLessTheShownCellsOnRandomTables) {
  std::mt19937 rng(20190131);
  int secondary = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const int rows = 1 + static_cast<int>(rng() % 6), cols = 1 + static_cast<int>(rng() % 8);
    std::vector<outcomes::FlowCell> t;
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const int64_t n = rng() % 3 == 0 ? 0 : (rng() % 2 ? 1 + rng() % 3 : 1 + rng() % 40);
        if (n > 0) t.push_back({r, -1 - c, n, IsDisclosive(n, 3)});
      }
    }
    const auto before = t;
    outcomes::SuppressFlowTable(&t, 3);
    ASSERT_EQ(FlowLinesProblem(t, 3), "") << "trial " << trial;
    for (size_t i = 0; i < t.size(); ++i) {
      EXPECT_TRUE(t[i].hidden || !before[i].hidden);  // primary stays hidden
      secondary += t[i].hidden && !before[i].hidden;
    }
  }
  EXPECT_GT(secondary, 0);
}

// End to end with the one rule at 3: every shown flow is 3 or more and is
// the count; every line passes the check above; and a line whose margin
// movement.csv publishes (an origin's schools' exits; the LA's count of
// moves to another LA, exits to home education, open CME cases, re-
// registrations, exits to no school) never has one hidden cell and the
// rest shown, so subtracting gives nothing back. The tiny store's
// disclosure pass hides much of movement.csv (few pupils in each group),
// and the table hides with it: a figure hidden there is hidden here.
TEST_F(MovementFlowsTest, AHiddenFlowCannotBeRecoveredFromItsMargins) {
  if (HasFatalFailure()) return;
  Run(1);
  const auto counts = Flows();
  Run(3);
  const auto shown = Flows();
  ASSERT_EQ(shown.size(), counts.size());
  const CsvTable m = Load("movement.csv");
  // A count of movement.csv at the LA (the Total and PRU rows: the table
  // counts both) or at a trust's (or no trust's) schools in the LA; empty
  // when hidden there.
  auto la_count = [&](const std::string& la, const char* measure) -> std::optional<int64_t> {
    int64_t n = 0;
    for (const char* type : {"Total", "Pupil referral unit"}) {
      const auto v = Cells(m,
                           {{"geographic_level", "Local authority"},
                            {"location_basis", "School location"},
                            {"old_la_code", la},
                            {"breakdown", "Total"},
                            {"school_type", type}},
                           measure);
      if (v.size() != 1 || v[0] == "c") return std::nullopt;
      n += std::stoll(v[0]);
    }
    return n;
  };
  auto schools_exits = [&](const std::string& la,
                           const std::string& trust) -> std::optional<int64_t> {
    int64_t n = 0;
    for (size_t r = 0; r < m.rows(); ++r) {
      if (m.Cell(r, m.Column("geographic_level")) != "School" ||
          m.Cell(r, m.Column("breakdown")) != "Total" || m.Cell(r, m.Column("old_la_code")) != la ||
          m.Cell(r, m.Column("trust_id")) != trust) {
        continue;
      }
      const std::string v(m.Cell(r, m.Column("exits")));
      if (v == "c") return std::nullopt;
      n += std::stoll(v);
    }
    return n;
  };
  const std::map<std::string, std::string> trust_ids = {
      {"Tiny Learning Trust", "TR1"}, {"Second Trust", "TR2"}, {"Maintained schools", ""}};
  int hidden_total = 0;
  for (const auto& [la, cells] : shown) {
    SCOPED_TRACE(la);
    // The LA's margins of the destinations movement.csv counts.
    auto sub = [](std::optional<int64_t> a, std::optional<int64_t> b,
                  std::optional<int64_t> c) -> std::optional<int64_t> {
      if (!a || !b || !c) return std::nullopt;
      return *a - *b - *c;
    };
    const std::map<std::string, std::optional<int64_t>> column_margin = {
        {"A school in another LA", la_count(la, "moves_other_la")},
        {"Elective home education, no school after", la_count(la, "ehe_no_school")},
        {"Children missing education (open case)", la_count(la, "cme_open")},
        {"Registered at the same school again",
         sub(la_count(la, "exits"), la_count(la, "moves"), la_count(la, "exits_no_school"))},
        {"No school in the records", sub(la_count(la, "exits_no_school"),
                                         la_count(la, "ehe_no_school"), la_count(la, "cme_open"))},
    };
    std::vector<outcomes::FlowCell> table;
    std::map<std::string, int> ids;
    auto id = [&](const std::string& name) { return ids.emplace(name, ids.size()).first->second; };
    std::map<std::string, std::pair<int, int64_t>> rows, columns;  // name -> hidden, sum shown
    for (const auto& [key, v] : cells) {
      const size_t gt = key.find(" > ");
      const std::string from = key.substr(0, gt), to = key.substr(gt + 3);
      const int64_t n = std::stoll(counts.at(la).at(key));
      if (v == "c") {
        ++hidden_total;
      } else {
        EXPECT_EQ(v, std::to_string(n)) << key;
        EXPECT_GE(n, 3) << key;
      }
      table.push_back({id("from " + from), id("to " + to), n, v == "c"});
      for (auto* line : {&rows[from], &columns[to]}) {
        line->first += v == "c";
        if (v != "c") line->second += n;
      }
    }
    EXPECT_EQ(FlowLinesProblem(table, 3), "");
    for (const auto& [from, line] : rows) {
      if (const auto margin = schools_exits(la, trust_ids.at(from)); margin && line.first == 1) {
        ADD_FAILURE() << from << ": one hidden flow, " << *margin - line.second
                      << ", is its published exits less the shown flows";
      }
    }
    for (const auto& [to, line] : columns) {
      const auto margin = column_margin.find(to);
      if (margin != column_margin.end() && margin->second && line.first == 1) {
        ADD_FAILURE() << to << ": one hidden flow, " << *margin->second - line.second
                      << ", is the LA's published count less the shown flows";
      }
      // A count hidden there is not the sum of shown flows here.
      if (margin != column_margin.end() && !margin->second) {
        EXPECT_GT(line.first, 0) << to;
      }
    }
    for (const auto& [from, line] : rows) {
      if (!schools_exits(la, trust_ids.at(from))) {
        EXPECT_GT(line.first, 0) << from;
      }
    }
    // A flow that is one school's count in movement.csv is hidden when it is.
    for (const auto& [key, v] : cells) {
      const size_t gt = key.find(" > ");
      const std::string from = key.substr(0, gt), to = key.substr(gt + 3);
      const std::map<std::string, std::string> measure_of = {
          {"A school in another LA", "moves_other_la"},
          {"Elective home education, no school after", "ehe_no_school"},
          {"Children missing education (open case)", "cme_open"},
          {from, "moves_same_trust"}};
      const auto measure = measure_of.find(to);
      if (measure == measure_of.end()) continue;
      const auto school = Cells(m,
                                {{"geographic_level", "School"},
                                 {"breakdown", "Total"},
                                 {"old_la_code", la},
                                 {"trust_id", trust_ids.at(from)}},
                                measure->second);
      if (school.size() == 1 && school[0] == "c") {
        EXPECT_EQ(v, "c") << key;
      }
    }
  }
  EXPECT_GT(hidden_total, 0);
}

}  // namespace
}  // namespace lantern
