// Statistical disclosure control for published figures (definitions.md 9).
//
// Primary suppression [C-3p]: a count of pupils or events of 1 or 2 (below
// `threshold`, default 3) is shown as c; a percentage is shown as c when its
// numerator or denominator is 1 or 2. A true zero is published as 0.
// Secondary suppression [U]: within one complete breakdown (boys and girls;
// the three SEN groups...), if any cell is suppressed, further cells are
// suppressed, smallest first, until at least two are and the suppressed
// cells add up to at least the threshold, so a suppressed cell cannot be
// recovered by subtracting the others from the published total.
#ifndef LANTERN_SUPPRESS_DISCLOSURE_H_
#define LANTERN_SUPPRESS_DISCLOSURE_H_

#include <cstdint>
#include <span>
#include <vector>

namespace lantern {

// Whether a count of pupils or events must be hidden: 1..threshold-1.
bool IsDisclosive(int64_t count, int threshold);

// Which cells of one complete breakdown to suppress (primary and secondary).
// `counts` are the person counts of the cells; the result is parallel to it.
std::vector<bool> ChooseSuppression(std::span<const int64_t> counts, int threshold, bool secondary);

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_DISCLOSURE_H_
