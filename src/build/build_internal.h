// The build from a store already in memory (used by `lantern ingest --build`,
// which has just loaded and updated the store and should not load it again).
#ifndef LANTERN_BUILD_BUILD_INTERNAL_H_
#define LANTERN_BUILD_BUILD_INTERNAL_H_

#include "lantern/build.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

// `store` gives the saved session counts, if any (may be null).
Status BuildFromState(const StoreState& state, const Store* store, const Policy& policy,
                      const BuildOptions& options, BuildReport* report);

}  // namespace lantern

#endif  // LANTERN_BUILD_BUILD_INTERNAL_H_
