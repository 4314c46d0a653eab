// The Local Outcomes Framework's table: comparators, gaps, disclosure and the
// file, on hand-made rows worked by hand; then open-data mode on the real
// published files, reproducing for a handful of LAs what the files give.
#include "outcomes/local_outcomes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/csv_table.h"
#include "lantern/outcomes.h"
#include "outcomes/open_data_sources.h"
#include "reference/lait.h"
#include "reference/real_data.h"
#include "stats/intervals.h"
#include "tests/real_data.h"
#include "tests/scratch_dir.h"

namespace lantern::outcomes {
namespace {

std::shared_ptr<const GeographyRow> La(int code, const char* region = "E12000001") {
  GeographyRow g;
  g.level = GeographicLevel::kLocalAuthority;
  g.old_la_code = std::to_string(code);
  g.new_la_code = "E0600" + std::to_string(code);
  g.la_name = "LA " + std::to_string(code);
  g.region_code = region;
  g.region_name = "North East";
  return std::make_shared<const GeographyRow>(g);
}

std::shared_ptr<const GeographyRow> England() {
  return std::make_shared<const GeographyRow>(GeographyRow{});
}

OutcomeRow Row(std::shared_ptr<const GeographyRow> place, const char* measure, Figure f,
               const char* topic = "Total", const char* group = "Total") {
  OutcomeRow r;
  r.time_period = "201819";
  r.time_identifier = "Academic year";
  r.place = std::move(place);
  r.measure = measure;
  r.breakdown_topic = topic;
  r.breakdown = group;
  r.source = "test";
  r.figure = f;
  return r;
}

TEST(LocalOutcomes, NeighbourMeanCountsOnlyNeighboursWithAValueAndQuartersAreContext) {
  std::vector<OutcomeRow> rows;
  rows.push_back(Row(England(), "susp_rate", PublishedFigure(5.0)));
  // LA 100 and its neighbours 101..103 (104 has no row, 103 is x).
  rows.push_back(Row(La(100), "susp_rate", PublishedFigure(8.0)));
  rows.push_back(Row(La(101), "susp_rate", PublishedFigure(2.0)));
  rows.push_back(Row(La(102), "susp_rate", PublishedFigure(4.0)));
  rows.push_back(Row(La(103), "susp_rate", SymbolFigure(GssSymbol::kNotAvailable)));
  rows.push_back(Row(La(105), "susp_rate", PublishedFigure(6.0)));
  NeighbourMap sn = {{100, {101, 102, 103, 104}}};
  AddComparators(rows, sn);
  const OutcomeRow& la = rows[1];
  EXPECT_EQ(la.sn_count, 2);
  EXPECT_DOUBLE_EQ(la.sn_mean, 3.0);
  EXPECT_DOUBLE_EQ(la.england_value, 5.0);
  // Four LA values 2, 4, 6, 8: 8 is in the highest quarter, 2 the lowest.
  EXPECT_EQ(la.quartile, "highest quarter of LAs");
  EXPECT_EQ(rows[2].quartile, "lowest quarter of LAs");
  EXPECT_EQ(rows[4].quartile, "not assessed");     // x: no position
  EXPECT_EQ(rows[2].sn_count, -1);                 // no neighbour list
  EXPECT_TRUE(std::isnan(rows[0].england_value));  // England has no England comparator
}

TEST(LocalOutcomes, GapToPeersHasNewcombesIntervalAndTheEnglandPeersGap) {
  std::vector<OutcomeRow> rows;
  rows.push_back(Row(La(100), "enrolments_pa_10_exact_percent", ProportionFigure(30, 120),
                     "SEN provision", "EHC plan"));
  rows.push_back(Row(La(100), "enrolments_pa_10_exact_percent", ProportionFigure(100, 1000),
                     "SEN provision", "No SEN"));
  rows.push_back(Row(England(), "enrolments_pa_10_exact_percent", ProportionFigure(800, 10000),
                     "SEN provision", "No SEN"));
  AddComparators(rows, {});
  const OutcomeRow& g = rows[0];
  EXPECT_EQ(g.peer_breakdown, "No SEN");
  EXPECT_DOUBLE_EQ(g.peer_value, 10.0);
  EXPECT_NEAR(g.gap, 15.0, 1e-9);
  const stats::Interval d = stats::NewcombeDifference(30, 120, 100, 1000);
  EXPECT_NEAR(g.gap_lower, d.lower * 100, 1e-9);
  EXPECT_NEAR(g.gap_upper, d.upper * 100, 1e-9);
  EXPECT_LT(g.gap_lower, 15.0);
  EXPECT_GT(g.gap_upper, 15.0);
  EXPECT_NEAR(g.gap_to_england_peers, 25.0 - 8.0, 1e-9);
  const stats::Interval e = stats::NewcombeDifference(30, 120, 800, 10000);
  EXPECT_NEAR(g.gap_to_england_lower, e.lower * 100, 1e-9);
  EXPECT_NEAR(g.gap_to_england_upper, e.upper * 100, 1e-9);
  EXPECT_LT(g.gap_to_england_lower, 17.0);
  EXPECT_GT(g.gap_to_england_upper, 17.0);
  // The definitions.md 8.4 worked example: 30 of 120 is 18.1% to 33.4%.
  EXPECT_NEAR(rows[0].figure.lower, 18.1, 0.05);
  EXPECT_NEAR(rows[0].figure.upper, 33.4, 0.05);
  // No SEN has no peers.
  EXPECT_TRUE(rows[1].peer_breakdown.empty());
}

// A session figure: the session counts and its own (clustered) interval.
Figure SessionFigure(double absent, double possible, double lower, double upper) {
  Figure f;
  f.numerator = absent;
  f.denominator = possible;
  f.value = absent / possible * 100;
  f.lower = lower;
  f.upper = upper;
  return f;
}

// Sessions cluster in pupils, so a binomial interval on them is far too
// narrow: a session rate's gap takes MOVER from the two figures' own
// intervals, and none where a side has no interval.
TEST(LocalOutcomes, SessionRateGapIsMoverFromTheFiguresOwnIntervalsNeverBinomial) {
  std::vector<OutcomeRow> rows;
  const char* m = "sess_overall_percent";
  rows.push_back(
      Row(La(100), m, SessionFigure(9000, 100000, 7.5, 10.7), "FSM eligibility", "FSM eligible"));
  rows.push_back(Row(La(100), m, SessionFigure(20000, 400000, 4.4, 5.7), "FSM eligibility",
                     "Not FSM eligible"));
  rows.push_back(Row(England(), m, SessionFigure(4e6, 1e8, 3.98, 4.02), "FSM eligibility",
                     "Not FSM eligible"));
  // Session counts with no interval of their own (as a published file gives them).
  Figure bare = SessionFigure(900, 10000, 0, 0);
  bare.lower = bare.upper = kNoValue;
  rows.push_back(Row(La(100), m, bare, "Disadvantage", "Disadvantaged"));
  rows.push_back(
      Row(La(100), m, SessionFigure(2000, 40000, 4.4, 5.7), "Disadvantage", "Not disadvantaged"));
  AddComparators(rows, {});
  const OutcomeRow& g = rows[0];
  EXPECT_NEAR(g.gap, 4.0, 1e-9);
  // By hand: 4 - sqrt(1.5^2 + 0.7^2) = 2.344705, 4 + sqrt(1.7^2 + 0.6^2) = 5.802776.
  EXPECT_NEAR(g.gap_lower, 2.344705, 1e-6);
  EXPECT_NEAR(g.gap_upper, 5.802776, 1e-6);
  // England's peers: 5 - sqrt(1.5^2 + 0.02^2) = 3.499867, 5 + sqrt(1.7^2 + 0.02^2) = 6.700118.
  EXPECT_NEAR(g.gap_to_england_peers, 5.0, 1e-9);
  EXPECT_NEAR(g.gap_to_england_lower, 3.499867, 1e-6);
  EXPECT_NEAR(g.gap_to_england_upper, 6.700118, 1e-6);
  // The binomial interval on the sessions would be about ten times narrower.
  const stats::Interval binomial = stats::NewcombeDifference(9000, 100000, 20000, 400000);
  EXPECT_LT(g.gap_lower, binomial.lower * 100 - 1.0);
  EXPECT_GT(g.gap_upper, binomial.upper * 100 + 1.0);
  // No interval on one side: the gap, but no interval for it.
  EXPECT_NEAR(rows[3].gap, 4.0, 1e-9);
  EXPECT_TRUE(std::isnan(rows[3].gap_lower));
  EXPECT_TRUE(std::isnan(rows[3].gap_upper));
}

// Events per 100 pupils are not a proportion of people either: MOVER from
// the figures' exact Poisson limits (pupil-level mode keeps no counts for them).
TEST(LocalOutcomes, EventRateGapIsMoverFromThePoissonLimits) {
  auto rate = [](double events, double pupils) {
    Figure f = PublishedFigure(events / pupils * 100);
    const stats::Interval ci = stats::PoissonExactInterval(events);
    f.lower = ci.lower / pupils * 100;
    f.upper = ci.upper / pupils * 100;
    return f;
  };
  std::vector<OutcomeRow> rows;
  rows.push_back(Row(La(100), "susp_rate", rate(30, 200), "SEN provision", "EHC plan"));
  rows.push_back(Row(La(100), "susp_rate", rate(50, 1000), "SEN provision", "No SEN"));
  AddComparators(rows, {});
  const Figure &f = rows[0].figure, &p = rows[1].figure;
  const stats::Interval d =
      stats::MoverDifference(f.value, {f.lower, f.upper}, p.value, {p.lower, p.upper});
  EXPECT_NEAR(rows[0].gap, 10.0, 1e-9);
  EXPECT_NEAR(rows[0].gap_lower, d.lower, 1e-12);
  EXPECT_NEAR(rows[0].gap_upper, d.upper, 1e-12);
  EXPECT_GT(rows[0].gap_lower, 4.0);
  EXPECT_LT(rows[0].gap_lower, 10.0);
}

TEST(LocalOutcomes, DisclosureHidesSmallCountsButNotInspectionFindings) {
  std::vector<OutcomeRow> rows;
  rows.push_back(Row(La(100), "perm_excl", PublishedFigure(2)));
  rows.push_back(Row(La(100), "susp", PublishedFigure(0)));  // a true zero is published
  rows.push_back(Row(La(100), "pc_plans_issued_within_20_weeks", ProportionFigure(1, 40)));
  rows.push_back(Row(La(100), "pc_plans_issued_within_20_weeks", ProportionFigure(3, 40)));
  rows.push_back(Row(La(100), "area_send_priority_actions", PublishedFigure(2)));
  // A count reconstructed from a percentage is not published, so it does not hide.
  rows.push_back(Row(La(100), "NEET_percent", ProportionFigure(1.2, 400, false)));
  ApplyDisclosure(rows, 3);
  EXPECT_EQ(rows[0].figure.symbol, GssSymbol::kSuppressed);
  EXPECT_TRUE(rows[1].figure.ok());
  EXPECT_EQ(rows[2].figure.symbol, GssSymbol::kSuppressed);
  EXPECT_TRUE(rows[3].figure.ok());
  EXPECT_TRUE(rows[4].figure.ok());
  EXPECT_TRUE(rows[5].figure.ok());
}

class LocalOutcomesFileTest : public lantern::testing::ScratchDirTest {};

TEST_F(LocalOutcomesFileTest, TheFileWritesSymbolsNeverZerosAndHasItsMetadata) {
  std::vector<OutcomeRow> rows;
  rows.push_back(Row(England(), "susp_rate", PublishedFigure(5.0)));
  rows.push_back(Row(La(100), "susp_rate", SymbolFigure(GssSymbol::kNotAvailable)));
  rows.push_back(Row(La(101), "perm_excl", SymbolFigure(GssSymbol::kSuppressed)));
  rows.push_back(Row(La(102), "pc_plans_issued_within_20_weeks", ProportionFigure(1, 3)));
  AddComparators(rows, {});
  ASSERT_TRUE(WriteLocalOutcomes(rows, dir_).ok());
  auto t = CsvTable::Load(dir_ + "/local_outcomes.csv");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows(), 4u);
  const int v = t->Column("value"), e = t->Column("england_value"), lo = t->Column("lower_95");
  ASSERT_GE(v, 0);
  EXPECT_EQ(t->Cell(0, v), "5.00000");
  EXPECT_EQ(t->Cell(1, v), "x");
  EXPECT_EQ(t->Cell(1, lo), "x");
  EXPECT_EQ(t->Cell(1, e), "5.00000");  // the comparator is shown whatever the row's own value
  EXPECT_EQ(t->Cell(2, v), "c");
  EXPECT_EQ(t->Cell(3, v), "33.33333");  // 1/3 exactly, rounded half away from zero
  EXPECT_EQ(t->Cell(0, t->Column("geographic_level")), "National");
  EXPECT_EQ(t->Cell(1, t->Column("new_la_code")), "E0600100");
  EXPECT_EQ(t->Column("gap_to_england_lower_95"), t->Column("gap_to_england_peers") + 1);
  EXPECT_EQ(t->Column("gap_to_england_upper_95"), t->Column("gap_to_england_peers") + 2);
  EXPECT_EQ(t->Cell(1, t->Column("gap_to_england_lower_95")), "z");  // no peer group
  auto meta = CsvTable::Load(dir_ + "/local_outcomes.meta.csv");
  ASSERT_TRUE(meta.ok());
  std::set<std::string> described;
  for (size_t r = 0; r < meta->rows(); ++r) described.insert(meta->Cell(r, 0));
  for (const std::string& col : t->header()) {
    if (col.rfind("time_", 0) == 0 || col == "geographic_level" ||
        col.find("_code") != std::string::npos || col.find("_name") != std::string::npos ||
        col == "trust_id" || col == "school_urn" || col == "school_laestab")
      continue;
    EXPECT_TRUE(described.count(col)) << col << " has no metadata";
  }
}

TEST(LocalOutcomes, PeriodsAndNames) {
  EXPECT_EQ(AcademicPeriod("2019"), "201819");
  EXPECT_EQ(AcademicPeriod("2018/19"), "201819");
  EXPECT_EQ(AcademicPeriod("2016-17 (OT)"), "201617");
  EXPECT_EQ(AcademicPeriod("2000"), "199900");
  EXPECT_EQ(AcademicPeriod("junk"), "");
  EXPECT_EQ(FromText("c").symbol, GssSymbol::kSuppressed);
  EXPECT_EQ(FromText("-").symbol, GssSymbol::kNotAvailable);
  EXPECT_EQ(FromText(" 47.665").value, 47.665);
}

// --- Open-data mode on the real files ---

// Open-data mode runs once for the suite, into a folder of its own.
class OpenDataOutcomesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = FindRealDataDir();
    if (!dir.ok()) return;
    real_ = *dir;
    out_ = (std::filesystem::temp_directory_path() /
            ("lantern_outcomes_" + std::to_string(::getpid())))
               .string();
    std::filesystem::create_directories(out_);
    OutcomesReport report;
    Status st = RunOpenDataOutcomes(real_, out_, 3, &report);
    ASSERT_TRUE(st.ok()) << st.ToString();
    auto t = CsvTable::Load(out_ + "/local_outcomes.csv");
    ASSERT_TRUE(t.ok());
    table_ = new CsvTable(std::move(*t));
  }
  static void TearDownTestSuite() {
    delete table_;
    table_ = nullptr;
    if (!out_.empty()) std::filesystem::remove_all(out_);
  }
  void SetUp() override { LANTERN_REQUIRE_REAL_DATA(table_ != nullptr); }
  // The row for an area (old LA code, "N" England) x period x measure x school type x group.
  const std::vector<std::string>* Find(const std::string& la, const std::string& period,
                                       const std::string& measure,
                                       const std::string& school_type = "Total",
                                       const std::string& group = "Total") {
    const CsvTable& t = *table_;
    const int c_la = t.Column("old_la_code"), c_level = t.Column("geographic_level"),
              c_p = t.Column("time_period"), c_m = t.Column("measure"),
              c_st = t.Column("school_type"), c_g = t.Column("breakdown");
    for (size_t r = 0; r < t.rows(); ++r) {
      const bool area = la == "N" ? t.Cell(r, c_level) == "National" : t.Cell(r, c_la) == la;
      if (area && t.Cell(r, c_p) == period && t.Cell(r, c_m) == measure &&
          t.Cell(r, c_st) == school_type && t.Cell(r, c_g) == group) {
        return &t.Row(r);
      }
    }
    return nullptr;
  }
  double Value(const std::vector<std::string>& row, const char* col) {
    return std::stod(row[static_cast<size_t>(table_->Column(col))]);
  }
  static std::string real_, out_;
  static CsvTable* table_;
};
std::string OpenDataOutcomesTest::real_, OpenDataOutcomesTest::out_;
CsvTable* OpenDataOutcomesTest::table_ = nullptr;

TEST_F(OpenDataOutcomesTest, ReproducesLaitForAHandfulOfLasWithEnglandAndNeighbours) {
  auto lait = LaitIndicators::Load(real_, {"TotAbs", "TotPermEx", "TotFixedEx", "TotPerAbNew"});
  ASSERT_TRUE(lait.ok());
  // LAIT's own sn list, read here independently of the engine.
  auto sn = CsvTable::Load(real_ + "/stat_neighbours_la/sn_may_2025.csv");
  ASSERT_TRUE(sn.ok());
  const std::map<std::string, std::string> kMeasures = {
      {"TotAbs", "sess_overall_percent"},
      {"TotPermEx", "perm_excl_rate"},
      {"TotFixedEx", "susp_rate"},
      {"TotPerAbNew", "enrolments_pa_10_exact_percent"}};
  const AcademicYear year(2018);
  for (int la : {805, 330, 888, 202, 873}) {
    for (const auto& [code, measure] : kMeasures) {
      SCOPED_TRACE(std::to_string(la) + " " + measure);
      auto want = lait->Get(code, la, year);
      ASSERT_TRUE(want.has_value());
      const auto* row = Find(std::to_string(la), "201819", measure);
      ASSERT_NE(row, nullptr);
      EXPECT_NEAR(Value(*row, "value"), *want, 5e-6);
      EXPECT_NEAR(Value(*row, "england_value"), *lait->Get(code, LaitIndicators::kEngland, year),
                  5e-6);
      // The mean of the neighbours that have a value.
      for (size_t r = 0; r < sn->rows(); ++r) {
        if (sn->Cell(r, sn->Column("la_number")) != std::to_string(la)) continue;
        double sum = 0;
        int n = 0;
        for (int i = 1; i <= 10; ++i) {
          const int nb = std::stoi(sn->Cell(r, sn->Column("sn" + std::to_string(i))));
          if (auto v = lait->Get(code, nb, year)) {
            sum += *v;
            ++n;
          }
        }
        ASSERT_GT(n, 0);
        EXPECT_EQ(Value(*row, "sn_count"), n);
        EXPECT_NEAR(Value(*row, "sn_mean"), sum / n, 5e-6);
      }
    }
  }
  // Hartlepool's permanent exclusion rate in 2018/19 as LAIT publishes it.
  EXPECT_NEAR(Value(*Find("805", "201819", "perm_excl_rate"), "value"), 0.18912, 5e-6);
}

// Measures of the framework that no published file holds are there, x, with
// where they come from instead: one row a place, never a gap or a zero.
TEST_F(OpenDataOutcomesTest, MeasuresNoPublishedFileHoldsAreXWithTheReason) {
  const CsvTable& t = *table_;
  // The store-only measures the issue names, as the catalogue marks them.
  for (const char* id : {"pupils",
                         "ehe_exits",
                         "ehe_exit_rate",
                         "cme_cases",
                         "cme_rate",
                         "moves",
                         "exits_from_state_education",
                         "unexplained_exits",
                         "unexplained_exit_rate",
                         "ehcp_20_week_pupil_level",
                         "ehcp_pupils",
                         "ehcp_special_school_percent",
                         "ehcp_other_la_percent",
                         "NEET_not_known_16_percent",
                         "participating_16_percent",
                         "NEET_not_known_17_percent",
                         "participating_17_percent",
                         "employer_encounter_pupils",
                         "employer_encounter_percent",
                         "work_placements",
                         "pupil_wellbeing_percent"}) {
    ASSERT_NE(FindMeasure(id), nullptr) << id;
    EXPECT_TRUE(FindMeasure(id)->store_only) << id;
  }
  int store_only = 0;
  for (const MeasureInfo& m : Measures()) {
    if (!m.store_only) continue;
    ++store_only;
    const std::string measure(m.id);
    for (const char* la : {"805", "330", "N"}) {
      SCOPED_TRACE(std::string(measure) + " " + la);
      int rows = 0;
      for (size_t r = 0; r < t.rows(); ++r) {
        const bool area = std::string(la) == "N"
                              ? t.Cell(r, t.Column("geographic_level")) == "National"
                              : t.Cell(r, t.Column("old_la_code")) == la;
        if (!area || t.Cell(r, t.Column("measure")) != measure) continue;
        ++rows;
        EXPECT_EQ(t.Cell(r, t.Column("value")), "x");
        EXPECT_NE(t.Cell(r, t.Column("source")).find("not in the Department's published files"),
                  std::string::npos);
        EXPECT_NE(t.Cell(r, t.Column("source")).find("pupil-level mode computes it"),
                  std::string::npos);
      }
      EXPECT_EQ(rows, 1);
    }
  }
  EXPECT_EQ(store_only, 21);
}

TEST_F(OpenDataOutcomesTest, Sen2TimelinessFromItsCountsWithAWilsonInterval) {
  auto sen2 = CsvTable::Load(real_ + "/ehcp_sen2_la/sen2_mi.csv");
  ASSERT_TRUE(sen2.ok());
  int checked = 0;
  for (size_t r = 0; r < sen2->rows(); ++r) {
    const std::string la = sen2->Cell(r, sen2->Column("old_la_code"));
    const std::string year = sen2->Cell(r, sen2->Column("time_period"));
    if ((la != "805" && la != "330" && la != "851") || (year != "2019" && year != "2021")) continue;
    const double n = std::stod(sen2->Cell(r, sen2->Column("inc_exc_20week_ehc")));
    const double d = std::stod(sen2->Cell(r, sen2->Column("tot_inc_exc_ehc")));
    const double published = std::stod(sen2->Cell(r, sen2->Column("inc_exc_20week_rate")));
    const auto* row = Find(la, year, "pc_plans_issued_within_20_weeks");
    ASSERT_NE(row, nullptr);
    EXPECT_NEAR(Value(*row, "value"), published, 0.05);  // the file rounds to 1 dp
    EXPECT_EQ(Value(*row, "numerator"), n);
    EXPECT_EQ(Value(*row, "denominator"), d);
    const stats::Interval ci = stats::WilsonInterval(n, d);
    EXPECT_NEAR(Value(*row, "lower_95"), ci.lower * 100, 5e-6);
    EXPECT_NEAR(Value(*row, "upper_95"), ci.upper * 100, 5e-6);
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

TEST_F(OpenDataOutcomesTest, NeetByGroupHasGapsAndEveryLaHasAYearOfEachSource) {
  // Lancashire 2025, NCCIS: NEET or not known 6.4%, as the file gives.
  const auto* all = Find("888", "2025", "NEET_not_known_percent");
  ASSERT_NE(all, nullptr);
  EXPECT_NEAR(Value(*all, "value"), 6.4, 1e-9);
  const auto* ehcp = Find("888", "2025", "NEET_not_known_percent", "Total", "EHC plan");
  ASSERT_NE(ehcp, nullptr);
  const auto* nosen = Find("888", "2025", "NEET_not_known_percent", "Total", "No SEN");
  ASSERT_NE(nosen, nullptr);
  EXPECT_NEAR(Value(*ehcp, "gap_to_peers"), Value(*ehcp, "value") - Value(*nosen, "value"), 1e-4);
  EXPECT_LT(Value(*ehcp, "gap_lower_95"), Value(*ehcp, "gap_to_peers"));
  // Every LA of the neighbour list that exists today has a 2023/24 absence figure.
  int las = 0;
  for (size_t r = 0; r < table_->rows(); ++r) {
    if (table_->Cell(r, table_->Column("geographic_level")) == "Local authority" &&
        table_->Cell(r, table_->Column("time_period")) == "202324" &&
        table_->Cell(r, table_->Column("measure")) == "sess_overall_percent" &&
        table_->Cell(r, table_->Column("school_type")) == "Total" &&
        table_->Cell(r, table_->Column("breakdown")) == "Total" &&
        table_->Cell(r, table_->Column("value")) != "x") {
      ++las;
    }
  }
  EXPECT_GE(las, 150);
}

}  // namespace
}  // namespace lantern::outcomes

namespace lantern::outcomes {
namespace {

// The catalogue's store-only measures are those whose source in the
// measures table of docs/local-outcomes.md is the store alone.
TEST(LocalOutcomesDocs, StoreOnlyMeasuresAreThoseTheDocsSourceFromTheStoreAlone) {
  std::ifstream f(std::string(LANTERN_SOURCE_DIR) + "/docs/local-outcomes.md");
  ASSERT_TRUE(f) << "docs/local-outcomes.md is missing";
  std::map<std::string, std::string> source;  // measure id -> its row's source cell
  bool in_table = false;
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("| measure | definition | source |", 0) == 0) in_table = true;
    if (!in_table) continue;
    if (line.empty() || line[0] != '|') break;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string c; std::getline(ss, c, '|');) cells.push_back(c);
    if (cells.size() < 3) continue;
    for (size_t p = cells[0].find('`'); p != std::string::npos;) {
      const size_t q = cells[0].find('`', p + 1);
      if (q == std::string::npos) break;
      source[cells[0].substr(p + 1, q - p - 1)] = cells[2];
      p = cells[0].find('`', q + 1);
    }
  }
  ASSERT_GT(source.size(), 30u);
  for (const MeasureInfo& m : Measures()) {
    auto it = source.find(std::string(m.id));
    ASSERT_NE(it, source.end()) << m.id << " is not in the measures table";
    const bool store_alone = it->second.find_first_not_of(' ') == it->second.find("store");
    EXPECT_EQ(m.store_only, store_alone) << m.id << ": source" << it->second;
  }
}

TEST(LocalOutcomesDocs, EveryMeasureIsDocumented) {
  std::ifstream f(std::string(LANTERN_SOURCE_DIR) + "/docs/local-outcomes.md");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  ASSERT_FALSE(doc.empty()) << "docs/local-outcomes.md is missing";
  for (const MeasureInfo& m : Measures()) {
    EXPECT_NE(doc.find("`" + std::string(m.id) + "`"), std::string::npos)
        << m.id << " is not in docs/local-outcomes.md";
    EXPECT_FALSE(m.label.empty()) << m.id;
    EXPECT_GT(m.definition.size(), 20u) << m.id << " has no definition in words";
  }
}

}  // namespace
}  // namespace lantern::outcomes
