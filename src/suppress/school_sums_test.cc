// Places named by schools on random stores: the sums add up their schools'
// cells; a reader of every shown school cell and sum, working out all the
// additive relations give (written out here on their own, by cell), learns
// no hidden count of 1 or 2, no hidden sum under the threshold and no
// school cell the pass hides; so neither does a reader with the whole cube
// beside them; and every sum hidden beyond the small ones is needed
// (shown, it would give one of those away).
#include "suppress/school_sums.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "aggregate/cube_test_util.h"
#include "aggregate/groups.h"
#include "suppress/differencing_audit.h"

namespace lantern {
namespace {

// A cell: (school, or -1 for the place; school type; category).
using Cell = std::tuple<int, int, int>;

struct Reader {
  std::map<Cell, size_t> index;
  std::vector<int64_t> counts;
  std::vector<bool> shown;
  AdditiveRelations relations;
  size_t At(const Cell& c, int64_t count, bool is_shown) {
    auto [it, added] = index.emplace(c, counts.size());
    if (added) {
      counts.push_back(count);
      shown.push_back(is_shown);
    }
    return it->second;
  }
  // What a reader works out that is small, or a school cell the pass hides.
  size_t Leaks(std::vector<bool> known) const {
    std::vector<bool> kept(counts.size(), false);
    for (const auto& [cell, i] : index) kept[i] = std::get<0>(cell) != -1 && !shown[i];
    return AuditDifferencing(relations, counts, known, 3, nullptr, &kept).size();
  }
};

bool InUnit(const Cube& cube, uint32_t s, size_t u) {
  if (cube.school_trust(s) == static_cast<int>(u)) return true;
  for (int v = cube.school_la(s); v >= 0; v = cube.units()[static_cast<size_t>(v)].parent) {
    const auto& m = cube.units()[u].members;
    if (v == static_cast<int>(u) || std::find(m.begin(), m.end(), v) != m.end()) return true;
  }
  return false;
}

// A cube cell the pass hides that is the same figure as one of the place's
// sums: the same schools' cells, give or take cells the pass shows (and
// one of them hidden, else the sum follows from shown cells anyway).
struct SameFigure {
  size_t sum;  // type * categories + category
  uint32_t unit;
  int type;
  int64_t count;
};

std::vector<SameFigure> SameFigures(const Cube& cube, const DisclosureFlags& flags,
                                    const Policy& policy, const std::vector<uint32_t>& place) {
  auto in_type = [&](int type, int st) {
    return type == kTotalType ? InHeadlineTotal(st, policy) : st == type;
  };
  std::vector<SameFigure> out;
  const int cats = cube.categories();
  for (uint32_t u = 0; u < cube.units().size(); ++u) {
    if (cube.units()[u].basis != LocationBasis::kSchool) continue;
    for (int t2 = 0; t2 < kReportTypes; ++t2) {
      for (int c = 0; c < cats; ++c) {
        if (!flags.Hidden(0, {false, u, static_cast<uint8_t>(t2), static_cast<uint16_t>(c)})) {
          continue;
        }
        for (int t = 0; t < kReportTypes; ++t) {
          bool same = true, any_hidden = false;
          for (uint32_t s = 0; s < cube.schools() && same; ++s) {
            const int st = cube.school_type(s);
            if (st < 0) continue;
            const bool in_sum =
                in_type(t, st) && std::find(place.begin(), place.end(), s) != place.end();
            const bool in_cell = in_type(t2, st) && InUnit(cube, s, u);
            const bool hidden = flags.HiddenAtSchool(0, s, c) &&
                                !(cube.SchoolValue(s, c, 0) == 0 && cube.SchoolValue(s, 0, 0) == 0);
            if (in_sum != in_cell && hidden) same = false;
            if (in_sum && in_cell && hidden) any_hidden = true;
          }
          if (same && any_hidden) {
            out.push_back({static_cast<size_t>(t * cats + c), u, t2, cube.Aggregate(u, t2, c)[0]});
          }
        }
      }
    }
  }
  return out;
}

Reader ReaderOf(const Cube& cube, const DisclosureFlags& flags, const Policy& policy,
                const std::vector<uint32_t>& place, const std::vector<int64_t>& sums,
                const std::vector<bool>& hidden) {
  Reader r;
  const int cats = cube.categories();
  auto sum_cell = [&](int type, int c) {
    const size_t at = static_cast<size_t>(type * cats + c);
    return r.At({-1, type, c}, sums[at], !hidden[at]);
  };
  // A hidden 0 of a school with none at all is known: the school had none.
  auto school_cell = [&](uint32_t s, int c) {
    const bool zero = cube.SchoolValue(s, c, 0) == 0 && cube.SchoolValue(s, 0, 0) == 0;
    return r.At({static_cast<int>(s), cube.school_type(s), c}, cube.SchoolValue(s, c, 0),
                !flags.HiddenAtSchool(0, s, c) || zero);
  };
  const auto& topics = GroupTopics();
  auto by_topic = [&](auto cell_of) {
    for (size_t t = 1; t < topics.size(); ++t) {
      std::vector<size_t> parts;
      for (int c = CategoryOffset(t); c < CategoryOffset(t + 1); ++c) parts.push_back(cell_of(c));
      r.relations.Add(cell_of(0), parts);
    }
  };
  for (uint32_t s : place) by_topic([&](int c) { return school_cell(s, c); });
  for (int type = 0; type < kReportTypes; ++type) {
    by_topic([&](int c) { return sum_cell(type, c); });
  }
  for (int c = 0; c < cats; ++c) {
    std::vector<size_t> headline_types, headline_schools;
    for (int type = 1; type < kReportTypes; ++type) {
      std::vector<size_t> of_type;
      for (uint32_t s : place) {
        if (cube.school_type(s) == type) of_type.push_back(school_cell(s, c));
      }
      r.relations.Add(sum_cell(type, c), of_type);
      if (InHeadlineTotal(type, policy)) {
        headline_types.push_back(sum_cell(type, c));
        headline_schools.insert(headline_schools.end(), of_type.begin(), of_type.end());
      }
    }
    r.relations.Add(sum_cell(0, c), headline_types);
    r.relations.Add(sum_cell(0, c), headline_schools);
  }
  // A reader who sees that a sum is the same figure as a cube cell the pass
  // hides: working it out is a leak, whatever its count.
  for (const SameFigure& f : SameFigures(cube, flags, policy, place)) {
    const size_t x = r.At({-2 - static_cast<int>(f.unit), f.type, static_cast<int>(f.sum % cats)},
                          f.count, false);
    const std::vector<size_t> sum = {
        sum_cell(static_cast<int>(f.sum) / cats, static_cast<int>(f.sum) % cats)};
    r.relations.Add(x, sum);
  }
  return r;
}

// A reader of everything published: every cell of the cube the pass
// publishes (its own tables, CubeRelations) and the place's sums (their
// types and topics, and their schools' cells). The leaks it finds.
size_t WholeReaderLeaks(const Cube& cube, const DisclosureFlags& flags, const Policy& policy,
                        const std::vector<uint32_t>& place, const std::vector<int64_t>& sums,
                        const std::vector<bool>& hidden) {
  const size_t rows = flags.cells();
  std::vector<int64_t> counts(rows);
  std::vector<bool> known(rows);
  auto fill = [&](const CubeCell& cell, int64_t n) {
    if (const int64_t r = flags.RowOf(cell); r >= 0) {
      counts[static_cast<size_t>(r)] = n;
      known[static_cast<size_t>(r)] = !flags.Hidden(0, cell);
    }
  };
  const int cats = cube.categories();
  for (uint32_t s = 0; s < cube.schools(); ++s) {
    for (int c = 0; c < cats; ++c) {
      fill({true, s, static_cast<uint8_t>(std::max(0, cube.school_type(s))),
            static_cast<uint16_t>(c)},
           cube.SchoolValue(s, c, 0));
    }
  }
  for (uint32_t u = 0; u < cube.units().size(); ++u) {
    for (int t = 0; t < kReportTypes; ++t) {
      for (int c = 0; c < cats; ++c) {
        fill({false, u, static_cast<uint8_t>(t), static_cast<uint16_t>(c)},
             cube.Aggregate(u, t, c)[0]);
      }
    }
  }
  AdditiveRelations relations = CubeRelations(cube, policy);
  auto sum_cell = [&](int type, int c) { return rows + static_cast<size_t>(type * cats + c); };
  for (size_t i = 0; i < sums.size(); ++i) {
    counts.push_back(sums[i]);
    known.push_back(!hidden[i]);
  }
  auto school_row = [&](uint32_t s, int c) {
    return flags.RowOf(
        {true, s, static_cast<uint8_t>(cube.school_type(s)), static_cast<uint16_t>(c)});
  };
  const auto& topics = GroupTopics();
  for (int type = 0; type < kReportTypes; ++type) {
    for (size_t t = 1; t < topics.size(); ++t) {
      std::vector<size_t> parts;
      for (int c = CategoryOffset(t); c < CategoryOffset(t + 1); ++c) {
        parts.push_back(sum_cell(type, c));
      }
      relations.Add(sum_cell(type, 0), parts);
    }
  }
  for (int c = 0; c < cats; ++c) {
    std::vector<size_t> headline_types, headline_schools;
    for (int type = 1; type < kReportTypes; ++type) {
      std::vector<size_t> of_type;
      for (uint32_t s : place) {
        if (cube.school_type(s) != type) continue;
        if (const int64_t r = school_row(s, c); r >= 0) of_type.push_back(static_cast<size_t>(r));
      }
      relations.Add(sum_cell(type, c), of_type);
      if (InHeadlineTotal(type, policy)) {
        headline_types.push_back(sum_cell(type, c));
        headline_schools.insert(headline_schools.end(), of_type.begin(), of_type.end());
      }
    }
    relations.Add(sum_cell(0, c), headline_types);
    relations.Add(sum_cell(0, c), headline_schools);
  }
  return AuditDifferencing(relations, counts, known, policy.suppress_below).size();
}

TEST(SchoolSumsTest, APlaceOfSchoolsGivesNothingHiddenAwayAndHidesNoMoreThanItMust) {
  size_t places = 0, beyond_small = 0, covering = 0, same_figures = 0;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const testing::RandomCase rc = testing::MakeCase(seed);
    const Policy policy;
    const Cube cube = testing::BuildCube(rc, policy);
    const DisclosureFlags flags = DisclosureFlags::Run(cube, {{0, -1}}, policy, 2);
    const SchoolUnits school_units(cube);
    std::mt19937 rng(seed);
    // Random places, then each LA's schools of each type, and the trust's
    // schools in each LA of each type: places whose sums are cube cells.
    for (int k = 0; k < 4 + 2 * 2 * kReportTypes; ++k) {
      const int la = (k - 4) / (2 * kReportTypes), type = (k - 4) / 2 % kReportTypes;
      const bool trust_only = (k - 4) % 2 == 1;
      std::vector<uint32_t> place;
      for (uint32_t s = 0; s < cube.schools(); ++s) {
        const int st = cube.school_type(s);
        if (st < 0) continue;
        const bool in = k < 4
                            ? rng() % 3 == 0
                            : cube.school_la(s) == cube.school_la(static_cast<size_t>(la)) &&
                                  (type == kTotalType ? InHeadlineTotal(st, policy) : st == type) &&
                                  (!trust_only || cube.school_trust(s) >= 0);
        if (in) place.push_back(s);
      }
      if (place.size() < 2) continue;
      ++places;
      covering += k >= 4;
      const std::vector<int64_t> sums = SchoolSums(cube, policy, place, 0);
      const std::vector<bool> hidden = HideSchoolSums(school_units, flags, policy, place, 0);
      ASSERT_EQ(hidden.size(), sums.size());
      // The sums: their schools' cells.
      for (int c = 0; c < cube.categories(); ++c) {
        int64_t total = 0;
        for (uint32_t s : place) {
          if (InHeadlineTotal(cube.school_type(s), policy)) total += cube.SchoolValue(s, c, 0);
        }
        EXPECT_EQ(sums[static_cast<size_t>(c)], total);
      }
      // No shown sum is a figure the cube's own rows withhold.
      for (const SameFigure& f : SameFigures(cube, flags, policy, place)) {
        ++same_figures;
        EXPECT_TRUE(hidden[f.sum]) << "seed " << seed << " place " << k << ": sum " << f.sum
                                   << " is unit " << f.unit << "'s hidden cell of type " << f.type;
      }
      Reader r = ReaderOf(cube, flags, policy, place, sums, hidden);
      EXPECT_EQ(r.Leaks(r.shown), 0u) << "seed " << seed << " place " << k;
      EXPECT_EQ(WholeReaderLeaks(cube, flags, policy, place, sums, hidden), 0u)
          << "seed " << seed << " place " << k << ": with the whole cube beside it";
      // Each hidden sum of 3 or more is needed: shown, something leaks.
      for (const auto& [cell, i] : r.index) {
        if (std::get<0>(cell) != -1 || r.shown[i] || r.counts[i] < 3) continue;
        ++beyond_small;
        std::vector<bool> more = r.shown;
        more[i] = true;
        EXPECT_GT(r.Leaks(more), 0u) << "seed " << seed << " place " << k << " type "
                                     << std::get<1>(cell) << " category " << std::get<2>(cell);
      }
    }
  }
  EXPECT_GT(places, 30u);
  EXPECT_GT(covering, 30u);
  EXPECT_GT(same_figures, 100u) << "the cases should have sums that are hidden cube cells";
  EXPECT_GT(beyond_small, 10u) << "the cases should need sums hidden beyond the small ones";
}

}  // namespace
}  // namespace lantern
