// What the flags step keeps between days besides the history: for each
// pupil, which attendance triggers had a full window at or above their
// threshold on the day of the last run (docs/early-warning.md, "The daily
// update"). The next school day, such a pupil whose record did not change
// and whose day's marks are all present (or who had no possible session)
// cannot have fallen under the threshold, so the daily job does not work
// out their window again.
#ifndef LANTERN_FLAGS_FLAG_STATE_H_
#define LANTERN_FLAGS_FLAG_STATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lantern/status.h"

namespace lantern {

struct FlagState {
  int32_t as_of = 0;        // the day it holds for
  uint64_t generation = 0;  // the store generation whose commit saved it
  // What it was worked out under (FlagEvaluator::QuietKey): the attendance
  // triggers and how each mark code counts. Another key: it does not apply.
  std::string key;
  // By pupil row: bit a set when the a-th attendance trigger of the rules
  // (in rules order) had a full window at or above its threshold.
  std::vector<uint8_t> quiet;
};

// A binary file with a checksum; a file that is not one, or damaged, is
// an error (the caller then works every window out).
Status SaveFlagState(const std::string& path, const FlagState& state);
Result<FlagState> LoadFlagState(const std::string& path);

}  // namespace lantern

#endif  // LANTERN_FLAGS_FLAG_STATE_H_
