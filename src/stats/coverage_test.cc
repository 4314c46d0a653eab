// Simulation checks of the intervals: with known true values, 95% intervals
// should contain the truth about 95% of the time (fixed seeds).
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "stats/intervals.h"

namespace lantern::stats {
namespace {

TEST(CoverageTest, WilsonCoversTheTrueRateAboutNinetyFivePercent) {
  std::mt19937_64 rng(20190101);
  const double rates[] = {0.03, 0.1, 0.25, 0.5};
  const int sizes[] = {30, 100, 400, 1500};
  int covered = 0, draws = 0;
  for (double p : rates) {
    for (int n : sizes) {
      std::binomial_distribution<int> bin(n, p);
      int cell_covered = 0;
      const int kDraws = 1000;
      for (int d = 0; d < kDraws; ++d) {
        Interval w = WilsonInterval(bin(rng), n);
        if (w.lower <= p && p <= w.upper) ++cell_covered;
      }
      covered += cell_covered;
      draws += kDraws;
      // Each school size and rate on its own stays near 95% (Wilson dips a
      // little for small n p).
      EXPECT_GT(cell_covered, 0.90 * kDraws) << "p=" << p << " n=" << n;
    }
  }
  const double coverage = static_cast<double>(covered) / draws;
  std::printf("[ simulation ] Wilson 95%% coverage over %d draws: %.2f%%\n", draws, 100 * coverage);
  EXPECT_GT(coverage, 0.93);
  EXPECT_LT(coverage, 0.97);
}

TEST(CoverageTest, GarwoodCoversTheTrueRateAtLeastNinetyFivePercent) {
  // The exact Poisson interval is conservative: coverage at or above 95%.
  std::mt19937_64 rng(20190102);
  int covered = 0, draws = 0;
  for (double lambda : {0.5, 3.0, 12.0, 80.0}) {
    std::poisson_distribution<int> pois(lambda);
    for (int d = 0; d < 2000; ++d) {
      Interval g = PoissonExactInterval(pois(rng));
      if (g.lower <= lambda && lambda <= g.upper) ++covered;
      ++draws;
    }
  }
  const double coverage = static_cast<double>(covered) / draws;
  std::printf("[ simulation ] Garwood 95%% coverage over %d draws: %.2f%%\n", draws,
              100 * coverage);
  EXPECT_GE(coverage, 0.945);
  EXPECT_LT(coverage, 0.995);
}

TEST(CoverageTest, NormalMeanIntervalCoversWithTheTrueSd) {
  std::mt19937_64 rng(20190103);
  std::normal_distribution<double> pupil(0.0, 1.415869);
  int covered = 0;
  const int kDraws = 4000;
  for (int d = 0; d < kDraws; ++d) {
    const int n = 20 + d % 200;
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += pupil(rng);
    Interval m = NormalMeanInterval(sum / n, 1.415869, n);
    if (m.lower <= 0 && 0 <= m.upper) ++covered;
  }
  const double coverage = static_cast<double>(covered) / kDraws;
  std::printf("[ simulation ] P8-style normal 95%% coverage: %.2f%%\n", 100 * coverage);
  EXPECT_GT(coverage, 0.93);
  EXPECT_LT(coverage, 0.97);
}

}  // namespace
}  // namespace lantern::stats
