#include "suppress/suppression_problem.h"

#include <algorithm>
#include <span>
#include <tuple>

#include "suppress/disclosure.h"

namespace lantern {

bool SuppressionProblem::MakeSafe(std::span<const int64_t> counts, size_t group, int threshold,
                                  std::vector<bool>& hidden, std::span<const uint8_t> known_zero,
                                  std::vector<size_t>* newly_hidden) const {
  const AdditiveRelation g = groups_[group];
  int hidden_members = 0;
  int64_t hidden_sum = 0;
  for (size_t m : g.members) {
    if (!hidden[m]) continue;
    // A hidden 0 protects another only when a reader cannot tell it
    // (KnownZeros): a hidden member beside only such zeros would follow.
    hidden_members += counts[m] != 0 || !known_zero[m];
    hidden_sum += counts[m];
  }
  const bool margin_hidden = hidden[g.margin];
  bool changed = false;
  auto hide_smallest = [&]() -> bool {
    size_t best = SIZE_MAX;
    for (size_t m : g.members) {
      if (hidden[m] || counts[m] == 0) continue;
      if (best == SIZE_MAX || counts[m] < counts[best]) best = m;
    }
    if (best == SIZE_MAX) return false;
    hidden[best] = true;
    newly_hidden->push_back(best);
    ++hidden_members;
    hidden_sum += counts[best];
    changed = true;
    return true;
  };
  if (!margin_hidden) {
    // Nothing to protect when no member is hidden, or when every hidden
    // member holds 0 (hidden only because its row is: working out a zero
    // reveals no pupil).
    if (hidden_members == 0 || hidden_sum == 0) return false;
    while (hidden_members < 2 || hidden_sum < threshold) {
      if (!hide_smallest()) {
        // Not enough members to protect the hidden one: hide the margin.
        hidden[g.margin] = true;
        newly_hidden->push_back(g.margin);
        return true;
      }
    }
  } else if (hidden_members == 0 && counts[g.margin] > 0) {
    hide_smallest();
  }
  return changed;
}

std::vector<size_t> MakeSplitSafe(std::span<const int64_t> counts, std::span<uint8_t> hidden,
                                  bool rest, int threshold, std::span<const int> links) {
  std::vector<size_t> out;
  const size_t n = counts.size();
  // The cell to hide next among [first, n): in the fewest splits, then the
  // rest, then the smallest non-zero; n for none.
  auto next = [&](size_t first) -> size_t {
    size_t best = n;
    auto key = [&](size_t m) {
      return std::tuple(links.empty() ? 1 : links[m], !(rest && m == n - 1), counts[m]);
    };
    for (size_t m = first; m < n; ++m) {
      if (hidden[m] || counts[m] == 0) continue;
      if (best == n || key(m) < key(best)) best = m;
    }
    return best;
  };
  auto hide = [&](size_t m) {
    hidden[m] = 1;
    out.push_back(m);
  };
  int hidden_members = 0;
  int64_t hidden_sum = 0;
  for (size_t m = 1; m < n; ++m) {
    // A hidden 0 never protects in a split: which zeros a reader can tell
    // there is not worked out (MakeSafe's KnownZeros is its count's tables').
    if (!hidden[m] || counts[m] == 0) continue;
    ++hidden_members;
    hidden_sum += counts[m];
  }
  if (!hidden[0]) {
    if (hidden_members == 0 || hidden_sum == 0) return out;
    while (hidden_members < 2 || hidden_sum < threshold) {
      const size_t m = next(0);
      if (m == 0 || m == n) {
        hide(0);  // the whole, chosen or the last resort
        return out;
      }
      hide(m);
      ++hidden_members;
      hidden_sum += counts[m];
    }
  } else if (hidden_members == 0 && counts[0] > 0) {
    if (const size_t m = next(1); m != n) hide(m);
  }
  return out;
}

std::vector<bool> SuppressionProblem::Solve(int threshold, bool secondary,
                                            std::vector<bool> hidden) const {
  return Solve(counts_, threshold, secondary, std::move(hidden));
}

// The groups each cell is in (as margin or member), so that a cell newly
// hidden marks only its own groups to be checked again. Built once for all
// the measures solved on the same groups.
void SuppressionProblem::IndexGroups() const {
  std::lock_guard lock(index_mu_);
  if (indexed_cells_ == counts_.size() + 1 && indexed_groups_ == groups_.size()) return;
  first_group_.assign(counts_.size() + 1, 0);
  for (const AdditiveRelation g : groups_) {
    ++first_group_[g.margin + 1];
    for (size_t m : g.members) ++first_group_[m + 1];
  }
  for (size_t c = 0; c < counts_.size(); ++c) first_group_[c + 1] += first_group_[c];
  groups_of_.resize(first_group_.back());
  std::vector<uint32_t> fill(first_group_.begin(), first_group_.end() - 1);
  for (size_t g = 0; g < groups_.size(); ++g) {
    const AdditiveRelation r = groups_[g];
    groups_of_[fill[r.margin]++] = static_cast<uint32_t>(g);
    for (size_t m : r.members) groups_of_[fill[m]++] = static_cast<uint32_t>(g);
  }
  indexed_groups_ = groups_.size();
  indexed_cells_ = counts_.size() + 1;
}

std::vector<bool> SuppressionProblem::Solve(std::span<const int64_t> counts, int threshold,
                                            bool secondary, std::vector<bool> hidden,
                                            std::vector<uint8_t>* known_zero) const {
  hidden.resize(counts.size(), false);
  for (size_t i = 0; i < counts.size(); ++i) {
    if (IsDisclosive(counts[i], threshold)) hidden[i] = true;
  }
  if (!secondary) return hidden;
  IndexGroups();
  // A group none of whose cells changed since it was last made safe would
  // change nothing, and neither would a group with no hidden cell at all,
  // so only groups marked dirty are visited (at first those with a hidden
  // cell): the same result as visiting every group every round, in a
  // fraction of the time.
  std::vector<uint8_t> dirty(groups_.size(), 0);
  for (size_t c = 0; c < hidden.size(); ++c) {
    if (!hidden[c]) continue;
    for (uint32_t i = first_group_[c]; i < first_group_[c + 1]; ++i) dirty[groups_of_[i]] = 1;
  }
  std::vector<uint8_t> known = KnownZeros(counts, hidden);
  Settle(counts, threshold, hidden, dirty, known);
  if (known_zero != nullptr) *known_zero = std::move(known);
  return hidden;
}

std::vector<size_t> SuppressionProblem::Resettle(std::span<const int64_t> counts, int threshold,
                                                 std::vector<bool>& hidden,
                                                 std::span<const size_t> newly,
                                                 std::vector<uint8_t>* known_zero) const {
  IndexGroups();
  // The zeros known before still are, or are protected anyway (hiding
  // more only makes fewer known), unless a 0 was newly hidden.
  std::vector<uint8_t> own;
  std::vector<uint8_t>& known = known_zero != nullptr ? *known_zero : own;
  if (known.size() != counts.size() ||
      std::any_of(newly.begin(), newly.end(), [&](size_t c) { return counts[c] == 0; })) {
    known = KnownZeros(counts, hidden, std::move(known));
  }
  std::vector<uint8_t> dirty(groups_.size(), 0);
  for (size_t c : newly) {
    for (uint32_t i = first_group_[c]; i < first_group_[c + 1]; ++i) dirty[groups_of_[i]] = 1;
  }
  std::vector<size_t> hid;
  Settle(counts, threshold, hidden, dirty, known, &hid);
  return hid;
}

void SuppressionProblem::Settle(std::span<const int64_t> counts, int threshold,
                                std::vector<bool>& hidden, std::vector<uint8_t>& dirty,
                                std::span<const uint8_t> known_zero,
                                std::vector<size_t>* hid) const {
  const std::vector<uint32_t>& first_group = first_group_;
  const std::vector<uint32_t>& groups_of = groups_of_;
  // Rounds over the groups in order until a round changes nothing.
  std::vector<size_t> newly_hidden;
  for (int round = 0; round < 50; ++round) {
    bool changed = false;
    for (size_t g = 0; g < groups_.size(); ++g) {
      if (!dirty[g]) continue;
      dirty[g] = 0;
      newly_hidden.clear();
      if (!MakeSafe(counts, g, threshold, hidden, known_zero, &newly_hidden)) continue;
      changed = true;
      if (hid != nullptr) hid->insert(hid->end(), newly_hidden.begin(), newly_hidden.end());
      for (size_t c : newly_hidden) {
        for (uint32_t i = first_group[c]; i < first_group[c + 1]; ++i) dirty[groups_of[i]] = 1;
      }
    }
    if (!changed) break;
  }
}

std::vector<uint8_t> SuppressionProblem::KnownZeros(std::span<const int64_t> counts,
                                                    const std::vector<bool>& hidden,
                                                    std::vector<uint8_t> known) const {
  const size_t n = counts.size();
  known.resize(n, 0);
  auto hidden_zero = [&](size_t c) { return hidden[c] && counts[c] == 0; };
  // The groups that can tell a zero: no hidden member holding more than 0,
  // and a hidden 0 among the members or as the margin. Each with how many
  // of its hidden members are not known yet.
  std::vector<uint32_t> unknown(groups_.size(), 0);
  std::vector<uint8_t> telling(groups_.size(), 0);
  std::vector<size_t> told;  // cells newly known, their groups still to visit
  for (size_t c = 0; c < n; ++c) {
    if (known[c]) told.push_back(c);
  }
  auto tell = [&](size_t c) {
    if (known[c]) return;
    known[c] = 1;
    told.push_back(c);
  };
  for (size_t g = 0; g < groups_.size(); ++g) {
    const AdditiveRelation r = groups_[g];
    if (hidden[r.margin] && counts[r.margin] > 0) continue;  // never known
    bool zero = hidden_zero(r.margin), more = false;
    uint32_t hidden_members = 0;
    for (size_t m : r.members) {
      if (!hidden[m]) continue;
      if (counts[m] > 0) {
        more = true;
        break;
      }
      zero = true;
      ++hidden_members;
    }
    if (more || !zero) continue;
    telling[g] = 1;
    unknown[g] = hidden_members;
  }
  // A published margin tells its hidden members; a group with every member
  // known tells its margin.
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (!telling[g]) continue;
    const AdditiveRelation r = groups_[g];
    if (!hidden[r.margin]) {
      for (size_t m : r.members) {
        if (hidden[m]) tell(m);
      }
    } else if (unknown[g] == 0) {
      tell(r.margin);
    }
  }
  while (!told.empty()) {
    const size_t c = told.back();
    told.pop_back();
    for (uint32_t i = first_group_[c]; i < first_group_[c + 1]; ++i) {
      const uint32_t g = groups_of_[i];
      if (!telling[g]) continue;
      const AdditiveRelation r = groups_[g];
      if (r.margin == c) {
        for (size_t m : r.members) {
          if (hidden[m]) tell(m);
        }
      } else if (--unknown[g] == 0 && hidden[r.margin]) {
        tell(r.margin);
      }
    }
  }
  return known;
}

}  // namespace lantern
