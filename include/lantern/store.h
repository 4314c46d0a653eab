// A store loaded into memory: the committed tables and marks of one
// generation, shared by the commands that read it. `lantern ingest DAY
// --build OUT` hands the store it has just committed to the build, so the
// daily job loads the store once; the server will hold one while it serves.
#ifndef LANTERN_STORE_H_
#define LANTERN_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "lantern/status.h"

namespace lantern {

class LoadedStore {
 public:
  // Opens the store read-only (a shared lock, held while the object lives)
  // and loads its tables and marks, on `threads` workers (0: one per core).
  static Result<std::shared_ptr<const LoadedStore>> Open(const std::string& dir, int threads = 0);
  ~LoadedStore();

  const std::string& dir() const;
  uint64_t generation() const;

  struct Impl;  // src/store/loaded_store.h: the Store and its StoreState
  const Impl& impl() const { return *impl_; }
  // For a holder that is the last to read the state and may take tables
  // out of it (the daily job's flags step).
  Impl& mutable_impl() { return *impl_; }
  explicit LoadedStore(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace lantern

#endif  // LANTERN_STORE_H_
