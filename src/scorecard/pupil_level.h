// Pupil-level mode of the scorecard from a store already in memory (the
// public entry point is LoadPupilLevelScorecardInput in lantern/scorecard.h).
#ifndef LANTERN_SCORECARD_PUPIL_LEVEL_H_
#define LANTERN_SCORECARD_PUPIL_LEVEL_H_

#include "lantern/scorecard.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

// Fills a ScorecardInput from the store's tables and marks (docs/scorecard.md,
// "Pupil-level mode"). `store` gives the saved session counts, if any (may be
// null). Register codes are counted as the policy says.
Result<ScorecardInput> PupilLevelScorecardInputFromState(const StoreState& state,
                                                         const Store* store, const Policy& policy,
                                                         int threads,
                                                         const std::string& real_data_dir = "");

}  // namespace lantern

#endif  // LANTERN_SCORECARD_PUPIL_LEVEL_H_
