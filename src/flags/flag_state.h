// What the flags step keeps between days besides the history: what each
// pupil's attendance windows were on the day of the last run, as far as the
// next school day can use it without reading them again (docs/early-warning.md,
// "Flag history and the daily update"). A window full and at or above its
// threshold stays so through a day of two attended sessions; one under it
// stays under while a bound on its sessions says so.
#ifndef LANTERN_FLAGS_FLAG_STATE_H_
#define LANTERN_FLAGS_FLAG_STATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lantern/status.h"

namespace lantern {

// By pupil row: what is known of each attendance trigger's window on a day.
struct KnownWindows {
  // Bit b set: the b-th attendance trigger of the rules (in rules order)
  // has a full window at or above its threshold.
  std::vector<uint8_t> quiet;
  // By pupil row x attendance trigger (row * triggers + b): 0, or the
  // window is full and under the threshold, with at most A attended of at
  // least P possible sessions, as A << 8 | P (P > 0).
  std::vector<uint16_t> under;
};

struct FlagState {
  int32_t as_of = 0;        // the day it holds for
  uint64_t generation = 0;  // the store generation whose commit saved it
  // What it was worked out under (FlagEvaluator::QuietKey): the attendance
  // triggers and how each mark code counts. Another key: it does not apply.
  std::string key;
  KnownWindows windows;
};

// A binary file with a checksum; a file that is not one, or damaged, is
// an error (the caller then works every window out).
Status SaveFlagState(const std::string& path, const FlagState& state);
Result<FlagState> LoadFlagState(const std::string& path);

}  // namespace lantern

#endif  // LANTERN_FLAGS_FLAG_STATE_H_
