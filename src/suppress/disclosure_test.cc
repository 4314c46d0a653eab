#include "suppress/disclosure.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

TEST(DisclosureTest, CountsOfOneOrTwoAreDisclosive) {
  EXPECT_FALSE(IsDisclosive(0, 3));  // a true zero is published
  EXPECT_TRUE(IsDisclosive(1, 3));
  EXPECT_TRUE(IsDisclosive(2, 3));
  EXPECT_FALSE(IsDisclosive(3, 3));
  EXPECT_TRUE(IsDisclosive(4, 5));  // the policy's threshold, not a constant
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

#include <random>

#include "suppress/suppression_problem.h"

namespace lantern {
namespace {

TEST(SuppressionProblemTest, ProtectsAcrossLinkedTables) {
  // An LA of 100 pupils in two schools; each school split into girls and boys.
  SuppressionProblem p;
  size_t la = p.AddCell(100), la_g = p.AddCell(40), la_b = p.AddCell(60);
  size_t s1 = p.AddCell(60), s1_g = p.AddCell(2), s1_b = p.AddCell(58);
  size_t s2 = p.AddCell(40), s2_g = p.AddCell(38), s2_b = p.AddCell(2);
  p.AddGroup(la, {la_g, la_b});
  p.AddGroup(s1, {s1_g, s1_b});
  p.AddGroup(s2, {s2_g, s2_b});
  p.AddGroup(la, {s1, s2});
  p.AddGroup(la_g, {s1_g, s2_g});
  p.AddGroup(la_b, {s1_b, s2_b});
  auto hidden = p.Solve(3, true);
  // Primary: the two cells of 2.
  EXPECT_TRUE(hidden[s1_g]);
  EXPECT_TRUE(hidden[s2_b]);
  // Within each school the complement goes too, or 60 - 58 gives it away.
  EXPECT_TRUE(hidden[s1_b]);
  EXPECT_TRUE(hidden[s2_g]);
  // The LA figures and school totals stay published: nothing can be recovered
  // from them, because two cells are hidden in every linked group.
  EXPECT_FALSE(hidden[la]);
  EXPECT_FALSE(hidden[la_g]);
  EXPECT_FALSE(hidden[la_b]);
  EXPECT_FALSE(hidden[s1]);
  EXPECT_FALSE(hidden[s2]);
}

TEST(SuppressionProblemTest, HiddenMarginHidesAMember) {
  SuppressionProblem p;
  size_t total = p.AddCell(2), a = p.AddCell(0), b = p.AddCell(2);
  p.AddGroup(total, {a, b});
  auto hidden = p.Solve(3, true);
  EXPECT_TRUE(hidden[total]);
  EXPECT_TRUE(hidden[b]);
  EXPECT_FALSE(hidden[a]);
}

TEST(SuppressionProblemTest, NoSecondaryMeansPrimaryOnly) {
  SuppressionProblem p;
  size_t total = p.AddCell(30), a = p.AddCell(1), b = p.AddCell(29);
  p.AddGroup(total, {a, b});
  auto hidden = p.Solve(3, false);
  EXPECT_TRUE(hidden[a]);
  EXPECT_FALSE(hidden[b]);
  hidden = p.Solve(3, true);
  EXPECT_TRUE(hidden[b]);
}

// Random nested tables (LAs of schools, each split by sex and by year): after
// Solve, every additive group obeys the rule, whichever order groups became
// unsafe in.
TEST(SuppressionProblemTest, AZeroHiddenWithItsRowPullsInNothing) {
  // Total 15 = looked after 0 + not looked after 15. The looked-after cell
  // is hidden because its row is (its headcount is 1 or 2, hidden in
  // another measure); it holds 0, so working it out reveals no pupil and
  // the others stay published.
  SuppressionProblem p;
  const size_t total = p.AddCell(15), lac = p.AddCell(0), other = p.AddCell(15);
  p.AddGroup(total, {lac, other});
  std::vector<bool> start(3, false);
  start[lac] = true;
  const auto hidden = p.Solve(3, true, start);
  EXPECT_TRUE(hidden[lac]);
  EXPECT_FALSE(hidden[other]);
  EXPECT_FALSE(hidden[total]);
  // Holding 1 instead, it needs the rest: the other member is hidden too.
  SuppressionProblem q;
  const size_t t2 = q.AddCell(16), l2 = q.AddCell(1), o2 = q.AddCell(15);
  q.AddGroup(t2, {l2, o2});
  const auto h2 = q.Solve(3, true, start);
  EXPECT_TRUE(h2[l2]);
  EXPECT_TRUE(h2[o2]);
}

TEST(SuppressionProblemTest, AHiddenZeroAReaderCanTellProtectsNothing) {
  // An LA's 20 = school A's 4 (hidden for another group's sake) + school
  // Z's 0 (hidden with its row) + school B's 16. School Z's own total is
  // published: when its published members add up to it, a reader can tell
  // the hidden 0 and would work the 4 out from the LA's 20, and then the
  // other group's small cell: the 4 needs a member holding pupils beside
  // it, here the 16. When Z's published members fall short of its total,
  // its hidden 0 is no more known than any hidden cell and protects.
  for (const bool told : {true, false}) {
    SuppressionProblem p;
    const size_t la = p.AddCell(20), a = p.AddCell(4), z = p.AddCell(0), b = p.AddCell(16);
    const size_t z_all = p.AddCell(told ? 3 : 8), z_other = p.AddCell(3);
    std::vector<size_t> z_members = {z, z_other};
    size_t z_hidden = 0;
    if (!told) z_members.push_back(z_hidden = p.AddCell(5));
    p.AddGroup(la, {a, z, b});
    p.AddGroup(z_all, z_members);
    std::vector<bool> start(p.cells(), false);
    start[a] = start[z] = true;
    if (!told) start[z_hidden] = true;
    const auto hidden = p.Solve(3, true, start);
    EXPECT_EQ(hidden[b], told) << told;
    EXPECT_FALSE(hidden[la]) << told;
    EXPECT_FALSE(hidden[z_all]) << told;
  }
  // The same held as a split (the whole, the parts, a rest no file
  // publishes holding 0): a hidden 0 there never protects.
  const std::vector<int64_t> counts = {20, 4, 16, 0};
  std::vector<uint8_t> h = {0, 1, 0, 1};
  const auto hid = MakeSplitSafe(counts, h, true, 3);
  EXPECT_TRUE(h[2] || h[0]) << "the 4 stands beside a 0 only";
  EXPECT_FALSE(hid.empty());
}

TEST(SuppressionProblemTest, AZeroHiddenLaterThatAReaderCanTellProtectsNothing) {
  // As above, with the 4 and the 0 hidden after the first solve (another
  // rule hid them): the zeros Solve found known are kept up to date.
  SuppressionProblem p;
  const size_t la = p.AddCell(20), a = p.AddCell(4), z = p.AddCell(0), b = p.AddCell(16);
  const size_t z_all = p.AddCell(3), z_other = p.AddCell(3);
  p.AddGroup(la, {a, z, b});
  p.AddGroup(z_all, {z, z_other});
  const std::vector<int64_t> counts = {20, 4, 0, 16, 3, 3};
  std::vector<uint8_t> known;
  std::vector<bool> hidden = p.Solve(counts, 3, true, {}, &known);
  ASSERT_FALSE(hidden[b]);
  hidden[a] = hidden[z] = true;
  const std::vector<size_t> newly = {a, z};
  const std::vector<size_t> hid = p.Resettle(counts, 3, hidden, newly, &known);
  EXPECT_TRUE(hidden[b]);
  EXPECT_EQ(hid, std::vector<size_t>{b});
  EXPECT_TRUE(known[z]);
}

TEST(SuppressionProblemTest, EveryGroupIsSafeOnRandomLinkedTables) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    SuppressionProblem p;
    std::vector<int64_t> counts;
    std::vector<std::pair<size_t, std::vector<size_t>>> groups;
    auto cell = [&](int64_t n) {
      counts.push_back(n);
      return p.AddCell(n);
    };
    auto group = [&](size_t margin, std::vector<size_t> members) {
      p.AddGroup(margin, members);
      groups.emplace_back(margin, std::move(members));
    };
    std::vector<size_t> la_cells;
    int64_t la_total = 0, la_girls = 0;
    std::vector<size_t> school_cells, girls_cells;
    for (int school = 0; school < 12; ++school) {
      std::vector<int64_t> years(3);
      int64_t girls = 0, total = 0;
      for (auto& y : years) {
        y = static_cast<int64_t>(rng() % 9);
        total += y;
      }
      girls = total == 0 ? 0 : static_cast<int64_t>(rng() % static_cast<unsigned>(total + 1));
      const size_t t = cell(total), g = cell(girls), b = cell(total - girls);
      std::vector<size_t> ys;
      for (int64_t y : years) ys.push_back(cell(y));
      group(t, {g, b});
      group(t, ys);
      school_cells.push_back(t);
      girls_cells.push_back(g);
      la_total += total;
      la_girls += girls;
    }
    const size_t la = cell(la_total), la_g = cell(la_girls);
    group(la, school_cells);
    group(la_g, girls_cells);
    const auto hidden = p.Solve(3, true);
    for (size_t c = 0; c < counts.size(); ++c) {
      if (counts[c] == 1 || counts[c] == 2) {
        EXPECT_TRUE(hidden[c]) << trial << " cell " << c;
      }
    }
    for (const auto& [margin, members] : groups) {
      int hidden_members = 0;
      int64_t hidden_sum = 0, nonzero_published = 0;
      for (size_t m : members) {
        if (hidden[m]) {
          ++hidden_members;
          hidden_sum += counts[m];
        } else if (counts[m] > 0) {
          ++nonzero_published;
        }
      }
      if (!hidden[margin] && hidden_sum > 0) {
        EXPECT_GE(hidden_members, 2) << trial;
        EXPECT_GE(hidden_sum, 3) << trial;
      }
      if (hidden[margin] && counts[margin] > 0) {
        EXPECT_TRUE(hidden_members > 0 || nonzero_published == 0) << trial;
      }
    }
  }
}

}  // namespace
}  // namespace lantern
