#include "suppress/school_sums.h"

#include <algorithm>

#include "aggregate/groups.h"
#include "suppress/differencing_audit.h"
#include "suppress/disclosure.h"

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

bool InType(int type, int school_type, const Policy& policy) {
  return type == kTotalType ? InHeadlineTotal(school_type, policy) : school_type == type;
}

}  // namespace

std::vector<int64_t> SchoolSums(const Cube& cube, const Policy& policy,
                                std::span<const uint32_t> schools, size_t measure) {
  const auto cats = static_cast<size_t>(cube.categories());
  std::vector<int64_t> sums(kReportTypes * cats, 0);
  for (uint32_t s : Reported(cube, schools)) {
    for (int t = 0; t < kReportTypes; ++t) {
      if (!InType(t, cube.school_type(s), policy)) continue;
      for (size_t c = 0; c < cats; ++c) {
        sums[static_cast<size_t>(t) * cats + c] +=
            cube.SchoolValue(s, static_cast<int>(c), measure);
      }
    }
  }
  return sums;
}

std::vector<bool> HideSchoolSums(const Cube& cube, const DisclosureFlags& flags,
                                 const Policy& policy, std::span<const uint32_t> schools,
                                 size_t measure) {
  const auto cats = static_cast<size_t>(cube.categories());
  const size_t sums = kReportTypes * cats;
  const int threshold = policy.suppress_below;
  const std::vector<uint32_t> listed = Reported(cube, schools);
  // The cells: the sums first, then each school's cells as published.
  std::vector<int64_t> counts = SchoolSums(cube, policy, listed, measure);
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
      counts.push_back(cube.SchoolValue(listed[i], static_cast<int>(c), measure));
      known.push_back(!flags.HiddenAtSchool(measure, listed[i], static_cast<int>(c)));
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
    if (IsDisclosive(counts[i], threshold)) known[i] = false;
  }
  auto leaks_with = [&](const std::vector<bool>& shown) {
    std::vector<bool> seen = shown;
    return AuditDifferencing(relations, counts, seen, threshold);
  };
  // Until a reader can work out nothing small: each chain broken at a sum.
  std::vector<bool> may_hide(counts.size(), false);
  std::fill(may_hide.begin(), may_hide.begin() + static_cast<ptrdiff_t>(sums), true);
  const bool every_sum = !HideUntilNoLeaks(relations, counts, known, may_hide, threshold);
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
      if (!known[i] && !IsDisclosive(counts[i], threshold)) order.push_back(i);
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

}  // namespace lantern
