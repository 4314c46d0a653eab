// The one disclosure pass (definitions.md 9): every count of pupils,
// enrolments or events in the cube that anything publishes is controlled
// with the policy's threshold, primary and secondary, across every linked
// table: the categories of each pupil-group topic add up to the total, the
// school types to "Total", the schools of an LA or trust to it, LAs to their
// region and to any place, regions to England (SuppressionProblem). The
// build's files, the scorecard's pages and JSON and every later family read
// the flags it sets; none has a threshold of its own, so a figure withheld
// in one output is withheld in all.
#ifndef LANTERN_SUPPRESS_DISCLOSURE_PASS_H_
#define LANTERN_SUPPRESS_DISCLOSURE_PASS_H_

#include <cstdint>
#include <vector>

#include "aggregate/cube.h"
#include "model/policy.h"
#include "suppress/differencing_audit.h"

namespace lantern {

// A cell of the cube: a school's (unit = school row, type = its own) or an
// aggregate unit's.
struct CubeCell {
  bool school = false;
  uint32_t unit = 0;
  uint8_t type = 0;
  uint16_t category = 0;
};

// A count to control, and the count whose hidden cells it starts from (a
// row hidden for its enrolments hides its persistent absentees too): -1
// for none. Both are cube measure indices.
struct ControlledCount {
  size_t measure = 0;
  int within = -1;
};

// Counts of one cell that split another (derive/facts.h, CountSplit), in
// cube measures: in every cell, whole = the parts (+ a rest no file
// publishes, when `rest`). A part >= 0 is a cube measure, -(i + 1) the rest
// of split i (an earlier one). Every measure named is a controlled count.
struct SplitCount {
  size_t whole = 0;
  std::vector<int64_t> parts;
  bool rest = false;
};

class DisclosureFlags {
 public:
  // Chooses the cells to hide for every count in `counts`. Each count is
  // controlled on its own, across the cube's linked tables; then, in each
  // cell, every split of `splits` is an additive group across its counts,
  // its rest among them (a count of 1 or 2 that a reader could work out is
  // hidden like a published one), made safe by the same rule, the next
  // cell hidden chosen by MakeSplitSafe (the one in the fewest splits).
  // Each cell a split hides is made safe again in its count's own tables,
  // and the two alternate until neither hides anything.
  static DisclosureFlags Run(const Cube& cube, const std::vector<ControlledCount>& counts,
                             const std::vector<SplitCount>& splits, const Policy& policy,
                             int threads);
  static DisclosureFlags Run(const Cube& cube, const std::vector<ControlledCount>& counts,
                             const Policy& policy, int threads) {
    return Run(cube, counts, {}, policy, threads);
  }

  // Whether `measure` (one of the controlled counts) is hidden in `cell`.
  // A cell that is not in the cube (all zero) is never hidden.
  bool Hidden(size_t measure, const CubeCell& cell) const;
  bool HiddenAtSchool(size_t measure, size_t school, int category) const {
    return Hidden(measure,
                  {true, static_cast<uint32_t>(school), 0, static_cast<uint16_t>(category)});
  }
  bool controls(size_t measure) const { return measure < slot_.size() && slot_[measure] >= 0; }
  // Whether a reader may be unable to work out the rest of split `split`
  // (an index into the splits given to Run) in `cell`: where it is not,
  // the rest is 0 or at least the threshold.
  bool RestHidden(size_t split, const CubeCell& cell) const;
  // The splits Run was given, and the rest of one in a cell of `cube`.
  const std::vector<SplitCount>& splits() const { return splits_; }
  int64_t RestValue(const Cube& cube, size_t split, const CubeCell& cell) const;
  // The same, for callers that look up many measures of one cell: the
  // cell's row (-1: not in the cube) and a measure's slot (-1: not
  // controlled).
  int64_t RowOf(const CubeCell& cell) const { return Row(cell); }
  int SlotOf(size_t measure) const { return measure < slot_.size() ? slot_[measure] : -1; }
  bool HiddenAt(int slot, int64_t row) const {
    return slot >= 0 && row >= 0 && hidden_[static_cast<size_t>(slot)][static_cast<size_t>(row)];
  }
  size_t cells() const { return rows_; }
  double seconds() const { return seconds_; }
  double seconds_groups() const { return seconds_groups_; }  // numbering cells, linking them

 private:
  int64_t Row(const CubeCell& cell) const;
  size_t categories_ = 0;  // the cube's (a copy, so the flags outlive a moved cube)
  size_t rows_ = 0;
  std::vector<int64_t> school_row_, aggregate_row_;  // -1: not a row
  std::vector<int> slot_;                            // cube measure -> index into hidden_
  std::vector<SplitCount> splits_;
  std::vector<int> rest_slot_;  // split -> index into hidden_, or -1
  std::vector<std::vector<bool>> hidden_;
  double seconds_ = 0, seconds_groups_ = 0;
};

// The additive relations among the cube's cells that the pass protects,
// the cells numbered as DisclosureFlags::RowOf numbers them: for an audit
// of its result (differencing_audit.h).
AdditiveRelations CubeRelations(const Cube& cube, const Policy& policy);

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_DISCLOSURE_PASS_H_
