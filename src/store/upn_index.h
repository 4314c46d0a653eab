// UPN -> pupil row, as an open-addressing hash table of packed UPNs.
// Lookups are one or two cache lines.
//
// Built from the pupils table when first needed, or opened from the copy a
// store saves (docs/store.md): a saved index covers pupil rows [0, rows) and
// is memory-mapped, not rebuilt; pupils added since go into a small overlay.
// Pupil rows never change once assigned, and a hash of the covered UPNs is
// checked on opening, so a saved index can only be used for its own rows.
#ifndef LANTERN_STORE_UPN_INDEX_H_
#define LANTERN_STORE_UPN_INDEX_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "lantern/status.h"
#include "store/tables.h"

namespace lantern {

class UpnIndex {
 public:
  UpnIndex() = default;
  explicit UpnIndex(std::span<const uint64_t> keys) { Build(keys); }
  UpnIndex(UpnIndex&&) = default;
  UpnIndex& operator=(UpnIndex&&) = default;

  void Build(std::span<const uint64_t> keys);
  // Opens the index saved at path for keys[0, rows) and adds keys[rows, end)
  // to the overlay. Fails if the file is damaged or was saved for other UPNs.
  static Result<UpnIndex> Open(const std::string& path, std::span<const uint64_t> keys,
                               int threads = 1);
  // Saves an index of every key (row = position) to path, fsynced: this
  // index's own table when it was built in memory for exactly these keys,
  // else one built for them.
  Status Save(const std::string& path, std::span<const uint64_t> keys, int threads = 1) const;

  // Adds key -> row (a new pupil appended to the table).
  void Insert(uint64_t key, uint32_t row);
  uint32_t Find(uint64_t key) const {
    if (base_ != nullptr) {
      const uint32_t row = Probe(base_, base_mask_, key);
      if (row != kNoIndex) return row;
    }
    return slots_.empty() ? kNoIndex : Probe(slots_.data(), mask_, key);
  }
  size_t size() const { return base_size_ + size_; }
  // Rows covered by a saved index (0 when built in memory).
  size_t saved_rows() const { return base_rows_; }

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
  static uint32_t Probe(const Slot* slots, size_t mask, uint64_t key) {
    size_t i = Hash(key) & mask;
    for (;;) {
      const Slot& s = slots[i];
      if (s.key == key) return s.row;
      if (s.key == 0) return kNoIndex;
      i = (i + 1) & mask;
    }
  }
  void Grow();
  std::vector<Slot> slots_;  // built here, or the overlay of a saved index
  size_t mask_ = 0;
  size_t size_ = 0;
  // A saved index, mapped read-only.
  std::unique_ptr<MappedFile> file_;
  const Slot* base_ = nullptr;
  size_t base_mask_ = 0, base_size_ = 0, base_rows_ = 0;
};

// A fingerprint of keys[0, rows): the check that a saved index is this
// table's. The same whatever the number of threads summing it.
uint64_t UpnFingerprint(std::span<const uint64_t> keys, int threads = 1);

}  // namespace lantern

#endif  // LANTERN_STORE_UPN_INDEX_H_
