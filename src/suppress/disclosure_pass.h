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

class DisclosureFlags {
 public:
  // Chooses the cells to hide for every count in `counts`.
  static DisclosureFlags Run(const Cube& cube, const std::vector<ControlledCount>& counts,
                             const Policy& policy, int threads);

  // Whether `measure` (one of the controlled counts) is hidden in `cell`.
  // A cell that is not in the cube (all zero) is never hidden.
  bool Hidden(size_t measure, const CubeCell& cell) const;
  bool HiddenAtSchool(size_t measure, size_t school, int category) const {
    return Hidden(measure,
                  {true, static_cast<uint32_t>(school), 0, static_cast<uint16_t>(category)});
  }
  bool controls(size_t measure) const { return measure < slot_.size() && slot_[measure] >= 0; }
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
  std::vector<std::vector<bool>> hidden_;
  double seconds_ = 0, seconds_groups_ = 0;
};

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_DISCLOSURE_PASS_H_
