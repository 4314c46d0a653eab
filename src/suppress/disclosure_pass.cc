#include "suppress/disclosure_pass.h"

#include <algorithm>
#include <chrono>

#include "aggregate/groups.h"
#include "common/parallel.h"
#include "suppress/suppression_problem.h"

namespace lantern {

namespace {

// The cube's cells with anything in them, numbered: aggregates (by unit,
// type, category) first, then schools.
struct CellRows {
  std::vector<int64_t> school, aggregate;
  std::vector<CubeCell> cells;
};

CellRows NumberCells(const Cube& cube) {
  CellRows r;
  const size_t cats = static_cast<size_t>(cube.categories());
  const size_t m = cube.measures();
  r.school.assign(cube.schools() * cats, -1);
  r.aggregate.assign(cube.units().size() * kReportTypes * cats, -1);
  for (size_t u = 0; u < cube.units().size(); ++u) {
    for (int t = 0; t < kReportTypes; ++t) {
      for (size_t c = 0; c < cats; ++c) {
        const int64_t* v = cube.Aggregate(u, t, static_cast<int>(c));
        if (std::all_of(v, v + m, [](int64_t x) { return x == 0; })) continue;
        r.aggregate[cube.AggregateIndex(u, t, static_cast<int>(c))] =
            static_cast<int64_t>(r.cells.size());
        r.cells.push_back(
            {false, static_cast<uint32_t>(u), static_cast<uint8_t>(t), static_cast<uint16_t>(c)});
      }
    }
  }
  std::vector<int> all(m);
  for (size_t k = 0; k < m; ++k) all[k] = static_cast<int>(k);
  for (size_t s = 0; s < cube.schools(); ++s) {
    // A school outside the reported types (nursery) is a table of its own.
    const int t = std::max(0, cube.school_type(static_cast<int>(s)));
    for (size_t c = 0; c < cats; ++c) {
      if (!cube.SchoolCellAny(s, static_cast<int>(c), all)) continue;
      r.school[s * cats + c] = static_cast<int64_t>(r.cells.size());
      r.cells.push_back(
          {true, static_cast<uint32_t>(s), static_cast<uint8_t>(t), static_cast<uint16_t>(c)});
    }
  }
  return r;
}

// The additive groups among the cells: categories add up to the total of
// their topic, school types add up to "Total", schools add up to their LA
// and trust, LAs to their region (and to any place), regions to England.
// Groups are added in this order, which decides which of equal cells is
// hidden first.
void AddAdditiveGroups(const Cube& cube, const CellRows& rows, const Policy& policy,
                       SuppressionProblem* problem) {
  const size_t cats = static_cast<size_t>(cube.categories());
  const auto& topics = GroupTopics();
  auto add = [&](int64_t margin, const std::vector<size_t>& members) {
    if (margin >= 0) problem->AddGroup(static_cast<size_t>(margin), members);
  };
  auto topic_groups = [&](auto row_of) {
    const int64_t total = row_of(0);
    for (size_t t = 1; t < topics.size(); ++t) {
      std::vector<size_t> members;
      for (size_t c = static_cast<size_t>(CategoryOffset(t));
           c < static_cast<size_t>(CategoryOffset(t + 1)); ++c) {
        if (int64_t r = row_of(c); r >= 0) members.push_back(static_cast<size_t>(r));
      }
      add(total, members);
    }
  };
  auto school_row = [&](size_t s, size_t c) { return rows.school[s * cats + c]; };
  auto agg_row = [&](size_t u, int t, size_t c) {
    return rows.aggregate[cube.AggregateIndex(u, t, static_cast<int>(c))];
  };
  for (size_t s = 0; s < cube.schools(); ++s) {
    topic_groups([&](size_t c) { return school_row(s, c); });
  }
  const auto& units = cube.units();
  std::vector<std::vector<size_t>> child_units(units.size());
  for (size_t u = 0; u < units.size(); ++u) {
    if (units[u].parent >= 0) child_units[static_cast<size_t>(units[u].parent)].push_back(u);
    for (int la : units[u].members) child_units[u].push_back(static_cast<size_t>(la));
  }
  std::vector<std::vector<size_t>> child_schools(units.size());
  for (size_t s = 0; s < cube.schools(); ++s) {
    if (cube.school_type(static_cast<int>(s)) < 0) continue;
    child_schools[static_cast<size_t>(cube.school_la(static_cast<int>(s)))].push_back(s);
    if (cube.school_trust(static_cast<int>(s)) >= 0) {
      child_schools[static_cast<size_t>(cube.school_trust(static_cast<int>(s)))].push_back(s);
    }
  }
  for (size_t u = 0; u < units.size(); ++u) {
    for (int t = 0; t < kReportTypes; ++t) {
      topic_groups([&](size_t c) { return agg_row(u, t, c); });
    }
    for (size_t c = 0; c < cats; ++c) {
      std::vector<size_t> types;
      for (int t = 1; t < kReportTypes; ++t) {
        if (!InHeadlineTotal(t, policy)) continue;
        if (int64_t r = agg_row(u, t, c); r >= 0) types.push_back(static_cast<size_t>(r));
      }
      add(agg_row(u, 0, c), types);
      for (int t = 0; t < kReportTypes; ++t) {
        std::vector<size_t> members;
        for (size_t child : child_units[u]) {
          if (int64_t r = agg_row(child, t, c); r >= 0) members.push_back(static_cast<size_t>(r));
        }
        for (size_t s : child_schools[u]) {
          const int st = cube.school_type(static_cast<int>(s));
          if (t == 0 ? !InHeadlineTotal(st, policy) : st != t) continue;
          if (int64_t r = school_row(s, c); r >= 0) members.push_back(static_cast<size_t>(r));
        }
        add(agg_row(u, t, c), members);
      }
    }
  }
}

}  // namespace

DisclosureFlags DisclosureFlags::Run(const Cube& cube, const std::vector<ControlledCount>& counts,
                                     const std::vector<SplitCount>& splits, const Policy& policy,
                                     int threads) {
  const auto started = std::chrono::steady_clock::now();
  DisclosureFlags f;
  f.categories_ = static_cast<size_t>(cube.categories());
  const CellRows rows = NumberCells(cube);
  f.rows_ = rows.cells.size();
  f.school_row_ = rows.school;
  f.aggregate_row_ = rows.aggregate;
  SuppressionProblem problem;
  for (size_t i = 0; i < f.rows_; ++i) problem.AddCell(0);
  AddAdditiveGroups(cube, rows, policy, &problem);
  f.seconds_groups_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  f.splits_ = splits;
  // A slot for each controlled count, then one for each split's rest.
  f.slot_.assign(cube.measures(), -1);
  for (size_t k = 0; k < counts.size(); ++k) f.slot_[counts[k].measure] = static_cast<int>(k);
  size_t slots = counts.size();
  std::vector<size_t> split_of_rest;  // rest slot - counts.size() -> split
  f.rest_slot_.assign(splits.size(), -1);
  for (size_t i = 0; i < splits.size(); ++i) {
    if (!splits[i].rest) continue;
    f.rest_slot_[i] = static_cast<int>(slots++);
    split_of_rest.push_back(i);
  }
  auto slot_of_part = [&](int64_t part) {
    return part >= 0 ? f.slot_[static_cast<size_t>(part)]
                     : f.rest_slot_[static_cast<size_t>(-1 - part)];
  };
  // Each slot's starting slot (a count's `within`; a rest's, its whole's).
  std::vector<int> within(slots, -1);
  for (size_t k = 0; k < counts.size(); ++k) {
    if (counts[k].within >= 0) within[k] = f.slot_[static_cast<size_t>(counts[k].within)];
  }
  for (size_t r = 0; r < split_of_rest.size(); ++r) {
    within[counts.size() + r] =
        within[static_cast<size_t>(f.slot_[splits[split_of_rest[r]].whole])];
  }
  f.hidden_.resize(slots);
  auto count_of = [&](size_t measure, size_t row) -> int64_t {
    const CubeCell& c = rows.cells[row];
    return c.school ? cube.SchoolValue(c.unit, c.category, measure)
                    : cube.Aggregate(c.unit, c.type, c.category)[measure];
  };
  auto value = [&](auto&& self, size_t slot, size_t row) -> int64_t {
    if (slot < counts.size()) return count_of(counts[slot].measure, row);
    const SplitCount& split = splits[split_of_rest[slot - counts.size()]];
    int64_t v = count_of(split.whole, row);
    for (int64_t p : split.parts) v -= self(self, static_cast<size_t>(slot_of_part(p)), row);
    return v;
  };
  std::vector<std::vector<int64_t>> kept(slots);  // the counts of the slots in a split
  auto values = [&](size_t slot) {
    if (slot >= counts.size()) {  // a rest: its whole less its parts, when they are kept
      const SplitCount& split = splits[split_of_rest[slot - counts.size()]];
      std::vector<int64_t> n = kept[static_cast<size_t>(f.slot_[split.whole])];
      for (int64_t p : split.parts) {
        const auto& part = kept[static_cast<size_t>(slot_of_part(p))];
        if (part.size() != n.size()) n.clear();
        for (size_t i = 0; i < n.size(); ++i) n[i] -= part[i];
      }
      if (n.size() == f.rows_) return n;
    }
    std::vector<int64_t> n(f.rows_);
    for (size_t i = 0; i < f.rows_; ++i) n[i] = value(value, slot, i);
    return n;
  };
  // The counts of the slots in a split, kept for the splits' rounds.
  std::vector<uint8_t> in_split(slots, 0);
  for (size_t i = 0; i < splits.size(); ++i) {
    in_split[static_cast<size_t>(f.slot_[splits[i].whole])] = 1;
    for (int64_t p : splits[i].parts) in_split[static_cast<size_t>(slot_of_part(p))] = 1;
    if (f.rest_slot_[i] >= 0) in_split[static_cast<size_t>(f.rest_slot_[i])] = 1;
  }
  const bool splits_held = !splits.empty() && policy.secondary_suppression;
  std::vector<std::vector<uint8_t>> known_zeros(slots);  // each slot's, for Resettle
  auto solve = [&](size_t k) {
    std::vector<bool> start;
    if (within[k] >= 0) start = f.hidden_[static_cast<size_t>(within[k])];
    std::vector<int64_t> n = values(k);
    f.hidden_[k] = problem.Solve(n, policy.suppress_below, policy.secondary_suppression,
                                 std::move(start), &known_zeros[k]);
    if (splits_held && in_split[k]) kept[k] = std::move(n);
  };
  // Counts that start from none first, then those within them, and each
  // rest after its whole and parts (so that its counts are theirs
  // subtracted), each level side by side on every worker.
  std::vector<std::vector<int>> after(slots);
  for (size_t k = 0; k < slots; ++k) {
    if (within[k] >= 0) after[k].push_back(within[k]);
    if (k < counts.size()) continue;
    const SplitCount& split = splits[split_of_rest[k - counts.size()]];
    after[k].push_back(f.slot_[split.whole]);
    for (int64_t p : split.parts) after[k].push_back(slot_of_part(p));
  }
  std::vector<size_t> pending(slots);
  for (size_t k = 0; k < slots; ++k) pending[k] = k;
  std::vector<bool> done(slots, false);
  while (!pending.empty()) {
    std::vector<size_t> ready, later;
    for (size_t k : pending) {
      const bool waits = std::any_of(after[k].begin(), after[k].end(),
                                     [&](int w) { return !done[static_cast<size_t>(w)]; });
      (waits ? later : ready).push_back(k);
    }
    if (ready.empty()) {  // a cycle of `within`: solve the rest on their own
      for (size_t k : later) ready.push_back(k);
      later.clear();
    }
    ParallelFor(ready.size(), threads, 1, [&](size_t b, size_t e, int) {
      for (size_t i = b; i < e; ++i) solve(ready[i]);
    });
    for (size_t k : ready) done[k] = true;
    pending = std::move(later);
  }
  if (!splits_held) {
    f.seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return f;
  }

  // The splits, cell by cell, alternating with each count's own tables.
  // Only cells with something newly hidden are visited again (at first,
  // those with anything hidden).
  const int threshold = policy.suppress_below;
  std::vector<uint8_t> dirty(f.rows_, 0);
  for (size_t k = 0; k < slots; ++k) {
    if (!in_split[k]) continue;
    for (size_t i = 0; i < f.rows_; ++i) dirty[i] |= f.hidden_[k][i] ? 1 : 0;
  }
  std::vector<std::vector<size_t>> newly(slots);
  std::vector<uint8_t> touched(slots, 0);  // something newly hidden in the slot
  auto hide = [&](size_t slot, size_t row) {
    f.hidden_[slot][row] = true;
    newly[slot].push_back(row);
    touched[slot] = 1;
    dirty[row] = 1;
  };
  std::vector<std::vector<size_t>> members(splits.size());
  for (size_t i = 0; i < splits.size(); ++i) {
    for (int64_t p : splits[i].parts) members[i].push_back(static_cast<size_t>(slot_of_part(p)));
    if (f.rest_slot_[i] >= 0) members[i].push_back(static_cast<size_t>(f.rest_slot_[i]));
  }
  // How many splits each slot is in.
  std::vector<int> links(slots, 0);
  for (size_t i = 0; i < splits.size(); ++i) {
    ++links[static_cast<size_t>(f.slot_[splits[i].whole])];
    for (size_t m : members[i]) ++links[m];
  }
  // Makes split i safe in one row (MakeSplitSafe).
  std::vector<int64_t> n;
  std::vector<uint8_t> h;
  std::vector<int> l;
  std::vector<size_t> slot;
  auto make_safe = [&](size_t i, size_t row) {
    // Nothing to do in a split with nothing hidden.
    if (!f.hidden_[static_cast<size_t>(f.slot_[splits[i].whole])][row] &&
        std::none_of(members[i].begin(), members[i].end(),
                     [&](size_t m) { return f.hidden_[m][row]; })) {
      return;
    }
    slot.assign(1, static_cast<size_t>(f.slot_[splits[i].whole]));
    slot.insert(slot.end(), members[i].begin(), members[i].end());
    n.clear();
    h.clear();
    l.clear();
    for (size_t k : slot) {
      n.push_back(kept[k][row]);
      h.push_back(f.hidden_[k][row] ? 1 : 0);
      l.push_back(links[k]);
    }
    for (size_t k : MakeSplitSafe(n, h, splits[i].rest, threshold, l)) hide(slot[k], row);
  };
  for (int round = 0; round < 1000; ++round) {
    for (size_t row = 0; row < f.rows_; ++row) {
      // A row is visited until its splits hide nothing more.
      while (dirty[row]) {
        dirty[row] = 0;
        for (size_t i = 0; i < splits.size(); ++i) make_safe(i, row);
      }
    }
    // A count's cells hidden with the count it starts from.
    for (bool again = true; again;) {
      again = false;
      for (size_t k = 0; k < slots; ++k) {
        if (within[k] < 0 || !touched[static_cast<size_t>(within[k])]) continue;
        const auto& w = f.hidden_[static_cast<size_t>(within[k])];
        for (size_t i = 0; i < f.rows_; ++i) {
          if (!w[i] || f.hidden_[k][i]) continue;
          hide(k, i);
          again = true;
        }
      }
    }
    std::vector<size_t> changed;
    for (size_t k = 0; k < slots; ++k) {
      touched[k] = 0;
      if (!newly[k].empty()) changed.push_back(k);
    }
    if (changed.empty()) break;
    // Each count's own tables made safe again around what was hidden.
    ParallelFor(changed.size(), threads, 1, [&](size_t b, size_t e, int) {
      for (size_t j = b; j < e; ++j) {
        const size_t k = changed[j];
        if (kept[k].empty()) kept[k] = values(k);  // a count in no split, hidden `within`
        newly[k] = problem.Resettle(kept[k], threshold, f.hidden_[k], newly[k], &known_zeros[k]);
      }
    });
    for (size_t k : changed) {
      for (size_t i : newly[k]) dirty[i] = 1;
      if (!newly[k].empty()) touched[k] = 1;
      newly[k].clear();
    }
  }
  f.seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return f;
}

AdditiveRelations CubeRelations(const Cube& cube, const Policy& policy) {
  const CellRows rows = NumberCells(cube);
  SuppressionProblem problem;
  for (size_t i = 0; i < rows.cells.size(); ++i) problem.AddCell(0);
  AddAdditiveGroups(cube, rows, policy, &problem);
  return problem.TakeRelations();
}

int64_t DisclosureFlags::RestValue(const Cube& cube, size_t split, const CubeCell& c) const {
  auto count = [&](size_t m) {
    return c.school ? cube.SchoolValue(c.unit, c.category, m)
                    : cube.Aggregate(c.unit, c.type, c.category)[m];
  };
  const SplitCount& s = splits_[split];
  int64_t v = count(s.whole);
  for (int64_t p : s.parts) {
    v -= p >= 0 ? count(static_cast<size_t>(p)) : RestValue(cube, static_cast<size_t>(-1 - p), c);
  }
  return v;
}

bool DisclosureFlags::RestHidden(size_t split, const CubeCell& cell) const {
  if (split >= rest_slot_.size() || rest_slot_[split] < 0) return false;
  const int64_t row = Row(cell);
  return row >= 0 && hidden_[static_cast<size_t>(rest_slot_[split])][static_cast<size_t>(row)];
}

int64_t DisclosureFlags::Row(const CubeCell& cell) const {
  const size_t cats = categories_;
  if (cell.school) return school_row_[cell.unit * cats + cell.category];
  return aggregate_row_[(static_cast<size_t>(cell.unit) * kReportTypes + cell.type) * cats +
                        cell.category];
}

bool DisclosureFlags::Hidden(size_t measure, const CubeCell& cell) const {
  if (measure >= slot_.size() || slot_[measure] < 0) return false;
  const int64_t row = Row(cell);
  if (row < 0) return false;
  return hidden_[static_cast<size_t>(slot_[measure])][static_cast<size_t>(row)];
}

}  // namespace lantern
