// An audit of a solved suppression problem by exhaustive differencing: what
// a reader can work out from the published cells, by subtracting within
// every additive relation again and again until nothing more follows. The
// group-by-group rule of SuppressionProblem protects each relation on its
// own; a chain of relations can still give a hidden cell away (a hidden 0
// worked out in one relation counts as protection in another). The audit
// finds every such leak: a cell worked out whose count is 1 to
// threshold - 1, or hidden cells of a relation that together hold 1 to
// threshold - 1. Callers hide more and solve again until it finds none.
#ifndef LANTERN_SUPPRESS_DIFFERENCING_AUDIT_H_
#define LANTERN_SUPPRESS_DIFFERENCING_AUDIT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace lantern {

// One additive relation: the members add up to the margin (cell indices).
struct AdditiveRelation {
  size_t margin;
  std::span<const uint32_t> members;
};

// Many relations in one flat layout (relation i's members are
// members_[starts_[i], starts_[i + 1])): millions of relations without a
// heap block each. Cell indices are kept in 32 bits (a problem has far
// fewer than four billion cells).
class AdditiveRelations {
 public:
  // A relation with no member says nothing and is not kept.
  void Add(size_t margin, std::span<const size_t> members) {
    if (members.empty()) return;
    margins_.push_back(static_cast<uint32_t>(margin));
    for (size_t m : members) members_.push_back(static_cast<uint32_t>(m));
    starts_.push_back(members_.size());
  }
  void Reserve(size_t relations, size_t members) {
    margins_.reserve(relations);
    starts_.reserve(relations + 1);
    members_.reserve(members);
  }
  size_t size() const { return margins_.size(); }
  bool empty() const { return margins_.empty(); }
  AdditiveRelation operator[](size_t i) const {
    return {margins_[i],
            std::span<const uint32_t>(members_.data() + starts_[i], starts_[i + 1] - starts_[i])};
  }
  class Iterator {
   public:
    Iterator(const AdditiveRelations* r, size_t i) : r_(r), i_(i) {}
    AdditiveRelation operator*() const { return (*r_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const AdditiveRelations* r_;
    size_t i_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  std::vector<uint32_t> margins_;
  std::vector<size_t> starts_ = {0};
  std::vector<uint32_t> members_;
};

struct DifferencingLeak {
  size_t relation;  // index into the relations
  size_t cell;      // the cell worked out, or SIZE_MAX for a small hidden sum
};

// `known[c]`: the reader sees cell c (published and not hidden). Returns
// the leaks; `known` ends as everything the reader can work out, and
// `derived_by` (if given) as the relation each worked-out cell came from
// (UINT32_MAX for the others). A cell of `kept_hidden` (if given) worked
// out is a leak whatever its count: a cell hidden elsewhere (by the
// disclosure pass, whose tables this audit does not hold) that protects
// other cells there.
std::vector<DifferencingLeak> AuditDifferencing(const AdditiveRelations& relations,
                                                const std::vector<int64_t>& counts,
                                                std::vector<bool>& known, int threshold,
                                                std::vector<uint32_t>* derived_by = nullptr,
                                                const std::vector<bool>* kept_hidden = nullptr);

// For each leak, a published cell whose hiding breaks the chain that gave
// it away: in the leaking relation, or else in the relations its worked-out
// cells came from (the margin first, else the smallest published member).
std::vector<size_t> CellsToBreakLeaks(const AdditiveRelations& relations,
                                      const std::vector<int64_t>& counts,
                                      const std::vector<DifferencingLeak>& leaks,
                                      const std::vector<bool>& published,
                                      const std::vector<uint32_t>& derived_by);

// Hides cells that `may_hide` allows (and `known` shows) until the audit
// finds nothing a reader could work out that they could not with every
// such cell hidden: each leak's chain is broken where CellsToBreakLeaks
// says. `known` is what the reader sees, and ends as the cells to publish.
// Returns false (known then as far as it got) when a chain has no cell it
// may hide.
bool HideUntilNoLeaks(const AdditiveRelations& relations, const std::vector<int64_t>& counts,
                      std::vector<bool>& known, const std::vector<bool>& may_hide, int threshold,
                      const std::vector<bool>* kept_hidden = nullptr);

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_DIFFERENCING_AUDIT_H_
