#include "suppress/disclosure.h"

#include <algorithm>
#include <numeric>

namespace lantern {

bool IsDisclosive(int64_t count, int threshold) { return count > 0 && count < threshold; }

std::vector<bool> ChooseSuppression(std::span<const int64_t> counts, int threshold,
                                    bool secondary) {
  std::vector<bool> out(counts.size(), false);
  int suppressed = 0;
  int64_t suppressed_sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (IsDisclosive(counts[i], threshold)) {
      out[i] = true;
      ++suppressed;
      suppressed_sum += counts[i];
    }
  }
  if (!secondary || suppressed == 0) return out;
  std::vector<size_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return counts[a] < counts[b]; });
  for (size_t i : order) {
    if (suppressed >= 2 && suppressed_sum >= threshold) break;
    if (out[i] || counts[i] == 0) continue;  // a zero hides nothing
    out[i] = true;
    ++suppressed;
    suppressed_sum += counts[i];
  }
  return out;
}

}  // namespace lantern
