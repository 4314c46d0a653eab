// The one disclosure pass on a random store: every small count is hidden,
// and no hidden count can be worked out from a published total less the
// published parts, within any topic, across school types, or from an LA's
// schools; a count starts from the cells of the count it is declared
// within; the threshold is the policy's.
#include "suppress/disclosure_pass.h"

#include <gtest/gtest.h>

#include <array>
#include <random>

#include "aggregate/cube_test_util.h"
#include "aggregate/groups.h"
#include "suppress/suppression_problem.h"
#include "suppress/zero_reader_test_util.h"

namespace lantern {
namespace {

using testing::BuildCube;
using testing::MakeCase;
using testing::RandomCase;

// The count of a cell, and whether it is hidden.
struct Cells {
  const Cube& cube;
  const DisclosureFlags& flags;
  size_t measure;
  int64_t Count(const CubeCell& c) const {
    return c.school ? cube.SchoolValue(c.unit, c.category, measure)
                    : cube.Aggregate(c.unit, c.type, c.category)[measure];
  }
  bool Hidden(const CubeCell& c) const { return flags.Hidden(measure, c); }
};

// A published margin with hidden parts hides at least two of them, holding
// at least `threshold` together: none can be got by subtraction.
void ExpectSafe(const Cells& x, const CubeCell& margin, const std::vector<CubeCell>& parts,
                int threshold, const std::string& what) {
  if (x.Hidden(margin)) return;
  int hidden = 0;
  int64_t sum = 0;
  for (const CubeCell& p : parts) {
    if (!x.Hidden(p)) continue;
    ++hidden;
    sum += x.Count(p);
  }
  if (sum == 0) return;  // only zeros hidden with their rows: nothing to work out
  EXPECT_GE(hidden, 2) << what;
  EXPECT_GE(sum, threshold) << what;
}

void ExpectProtected(const Cube& cube, const DisclosureFlags& flags, size_t measure,
                     int threshold) {
  const Cells x{cube, flags, measure};
  const auto& topics = GroupTopics();
  auto topic_groups = [&](auto cell_of, const std::string& where) {
    for (size_t t = 1; t < topics.size(); ++t) {
      std::vector<CubeCell> parts;
      for (int c = CategoryOffset(t); c < CategoryOffset(t + 1); ++c) parts.push_back(cell_of(c));
      ExpectSafe(x, cell_of(0), parts, threshold, where + " topic " + std::string(topics[t].label));
    }
  };
  size_t small = 0;
  for (uint32_t s = 0; s < cube.schools(); ++s) {
    auto cell = [&](int c) {
      return CubeCell{true, s, static_cast<uint8_t>(std::max(0, cube.school_type(s))),
                      static_cast<uint16_t>(c)};
    };
    for (int c = 0; c < cube.categories(); ++c) {
      const int64_t n = x.Count(cell(c));
      if (n > 0 && n < threshold) {
        EXPECT_TRUE(x.Hidden(cell(c))) << "school " << s << " category " << c << ": " << n;
        ++small;
      }
    }
    topic_groups(cell, "school " + std::to_string(s));
  }
  EXPECT_GT(small, 10u) << "the case should have small counts to hide";
  for (uint32_t u = 0; u < cube.units().size(); ++u) {
    for (int t = 0; t < kReportTypes; ++t) {
      auto cell = [&](int c) {
        return CubeCell{false, u, static_cast<uint8_t>(t), static_cast<uint16_t>(c)};
      };
      topic_groups(cell, "unit " + std::to_string(u) + " type " + std::to_string(t));
    }
    // An LA (by school location) is its schools, type by type, and Total is
    // the headline types.
    const AggregateUnit& unit = cube.units()[u];
    if (unit.geography.level != GeographicLevel::kLocalAuthority ||
        unit.basis != LocationBasis::kSchool) {
      continue;
    }
    for (int c = 0; c < cube.categories(); ++c) {
      for (int t = 1; t < kReportTypes; ++t) {
        std::vector<CubeCell> schools;
        for (uint32_t s = 0; s < cube.schools(); ++s) {
          if (cube.school_la(s) == static_cast<int>(u) && cube.school_type(s) == t) {
            schools.push_back({true, s, static_cast<uint8_t>(t), static_cast<uint16_t>(c)});
          }
        }
        ExpectSafe(x, {false, u, static_cast<uint8_t>(t), static_cast<uint16_t>(c)}, schools,
                   threshold, "LA schools");
      }
      std::vector<CubeCell> types;
      for (int t = 1; t <= 3; ++t)
        types.push_back({false, u, static_cast<uint8_t>(t), static_cast<uint16_t>(c)});
      ExpectSafe(x, {false, u, 0, static_cast<uint16_t>(c)}, types, threshold, "types");
    }
  }
}

TEST(DisclosurePassTest, SmallCountsAreHiddenAndCannotBeRecovered) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    const RandomCase c = MakeCase(seed);
    const Policy policy;
    const Cube cube = BuildCube(c, policy);
    const DisclosureFlags flags = DisclosureFlags::Run(cube, {{0, -1}, {1, 0}}, policy, 2);
    ExpectProtected(cube, flags, 0, 3);
    ExpectProtected(cube, flags, 1, 3);
    // The second count starts from the first's hidden cells.
    for (uint32_t s = 0; s < cube.schools(); ++s) {
      for (int cat = 0; cat < cube.categories(); ++cat) {
        if (flags.HiddenAtSchool(0, s, cat)) {
          EXPECT_TRUE(flags.HiddenAtSchool(1, s, cat));
        }
      }
    }
  }
}

TEST(DisclosurePassTest, TheThresholdIsThePolicys) {
  const RandomCase c = MakeCase(4);
  Policy five;
  five.suppress_below = 6;
  Policy off;
  off.suppress_below = 1;
  off.secondary_suppression = false;
  const Cube cube = BuildCube(c, five);
  const DisclosureFlags strict = DisclosureFlags::Run(cube, {{0, -1}}, five, 1);
  const DisclosureFlags none = DisclosureFlags::Run(cube, {{0, -1}}, off, 1);
  ExpectProtected(cube, strict, 0, 6);
  size_t hidden_strict = 0, hidden_none = 0;
  for (uint32_t s = 0; s < cube.schools(); ++s) {
    for (int cat = 0; cat < cube.categories(); ++cat) {
      hidden_strict += strict.HiddenAtSchool(0, s, cat);
      hidden_none += none.HiddenAtSchool(0, s, cat);
    }
  }
  EXPECT_GT(hidden_strict, 0u);
  EXPECT_EQ(hidden_none, 0u);
  // The same run twice, and on one worker or two, hides the same cells.
  const DisclosureFlags again = DisclosureFlags::Run(cube, {{0, -1}}, five, 2);
  for (uint32_t s = 0; s < cube.schools(); ++s) {
    for (int cat = 0; cat < cube.categories(); ++cat) {
      EXPECT_EQ(again.HiddenAtSchool(0, s, cat), strict.HiddenAtSchool(0, s, cat));
    }
  }
}

}  // namespace
}  // namespace lantern

namespace lantern {
namespace {

// Moves, each to one of four places (the exit grain's split of moves):
// A within the trust in the LA, B another trust in the LA, C another trust
// in another LA, D the same trust in another LA; some rows are no move.
enum MoveMeasure { kMoves, kOtherLa, kOtherTrust, kSameTrust, kMoveMeasures };
constexpr MeasureDecl kMoveMeasureDecls[] = {
    {"moves", Quantity::kEvents, 1, Aggregation::kSum, 1, 1, "A + B + C + D"},
    {"moves_other_la", Quantity::kEvents, 1, Aggregation::kSum, 1, 1, "C + D"},
    {"moves_other_trust", Quantity::kEvents, 1, Aggregation::kSum, 1, 1, "B + C"},
    {"moves_same_trust", Quantity::kEvents, 1, Aggregation::kSum, 1, 1, "A"},
};

class MoveGrain : public FactGrain {
 public:
  MoveGrain(const StoreState& s, uint32_t seed) {
    std::mt19937 rng(seed);
    for (uint32_t school = 0; school < s.schools.size(); ++school) {
      if (school == 3) continue;  // the nursery school
      for (uint32_t pupil = 0; pupil < s.pupils.size(); ++pupil) {
        if (rng() % 12 != 0) continue;
        const int atom = static_cast<int>(rng() % 8);  // 4 to 7: no move
        std::array<int64_t, kMoveMeasures> v{};
        v[kMoves] = atom < 4;
        v[kOtherLa] = atom == 2 || atom == 3;
        v[kOtherTrust] = atom == 1 || atom == 2;
        v[kSameTrust] = atom == 0;
        rows_.push_back({school, pupil, v});
      }
    }
  }
  std::string_view name() const override { return "moves"; }
  std::span<const MeasureDecl> measures() const override { return kMoveMeasureDecls; }
  uint64_t max_rows_per_school() const override { return rows_.size(); }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    return Status::Ok();
  }
  void Scan(const SchoolShare& share, FactSink* sink) const override {
    for (const Row& r : rows_) {
      if (!share.owns(r.school)) continue;
      std::vector<int64_t> v;
      for (int m : wanted_) v.push_back(r.values[static_cast<size_t>(m)]);
      sink->Add(r.school, r.pupil, v.data());
    }
  }

 private:
  struct Row {
    uint32_t school, pupil;
    std::array<int64_t, kMoveMeasures> values;
  };
  std::vector<Row> rows_;
  std::vector<int> wanted_;
};

// The splits: moves = same trust + other LA + B; other trust = B + C;
// other LA = C + D.
const std::vector<SplitCount> kMoveSplits = {
    {kMoves, {kSameTrust, kOtherLa}, true},
    {kOtherTrust, {-1}, true},
    {kOtherLa, {-2}, true},
};

// What a reader of every shown count works out, by exhaustive differencing
// over each count's own tables (CubeRelations) and, in every cell, the
// splits: the leaks, with the rests (no file's) as cells never shown.
std::vector<DifferencingLeak> ReaderLeaks(const Cube& cube, const DisclosureFlags& flags,
                                          const Policy& policy) {
  const AdditiveRelations base = CubeRelations(cube, policy);
  const size_t rows = flags.cells();
  std::vector<CubeCell> cell_of(rows);
  for (uint32_t s = 0; s < cube.schools(); ++s) {
    for (int c = 0; c < cube.categories(); ++c) {
      const CubeCell cell{true, s, static_cast<uint8_t>(std::max(0, cube.school_type(s))),
                          static_cast<uint16_t>(c)};
      if (const int64_t r = flags.RowOf(cell); r >= 0) cell_of[static_cast<size_t>(r)] = cell;
    }
  }
  for (uint32_t u = 0; u < cube.units().size(); ++u) {
    for (int t = 0; t < kReportTypes; ++t) {
      for (int c = 0; c < cube.categories(); ++c) {
        const CubeCell cell{false, u, static_cast<uint8_t>(t), static_cast<uint16_t>(c)};
        if (const int64_t r = flags.RowOf(cell); r >= 0) cell_of[static_cast<size_t>(r)] = cell;
      }
    }
  }
  // Slots: the four counts, then the rests B, C, D.
  const size_t slots = kMoveMeasures + 3;
  std::vector<int64_t> counts(slots * rows);
  std::vector<bool> known(slots * rows, false);
  for (size_t r = 0; r < rows; ++r) {
    const CubeCell& c = cell_of[r];
    auto v = [&](int m) {
      return c.school ? cube.SchoolValue(c.unit, c.category, static_cast<size_t>(m))
                      : cube.Aggregate(c.unit, c.type, c.category)[m];
    };
    for (int m = 0; m < kMoveMeasures; ++m) {
      counts[static_cast<size_t>(m) * rows + r] = v(m);
      known[static_cast<size_t>(m) * rows + r] = !flags.Hidden(static_cast<size_t>(m), c);
    }
    const int64_t b = v(kMoves) - v(kSameTrust) - v(kOtherLa);
    const int64_t cc = v(kOtherTrust) - b;
    counts[4 * rows + r] = b;
    counts[5 * rows + r] = cc;
    counts[6 * rows + r] = v(kOtherLa) - cc;
  }
  AdditiveRelations relations;
  for (size_t slot = 0; slot < slots; ++slot) {
    for (const AdditiveRelation g : base) {
      std::vector<size_t> members;
      for (size_t m : g.members) members.push_back(slot * rows + m);
      relations.Add(slot * rows + g.margin, members);
    }
  }
  for (size_t r = 0; r < rows; ++r) {
    auto at = [&](size_t slot) { return slot * rows + r; };
    relations.Add(at(kMoves), std::vector<size_t>{at(kSameTrust), at(kOtherLa), at(4)});
    relations.Add(at(kOtherTrust), std::vector<size_t>{at(4), at(5)});
    relations.Add(at(kOtherLa), std::vector<size_t>{at(5), at(6)});
  }
  return AuditWithZeros(relations, counts, known, policy.suppress_below);
}

// Counts that split one another are hidden so that a reader of every shown
// count, working out every figure each count's tables and the splits give,
// learns no hidden count of 1 or 2 and no rest (a count no file publishes)
// of 1 or 2. Without the splits the same reader learns some.
TEST(DisclosurePassTest, CountsThatSplitOneAnotherGiveNothingAway) {
  const Policy policy;
  size_t leaks_without = 0, rest_hidden = 0;
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    RandomCase c = MakeCase(seed);
    MoveGrain grain(c.state, seed);
    CubeRequest r;
    r.state = &c.state;
    r.policy = &policy;
    r.grains = {{&grain, {kMoves, kOtherLa, kOtherTrust, kSameTrust}}};
    r.threads = 2;
    auto cube = Cube::Build(r);
    ASSERT_TRUE(cube.ok()) << cube.status().ToString();
    const std::vector<ControlledCount> counts = {
        {kMoves, -1}, {kOtherLa, -1}, {kOtherTrust, -1}, {kSameTrust, -1}};
    const DisclosureFlags flags = DisclosureFlags::Run(*cube, counts, kMoveSplits, policy, 2);
    const auto leaks = ReaderLeaks(*cube, flags, policy);
    EXPECT_TRUE(leaks.empty()) << "seed " << seed << ": " << leaks.size() << " leaks, the first "
                               << (leaks.empty() ? 0 : leaks[0].cell);
    for (int m = 0; m < kMoveMeasures; ++m) ExpectProtected(*cube, flags, m, 3);
    for (uint32_t s = 0; s < cube->schools(); ++s) {
      for (int cat = 0; cat < cube->categories(); ++cat) {
        const CubeCell cell{true, s, static_cast<uint8_t>(std::max(0, cube->school_type(s))),
                            static_cast<uint16_t>(cat)};
        rest_hidden += flags.RestHidden(0, cell);
      }
    }
    leaks_without +=
        ReaderLeaks(*cube, DisclosureFlags::Run(*cube, counts, policy, 2), policy).size();
  }
  EXPECT_GT(leaks_without, 0u) << "the case should give something away without the splits";
  EXPECT_GT(rest_hidden, 0u);
}

}  // namespace
}  // namespace lantern

namespace lantern {
namespace {

// A split's next hidden cell: the one in the fewest splits, the whole among
// the candidates; else the rest; else the smallest.
TEST(MakeSplitSafeTest, TheNextHiddenIsInTheFewestSplits) {
  // 118 cases = 117 open + 1 closed (the rest, hidden as small).
  const std::vector<int64_t> counts = {118, 117, 1};
  std::vector<uint8_t> hidden = {0, 0, 1};
  // Open cases are also in the split of exits to no school: hide the whole.
  EXPECT_EQ(MakeSplitSafe(counts, hidden, true, 3, std::vector<int>{1, 2, 1}),
            std::vector<size_t>{0});
  // Each in one split: the smallest, the open cases.
  hidden = {0, 0, 1};
  EXPECT_EQ(MakeSplitSafe(counts, hidden, true, 3), std::vector<size_t>{1});
  // A hidden part and a rest not yet hidden, each in one split: the rest.
  hidden = {0, 1, 0};
  EXPECT_EQ(MakeSplitSafe(std::vector<int64_t>{20, 2, 18}, hidden, true, 3),
            std::vector<size_t>{2});
  // A hidden whole with nothing hidden under it: a member, never the whole.
  hidden = {1, 0, 0};
  EXPECT_EQ(MakeSplitSafe(std::vector<int64_t>{20, 5, 15}, hidden, false, 3),
            std::vector<size_t>{1});
  // Nothing hidden: nothing to do.
  hidden = {0, 0, 0};
  EXPECT_TRUE(MakeSplitSafe(std::vector<int64_t>{20, 5, 15}, hidden, false, 3).empty());
}

}  // namespace
}  // namespace lantern
