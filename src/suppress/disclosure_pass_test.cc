// The one disclosure pass on a random store: every small count is hidden,
// and no hidden count can be worked out from a published total less the
// published parts, within any topic, across school types, or from an LA's
// schools; a count starts from the cells of the count it is declared
// within; the threshold is the policy's.
#include "suppress/disclosure_pass.h"

#include <gtest/gtest.h>

#include "aggregate/cube_test_util.h"
#include "aggregate/groups.h"

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
