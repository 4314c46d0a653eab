// UPN -> pupil row, as an open-addressing hash table of packed UPNs.
// Built from the pupils table when first needed; lookups are one or two
// cache lines.
#ifndef LANTERN_STORE_UPN_INDEX_H_
#define LANTERN_STORE_UPN_INDEX_H_

#include <cstdint>
#include <span>
#include <vector>

#include "store/tables.h"

namespace lantern {

class UpnIndex {
 public:
  UpnIndex() = default;
  explicit UpnIndex(std::span<const uint64_t> keys) { Build(keys); }
  void Build(std::span<const uint64_t> keys);
  // Adds key -> row (a new pupil appended to the table).
  void Insert(uint64_t key, uint32_t row);
  uint32_t Find(uint64_t key) const {
    if (slots_.empty()) return kNoIndex;
    size_t i = Hash(key) & mask_;
    for (;;) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.row;
      if (s.key == 0) return kNoIndex;
      i = (i + 1) & mask_;
    }
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t key;
    uint32_t row;
  };
  static size_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  void Grow();
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace lantern

#endif  // LANTERN_STORE_UPN_INDEX_H_
