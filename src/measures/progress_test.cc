// Progress against estimates: zero national mean from cohort estimates,
// capping of extreme negative scores, the interval's worked example
// (definitions.md 3.7), bands, percentile bands and the Department's file.
#include "measures/progress.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "reference/real_data.h"
#include "tests/real_data.h"

namespace lantern {
namespace {

std::vector<ProgressPupil> RandomCohort(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 12);
  std::vector<ProgressPupil> out;
  for (int i = 0; i < n; ++i) {
    ProgressPupil p;
    p.pag = 1 + static_cast<int>(rng() % 34);
    p.in_model = rng() % 10 != 0;
    p.total = std::clamp(15 + 2.0 * p.pag + noise(rng), 0.0, 90.0);
    p.elements = {p.total * 0.2, p.total * 0.2, p.total * 0.3, p.total * 0.3};
    if (rng() % 20 == 0) p.pag = 0;  // no KS2
    out.push_back(p);
  }
  return out;
}

TEST(ProgressTest, NationalMeanIsZeroWithCohortEstimates) {
  auto cohort = RandomCohort(20000, 1);
  auto est = CohortEstimates(cohort, 34, 4);
  const int div[4] = {2, 2, 3, 3};
  auto s = ScoreProgress(cohort, est, 10, div, 0.01, 0);
  EXPECT_NEAR(s.national_mean_unadjusted, 0, 1e-9);
  // Capping only raises scores.
  EXPECT_GT(s.national_mean, 0);
  // Pupils without KS2 have no score.
  for (size_t i = 0; i < cohort.size(); ++i) {
    EXPECT_EQ(std::isnan(s.score[i]), cohort[i].pag == 0);
  }
  // About 1% of model pupils are capped.
  int64_t model = 0, capped = 0;
  for (size_t i = 0; i < cohort.size(); ++i) {
    if (cohort[i].in_model && cohort[i].pag > 0) {
      ++model;
      capped += s.capped[i];
    }
  }
  EXPECT_NEAR(static_cast<double>(capped) / model, 0.01, 0.001);
  EXPECT_LT(s.z_star, -1.5);
  EXPECT_GT(s.z_star, -3.5);
}

TEST(ProgressTest, CappingByHand) {
  // One group of 100 model pupils: 99 score 50, one scores 0. Estimate 49.5,
  // scores +0.05 and -4.95; mean 0, SD 0.5; z = 0.1 and -9.9. With a share
  // of 1%, one pupil in 100 falls below z*: z* is the second-lowest z (0.1)
  // and the low pupil is capped at sd x z* = 0.05. With 0.5% nobody is:
  // z* is the lowest z itself.
  std::vector<ProgressPupil> c(100, ProgressPupil{1, true, 50, {}});
  c[7].total = 0;
  auto est = CohortEstimates(c, 1, 0);
  EXPECT_DOUBLE_EQ(est.total[1], 49.5);
  auto s = ScoreProgress(c, est, 10, {}, 0.005, 0);
  EXPECT_NEAR(s.z_star, -9.9, 1e-9);
  EXPECT_FALSE(s.capped[7]);
  auto s2 = ScoreProgress(c, est, 10, {}, 0.01, 0);
  EXPECT_NEAR(s2.z_star, 0.1, 1e-9);
  EXPECT_TRUE(s2.capped[7]);
  EXPECT_NEAR(s2.adjusted[7], 0.5 * 0.1, 1e-9);
  // A per-year z* given by the policy is used as it is.
  auto s3 = ScoreProgress(c, est, 10, {}, 0.01, -2.8948556948);
  EXPECT_TRUE(s3.capped[7]);
  EXPECT_NEAR(s3.adjusted[7], 0.5 * -2.8948556948, 1e-9);
}

TEST(ProgressTest, IntervalWorkedExample) {
  // definitions.md 3.7: 150 pupils, mean +0.25, national SD 1.415869:
  // half-width 0.2266, interval +0.02 to +0.48: above average.
  std::vector<double> scores(150, 0.25);
  auto f = SchoolProgress(scores, scores, {}, 0, 0, 1.415869);
  EXPECT_NEAR(f.upper - f.score, 0.2266, 5e-5);
  EXPECT_NEAR(f.lower, 0.02, 0.005);
  EXPECT_NEAR(f.upper, 0.48, 0.005);
  EXPECT_EQ(f.band, ProgressBand::kAbove);
  EXPECT_EQ(BandOf(0.6, 0.1, 1.1), ProgressBand::kWellAbove);
  EXPECT_EQ(BandOf(-0.6, -1.0, -0.2), ProgressBand::kWellBelow);
  EXPECT_EQ(BandOf(-0.3, -0.5, -0.1), ProgressBand::kBelow);
  EXPECT_EQ(BandOf(0.3, -0.1, 0.7), ProgressBand::kAverage);
  EXPECT_STREQ(ProgressBand3Name(ProgressBand::kWellBelow), "below");
  EXPECT_STREQ(ProgressBand3Name(ProgressBand::kAverage), "in_line");
}

TEST(ProgressTest, PercentileBandsAreTenthsNotRanks) {
  std::vector<double> v;
  std::vector<bool> use;
  for (int i = 0; i < 100; ++i) {
    v.push_back(i);
    use.push_back(i != 50);
  }
  auto b = PercentileBands(v, use);
  EXPECT_EQ(b[0], 1);
  EXPECT_EQ(b[99], 10);
  EXPECT_EQ(b[50], 0);
  // Ties share a band.
  auto t = PercentileBands(std::vector<double>(10, 1.0), std::vector<bool>(10, true));
  for (int x : t) EXPECT_EQ(x, 6);
}

TEST(ProgressTest, EstimatesFileInTheDepartmentsLayout) {
  const auto dir = std::filesystem::temp_directory_path() / "lantern_p8_estimates";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "p8_pupil_coefficients_file.csv");
    f << "\xEF\xBB\xBFks2emss_grp,p8est,p8esteng,p8estmat,p8estebac,p8estopen\n"
         "1,15.96,3.86,2.39,4.36,5.34\n2,16.63,4.18,2.5,4.37,5.58\n";
    std::ofstream s(dir / "p8_stdev_file_named.csv");
    s << "Progress 8 ,Progress 8 English element\n1.41628,1.614052\n";
  }
  const std::vector<std::string> names = {"maths", "english", "ebacc", "open"};
  auto e = ReadEstimatesFile((dir / "p8_pupil_coefficients_file.csv").string(), 2, names);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_DOUBLE_EQ(e->total[2], 16.63);
  EXPECT_DOUBLE_EQ(e->elements[0][1], 2.39);  // maths
  EXPECT_DOUBLE_EQ(e->elements[1][1], 3.86);  // english
  EXPECT_DOUBLE_EQ(e->national_sd, 1.41628);
  // A group missing from the file is an error, not a silent zero.
  auto short_file = ReadEstimatesFile((dir / "p8_pupil_coefficients_file.csv").string(), 3, names);
  EXPECT_FALSE(short_file.ok());
  std::filesystem::remove_all(dir);
}

TEST(ProgressTest, RealEstimates2024) {
  auto dir = FindRealDataDir();
  LANTERN_REQUIRE_REAL_DATA(dir.ok());
  const std::vector<std::string> names = {"maths", "english", "ebacc", "open"};
  auto e = ReadEstimatesFile(*dir + "/progress8_ks2_estimates_2024/p8_pupil_coefficients_file.csv",
                             34, names);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_DOUBLE_EQ(e->total[1], 15.96);
  EXPECT_DOUBLE_EQ(e->total[34], 82.03);
  EXPECT_DOUBLE_EQ(e->national_sd, 1.41628);
  // The estimate rises with prior attainment.
  for (int g = 2; g <= 34; ++g)
    EXPECT_GT(e->total[static_cast<size_t>(g)], e->total[static_cast<size_t>(g - 1)]);
}

}  // namespace
}  // namespace lantern
