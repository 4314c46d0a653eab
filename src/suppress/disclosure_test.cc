#include "suppress/disclosure.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

TEST(DisclosureTest, SuppressesCountsOfOneOrTwo) {
  EXPECT_EQ(PublishCount(0, 3).Text(), "0");
  EXPECT_EQ(PublishCount(1, 3).Text(), "c");
  EXPECT_EQ(PublishCount(2, 3).Text(), "c");
  EXPECT_EQ(PublishCount(3, 3).Text(), "3");
}

TEST(DisclosureTest, SuppressesRatesWithSmallNumeratorOrDenominator) {
  EXPECT_EQ(PublishRate(2, 100, 100, 1, 3).Text(), "c");
  EXPECT_EQ(PublishRate(3, 100, 100, 1, 3).Text(), "3.0");
  EXPECT_EQ(PublishRate(0, 2, 100, 1, 3).Text(), "c");
  EXPECT_EQ(PublishRate(0, 0, 100, 1, 3).Text(), "z");
  EXPECT_EQ(PublishRate(0, 50, 100, 1, 3).Text(), "0.0");
  EXPECT_EQ(PublishRate(41, 1200, 100, 2, 3).Text(), "3.42");
}

TEST(DisclosureTest, SecondarySuppressionProtectsTheComplement) {
  // Girls 2, boys 40: boys must go too, or 42 - 40 gives the girls away.
  std::vector<int64_t> counts = {2, 40};
  auto s = ChooseSuppression(counts, 3, true);
  EXPECT_TRUE(s[0]);
  EXPECT_TRUE(s[1]);
  // Without secondary suppression only the small cell goes.
  s = ChooseSuppression(counts, 3, false);
  EXPECT_TRUE(s[0]);
  EXPECT_FALSE(s[1]);
}

TEST(DisclosureTest, SecondarySuppressionTakesTheNextSmallestNonZeroCell) {
  std::vector<int64_t> counts = {1, 0, 30, 7, 100};
  auto s = ChooseSuppression(counts, 3, true);
  EXPECT_TRUE(s[0]);
  EXPECT_FALSE(s[1]);  // a zero is not suppressed: it hides nothing
  EXPECT_TRUE(s[3]);   // 7 is the next smallest
  EXPECT_FALSE(s[2]);
  EXPECT_FALSE(s[4]);
}

TEST(DisclosureTest, TwoSmallCellsThatSumBelowThresholdPullInAThird) {
  std::vector<int64_t> counts = {1, 1, 20, 25};
  auto s = ChooseSuppression(counts, 3, true);
  EXPECT_TRUE(s[0]);
  EXPECT_TRUE(s[1]);
  EXPECT_TRUE(s[2]);
  EXPECT_FALSE(s[3]);
}

TEST(DisclosureTest, NothingSmallMeansNothingSuppressed) {
  std::vector<int64_t> counts = {10, 0, 30};
  auto s = ChooseSuppression(counts, 3, true);
  EXPECT_FALSE(s[0] || s[1] || s[2]);
}

}  // namespace
}  // namespace lantern
