// For tests: a reader stronger than AuditDifferencing's, who also knows
// that no count is below 0. The members not known of a relation whose
// margin is known and that hold 0 between them hold 0 each, and the
// subtracting goes on from there, until nothing more follows.
#ifndef LANTERN_SUPPRESS_ZERO_READER_TEST_UTIL_H_
#define LANTERN_SUPPRESS_ZERO_READER_TEST_UTIL_H_

#include <algorithm>
#include <utility>
#include <vector>

#include "suppress/differencing_audit.h"

namespace lantern {

// The leaks, each once (AuditDifferencing's arguments and meaning).
inline std::vector<DifferencingLeak> AuditWithZeros(const AdditiveRelations& relations,
                                                    const std::vector<int64_t>& counts,
                                                    std::vector<bool>& known, int threshold) {
  std::vector<DifferencingLeak> leaks;
  for (bool more = true; more;) {
    const auto found = AuditDifferencing(relations, counts, known, threshold);
    leaks.insert(leaks.end(), found.begin(), found.end());
    more = false;
    for (const AdditiveRelation r : relations) {
      if (!known[r.margin]) continue;
      int64_t rest = 0;
      bool unknown = false;
      for (size_t m : r.members) {
        if (known[m]) continue;
        unknown = true;
        rest += counts[m];
      }
      if (!unknown || rest != 0) continue;
      for (size_t m : r.members) known[m] = true;
      more = true;
    }
  }
  const auto key = [](const DifferencingLeak& l) {
    return std::pair(l.cell, l.cell == SIZE_MAX ? l.relation : 0);
  };
  std::sort(leaks.begin(), leaks.end(), [&](auto& a, auto& b) { return key(a) < key(b); });
  leaks.erase(
      std::unique(leaks.begin(), leaks.end(), [&](auto& a, auto& b) { return key(a) == key(b); }),
      leaks.end());
  return leaks;
}

}  // namespace lantern

#endif  // LANTERN_SUPPRESS_ZERO_READER_TEST_UTIL_H_
