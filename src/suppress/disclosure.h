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

#include "publish/published_cell.h"

namespace lantern {

bool IsDisclosive(int64_t count, int threshold);

// A count: c when 1..threshold-1, else the count.
PublishedCell PublishCount(int64_t count, int threshold);
// numerator/denominator * scale: z when the denominator is 0, c when either
// count is disclosive, else the value to `dp` decimals.
PublishedCell PublishRate(int64_t numerator, int64_t denominator, double scale, int dp,
                          int threshold);

// Which cells of one complete breakdown to suppress (primary and secondary).
// `counts` are the person counts of the cells; the result is parallel to it.
std::vector<bool> ChooseSuppression(std::span<const int64_t> counts, int threshold, bool secondary);

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_DISCLOSURE_H_
