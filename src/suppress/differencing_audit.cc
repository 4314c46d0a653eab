#include "suppress/differencing_audit.h"

#include <set>

#include "suppress/disclosure.h"

namespace lantern {

std::vector<DifferencingLeak> AuditDifferencing(const AdditiveRelations& relations,
                                                const std::vector<int64_t>& counts,
                                                std::vector<bool>& known, int threshold,
                                                std::vector<uint32_t>* derived_by,
                                                const std::vector<bool>* kept_hidden) {
  if (derived_by != nullptr) derived_by->assign(counts.size(), UINT32_MAX);
  // Each cell's relations, so a cell newly worked out re-checks only those.
  std::vector<uint32_t> first(counts.size() + 1, 0), of;
  for (const AdditiveRelation r : relations) {
    ++first[r.margin + 1];
    for (size_t m : r.members) ++first[m + 1];
  }
  for (size_t c = 0; c < counts.size(); ++c) first[c + 1] += first[c];
  of.resize(first.back());
  std::vector<uint32_t> fill(first.begin(), first.end() - 1);
  for (size_t i = 0; i < relations.size(); ++i) {
    const AdditiveRelation r = relations[i];
    of[fill[r.margin]++] = static_cast<uint32_t>(i);
    for (size_t m : r.members) of[fill[m]++] = static_cast<uint32_t>(i);
  }
  std::vector<DifferencingLeak> leaks;
  std::vector<uint32_t> work;
  std::vector<uint8_t> queued(relations.size(), 1);
  for (size_t i = relations.size(); i-- > 0;) work.push_back(static_cast<uint32_t>(i));
  while (!work.empty()) {
    const uint32_t i = work.back();
    work.pop_back();
    queued[i] = 0;
    const AdditiveRelation r = relations[i];
    size_t unknown = 0, last = 0;
    for (size_t m : r.members) {
      if (!known[m]) {
        ++unknown;
        last = m;
      }
    }
    size_t target = SIZE_MAX;
    if (known[r.margin] && unknown == 1) target = last;
    if (!known[r.margin] && unknown == 0) target = r.margin;
    if (target == SIZE_MAX) continue;
    known[target] = true;
    if (derived_by != nullptr) (*derived_by)[target] = i;
    if (IsDisclosive(counts[target], threshold) ||
        (kept_hidden != nullptr && (*kept_hidden)[target])) {
      leaks.push_back({i, target});
    }
    for (uint32_t k = first[target]; k < first[target + 1]; ++k) {
      if (!queued[of[k]]) {
        queued[of[k]] = 1;
        work.push_back(of[k]);
      }
    }
  }
  for (size_t i = 0; i < relations.size(); ++i) {
    const AdditiveRelation r = relations[i];
    if (!known[r.margin]) continue;
    int64_t sum = 0;
    for (size_t m : r.members) {
      if (!known[m]) sum += counts[m];
    }
    if (IsDisclosive(sum, threshold)) leaks.push_back({i, SIZE_MAX});
  }
  return leaks;
}

std::vector<size_t> CellsToBreakLeaks(const AdditiveRelations& relations,
                                      const std::vector<int64_t>& counts,
                                      const std::vector<DifferencingLeak>& leaks,
                                      const std::vector<bool>& published,
                                      const std::vector<uint32_t>& derived_by) {
  std::vector<size_t> out;
  for (const auto& leak : leaks) {
    std::vector<uint32_t> todo = {static_cast<uint32_t>(leak.relation)};
    std::vector<uint8_t> seen(relations.size(), 0);
    while (!todo.empty()) {
      const uint32_t i = todo.front();
      todo.erase(todo.begin());
      if (seen[i]) continue;
      seen[i] = 1;
      const AdditiveRelation r = relations[i];
      if (published[r.margin] && counts[r.margin] > 0) {
        out.push_back(r.margin);
        break;
      }
      size_t best = SIZE_MAX;
      for (size_t m : r.members) {
        if (published[m] && counts[m] > 0 && (best == SIZE_MAX || counts[m] < counts[best])) {
          best = m;
        }
      }
      if (best != SIZE_MAX) {
        out.push_back(best);
        break;
      }
      // Every cell seen here was worked out elsewhere: go there.
      auto follow = [&](size_t c) {
        if (derived_by[c] != UINT32_MAX) todo.push_back(derived_by[c]);
      };
      follow(r.margin);
      for (size_t m : r.members) follow(m);
    }
  }
  return out;
}

bool HideUntilNoLeaks(const AdditiveRelations& relations, const std::vector<int64_t>& counts,
                      std::vector<bool>& known, const std::vector<bool>& may_hide, int threshold,
                      const std::vector<bool>* kept_hidden) {
  // What a reader works out with every cell that may be hidden hidden is
  // not theirs to prevent: those leaks are left out.
  std::set<std::pair<size_t, size_t>> beyond;
  {
    std::vector<bool> seen(known.size());
    for (size_t i = 0; i < known.size(); ++i) seen[i] = known[i] && !may_hide[i];
    for (const DifferencingLeak& l :
         AuditDifferencing(relations, counts, seen, threshold, nullptr, kept_hidden)) {
      beyond.insert({l.relation, l.cell});
    }
  }
  for (;;) {
    std::vector<bool> seen = known;
    std::vector<uint32_t> derived_by;
    auto leaks = AuditDifferencing(relations, counts, seen, threshold, &derived_by, kept_hidden);
    std::erase_if(leaks, [&](const DifferencingLeak& l) {
      return beyond.count({l.relation, l.cell}) > 0;
    });
    if (leaks.empty()) return true;
    std::vector<bool> hideable(counts.size(), false);
    for (size_t i = 0; i < counts.size(); ++i) hideable[i] = may_hide[i] && known[i];
    const std::vector<size_t> cells =
        CellsToBreakLeaks(relations, counts, leaks, hideable, derived_by);
    bool hid = false;
    for (size_t c : cells) {
      hid = hid || known[c];
      known[c] = false;
    }
    if (!hid || cells.size() < leaks.size()) return false;
  }
}

}  // namespace lantern
