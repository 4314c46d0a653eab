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
                                     const Policy& policy, int threads) {
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

  f.slot_.assign(cube.measures(), -1);
  for (size_t k = 0; k < counts.size(); ++k) f.slot_[counts[k].measure] = static_cast<int>(k);
  f.hidden_.resize(counts.size());
  auto count_of = [&](size_t measure, size_t row) -> int64_t {
    const CubeCell& c = rows.cells[row];
    return c.school ? cube.SchoolValue(c.unit, c.category, measure)
                    : cube.Aggregate(c.unit, c.type, c.category)[measure];
  };
  auto solve = [&](size_t k) {
    std::vector<int64_t> n(f.rows_);
    for (size_t i = 0; i < f.rows_; ++i) n[i] = count_of(counts[k].measure, i);
    std::vector<bool> start;
    if (counts[k].within >= 0) {
      const int slot = f.slot_[static_cast<size_t>(counts[k].within)];
      if (slot >= 0) start = f.hidden_[static_cast<size_t>(slot)];
    }
    f.hidden_[k] =
        problem.Solve(n, policy.suppress_below, policy.secondary_suppression, std::move(start));
  };
  // Counts that start from none first, then those within them, each level
  // side by side on every worker.
  std::vector<size_t> pending(counts.size());
  for (size_t k = 0; k < counts.size(); ++k) pending[k] = k;
  std::vector<bool> done(counts.size(), false);
  while (!pending.empty()) {
    std::vector<size_t> ready, later;
    for (size_t k : pending) {
      const int w = counts[k].within;
      const bool waits = w >= 0 && f.slot_[static_cast<size_t>(w)] >= 0 &&
                         !done[static_cast<size_t>(f.slot_[static_cast<size_t>(w)])];
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
  f.seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return f;
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
