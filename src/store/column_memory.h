// Memory for the fixed-width columns of the store's tables (tables.h).
//
// A column is a std::vector with ColumnAllocator. Its memory is the heap,
// except when a table is loaded from a segment whose column lies page-aligned
// in the file (segment.h): then the column's rows are the file's pages mapped
// copy-on-write, not a copy of them. A build or a daily ingest reads the
// big tables straight from the page cache (no 400 MB copy into fresh memory
// at national scale, and nothing to free at exit); a row changed in memory
// copies only its own page, and the file never changes. Rows appended past
// the loaded ones go into anonymous memory reserved after them.
#ifndef LANTERN_STORE_COLUMN_MEMORY_H_
#define LANTERN_STORE_COLUMN_MEMORY_H_

#include <cstddef>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace lantern {

namespace column_memory {
// The mapping the next column allocation on this thread should use, set by
// MappedColumnScope. Returns null when none is pending (or mapping failed).
void* TakePending(size_t bytes);
// Unmaps p if it is a mapped column; false if p is not one.
bool Release(void* p);
// True while a MappedColumnScope is open on this thread (read inline, so a
// resize over mapped rows compiles to no loop at all).
inline thread_local bool adopting = false;
}  // namespace column_memory

template <typename T>
class ColumnAllocator {
 public:
  using value_type = T;
  ColumnAllocator() noexcept = default;
  template <typename U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    if (void* p = column_memory::TakePending(n * sizeof(T))) return static_cast<T*>(p);
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, size_t n) noexcept {
    if (!column_memory::Release(p)) std::allocator<T>().deallocate(p, n);
  }
  // New elements are value-initialised as usual, except the rows of a column
  // being mapped: their values are the file's.
  template <typename U>
  void construct(U* p) noexcept {
    if (!column_memory::adopting) ::new (static_cast<void*>(p)) U();
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  friend bool operator==(const ColumnAllocator&, const ColumnAllocator&) { return true; }
};

template <typename T>
using ColumnVector = std::vector<T, ColumnAllocator<T>>;

// While open, the next column allocation on this thread maps `bytes` bytes
// of `path` from `offset` (a multiple of the page size) into the start of
// the allocation, and new elements are left as the file has them.
class MappedColumnScope {
 public:
  MappedColumnScope(const std::string& path, size_t offset, size_t bytes);
  ~MappedColumnScope();
  MappedColumnScope(const MappedColumnScope&) = delete;
  MappedColumnScope& operator=(const MappedColumnScope&) = delete;
  // Whether the allocation was mapped (false: it came from the heap, and the
  // caller must copy the rows in).
  bool mapped() const;
};

// The page size mapped columns are aligned to in segment files.
constexpr size_t kColumnPageBytes = 4096;
// Columns smaller than this are copied, not mapped.
constexpr size_t kMapColumnMinBytes = 1 << 20;

}  // namespace lantern

#endif  // LANTERN_STORE_COLUMN_MEMORY_H_
