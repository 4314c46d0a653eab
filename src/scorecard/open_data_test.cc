// The scorecard on the real published data (../shared/data/real): skipped,
// with a message, when that folder is not there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "common/csv_table.h"
#include "lantern/scorecard.h"
#include "reference/real_data.h"
#include "scorecard/published.h"
#include "tests/real_data.h"

namespace lantern::scorecard {
namespace {

class OpenDataScorecardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = FindRealDataDir();
    if (!dir.ok()) return;
    auto in = LoadOpenDataScorecardInput(*dir);
    ASSERT_TRUE(in.ok()) << in.status().ToString();
    input_ = new ScorecardInput(std::move(*in));
    auto sc = Scorecard::Build(*input_, ScorecardOptions{});
    ASSERT_TRUE(sc.ok()) << sc.status().ToString();
    scorecard_ = new Scorecard(std::move(*sc));
  }
  static void TearDownTestSuite() {
    delete scorecard_;
    delete input_;
    scorecard_ = nullptr;
    input_ = nullptr;
  }
  void SetUp() override { LANTERN_REQUIRE_REAL_DATA(scorecard_ != nullptr); }
  static ScorecardInput* input_;
  static Scorecard* scorecard_;
};

ScorecardInput* OpenDataScorecardTest::input_ = nullptr;
Scorecard* OpenDataScorecardTest::scorecard_ = nullptr;

TEST_F(OpenDataScorecardTest, EverySchoolWithDataIsScoredAndEveryFigureIsConsistent) {
  const auto& reg = ScorecardIndicators();
  const Scorecard& sc = *scorecard_;
  size_t scored = 0, cells = 0, intervals = 0, suppressed_small = 0, small_counts = 0;
  std::map<std::string, std::pair<size_t, size_t>> flags;  // id -> (assessed, outside)
  for (uint32_t s = 0; s < input_->schools.size(); ++s) {
    if (!sc.Scored(s)) continue;
    ++scored;
    for (const ScorecardCell& c : sc.ScoreSchool(s)) {
      ++cells;
      const ScorecardIndicator& ind = reg[c.indicator];
      const PublishedScorecardCell p = Publish(c);
      if (c.availability != Availability::kAvailable) {
        // Not available is x (or z), never a number, never zero.
        ASSERT_FALSE(p.value.is_number()) << ind.id;
        ASSERT_EQ(c.enquiry, 0);
        continue;
      }
      // Every interval contains its point value.
      if (std::isfinite(c.lower) && std::isfinite(c.upper)) {
        ++intervals;
        const double tol = ind.id == "progress8" ? 0.0051 : 1e-9;
        EXPECT_LE(c.lower, c.value + tol) << input_->schools[s].urn << " " << ind.id;
        EXPECT_GE(c.upper, c.value - tol) << input_->schools[s].urn << " " << ind.id;
      } else if (ind.kind == IndicatorKind::kPercent || ind.kind == IndicatorKind::kRatePer100) {
        ADD_FAILURE() << "a published rate without an interval: " << ind.id;
      }
      // No line of enquiry below the minimum denominator, or on context.
      if (c.enquiry != 0) {
        EXPECT_GE(c.denominator, ind.min_denominator) << ind.id;
        EXPECT_TRUE(c.assessable);
        EXPECT_NE(ind.domain, IndicatorDomain::kContext);
        EXPECT_FALSE(c.enquiry_text.empty());
      }
      if (!c.assessable) {
        EXPECT_EQ(c.enquiry, 0);
      }
      // Counts of 1 or 2 are published as c.
      if (ind.kind != IndicatorKind::kMean) {
        const long long num = std::llround(c.numerator);
        const long long den = std::llround(c.denominator);
        if ((num == 1 || num == 2) || (den == 1 || den == 2)) {
          ++small_counts;
          EXPECT_EQ(p.value.Text(), "c") << input_->schools[s].urn << " " << ind.id;
          if (p.value.Text() == "c") ++suppressed_small;
        }
      }
      if (ind.domain != IndicatorDomain::kContext && c.assessable &&
          c.similar.position != FunnelPosition::kNotAssessed) {
        std::string key(ind.id);
        if (c.group != kAllPupils) key += "/" + std::string(PupilGroupId(c.group));
        ++flags[key].first;
        if (c.enquiry != 0) ++flags[key].second;
      }
    }
  }
  EXPECT_GT(scored, 21000u);
  EXPECT_GT(intervals, 150000u);
  EXPECT_GT(small_counts, 100u);
  EXPECT_EQ(suppressed_small, small_counts);
  size_t assessed = 0, outside = 0;
  for (const auto& [id, f] : flags) {
    std::printf(
        "[ open data ] %-48s %5zu of %5zu schools outside the similar schools' 99.8%% "
        "limits (%.2f%%)\n",
        id.c_str(), f.second, f.first, 100.0 * f.second / f.first);
    assessed += f.first;
    outside += f.second;
  }
  std::printf(
      "[ open data ] %zu schools scored, %zu cells; %zu of %zu assessments outside 99.8%% "
      "(%.2f%%); %zu small counts published as c\n",
      scored, cells, outside, assessed, 100.0 * outside / assessed, suppressed_small);
}

TEST_F(OpenDataScorecardTest, OpenFilesFillWhatTheyHoldAndMarkTheRestX) {
  const Scorecard& sc = *scorecard_;
  // A secondary school in Camden (The UCL Academy, URN 137181).
  uint32_t ucl = 0;
  for (uint32_t s = 0; s < input_->schools.size(); ++s) {
    if (input_->schools[s].urn == 137181) ucl = s;
  }
  ASSERT_EQ(input_->schools[ucl].urn, 137181);
  std::map<std::string, ScorecardCell> by_id;
  for (const auto& c : sc.ScoreSchool(ucl)) {
    if (c.group == kAllPupils) by_id[std::string(ScorecardIndicators()[c.indicator].id)] = c;
  }
  for (const char* id :
       {"pupils_on_roll", "sen_support_percent", "ehcp_percent", "disadvantaged_percent",
        "eal_percent", "sess_overall_percent", "enrolments_pa_10_exact_percent", "attainment8",
        "progress8", "basics_94_percent", "sustained_destination_percent"}) {
    EXPECT_EQ(by_id[id].availability, Availability::kAvailable) << id;
  }
  for (const char* id : {"susp_rate", "perm_excl_rate", "managed_move_rate", "mobility_percent",
                         "ks2_prior_attainment", "ap_pupils_percent",
                         "internal_unit_pupils_percent", "pupil_wellbeing_percent"}) {
    EXPECT_EQ(by_id[id].availability, Availability::kNotAvailable) << id;
    EXPECT_EQ(Publish(by_id[id]).value.Text(), "x") << id;
  }
  // LA and England suspension rates for secondaries come from LAIT 2018/19.
  EXPECT_TRUE(by_id["susp_rate"].la.available);
  EXPECT_EQ(by_id["susp_rate"].england.source, "LAIT SecFixedEx 2018/19");
  EXPECT_NEAR(by_id["susp_rate"].england.target, 10.75, 0.01);
  // The published Progress 8 interval is used as it is; the funnel's SD is
  // the national pupil SD implied by the published intervals (about 1.4).
  EXPECT_NEAR(by_id["progress8"].lower, -0.10, 1e-6);
  EXPECT_NEAR(by_id["progress8"].upper, 0.29, 1e-6);
  EXPECT_GT(by_id["progress8"].similar.sigma, 1.2);
  EXPECT_LT(by_id["progress8"].similar.sigma, 1.6);
  // Mobility and prior attainment are not in the open files: similar schools
  // are chosen on the rest.
  const auto& vars = sc.SimilarityVariables(ScorecardPhase::kSecondary);
  EXPECT_EQ(vars, (std::vector<std::string>{"pupils_on_roll", "sen_support_percent", "ehcp_percent",
                                            "disadvantaged_percent", "eal_percent"}));
  EXPECT_EQ(sc.Neighbours(ucl).size(), 50u);
  // Primary schools: KS4 measures do not apply (z).
  for (uint32_t s = 0; s < input_->schools.size(); ++s) {
    if (input_->schools[s].phase != ScorecardPhase::kPrimary || !sc.Scored(s)) continue;
    for (const auto& c : sc.ScoreSchool(s)) {
      if (ScorecardIndicators()[c.indicator].id == "attainment8") {
        EXPECT_EQ(Publish(c).value.Text(), "z");
      }
    }
    break;
  }
}

TEST_F(OpenDataScorecardTest, CsvOutputsHaveNoRankAndAWellFormedLayout) {
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("lantern_open_data_scorecard_test_" + std::to_string(::getpid())))
                              .string();
  std::filesystem::remove_all(out);
  ScorecardOutputOptions o;
  o.out_dir = out;
  o.pages = false;
  o.json = false;
  ScorecardReport report;
  ASSERT_TRUE(WriteScorecardOutputs(*scorecard_, o, &report).ok());
  EXPECT_EQ(report.schools_scored, scorecard_->scored_schools());
  auto csv = CsvTable::Load(out + "/scorecard.csv");
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->malformed_records(), 0u);
  EXPECT_EQ(csv->rows(), report.csv_rows);
  for (const auto& h : csv->header()) {
    EXPECT_EQ(h.find("rank"), std::string::npos) << h;
  }
  // The metadata describes every non-geography column.
  auto meta = CsvTable::Load(out + "/scorecard.meta.csv");
  ASSERT_TRUE(meta.ok());
  std::set<std::string> described;
  for (size_t r = 0; r < meta->rows(); ++r) described.insert(meta->Cell(r, 0));
  for (size_t c = 15; c < csv->header().size(); ++c) {
    EXPECT_TRUE(described.count(csv->header()[c])) << csv->header()[c];
  }
  // No cell is blank; c and x both occur; the value column holds no NaN.
  const int value = csv->Column("value");
  size_t c_cells = 0, x_cells = 0;
  for (size_t r = 0; r < csv->rows(); ++r) {
    const std::string& v = csv->Cell(r, value);
    ASSERT_FALSE(v.empty());
    ASSERT_EQ(v.find("nan"), std::string::npos);
    c_cells += v == "c";
    x_cells += v == "x";
  }
  EXPECT_GT(c_cells, 100u);
  EXPECT_GT(x_cells, 100000u);
  auto sim = CsvTable::Load(out + "/similar_schools.csv");
  ASSERT_TRUE(sim.ok());
  EXPECT_GT(sim->rows(), 1000000u);
  auto la = CsvTable::Load(out + "/la_summary.csv");
  ASSERT_TRUE(la.ok());
  EXPECT_GT(la->rows(), 1000u);
  std::printf("[ open data ] %s", report.Summary().c_str());
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace lantern::scorecard
