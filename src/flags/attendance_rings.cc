#include "flags/attendance_rings.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <utility>

#include "common/file_util.h"
#include "common/parallel.h"
#include "store/segment.h"

namespace lantern {

namespace {

constexpr char kMagic[8] = {'L', 'N', 'R', 'I', 'N', 'G', 'S', '3'};

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The head: one page (48 bytes, then up to 64 windows and a key of up to
// 1024 bytes).
constexpr size_t kHeadBytes = 4096;
constexpr size_t kMaxTriggers = 64;
constexpr size_t kMaxKey = 1024;

struct HeadFields {
  char magic[8];
  uint32_t crc;
  int32_t day;
  uint64_t generation, pupils, room;
  uint32_t triggers, key_bytes;
};
static_assert(sizeof(HeadFields) == 48);

// Bytes are read, written and checked in chunks of this size, on every
// core.
constexpr size_t kChunk = size_t{8} << 20;

// `crc` extended by the bytes, each chunk's checksum worked out on its own
// worker and the checksums joined in order.
uint32_t ExtendOnWorkers(uint32_t crc, const uint8_t* data, size_t bytes, int threads) {
  const size_t chunks = (bytes + kChunk - 1) / kChunk;
  std::vector<uint32_t> parts(chunks);
  ParallelFor(chunks, threads, 1, [&](size_t begin, size_t end, int) {
    for (size_t c = begin; c < end; ++c) {
      parts[c] = Crc32(data + c * kChunk, std::min(kChunk, bytes - c * kChunk));
    }
  });
  for (size_t c = 0; c < chunks; ++c) {
    crc = Crc32Combine(crc, parts[c], std::min(kChunk, bytes - c * kChunk));
  }
  return crc;
}

}  // namespace

AttendanceRings::AttendanceRings(std::vector<uint16_t> windows, size_t pupils)
    : windows_(std::move(windows)) {
  Allocate(pupils);
}

void AttendanceRings::Allocate(size_t pupils) {
  pupils_ = pupils;
  room_ = RoomFor(pupils);
  rings_.clear();
  for (uint16_t n : windows_) rings_.emplace_back(new uint8_t[room_ * Stride(n)]);
}

void AttendanceRings::Grow(size_t pupils) {
  if (pupils <= pupils_) return;
  if (pupils > room_) {
    // More room: the file read no longer fits (saved to a new one).
    AttendanceRings bigger(windows_, pupils);
    for (size_t b = 0; b < windows_.size(); ++b) {
      std::memcpy(bigger.at(b, 0), at(b, 0), pupils_ * Stride(windows_[b]));
    }
    bigger.pupils_ = pupils_;
    bigger.day = day;
    *this = std::move(bigger);
  }
  for (size_t b = 0; b < windows_.size(); ++b) {
    const size_t stride = Stride(windows_[b]);
    std::memset(at(b, pupils_), 0, (pupils - pupils_) * stride);
  }
  pupils_ = pupils;
}

void AttendanceRings::Forget(uint8_t* ring, size_t n) { std::memset(ring, 0, Stride(n)); }

namespace {

// A slot: a school day on a roll (possible | attended << 2, possible at
// least 1), a school day of the calendar that was not one (kSkipCode:
// "attended 1 of 0", which no day is), or none (0).
constexpr uint8_t kSkipCode = 4;

uint8_t GetSlot(const uint8_t* ring, size_t slot) {
  const uint8_t b = ring[AttendanceRings::kHead + slot / 2];
  return slot % 2 == 0 ? b & 0x0F : b >> 4;
}

void PutSlot(uint8_t* ring, size_t slot, uint8_t v) {
  uint8_t& b = ring[AttendanceRings::kHead + slot / 2];
  b = slot % 2 == 0 ? static_cast<uint8_t>((b & 0xF0) | v)
                    : static_cast<uint8_t>((b & 0x0F) | v << 4);
}

// The slot after `slot` in a ring of c slots, and the slot `k` before it.
size_t Next(size_t slot, size_t c) { return slot + 1 == c ? 0 : slot + 1; }
size_t Before(size_t slot, size_t k, size_t c) { return slot >= k ? slot - k : slot + c - k; }

}  // namespace

// The head: [0] days held + 1 (0: not known), [1] the slot the next day
// goes into, [2] the skipped days held (after the oldest day), [3] how
// many of the oldest days held have no known place in the calendar.
void AttendanceRings::Compact(uint8_t* ring, size_t n) {
  const size_t held = DaysHeld(ring), c = Capacity(n);
  size_t slot = Before(ring[1], held + ring[2], c);
  uint8_t days[kMaxDays];
  for (size_t k = 0; k < held;) {
    const uint8_t v = GetSlot(ring, slot);
    slot = Next(slot, c);
    if (v != kSkipCode) days[k++] = v;
  }
  std::memset(ring + kHead, 0, Stride(n) - kHead);
  for (size_t k = 0; k < held; ++k) PutSlot(ring, k, days[k]);
  ring[1] = static_cast<uint8_t>(held);  // fewer than c
  ring[2] = 0;
  ring[3] = static_cast<uint8_t>(held);
}

void AttendanceRings::Append(uint8_t* ring, size_t n, uint8_t v) {
  const size_t c = Capacity(n);
  if (DaysHeld(ring) + ring[2] == c) Compact(ring, n);  // full of skipped days
  PutSlot(ring, ring[1], v);
  ring[1] = static_cast<uint8_t>(Next(ring[1], c));
}

bool AttendanceRings::Set(uint8_t* ring, size_t n, const uint32_t* possible,
                          const uint32_t* attended, const uint32_t* back, size_t days) {
  Forget(ring, n);
  if (days > n || n > kMaxDays) return false;
  for (size_t k = 0; k < days; ++k) {
    if (possible[k] == 0 || possible[k] > kMaxSessions || attended[k] > kMaxSessions ||
        (k > 0 && back[k] <= back[k - 1])) {
      Forget(ring, n);
      return false;
    }
  }
  ring[0] = 1;
  if (days == 0) return true;
  // Oldest first, with the calendar's days between and after them when
  // they fit (else the days only, their places not known).
  const size_t span = back[days - 1] + 1;
  const bool dated = span <= Capacity(n);
  size_t k = days;
  for (size_t o = back[days - 1] + 1; o-- > 0;) {
    if (k > 0 && back[k - 1] == o) {
      --k;
      Append(ring, n, static_cast<uint8_t>(possible[k] | attended[k] << 2));
      ring[0] = static_cast<uint8_t>(days - k + 1);
    } else if (dated) {
      Append(ring, n, kSkipCode);
      ++ring[2];
    }
  }
  if (!dated) ring[3] = static_cast<uint8_t>(days);
  return true;
}

void AttendanceRings::PopOldest(uint8_t* ring, size_t n) {
  const size_t c = Capacity(n);
  size_t slot = Before(ring[1], DaysHeld(ring) + ring[2], c);
  PutSlot(ring, slot, 0);
  --ring[0];
  if (ring[3] > 0) --ring[3];
  // The skipped days after it are now before the oldest day held.
  for (slot = Next(slot, c); ring[2] > 0 && GetSlot(ring, slot) == kSkipCode;
       slot = Next(slot, c)) {
    PutSlot(ring, slot, 0);
    --ring[2];
  }
}

bool AttendanceRings::Push(uint8_t* ring, size_t n, uint32_t possible, uint32_t attended) {
  if (!Known(ring) || possible == 0 || possible > kMaxSessions || attended > kMaxSessions) {
    Forget(ring, n);
    return false;
  }
  if (DaysHeld(ring) == n) PopOldest(ring, n);
  Append(ring, n, static_cast<uint8_t>(possible | attended << 2));
  ++ring[0];
  return true;
}

void AttendanceRings::Skip(uint8_t* ring, size_t n) {
  if (DaysHeld(ring) == 0) return;  // before the first day: nothing to place
  Append(ring, n, kSkipCode);
  ++ring[2];
}

bool AttendanceRings::DaysBack(const uint8_t* ring, size_t n, size_t* oldest, size_t* latest) {
  const size_t held = DaysHeld(ring);
  if (held == 0 || ring[3] != 0) return false;
  const size_t c = Capacity(n);
  *oldest = held + ring[2] - 1;
  size_t after = 0;
  for (size_t slot = Before(ring[1], 1, c); GetSlot(ring, slot) == kSkipCode;
       slot = Before(slot, 1, c)) {
    ++after;
  }
  *latest = after;
  return true;
}

void AttendanceRings::Sum(const uint8_t* ring, size_t n, uint32_t* possible, uint32_t* attended) {
  // Eight bytes (16 days) at a time: each byte's two possible counts and
  // two attended counts added in place (at most 6 a byte), then the bytes
  // of the word added by a multiplication (at most 48).
  static_assert(std::endian::native == std::endian::little);
  constexpr uint64_t kLow2 = 0x0303030303030303ull, kBytes = 0x0101010101010101ull;
  const size_t bytes = (Capacity(n) + 1) / 2;
  uint32_t p = 0, a = 0;
  const auto add = [&](uint64_t x) {
    p += static_cast<uint32_t>((((x & kLow2) + ((x >> 4) & kLow2)) * kBytes) >> 56);
    a += static_cast<uint32_t>(((((x >> 2) & kLow2) + ((x >> 6) & kLow2)) * kBytes) >> 56);
  };
  size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    uint64_t x;
    std::memcpy(&x, ring + kHead + i, 8);
    add(x);
  }
  if (i < bytes) {
    // The last bytes: the word ending on them (within the ring, the head
    // included), the bytes before them shifted out.
    const size_t rest = bytes - i;
    uint64_t x = 0;
    if (bytes + kHead >= 8) {
      std::memcpy(&x, ring + kHead + bytes - 8, 8);
      x >>= 8 * (8 - rest);
    } else {
      std::memcpy(&x, ring + kHead + i, rest);
    }
    add(x);
  }
  *possible = p;
  *attended = a - ring[2];  // each skipped day's code counts one
}

// The file: the head (a page: magic, the checksum, day, generation, pupils,
// room, triggers, key length, each trigger's window, the key), then each
// trigger's rings with room for `room` pupils, those past `pupils` zero.
size_t AttendanceRings::Offset(size_t b) const {
  size_t offset = kHeadBytes;
  for (size_t i = 0; i < b; ++i) offset += room_ * Stride(windows_[i]);
  return offset;
}

std::string AttendanceRings::Head(uint64_t generation, const std::string& key, int threads) const {
  HeadFields h{};
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
  head.resize(kHeadBytes, '\0');
  uint32_t crc = Crc32(head.data() + 12, head.size() - 12);
  for (size_t b = 0; b < windows_.size(); ++b) {
    crc = ExtendOnWorkers(crc, at(b, 0), pupils_ * Stride(windows_[b]), threads);
  }
  std::memcpy(head.data() + offsetof(HeadFields, crc), &crc, sizeof crc);
  return head;
}

Status AttendanceRings::Save(const std::string& path, uint64_t generation, const std::string& key,
                             int threads) const {
  if (key.size() > kMaxKey || windows_.size() > kMaxTriggers) {
    return Status::InvalidArgument("attendance rings: too many triggers or too long a key");
  }
  const std::string head = Head(generation, key, threads);
  const auto failed = [&](const char* what, const std::string& file) {
    return Status::IoError(fmt::format("cannot {} {}: {}", what, file, std::strerror(errno)));
  };
  if (!file_.empty() && path == file_) {
    // Over the file read, its head last.
    Fd f{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
    if (f.fd < 0) return failed("open", path);
    for (size_t b = 0; b < windows_.size(); ++b) {
      if (!WriteFullyAt(f.fd, Offset(b), at(b, 0), pupils_ * Stride(windows_[b]))) {
        return failed("write", path);
      }
    }
    if (!WriteFullyAt(f.fd, 0, head.data(), head.size())) return failed("write", path);
    return Status::Ok();
  }
  const std::string tmp = path + ".tmp";
  LANTERN_ASSIGN_OR_RETURN(auto file, BufferedWriter::Create(tmp, 1 << 22));
  file->Write(head);
  const std::string zeros(1 << 16, '\0');
  for (size_t b = 0; b < windows_.size(); ++b) {
    const size_t stride = Stride(windows_[b]);
    file->Write(std::string_view(reinterpret_cast<const char*>(at(b, 0)), pupils_ * stride));
    for (size_t left = (room_ - pupils_) * stride; left > 0;) {
      const size_t n = std::min(left, zeros.size());
      file->Write(std::string_view(zeros.data(), n));
      left -= n;
    }
  }
  LANTERN_RETURN_IF_ERROR(file->Close());
  if (::rename(tmp.c_str(), path.c_str()) != 0) return failed("rename", tmp);
  return Status::Ok();
}

Result<AttendanceRings> AttendanceRings::Load(const std::string& path, uint64_t generation,
                                              const std::string& key, int threads) {
  const auto bad = [&](const char* why) {
    return Status::Corruption(fmt::format("{}: not saved attendance windows ({})", path, why));
  };
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    return Status::IoError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return bad("size");
  std::string head(kHeadBytes, '\0');
  if (!ReadFullyAt(f.fd, 0, head.data(), head.size())) return bad("no header");
  HeadFields h;
  std::memcpy(&h, head.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return bad("no header");
  if (h.generation != generation) return bad("another generation");
  if (h.triggers > kMaxTriggers || h.key_bytes != key.size() ||
      head.compare(sizeof h + 2 * h.triggers, h.key_bytes, key) != 0) {
    return bad("another key");
  }
  AttendanceRings r;
  r.windows_.resize(h.triggers);
  std::memcpy(r.windows_.data(), head.data() + sizeof h, 2 * h.triggers);
  uint64_t bytes = kHeadBytes;
  for (uint16_t n : r.windows_) {
    if (n == 0 || n > kMaxDays || h.pupils > h.room || h.room > (uint64_t{1} << 32)) {
      return bad("window");
    }
    bytes += h.room * Stride(n);
  }
  if (bytes != static_cast<uint64_t>(st.st_size) || RoomFor(h.pupils) < h.room)
    return bad("length");
  r.Allocate(h.pupils);
  r.room_ = h.room;  // as the file has it (no more than Allocate made room for)
  r.day = h.day;
  // Read and checked on every core: most of the time is the kernel
  // zeroing the fresh pages the bytes are read into.
  uint32_t crc = Crc32(head.data() + 12, head.size() - 12);
  for (size_t b = 0; b < r.windows_.size(); ++b) {
    const size_t used = r.pupils_ * Stride(r.windows_[b]);
    std::atomic<bool> read{true};
    std::vector<uint32_t> parts((used + kChunk - 1) / kChunk);
    ParallelFor(parts.size(), threads, 1, [&](size_t begin, size_t end, int) {
      for (size_t c = begin; c < end; ++c) {
        const size_t from = c * kChunk, bytes = std::min(kChunk, used - from);
        if (!ReadFullyAt(f.fd, r.Offset(b) + from, r.at(b, 0) + from, bytes)) read = false;
        parts[c] = Crc32(r.at(b, 0) + from, bytes);
      }
    });
    if (!read) return bad("short");
    for (size_t c = 0; c < parts.size(); ++c) {
      crc = Crc32Combine(crc, parts[c], std::min(kChunk, used - c * kChunk));
    }
  }
  if (crc != h.crc) return bad("checksum");
  r.file_ = path;
  return r;
}

}  // namespace lantern
