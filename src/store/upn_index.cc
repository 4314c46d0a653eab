#include "store/upn_index.h"

#include <bit>

namespace lantern {

void UpnIndex::Build(std::span<const uint64_t> keys) {
  // Load at most 3/4 (linear probing stays short), with room for a year's new pupils.
  size_t cap = std::bit_ceil(std::max<size_t>(16, keys.size() * 3 / 2));
  slots_.assign(cap, Slot{0, kNoIndex});
  mask_ = cap - 1;
  size_ = 0;
  for (size_t r = 0; r < keys.size(); ++r) Insert(keys[r], static_cast<uint32_t>(r));
}

void UpnIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{0, kNoIndex});
  mask_ = slots_.size() - 1;
  size_ = 0;
  for (const Slot& s : old) {
    if (s.key != 0) Insert(s.key, s.row);
  }
}

void UpnIndex::Insert(uint64_t key, uint32_t row) {
  if (slots_.empty()) {
    slots_.assign(16, Slot{0, kNoIndex});
    mask_ = 15;
  }
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  size_t i = Hash(key) & mask_;
  while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask_;
  if (slots_[i].key == 0) ++size_;
  slots_[i] = Slot{key, row};
}

}  // namespace lantern
