#include "suppress/suppression_problem.h"

#include <algorithm>
#include <span>

#include "suppress/disclosure.h"

namespace lantern {

void SuppressionProblem::AddGroup(size_t margin, const std::vector<size_t>& members) {
  if (members.empty()) return;
  margins_.push_back(margin);
  members_.insert(members_.end(), members.begin(), members.end());
  starts_.push_back(members_.size());
}

bool SuppressionProblem::MakeSafe(size_t group, int threshold, std::vector<bool>& hidden) const {
  struct {
    size_t margin;
    std::span<const size_t> members;
  } g{margins_[group], std::span<const size_t>(members_.data() + starts_[group],
                                                starts_[group + 1] - starts_[group])};
  int hidden_members = 0;
  int64_t hidden_sum = 0;
  for (size_t m : g.members) {
    if (hidden[m]) {
      ++hidden_members;
      hidden_sum += counts_[m];
    }
  }
  const bool margin_hidden = hidden[g.margin];
  bool changed = false;
  auto hide_smallest = [&]() -> bool {
    size_t best = SIZE_MAX;
    for (size_t m : g.members) {
      if (hidden[m] || counts_[m] == 0) continue;
      if (best == SIZE_MAX || counts_[m] < counts_[best]) best = m;
    }
    if (best == SIZE_MAX) return false;
    hidden[best] = true;
    ++hidden_members;
    hidden_sum += counts_[best];
    changed = true;
    return true;
  };
  if (!margin_hidden) {
    if (hidden_members == 0) return false;
    while (hidden_members < 2 || hidden_sum < threshold) {
      if (!hide_smallest()) {
        // Not enough members to protect the hidden one: hide the margin.
        hidden[g.margin] = true;
        return true;
      }
    }
  } else if (hidden_members == 0 && counts_[g.margin] > 0) {
    hide_smallest();
  }
  return changed;
}

std::vector<bool> SuppressionProblem::Solve(int threshold, bool secondary,
                                            std::vector<bool> hidden) const {
  hidden.resize(counts_.size(), false);
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (IsDisclosive(counts_[i], threshold)) hidden[i] = true;
  }
  if (!secondary) return hidden;
  for (int round = 0; round < 50; ++round) {
    bool changed = false;
    for (size_t g = 0; g < margins_.size(); ++g) changed = MakeSafe(g, threshold, hidden) || changed;
    if (!changed) break;
  }
  return hidden;
}

}  // namespace lantern
