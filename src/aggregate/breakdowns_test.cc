#include "aggregate/breakdowns.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace lantern {
namespace {

PupilTable RandomPupils(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int k) { return static_cast<uint8_t>(rng() % static_cast<uint32_t>(k)); };
  PupilTable p;
  for (size_t i = 0; i < n; ++i) {
    p.upn.push_back(i + 1);
    p.sex.push_back(pick(2));
    p.fsm.push_back(pick(2));
    p.disadvantaged.push_back(pick(2));
    p.sen_provision.push_back(pick(3));
    p.eal.push_back(pick(2));
    p.looked_after.push_back(pick(2));
    p.year_group.push_back(static_cast<int8_t>(static_cast<int>(pick(18)) - 2));
  }
  return p;
}

// The categories a pupil is added to explicitly, worked out the long way: the
// pupil's category in every topic, less each topic's usual one.
std::vector<int16_t> ExpectedExplicit(const PupilTable& p, uint32_t pupil) {
  const auto& topics = PupilBreakdowns();
  std::vector<int> all(topics.size());
  PupilCategories(p, pupil, all.data());
  std::vector<int16_t> out;
  for (size_t t = 0; t < topics.size(); ++t) {
    if (t > 0 && all[t] == CategoryOffset(t) + topics[t].usual) continue;
    out.push_back(static_cast<int16_t>(all[t]));
  }
  return out;
}

TEST(PupilGroupReaderTest, PackedGroupsAreEachPupilsCategoriesLessTheUsualOnes) {
  const PupilTable pupils = RandomPupils(20000, 7);
  for (int threads : {1, 2, 3}) {
    const PupilGroupReader reader(pupils, threads);
    for (uint32_t i = 0; i < pupils.size(); ++i) {
      const auto got = reader.Explicit(i);
      const auto want = ExpectedExplicit(pupils, i);
      ASSERT_TRUE(std::equal(got.begin(), got.end(), want.begin(), want.end()))
          << "pupil " << i << " threads " << threads;
    }
  }
}

TEST(PupilGroupReaderTest, AUsualPupilIsInTheTotalOnly) {
  PupilTable p = RandomPupils(1, 1);
  p.sex[0] = 1;  // male: the usual group of sex
  p.fsm[0] = p.disadvantaged[0] = p.eal[0] = p.looked_after[0] = 0;
  p.sen_provision[0] = 0;
  p.year_group[0] = 7;
  const PupilGroupReader reader(p);
  const auto got = reader.Explicit(0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], 0);
  // An FSM-eligible girl in year 3 with SEN support adds four more.
  p.sex[0] = 0;
  p.fsm[0] = 1;
  p.sen_provision[0] = 1;
  p.year_group[0] = 3;
  EXPECT_EQ(PupilGroupReader(p).Explicit(0).size(), 5u);
}

}  // namespace
}  // namespace lantern
