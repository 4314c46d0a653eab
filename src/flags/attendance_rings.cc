#include "flags/attendance_rings.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
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

// Reads exactly `bytes` at `offset`; false on a short file or an error.
bool ReadAt(int fd, uint64_t offset, void* out, size_t bytes) {
  auto* p = static_cast<char*>(out);
  while (bytes > 0) {
    const ssize_t got = ::pread(fd, p, bytes, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    offset += static_cast<uint64_t>(got);
    bytes -= static_cast<size_t>(got);
  }
  return true;
}

// Writes `bytes` at `offset`; false on an error.
bool WriteAt(int fd, uint64_t offset, const void* data, size_t bytes) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t put = ::pwrite(fd, p, bytes, static_cast<off_t>(offset));
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    p += put;
    offset += static_cast<uint64_t>(put);
    bytes -= static_cast<size_t>(put);
  }
  return true;
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

// The file: the head (a page: magic, the checksum, day, generation, pupils,
// room, triggers, key length, each trigger's window, the key), then each
// trigger's rings with room for `room` pupils, those past `pupils` zero.
size_t AttendanceRings::Offset(size_t b) const {
  size_t offset = kHeadBytes;
  for (size_t i = 0; i < b; ++i) offset += room_ * Stride(windows_[i]);
  return offset;
}

std::string AttendanceRings::Head(uint64_t generation, const std::string& key) const {
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
    crc = Crc32Extend(crc, at(b, 0), pupils_ * Stride(windows_[b]));
  }
  std::memcpy(head.data() + offsetof(HeadFields, crc), &crc, sizeof crc);
  return head;
}

Status AttendanceRings::Save(const std::string& path, uint64_t generation,
                             const std::string& key) const {
  if (key.size() > kMaxKey || windows_.size() > kMaxTriggers) {
    return Status::InvalidArgument("attendance rings: too many triggers or too long a key");
  }
  const std::string head = Head(generation, key);
  const auto failed = [&](const char* what, const std::string& file) {
    return Status::IoError(fmt::format("cannot {} {}: {}", what, file, std::strerror(errno)));
  };
  if (!file_.empty() && path == file_) {
    // Over the file read, its head last.
    Fd f{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
    if (f.fd < 0) return failed("open", path);
    for (size_t b = 0; b < windows_.size(); ++b) {
      if (!WriteAt(f.fd, Offset(b), at(b, 0), pupils_ * Stride(windows_[b]))) {
        return failed("write", path);
      }
    }
    if (!WriteAt(f.fd, 0, head.data(), head.size())) return failed("write", path);
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
  if (!ReadAt(f.fd, 0, head.data(), head.size())) return bad("no header");
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
  // Read on every core: most of the time is the kernel zeroing the fresh
  // pages the bytes are read into.
  constexpr size_t kChunk = size_t{8} << 20;
  uint32_t crc = Crc32(head.data() + 12, head.size() - 12);
  for (size_t b = 0; b < r.windows_.size(); ++b) {
    const size_t used = r.pupils_ * Stride(r.windows_[b]);
    std::atomic<bool> read{true};
    ParallelFor((used + kChunk - 1) / kChunk, threads, 1, [&](size_t begin, size_t end, int) {
      for (size_t c = begin; c < end; ++c) {
        const size_t from = c * kChunk, bytes = std::min(kChunk, used - from);
        if (!ReadAt(f.fd, r.Offset(b) + from, r.at(b, 0) + from, bytes)) read = false;
      }
    });
    if (!read) return bad("short");
    crc = Crc32Extend(crc, r.at(b, 0), used);
  }
  if (crc != h.crc) return bad("checksum");
  r.file_ = path;
  return r;
}

}  // namespace lantern
