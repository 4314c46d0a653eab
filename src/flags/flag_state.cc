#include "flags/flag_state.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/file_util.h"
#include "store/segment.h"

namespace lantern {

namespace {

constexpr char kMagic[8] = {'L', 'N', 'F', 'S', 'T', 'A', 'T', '1'};

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
bool Take(std::string_view* in, T* v) {
  if (in->size() < sizeof *v) return false;
  std::memcpy(v, in->data(), sizeof *v);
  in->remove_prefix(sizeof *v);
  return true;
}

}  // namespace

// Layout: magic, i32 as_of, u64 generation, u32 key length, key, u64 n,
// the quiet bytes (n), u64 m, the under values (m x u16), then u32 CRC-32
// of everything before it. Streamed to a temporary file renamed into place;
// not synced: a cache, checked when read; lost or damaged, every window is
// worked out.
Status SaveFlagState(const std::string& path, const FlagState& state) {
  const KnownWindows& w = state.windows;
  const std::string tmp = path + ".tmp";
  LANTERN_ASSIGN_OR_RETURN(auto file, BufferedWriter::Create(tmp));
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto write = [&](const void* data, size_t bytes) {
    file->Write(std::string_view(static_cast<const char*>(data), bytes));
    crc = crc32_z(crc, static_cast<const Bytef*>(data), bytes);
  };
  std::string head(kMagic, sizeof kMagic);
  Put(&head, state.as_of);
  Put(&head, state.generation);
  Put(&head, static_cast<uint32_t>(state.key.size()));
  head += state.key;
  Put(&head, static_cast<uint64_t>(w.quiet.size()));
  write(head.data(), head.size());
  write(w.quiet.data(), w.quiet.size());
  const auto under = static_cast<uint64_t>(w.under.size());
  write(&under, sizeof under);
  write(w.under.data(), w.under.size() * sizeof(uint16_t));
  const auto sum = static_cast<uint32_t>(crc);
  file->Write(std::string_view(reinterpret_cast<const char*>(&sum), sizeof sum));
  LANTERN_RETURN_IF_ERROR(file->Close());
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IoError(fmt::format("cannot rename {}: {}", tmp, std::strerror(errno)));
  }
  return Status::Ok();
}

Result<FlagState> LoadFlagState(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  const std::string_view text = file->data();
  const auto bad = [&](const char* why) {
    return Status::Corruption(fmt::format("{}: not a flag state file ({})", path, why));
  };
  if (text.size() < sizeof kMagic + 4 || std::memcmp(text.data(), kMagic, sizeof kMagic) != 0) {
    return bad("no header");
  }
  uint32_t crc = 0;
  std::memcpy(&crc, text.data() + text.size() - 4, 4);
  if (Crc32(text.data(), text.size() - 4) != crc) return bad("checksum");
  std::string_view in(text);
  in.remove_prefix(sizeof kMagic);
  in.remove_suffix(4);
  FlagState s;
  uint32_t key_size = 0;
  uint64_t quiet = 0, under = 0;
  if (!Take(&in, &s.as_of) || !Take(&in, &s.generation) || !Take(&in, &key_size) ||
      in.size() < key_size) {
    return bad("short");
  }
  s.key.assign(in.substr(0, key_size));
  in.remove_prefix(key_size);
  if (!Take(&in, &quiet) || in.size() < quiet) return bad("length");
  s.windows.quiet.assign(in.begin(), in.begin() + static_cast<ptrdiff_t>(quiet));
  in.remove_prefix(quiet);
  if (!Take(&in, &under) || in.size() != under * sizeof(uint16_t)) return bad("length");
  s.windows.under.resize(under);
  std::memcpy(s.windows.under.data(), in.data(), in.size());
  return s;
}

}  // namespace lantern
