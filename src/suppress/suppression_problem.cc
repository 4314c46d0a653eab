#include "suppress/suppression_problem.h"

#include <algorithm>
#include <span>
#include <tuple>

#include "suppress/disclosure.h"

namespace lantern {

bool SuppressionProblem::MakeSafe(std::span<const int64_t> counts, size_t group, int threshold,
                                  std::vector<bool>& hidden, std::vector<uint8_t>& known_zero,
                                  std::vector<size_t>* newly_hidden) const {
  const AdditiveRelation g = groups_[group];
  int hidden_members = 0, hidden_zeros = 0;
  int64_t hidden_sum = 0;
  for (size_t m : g.members) {
    if (!hidden[m]) continue;
    if (counts[m] == 0) {
      ++hidden_zeros;
      continue;
    }
    ++hidden_members;
    hidden_sum += counts[m];
  }
  // A hidden 0 protects another only when a reader cannot tell it
  // (KnownZero): a hidden member beside only such zeros would follow.
  // Asked only where it matters.
  if (hidden_zeros > 0 && (hidden_sum > 0 || hidden[g.margin])) {
    for (size_t m : g.members) {
      if (hidden[m] && counts[m] == 0 && !KnownZero(counts, hidden, m, known_zero)) {
        ++hidden_members;
      }
    }
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
    if (!hidden[m] || counts[m] == 0) continue;  // a hidden 0 protects nothing (MakeSafe)
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
  std::vector<uint8_t> known(counts.size(), 0);
  Settle(counts, threshold, hidden, dirty, known);
  if (known_zero != nullptr) *known_zero = std::move(known);
  return hidden;
}

std::vector<size_t> SuppressionProblem::Resettle(std::span<const int64_t> counts, int threshold,
                                                 std::vector<bool>& hidden,
                                                 std::span<const size_t> newly,
                                                 std::vector<uint8_t>* known_zero) const {
  IndexGroups();
  // What was found of the zeros before still holds, or errs toward
  // protecting (KnownZero).
  std::vector<uint8_t> own;
  std::vector<uint8_t>& known = known_zero != nullptr ? *known_zero : own;
  if (known.size() != counts.size()) known.assign(counts.size(), 0);
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
                                std::vector<uint8_t>& known_zero, std::vector<size_t>* hid) const {
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

bool SuppressionProblem::KnownZero(std::span<const int64_t> counts, const std::vector<bool>& hidden,
                                   size_t c, std::vector<uint8_t>& memo) const {
  if (memo[c] != 0) return memo[c] == 1;
  memo[c] = 2;  // the groups nest, so no cell is asked again while it is asked
  for (uint32_t i = first_group_[c]; i < first_group_[c + 1]; ++i) {
    const AdditiveRelation r = groups_[groups_of_[i]];
    if (r.margin == c) continue;
    if (hidden[r.margin] && (counts[r.margin] > 0 || !KnownZero(counts, hidden, r.margin, memo))) {
      continue;
    }
    if (std::none_of(r.members.begin(), r.members.end(),
                     [&](size_t m) { return hidden[m] && counts[m] > 0; })) {
      memo[c] = 1;
      return true;
    }
  }
  return false;
}

}  // namespace lantern
