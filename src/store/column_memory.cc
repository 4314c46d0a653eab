#include "store/column_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace lantern {

namespace {

struct Pending {
  bool open = false;
  bool taken = false;
  bool mapped = false;
  const std::string* path = nullptr;
  size_t offset = 0, bytes = 0;
};
thread_local Pending pending;

size_t RoundUp(size_t v, size_t to) { return (v + to - 1) / to * to; }

// Every mapped column's start and length, so deallocation can tell them
// from heap memory.
struct Registry {
  std::mutex mu;
  std::unordered_map<void*, size_t> lengths;
  std::atomic<size_t> count{0};
};
Registry& Mapped() {
  static Registry* r = new Registry();  // never destroyed: columns may outlive statics
  return *r;
}

}  // namespace

namespace column_memory {

void* TakePending(size_t bytes) {
  if (!pending.open || pending.taken) return nullptr;
  pending.taken = true;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  if (bytes < pending.bytes || pending.offset % page != 0) return nullptr;
  const size_t length = RoundUp(bytes, page);
  void* base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) return nullptr;
  const int fd = ::open(pending.path->c_str(), O_RDONLY | O_CLOEXEC);
  void* rows = MAP_FAILED;
  if (fd >= 0) {
    // Private and writable: reading shares the page cache; writing copies the page.
    rows = ::mmap(base, RoundUp(pending.bytes, page), PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_FIXED, fd, static_cast<off_t>(pending.offset));
    ::close(fd);
  }
  if (rows == MAP_FAILED) {
    ::munmap(base, length);
    return nullptr;
  }
  Registry& r = Mapped();
  std::lock_guard<std::mutex> lock(r.mu);
  r.lengths[base] = length;
  r.count.fetch_add(1, std::memory_order_relaxed);
  pending.mapped = true;
  return base;
}

bool Release(void* p) {
  Registry& r = Mapped();
  if (r.count.load(std::memory_order_relaxed) == 0) return false;
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.lengths.find(p);
  if (it == r.lengths.end()) return false;
  ::munmap(p, it->second);
  r.lengths.erase(it);
  r.count.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

}  // namespace column_memory

MappedColumnScope::MappedColumnScope(const std::string& path, size_t offset, size_t bytes) {
  pending = Pending{true, false, false, &path, offset, bytes};
  column_memory::adopting = true;
}

MappedColumnScope::~MappedColumnScope() {
  pending = Pending{};
  column_memory::adopting = false;
}

bool MappedColumnScope::mapped() const { return pending.mapped; }

}  // namespace lantern
