// Secondary suppression across linked tables [U: definitions.md 9].
//
// Published counts are cells; an additive group says that some member cells
// add up to a margin cell (boys + girls = all pupils; the schools of an LA
// add up to the LA). Primary suppression hides counts of 1 or 2. Then,
// until nothing changes, every group is made safe:
//  - if the margin is published and a member holding more than 0 is hidden,
//    at least two members are hidden and the hidden members add up to at
//    least the threshold, so no hidden member can be worked out by
//    subtraction (a member hidden only because its row is, holding 0,
//    needs no protection: working it out reveals no pupil; nor does a
//    hidden 0 a reader can tell count among the two: KnownZeros);
//  - if the margin is hidden and holds more than 0, at least one member
//    is hidden too (not a 0 a reader can tell).
// Extra cells to hide are the smallest non-zero ones (a zero hides nothing).
#ifndef LANTERN_SUPPRESS_SUPPRESSION_PROBLEM_H_
#define LANTERN_SUPPRESS_SUPPRESSION_PROBLEM_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "suppress/differencing_audit.h"

namespace lantern {

// One additive group in one place made safe by the rule above, for the
// counts of a cell that split another (disclosure_pass.h, SplitCount):
// counts[0] and hidden[0] the whole, then the parts, the last of them a
// rest no file publishes when `rest`. `links[i]` is how many splits cell i
// is in (empty: one each). When a hidden member needs another hidden
// beside it, the whole is as good a choice as a member (hidden, it gives
// nothing away either), so the next cell hidden is the one in the fewest
// splits (each hidden cell must be protected in every split it is in),
// then the rest (no file publishes it), then the smallest. Returns the
// cells newly hidden (indices into counts) and marks them in `hidden`.
std::vector<size_t> MakeSplitSafe(std::span<const int64_t> counts, std::span<uint8_t> hidden,
                                  bool rest, int threshold, std::span<const int> links = {});

class SuppressionProblem {
 public:
  // Room for this many cells, groups and group members in all.
  void Reserve(size_t cells, size_t groups, size_t members) {
    counts_.reserve(cells);
    groups_.Reserve(groups, members);
  }
  size_t AddCell(int64_t count) {
    counts_.push_back(count);
    return counts_.size() - 1;
  }
  void AddGroup(size_t margin, std::span<const size_t> members) { groups_.Add(margin, members); }
  void AddGroup(size_t margin, const std::vector<size_t>& members) {
    groups_.Add(margin, std::span<const size_t>(members));
  }
  // Replaces every cell's count, keeping the groups (one structure, many measures).
  void SetCounts(std::vector<int64_t> counts) { counts_ = std::move(counts); }
  size_t cells() const { return counts_.size(); }
  size_t groups() const { return groups_.size(); }
  // The groups, for an audit of the result (differencing_audit.h).
  const AdditiveRelations& relations() const { return groups_; }
  AdditiveRelations TakeRelations() { return std::move(groups_); }

  // Returns which cells to hide. `hidden` may hold cells already hidden for
  // another reason (e.g. their whole row is hidden); it is extended.
  std::vector<bool> Solve(int threshold, bool secondary, std::vector<bool> hidden = {}) const;
  // The same for other counts on the same cells and groups (one per cell);
  // safe to call from several threads at once.
  // `known_zero`, if given, is set to the hidden zeros a reader can tell
  // (KnownZeros), for Resettle.
  std::vector<bool> Solve(std::span<const int64_t> counts, int threshold, bool secondary,
                          std::vector<bool> hidden = {},
                          std::vector<uint8_t>* known_zero = nullptr) const;
  // Makes `hidden`, a result of Solve with the same counts, safe again after
  // the cells `newly` were hidden by another rule: only their groups and
  // what follows are visited. Returns the cells it hid.
  // `known_zero` is Solve's (or the last Resettle's), kept up to date.
  std::vector<size_t> Resettle(std::span<const int64_t> counts, int threshold,
                               std::vector<bool>& hidden, std::span<const size_t> newly,
                               std::vector<uint8_t>* known_zero = nullptr) const;

 private:
  // Makes one group safe; returns whether it hid anything (listed in newly_hidden).
  bool MakeSafe(std::span<const int64_t> counts, size_t group, int threshold,
                std::vector<bool>& hidden, std::span<const uint8_t> known_zero,
                std::vector<size_t>* newly_hidden) const;
  // Which hidden cells a reader can tell hold 0: the hidden members of a
  // group whose margin the reader knows (published, or such a 0 itself)
  // and none of whose hidden members holds more than 0 (the published
  // members then add up to the margin), and the hidden margin, holding 0,
  // of a group whose members the reader knows. Worked out from `hidden`
  // as it stands: hiding more only makes fewer zeros known, so a zero
  // found here and no longer known later is protected anyway. `known`
  // holds zeros known already (found before, or told by another rule),
  // kept and told onwards.
  std::vector<uint8_t> KnownZeros(std::span<const int64_t> counts, const std::vector<bool>& hidden,
                                  std::vector<uint8_t> known = {}) const;
  void IndexGroups() const;
  // Rounds over the groups marked dirty until a round hides nothing; the
  // cells hidden are added to `hid` if given.
  void Settle(std::span<const int64_t> counts, int threshold, std::vector<bool>& hidden,
              std::vector<uint8_t>& dirty, std::span<const uint8_t> known_zero,
              std::vector<size_t>* hid = nullptr) const;
  std::vector<int64_t> counts_;
  AdditiveRelations groups_;
  // Each cell's groups: groups_of_[first_group_[c], first_group_[c + 1]).
  mutable std::mutex index_mu_;
  mutable std::vector<uint32_t> first_group_, groups_of_;
  mutable size_t indexed_groups_ = 0, indexed_cells_ = 0;
};

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_SUPPRESSION_PROBLEM_H_
