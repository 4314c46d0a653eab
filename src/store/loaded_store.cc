#include "store/loaded_store.h"

namespace lantern {

LoadedStore::LoadedStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoadedStore::~LoadedStore() = default;

const std::string& LoadedStore::dir() const { return impl_->store->dir(); }
uint64_t LoadedStore::generation() const { return impl_->store->generation(); }

std::shared_ptr<LoadedStore> MakeLoadedStore(std::unique_ptr<Store> store, StoreState state) {
  auto impl = std::make_unique<LoadedStore::Impl>();
  impl->store = std::move(store);
  impl->state = std::move(state);
  return std::make_shared<LoadedStore>(std::move(impl));
}

Result<std::shared_ptr<const LoadedStore>> LoadedStore::Open(const std::string& dir, int threads) {
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(dir, Store::Mode::kRead));
  if (store->empty()) return Status::NotFound(dir + " holds no data yet");
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load(/*with_marks=*/true, threads));
  return std::shared_ptr<const LoadedStore>(MakeLoadedStore(std::move(store), std::move(state)));
}

}  // namespace lantern
