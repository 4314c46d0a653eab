#include "store/upn_index.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "common/parallel.h"

namespace lantern {
namespace {

constexpr char kMagic[8] = {'L', 'U', 'P', 'N', 'I', 'D', 'X', '1'};

// The file: this header, then `capacity` slots of (key u64, row u32, 4 bytes
// padding), little-endian, as in memory.
struct Header {
  char magic[8];
  uint64_t capacity;
  uint64_t size;
  uint64_t rows;
  uint64_t fingerprint;
  uint64_t reserved[3];
};
static_assert(sizeof(Header) == 64);

}  // namespace

uint64_t UpnFingerprint(std::span<const uint64_t> keys, int threads) {
  // A sum of one term per key (and its row), so halves can be added up apart.
  auto part = [&keys](size_t begin, size_t end) {
    uint64_t h = 0;
    for (size_t i = begin; i < end; ++i) {
      uint64_t k = keys[i] + i * 0x9e3779b97f4a7c15ULL;
      k ^= k >> 31;
      k *= 0xbf58476d1ce4e5b9ULL;
      h += k ^ (k >> 29);
    }
    return h;
  };
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ keys.size();
  const size_t n = keys.size();
  if (n < (1u << 20)) threads = 1;
  std::vector<uint64_t> sums(static_cast<size_t>(std::max(1, threads)), 0);
  ParallelRanges(n, threads, [&](size_t begin, size_t end, int w) {
    sums[static_cast<size_t>(w)] = part(begin, end);
  });
  for (uint64_t s : sums) h += s;
  return h;
}

void UpnIndex::Build(std::span<const uint64_t> keys) {
  file_.reset();
  base_ = nullptr;
  base_mask_ = base_size_ = base_rows_ = 0;
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

Status UpnIndex::Save(const std::string& path, std::span<const uint64_t> keys, int threads) const {
  if (base_ != nullptr || size_ != keys.size()) return UpnIndex(keys).Save(path, keys, threads);
  const UpnIndex& index = *this;
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.capacity = index.slots_.size();
  h.size = index.size_;
  h.rows = keys.size();
  h.fingerprint = UpnFingerprint(keys, threads);
  LANTERN_ASSIGN_OR_RETURN(auto out, BufferedWriter::Create(path, 4 << 20));
  out->Write({reinterpret_cast<const char*>(&h), sizeof(h)});
  out->Write(
      {reinterpret_cast<const char*>(index.slots_.data()), index.slots_.size() * sizeof(Slot)});
  return out->Close(/*sync=*/true);
}

Result<UpnIndex> UpnIndex::Open(const std::string& path, std::span<const uint64_t> keys,
                                int threads) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  const std::string_view data = file->data();
  Header h;
  if (data.size() < sizeof(h)) return Status::Corruption(path + ": too short for a UPN index");
  std::memcpy(&h, data.data(), sizeof(h));
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0 || !std::has_single_bit(h.capacity) ||
      data.size() != sizeof(h) + h.capacity * sizeof(Slot) || h.size > h.capacity) {
    return Status::Corruption(path + ": not a UPN index, or damaged");
  }
  if (h.rows > keys.size() || UpnFingerprint(keys.first(h.rows), threads) != h.fingerprint) {
    return Status::FailedPrecondition(
        fmt::format("{}: saved for other pupils than the table's first {} rows", path, h.rows));
  }
  UpnIndex index;
  index.base_ = reinterpret_cast<const Slot*>(data.data() + sizeof(h));
  index.base_mask_ = h.capacity - 1;
  index.base_size_ = h.size;
  index.base_rows_ = h.rows;
  index.file_ = std::move(file);
  for (size_t r = h.rows; r < keys.size(); ++r) index.Insert(keys[r], static_cast<uint32_t>(r));
  return index;
}

}  // namespace lantern
