#include "aggregate/groups.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "lantern/indicators.h"

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

// A pupil's category in every topic, worked out the long way from the
// declarations.
std::vector<int16_t> AllCategories(const PupilTable& p, uint32_t pupil) {
  const auto& topics = GroupTopics();
  std::vector<int16_t> out = {kTotalCategory};
  for (size_t t = 1; t < topics.size(); ++t) {
    out.push_back(static_cast<int16_t>(CategoryOffset(t) +
                                       topics[t].category_of(topics[t].column(p)[pupil])));
  }
  return out;
}

TEST(PupilGroupReaderTest, PackedGroupsAreEachPupilsCategoriesLessTheUsualOnes) {
  const PupilTable pupils = RandomPupils(20000, 7);
  for (int threads : {1, 2, 3}) {
    const PupilGroupReader reader(pupils, threads);
    for (uint32_t i = 0; i < pupils.size(); ++i) {
      const auto all = AllCategories(pupils, i);
      std::vector<int16_t> want;
      for (size_t t = 0; t < all.size(); ++t) {
        if (t == 0 || all[t] != CategoryOffset(t) + GroupTopics()[t].usual) want.push_back(all[t]);
      }
      const auto got = reader.Explicit(i);
      ASSERT_TRUE(std::equal(got.begin(), got.end(), want.begin(), want.end()))
          << "pupil " << i << " threads " << threads;
      const auto every = reader.All(i);
      ASSERT_TRUE(std::equal(every.begin(), every.end(), all.begin(), all.end())) << i;
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

TEST(GroupCatalogueTest, IdsAreUniqueAndTheScorecardsGroupsAreDeclared) {
  std::set<std::string_view> ids;
  for (int c = 0; c < CategoryCount(); ++c) {
    EXPECT_TRUE(ids.insert(Category(c).id).second) << Category(c).id;
    EXPECT_LE(Category(c).label.size(), 120u);
    EXPECT_EQ(FindCategory(Category(c).id), c);
  }
  EXPECT_FALSE(FindCategory("no_such_group"));
  // The scorecard's twelve groups, all pupils first, as declared.
  std::vector<std::string_view> sc;
  for (PupilGroup g : ScorecardPupilGroups()) sc.push_back(PupilGroupId(g));
  EXPECT_EQ(sc, (std::vector<std::string_view>{"all_pupils", "girls", "boys", "fsm", "not_fsm",
                                               "disadvantaged", "not_disadvantaged", "no_sen",
                                               "sen_support", "ehcp", "eal", "looked_after"}));
  // A group is set beside its topic's usual group.
  EXPECT_EQ(PupilGroupId(*ComparisonGroup(*FindPupilGroup("sen_support"))), "no_sen");
  EXPECT_EQ(PupilGroupId(*ComparisonGroup(*FindPupilGroup("girls"))), "boys");
  EXPECT_FALSE(ComparisonGroup(*FindPupilGroup("eal")));  // its usual group is not shown
  EXPECT_FALSE(ComparisonGroup(kAllPupils));
}

TEST(GroupCatalogueTest, UsualCategoryIsTheTotalLessTheOthers) {
  // One block of cells [category][2 measures]: fill the total and every
  // non-usual category, and the usual ones come out as the rest.
  const int cats = CategoryCount();
  std::vector<int64_t> cells(static_cast<size_t>(cats) * 2, 0);
  cells[0] = 100;
  cells[1] = 7;
  const auto& topics = GroupTopics();
  for (size_t t = 1; t < topics.size(); ++t) {
    for (size_t c = 0; c < topics[t].categories.size(); ++c) {
      if (static_cast<int>(c) == topics[t].usual) continue;
      const size_t at = static_cast<size_t>(CategoryOffset(t)) + c;
      cells[at * 2] = 3;
      cells[at * 2 + 1] = 1;
    }
  }
  CompleteUsualCategories(cells.data(), 2);
  for (size_t t = 1; t < topics.size(); ++t) {
    const size_t others = topics[t].categories.size() - 1;
    const size_t usual = static_cast<size_t>(CategoryOffset(t) + topics[t].usual);
    EXPECT_EQ(cells[usual * 2], 100 - 3 * static_cast<int64_t>(others)) << topics[t].label;
    EXPECT_EQ(cells[usual * 2 + 1], 7 - static_cast<int64_t>(others)) << topics[t].label;
  }
}

}  // namespace
}  // namespace lantern
