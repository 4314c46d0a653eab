// The inside of lantern::LoadedStore (include/lantern/store.h).
#ifndef LANTERN_STORE_LOADED_STORE_H_
#define LANTERN_STORE_LOADED_STORE_H_

#include <memory>
#include <optional>

#include "lantern/store.h"
#include "store/store.h"

namespace lantern {

struct LoadedStore::Impl {
  std::unique_ptr<Store> store;  // holds the lock; gives saved session counts
  StoreState state;
  // What the commit that made this state changed (an ingest's), if known.
  std::optional<CommitChanges> last_commit;
};

// Wraps a store and its state (an ingest's, after its commit).
std::shared_ptr<LoadedStore> MakeLoadedStore(std::unique_ptr<Store> store, StoreState state);

}  // namespace lantern

#endif  // LANTERN_STORE_LOADED_STORE_H_
