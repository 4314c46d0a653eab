#include "flags/attendance_rings.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <utility>

#include "common/file_util.h"
#include "store/segment.h"

namespace lantern {

namespace {

constexpr char kMagic[8] = {'L', 'N', 'R', 'I', 'N', 'G', 'S', '2'};

// A byte of two days as their sessions: possible in the low 16 bits,
// attended in the high 16.
constexpr std::array<uint32_t, 256> MakeByteSums() {
  std::array<uint32_t, 256> t{};
  for (uint32_t b = 0; b < 256; ++b) {
    const uint32_t lo = b & 0xF, hi = b >> 4;
    t[b] = ((lo & 3) + (hi & 3)) | ((lo >> 2) + (hi >> 2)) << 16;
  }
  return t;
}
constexpr std::array<uint32_t, 256> kByteSums = MakeByteSums();

void SetSlot(uint8_t* ring, size_t slot, uint32_t possible, uint32_t attended) {
  uint8_t& b = ring[3 + slot / 2];
  const auto v = static_cast<uint8_t>(possible | attended << 2);
  b = slot % 2 == 0 ? static_cast<uint8_t>((b & 0xF0) | v)
                    : static_cast<uint8_t>((b & 0x0F) | v << 4);
}

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

// The file at `path` mapped for reading and writing (created with `bytes`
// bytes if `create`), every page asked for at once: the rings are read and
// written in place, and a page first written after mapping is costly.
Result<void*> MapFile(const std::string& path, size_t bytes, bool create) {
  const int fd = ::open(path.c_str(),
                        create ? O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC : O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  if (create && ::ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    const int e = errno;
    ::close(fd);
    return Status::IoError(fmt::format("cannot size {}: {}", path, std::strerror(e)));
  }
  void* map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const int e = errno;
  ::close(fd);
  if (map == MAP_FAILED) {
    return Status::IoError(fmt::format("cannot map {}: {}", path, std::strerror(e)));
  }
#ifdef MADV_POPULATE_WRITE
  // Older kernels refuse it: then each page is taken when first touched.
  (void)::madvise(map, bytes, MADV_POPULATE_WRITE);
#endif
  return map;
}

Result<uint64_t> FileBytes(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IoError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  return static_cast<uint64_t>(st.st_size);
}

// The head: one page (48 bytes, then up to 64 windows and a key of up to
// 1024 bytes).
constexpr size_t kHeadBytes = 4096;
constexpr size_t kMaxTriggers = 64;
constexpr size_t kMaxKey = 1024;

}  // namespace

AttendanceRings::AttendanceRings(std::vector<uint16_t> windows, size_t pupils)
    : windows_(std::move(windows)) {
  Allocate(pupils);
  for (size_t b = 0; b < windows_.size(); ++b)
    std::memset(base_[b], 0, pupils * Stride(windows_[b]));
}

AttendanceRings::~AttendanceRings() { Unmap(); }

AttendanceRings& AttendanceRings::operator=(AttendanceRings&& other) noexcept {
  if (this == &other) return *this;
  Unmap();
  day = other.day;
  windows_ = std::move(other.windows_);
  pupils_ = other.pupils_;
  room_ = other.room_;
  base_ = std::move(other.base_);
  heap_ = std::move(other.heap_);
  path_ = std::move(other.path_);
  map_ = std::exchange(other.map_, nullptr);
  map_bytes_ = std::exchange(other.map_bytes_, 0);
  other.path_.clear();
  other.base_.clear();
  other.pupils_ = other.room_ = 0;
  return *this;
}

void AttendanceRings::Unmap() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
  map_ = nullptr;
  map_bytes_ = 0;
  path_.clear();
}

void AttendanceRings::Allocate(size_t pupils) {
  pupils_ = pupils;
  room_ = RoomFor(pupils);
  heap_.clear();
  base_.clear();
  // Not cleared: the caller writes every ring (a fresh buffer's pages are
  // zeroed by the kernel anyway; clearing them again costs as much).
  for (uint16_t n : windows_) {
    heap_.emplace_back(new uint8_t[room_ * Stride(n)]);
    base_.push_back(heap_.back().get());
  }
}

Result<AttendanceRings> AttendanceRings::Create(const std::string& path,
                                                std::vector<uint16_t> windows, size_t pupils) {
  AttendanceRings r;
  r.windows_ = std::move(windows);
  r.pupils_ = pupils;
  r.room_ = RoomFor(pupils);
  size_t bytes = kHeadBytes;
  for (uint16_t n : r.windows_) bytes += r.room_ * Stride(n);
  LANTERN_ASSIGN_OR_RETURN(void* map, MapFile(path, bytes, true));
  r.map_ = static_cast<uint8_t*>(map);
  r.map_bytes_ = bytes;
  r.path_ = path;
  size_t offset = kHeadBytes;
  for (uint16_t n : r.windows_) {
    r.base_.push_back(r.map_ + offset);
    offset += r.room_ * Stride(n);
  }
  return r;
}

void AttendanceRings::Grow(size_t pupils) {
  if (pupils <= pupils_) return;
  if (pupils > room_) {
    // Into memory, with more room (saved to a new file).
    AttendanceRings bigger;
    bigger.windows_ = windows_;
    bigger.Allocate(pupils);
    for (size_t b = 0; b < windows_.size(); ++b) {
      std::memcpy(bigger.base_[b], base_[b], pupils_ * Stride(windows_[b]));
    }
    bigger.pupils_ = pupils_;
    bigger.day = day;
    *this = std::move(bigger);
  }
  for (size_t b = 0; b < windows_.size(); ++b) {
    const size_t stride = Stride(windows_[b]);
    std::memset(base_[b] + pupils_ * stride, 0, (pupils - pupils_) * stride);
  }
  pupils_ = pupils;
}

void AttendanceRings::Forget(uint8_t* ring, size_t n) { std::memset(ring, 0, Stride(n)); }

bool AttendanceRings::Set(uint8_t* ring, size_t n, const uint32_t* possible,
                          const uint32_t* attended, size_t days, size_t in_a_row) {
  Forget(ring, n);
  if (days > n) return false;
  for (size_t k = 0; k < days; ++k) {
    if (possible[k] > kMaxSessions || attended[k] > kMaxSessions) {
      Forget(ring, n);
      return false;
    }
    SetSlot(ring, days - 1 - k, possible[k], attended[k]);
  }
  ring[0] = static_cast<uint8_t>(days + 1);
  ring[1] = static_cast<uint8_t>(days % n);
  ring[2] = static_cast<uint8_t>(std::min<size_t>(in_a_row, 255));
  return true;
}

bool AttendanceRings::Push(uint8_t* ring, size_t n, uint32_t possible, uint32_t attended) {
  if (!Known(ring) || possible > kMaxSessions || attended > kMaxSessions) {
    Forget(ring, n);
    return false;
  }
  const size_t held = DaysHeld(ring), slot = ring[1];
  SetSlot(ring, slot, possible, attended);
  if (held < n) ring[0] = static_cast<uint8_t>(held + 2);
  ring[1] = static_cast<uint8_t>((slot + 1) % n);
  if (ring[2] < 255) ++ring[2];
  return true;
}

void AttendanceRings::Sum(const uint8_t* ring, size_t n, uint32_t* possible, uint32_t* attended) {
  uint32_t s = 0;
  for (size_t i = 0; i < (n + 1) / 2; ++i) s += kByteSums[ring[3 + i]];
  *possible = s & 0xFFFF;
  *attended = s >> 16;
}

// Layout: a head of whole pages (magic, the checksum, day, generation,
// pupils, room, triggers, key length, each trigger's window, the key),
// then each trigger's rings with room for `room` pupils. The checksum
// (CRC-32) covers the head after itself and the rings of `pupils` pupils.
namespace {

struct Head {
  char magic[8];
  uint32_t crc;
  int32_t day;
  uint64_t generation, pupils, room;
  uint32_t triggers, key_bytes;
};
static_assert(sizeof(Head) == 48);

}  // namespace

uint32_t AttendanceRings::Checksum(const uint8_t* head, size_t head_bytes) const {
  uint32_t crc = Crc32(head + 12, head_bytes - 12);
  for (size_t b = 0; b < windows_.size(); ++b) {
    crc = Crc32Extend(crc, base_[b], pupils_ * Stride(windows_[b]));
  }
  return crc;
}

Status AttendanceRings::Save(const std::string& path, uint64_t generation, const std::string& key) {
  if (key.size() > kMaxKey || windows_.size() > kMaxTriggers) {
    return Status::InvalidArgument("attendance rings: too many triggers or too long a key");
  }
  Head h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.day = day;
  h.generation = generation;
  h.pupils = pupils_;
  h.room = room_;
  h.triggers = static_cast<uint32_t>(windows_.size());
  h.key_bytes = static_cast<uint32_t>(key.size());
  std::string head(reinterpret_cast<const char*>(&h), sizeof h);
  for (uint16_t n : windows_) Put(&head, n);
  head += key;
  if (map_ != nullptr && path == path_) {
    // In place: the head, then its checksum.
    const size_t head_bytes = kHeadBytes;
    std::memset(map_, 0, head_bytes);
    std::memcpy(map_, head.data(), head.size());
    const uint32_t crc = Checksum(map_, head_bytes);
    std::memcpy(map_ + offsetof(Head, crc), &crc, sizeof crc);
    return Status::Ok();
  }
  const size_t head_bytes = kHeadBytes;
  head.resize(head_bytes, '\0');
  const uint32_t crc = Checksum(reinterpret_cast<const uint8_t*>(head.data()), head_bytes);
  std::memcpy(head.data() + offsetof(Head, crc), &crc, sizeof crc);
  const std::string tmp = path + ".tmp";
  LANTERN_ASSIGN_OR_RETURN(auto file, BufferedWriter::Create(tmp, 1 << 22));
  file->Write(head);
  const std::string room_zeros(1 << 16, '\0');
  for (size_t b = 0; b < windows_.size(); ++b) {
    const size_t stride = Stride(windows_[b]);
    file->Write(std::string_view(reinterpret_cast<const char*>(base_[b]), pupils_ * stride));
    for (size_t left = (room_ - pupils_) * stride; left > 0;) {
      const size_t n = std::min(left, room_zeros.size());
      file->Write(std::string_view(room_zeros.data(), n));
      left -= n;
    }
  }
  LANTERN_RETURN_IF_ERROR(file->Close());
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IoError(fmt::format("cannot rename {}: {}", tmp, std::strerror(errno)));
  }
  return Status::Ok();
}

Result<AttendanceRings> AttendanceRings::Load(const std::string& path, uint64_t generation,
                                              const std::string& key) {
  const auto bad = [&](const char* why) {
    return Status::Corruption(fmt::format("{}: not saved attendance windows ({})", path, why));
  };
  LANTERN_ASSIGN_OR_RETURN(const uint64_t size, FileBytes(path));
  if (size < sizeof(Head)) return bad("no header");
  LANTERN_ASSIGN_OR_RETURN(void* map, MapFile(path, size, false));
  AttendanceRings r;
  r.map_ = static_cast<uint8_t*>(map);
  r.map_bytes_ = size;
  r.path_ = path;
  Head h;
  std::memcpy(&h, r.map_, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return bad("no header");
  if (h.generation != generation) return bad("another generation");
  if (h.triggers > kMaxTriggers || h.key_bytes != key.size() || h.pupils > h.room)
    return bad("another key");
  const size_t head_bytes = kHeadBytes;
  if (size < head_bytes ||
      std::string_view(reinterpret_cast<const char*>(r.map_) + sizeof h + 2 * h.triggers,
                       h.key_bytes) != key) {
    return bad("another key");
  }
  r.windows_.resize(h.triggers);
  std::memcpy(r.windows_.data(), r.map_ + sizeof h, 2 * h.triggers);
  uint64_t bytes = head_bytes;
  for (uint16_t n : r.windows_) {
    if (n == 0 || n > kMaxDays) return bad("window");
    r.base_.push_back(r.map_ + bytes);
    bytes += h.room * Stride(n);
  }
  if (bytes != size) return bad("length");
  r.day = h.day;
  r.pupils_ = h.pupils;
  r.room_ = h.room;
  if (r.Checksum(r.map_, head_bytes) != h.crc) return bad("checksum");
  return r;
}

}  // namespace lantern
