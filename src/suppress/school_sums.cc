#include "suppress/school_sums.h"

#include <algorithm>
#include <functional>

#include "aggregate/groups.h"
#include "suppress/differencing_audit.h"
#include "suppress/disclosure.h"
#include "suppress/suppression_problem.h"

namespace lantern {

namespace {

// The schools of reported types, each once.
std::vector<uint32_t> Reported(const Cube& cube, std::span<const uint32_t> schools) {
  std::vector<uint32_t> out;
  for (uint32_t s : schools) {
    if (s < cube.schools() && cube.school_type(s) >= 0) out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A hidden 0 of a school with none of the count at all is no secret: a
// reader who sees the school had none (a file leaves out a school that no
// one joined or left) knows each of its groups had none.
bool KnownZero(int64_t count, int64_t school_total) { return count == 0 && school_total == 0; }

bool InType(int type, int school_type, const Policy& policy) {
  return type == kTotalType ? InHeadlineTotal(school_type, policy) : school_type == type;
}

}  // namespace

namespace {

// A count at each school cell and whether the pass hides it there.
struct SchoolCounts {
  std::function<int64_t(uint32_t school, int category)> count;
  std::function<bool(uint32_t school, int category)> hidden;
  std::function<bool(uint32_t unit, int type, int category)> aggregate_hidden;
  // Whether a reader cannot tell a school cell: hidden, and not a 0 of a
  // school with none at all (KnownZero).
  bool Unknown(uint32_t s, int c) const {
    return hidden(s, c) && !KnownZero(count(s, c), count(s, kTotalCategory));
  }
};

// The sums of `cells` over `listed` (reported schools), as SchoolSums lays
// them out.
std::vector<int64_t> SumsOf(const Cube& cube, const Policy& policy,
                            std::span<const uint32_t> listed, const SchoolCounts& cells) {
  const auto cats = static_cast<size_t>(cube.categories());
  std::vector<int64_t> sums(kReportTypes * cats, 0);
  for (uint32_t s : listed) {
    for (int t = 0; t < kReportTypes; ++t) {
      if (!InType(t, cube.school_type(s), policy)) continue;
      for (size_t c = 0; c < cats; ++c) {
        sums[static_cast<size_t>(t) * cats + c] += cells.count(s, static_cast<int>(c));
      }
    }
  }
  return sums;
}

// Which of `listed`'s cells a reader cannot tell, at [i * categories + c].
std::vector<bool> UnknownCells(const Cube& cube, std::span<const uint32_t> listed,
                               const SchoolCounts& cells) {
  const auto cats = static_cast<size_t>(cube.categories());
  std::vector<bool> out(listed.size() * cats);
  for (size_t i = 0; i < listed.size(); ++i) {
    for (size_t c = 0; c < cats; ++c)
      out[i * cats + c] = cells.Unknown(listed[i], static_cast<int>(c));
  }
  return out;
}

// Which sums are the same figure as a cube cell the pass hides: for each
// sum, the hidden cells of its schools are in one unit's cells of one type,
// where they are all the hidden cells, and that unit's cell is hidden.
std::vector<bool> SameAsHidden(const SchoolUnits& units, const Policy& policy,
                               std::span<const uint32_t> listed, const SchoolCounts& cells,
                               const std::vector<bool>& unknown) {
  const Cube& cube = units.cube();
  const auto cats = static_cast<size_t>(cube.categories());
  std::vector<bool> same(kReportTypes * cats, false);
  std::vector<uint32_t> hidden;
  std::vector<int> holding;
  for (int t = 0; t < kReportTypes; ++t) {
    for (size_t c = 0; c < cats; ++c) {
      const auto cat = static_cast<int>(c);
      hidden.clear();
      for (size_t i = 0; i < listed.size(); ++i) {
        if (unknown[i * cats + c] && InType(t, cube.school_type(listed[i]), policy)) {
          hidden.push_back(listed[i]);
        }
      }
      if (hidden.empty()) continue;  // the sum follows from shown cells
      // The units holding every one of them, the smallest first.
      holding = units.UnitsOf(hidden[0]);
      for (uint32_t s : hidden) {
        const auto& of = units.UnitsOf(s);
        std::erase_if(holding,
                      [&](int u) { return std::find(of.begin(), of.end(), u) == of.end(); });
      }
      std::sort(holding.begin(), holding.end(), [&](int a, int b) {
        return units.SchoolsOf(static_cast<size_t>(a)).size() <
               units.SchoolsOf(static_cast<size_t>(b)).size();
      });
      for (size_t i = 0; i < holding.size() && !same[static_cast<size_t>(t) * cats + c]; ++i) {
        const auto u = static_cast<uint32_t>(holding[i]);
        for (int t2 = 0; t2 < kReportTypes; ++t2) {
          if (!cells.aggregate_hidden(u, t2, cat) ||
              !std::all_of(hidden.begin(), hidden.end(),
                           [&](uint32_t s) { return InType(t2, cube.school_type(s), policy); })) {
            continue;
          }
          // Its hidden school cells: the sum's, and no more.
          size_t n = 0;
          for (uint32_t s : units.SchoolsOf(u)) {
            if (InType(t2, cube.school_type(s), policy) && cells.Unknown(s, cat) &&
                ++n > hidden.size()) {
              break;
            }
          }
          if (n == hidden.size()) {
            same[static_cast<size_t>(t) * cats + c] = true;
            break;
          }
        }
      }
    }
  }
  return same;
}

// Which sums to hide, `forced` (if not empty) hidden whatever the audit
// says; `same` (SameAsHidden) hidden too, and worked out a leak.
std::vector<bool> HideSums(const Cube& cube, const Policy& policy, std::span<const uint32_t> listed,
                           const SchoolCounts& cells, const std::vector<bool>& unknown,
                           const std::vector<bool>& forced, const std::vector<bool>& same) {
  const auto cats = static_cast<size_t>(cube.categories());
  const size_t sums = kReportTypes * cats;
  const int threshold = policy.suppress_below;
  // The cells: the sums first, then each school's cells as published.
  std::vector<int64_t> counts = SumsOf(cube, policy, listed, cells);
  std::vector<bool> known(sums, true);
  AdditiveRelations relations;
  const auto& topics = GroupTopics();
  auto topic_relations = [&](size_t first_cell) {
    for (size_t t = 1; t < topics.size(); ++t) {
      std::vector<size_t> members;
      for (auto c = static_cast<size_t>(CategoryOffset(t));
           c < static_cast<size_t>(CategoryOffset(t + 1)); ++c) {
        members.push_back(first_cell + c);
      }
      relations.Add(first_cell, members);
    }
  };
  std::vector<size_t> first_of(listed.size());
  for (size_t i = 0; i < listed.size(); ++i) {
    first_of[i] = counts.size();
    for (size_t c = 0; c < cats; ++c) {
      counts.push_back(cells.count(listed[i], static_cast<int>(c)));
      known.push_back(!unknown[i * cats + c]);
    }
    topic_relations(first_of[i]);
  }
  // Each sum is its schools' cells; the types add up to Total, each topic's
  // groups to its total.
  for (int t = 0; t < kReportTypes; ++t) {
    for (size_t c = 0; c < cats; ++c) {
      std::vector<size_t> members;
      for (size_t i = 0; i < listed.size(); ++i) {
        if (InType(t, cube.school_type(listed[i]), policy)) members.push_back(first_of[i] + c);
      }
      relations.Add(static_cast<size_t>(t) * cats + c, members);
    }
    topic_relations(static_cast<size_t>(t) * cats);
  }
  for (size_t c = 0; c < cats; ++c) {
    std::vector<size_t> types;
    for (int t = 1; t < kReportTypes; ++t) {
      if (InHeadlineTotal(t, policy)) types.push_back(static_cast<size_t>(t) * cats + c);
    }
    relations.Add(c, types);
  }
  for (size_t i = 0; i < sums; ++i) {
    if (IsDisclosive(counts[i], threshold) || (!forced.empty() && forced[i]) || same[i]) {
      known[i] = false;
    }
  }
  // A school cell the pass hides stays hidden: it may protect cells of the
  // cube's tables that this audit does not hold (its LA's, its trust's).
  std::vector<bool> kept_hidden(counts.size(), false);
  for (size_t i = sums; i < counts.size(); ++i) kept_hidden[i] = !known[i];
  for (size_t i = 0; i < sums; ++i) kept_hidden[i] = same[i];
  auto leaks_with = [&](const std::vector<bool>& shown) {
    std::vector<bool> seen = shown;
    return AuditDifferencing(relations, counts, seen, threshold, nullptr, &kept_hidden);
  };
  // Until a reader can work out nothing small, and no school cell the pass
  // hides: each chain broken at a sum.
  std::vector<bool> may_hide(counts.size(), false);
  std::fill(may_hide.begin(), may_hide.begin() + static_cast<ptrdiff_t>(sums), true);
  const bool every_sum =
      !HideUntilNoLeaks(relations, counts, known, may_hide, threshold, &kept_hidden);
  if (every_sum) {
    // A chain with no sum in it to break: every sum hidden.
    std::fill(known.begin(), known.begin() + static_cast<ptrdiff_t>(sums), false);
  }
  // Then each sum hidden on the way shown again, the largest first, where
  // the audit still finds nothing: a chain is broken at the sum that breaks
  // it (the margin first), which may not be the one a reader needs hidden,
  // and a sum a reader can work out anyway hides nothing.
  if (!every_sum) {
    std::vector<size_t> order;
    for (size_t i = 0; i < sums; ++i) {
      if (!known[i] && !IsDisclosive(counts[i], threshold) && (forced.empty() || !forced[i]) &&
          !same[i]) {
        order.push_back(i);
      }
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return counts[a] > counts[b]; });
    for (size_t i : order) {
      known[i] = true;
      if (!leaks_with(known).empty()) known[i] = false;
    }
  }
  std::vector<bool> hidden(sums);
  for (size_t i = 0; i < sums; ++i) hidden[i] = !known[i];
  return hidden;
}

SchoolCounts MeasureCells(const Cube& cube, const DisclosureFlags& flags, size_t measure) {
  return {
      [&cube, measure](uint32_t s, int c) { return cube.SchoolValue(s, c, measure); },
      [&flags, measure](uint32_t s, int c) { return flags.HiddenAtSchool(measure, s, c); },
      [&flags, measure](uint32_t u, int t, int c) {
        return flags.Hidden(measure, {false, u, static_cast<uint8_t>(t), static_cast<uint16_t>(c)});
      }};
}

}  // namespace

std::vector<int64_t> SchoolSums(const Cube& cube, const Policy& policy,
                                std::span<const uint32_t> schools, size_t measure) {
  return SumsOf(cube, policy, Reported(cube, schools),
                {[&cube, measure](uint32_t s, int c) { return cube.SchoolValue(s, c, measure); },
                 nullptr, nullptr});
}

SchoolUnits::SchoolUnits(const Cube& cube)
    : cube_(cube), units_of_(cube.schools()), schools_of_(cube.units().size()) {
  const auto& units = cube.units();
  std::vector<std::vector<int>> places_of(units.size());  // an LA's unit: the places holding it
  for (size_t u = 0; u < units.size(); ++u) {
    if (units[u].basis != LocationBasis::kSchool) continue;
    for (int la : units[u].members) {
      places_of[static_cast<size_t>(la)].push_back(static_cast<int>(u));
    }
  }
  for (size_t s = 0; s < cube.schools(); ++s) {
    if (cube.school_type(s) < 0) continue;
    std::vector<int>& of = units_of_[s];
    for (int u = cube.school_la(s); u >= 0; u = units[static_cast<size_t>(u)].parent) {
      of.push_back(u);
      for (int p : places_of[static_cast<size_t>(u)]) of.push_back(p);
    }
    if (cube.school_trust(s) >= 0) of.push_back(cube.school_trust(s));
    for (int u : of) schools_of_[static_cast<size_t>(u)].push_back(static_cast<uint32_t>(s));
  }
}

std::vector<bool> HideSchoolSums(const SchoolUnits& units, const DisclosureFlags& flags,
                                 const Policy& policy, std::span<const uint32_t> schools,
                                 size_t measure) {
  const Cube& cube = units.cube();
  const std::vector<uint32_t> listed = Reported(cube, schools);
  const SchoolCounts cells = MeasureCells(cube, flags, measure);
  const std::vector<bool> unknown = UnknownCells(cube, listed, cells);
  return HideSums(cube, policy, listed, cells, unknown, {},
                  SameAsHidden(units, policy, listed, cells, unknown));
}

PlaceSumsHidden::PlaceSumsHidden(const SchoolUnits& units, const DisclosureFlags& flags,
                                 const Policy& policy, std::span<const uint32_t> schools)
    : units_(units), flags_(flags), policy_(policy), listed_(Reported(units.cube(), schools)) {}

const std::vector<bool>& PlaceSumsHidden::Of(size_t measure) {
  if (auto it = hidden_.find(measure); it != hidden_.end()) return it->second;
  const Cube& cube = units_.cube();
  const auto& splits = flags_.splits();
  // The splits `measure` is linked to, through shared counts and rests.
  std::vector<bool> in(splits.size(), false);
  std::vector<size_t> measures = {measure};
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < splits.size(); ++i) {
      if (in[i]) continue;
      bool linked = std::find(measures.begin(), measures.end(), splits[i].whole) != measures.end();
      for (int64_t p : splits[i].parts) {
        linked = linked || (p >= 0 ? std::find(measures.begin(), measures.end(),
                                               static_cast<size_t>(p)) != measures.end()
                                   : in[static_cast<size_t>(-1 - p)]);
      }
      for (size_t j = 0; j < splits.size() && !linked; ++j) {  // its rest a part of one in
        for (int64_t p : splits[j].parts) linked = linked || (in[j] && p == -1 - int64_t(i));
      }
      if (!linked) continue;
      in[i] = grew = true;
      auto add = [&](size_t m) {
        if (std::find(measures.begin(), measures.end(), m) == measures.end()) measures.push_back(m);
      };
      add(splits[i].whole);
      for (int64_t p : splits[i].parts) {
        if (p >= 0) add(static_cast<size_t>(p));
      }
    }
  }
  // Slots: the measures, then the rests of the splits in.
  std::vector<SchoolCounts> cells;
  for (size_t m : measures) cells.push_back(MeasureCells(cube, flags_, m));
  std::vector<int> rest_slot(splits.size(), -1);
  for (size_t i = 0; i < splits.size(); ++i) {
    if (!in[i] || !splits[i].rest) continue;
    rest_slot[i] = static_cast<int>(cells.size());
    const DisclosureFlags& flags = flags_;
    auto cell = [&cube](uint32_t s, int c) {
      return CubeCell{true, s, static_cast<uint8_t>(std::max(0, cube.school_type(s))),
                      static_cast<uint16_t>(c)};
    };
    cells.push_back(
        {[&cube, &flags, cell, i](uint32_t s, int c) {
           return flags.RestValue(cube, i, cell(s, c));
         },
         [&flags, cell, i](uint32_t s, int c) { return flags.RestHidden(i, cell(s, c)); },
         [&flags, i](uint32_t u, int t, int c) {
           return flags.RestHidden(i,
                                   {false, u, static_cast<uint8_t>(t), static_cast<uint16_t>(c)});
         }});
  }
  auto slot_of = [&](size_t m) {
    return static_cast<size_t>(std::find(measures.begin(), measures.end(), m) - measures.begin());
  };
  const size_t slots = cells.size();
  std::vector<std::vector<int64_t>> sums(slots);
  std::vector<std::vector<bool>> hidden(slots), forced(slots), same(slots), unknown(slots);
  for (size_t k = 0; k < slots; ++k) {
    sums[k] = SumsOf(cube, policy_, listed_, cells[k]);
    unknown[k] = UnknownCells(cube, listed_, cells[k]);
    same[k] = SameAsHidden(units_, policy_, listed_, cells[k], unknown[k]);
    hidden[k] = HideSums(cube, policy_, listed_, cells[k], unknown[k], {}, same[k]);
    forced[k].assign(sums[k].size(), false);
  }
  // The splits in every sum, alternating with each count's own audit, as
  // the disclosure pass holds them in the cube's cells.
  std::vector<int64_t> n;
  std::vector<uint8_t> h;
  std::vector<size_t> slot;
  // How many splits each slot is in (MakeSplitSafe's choice).
  std::vector<int> links(slots, 0);
  auto slots_of = [&](size_t i) {
    std::vector<size_t> out = {slot_of(splits[i].whole)};
    for (int64_t p : splits[i].parts) {
      out.push_back(p >= 0 ? slot_of(static_cast<size_t>(p))
                           : static_cast<size_t>(rest_slot[static_cast<size_t>(-1 - p)]));
    }
    if (rest_slot[i] >= 0) out.push_back(static_cast<size_t>(rest_slot[i]));
    return out;
  };
  for (size_t i = 0; i < splits.size(); ++i) {
    if (!in[i]) continue;
    for (size_t k : slots_of(i)) ++links[k];
  }
  std::vector<int> l;
  for (int round = 0; round < 100; ++round) {
    std::vector<bool> changed(slots, false);
    for (size_t at = 0; at < sums[0].size(); ++at) {
      for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < splits.size(); ++i) {
          if (!in[i]) continue;
          slot = slots_of(i);
          n.clear();
          h.clear();
          l.clear();
          for (size_t k : slot) {
            n.push_back(sums[k][at]);
            h.push_back(hidden[k][at] ? 1 : 0);
            l.push_back(links[k]);
          }
          for (size_t k : MakeSplitSafe(n, h, splits[i].rest, policy_.suppress_below, l)) {
            hidden[slot[k]][at] = forced[slot[k]][at] = true;
            changed[slot[k]] = again = true;
          }
        }
      }
    }
    if (std::none_of(changed.begin(), changed.end(), [](bool b) { return b; })) break;
    for (size_t k = 0; k < slots; ++k) {
      if (changed[k]) {
        hidden[k] = HideSums(cube, policy_, listed_, cells[k], unknown[k], forced[k], same[k]);
      }
    }
  }
  for (size_t k = 0; k < measures.size(); ++k) hidden_[measures[k]] = std::move(hidden[k]);
  return hidden_[measure];
}

}  // namespace lantern
