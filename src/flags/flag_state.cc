#include "flags/flag_state.h"

#include <fmt/format.h>

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

// Layout: magic, i32 as_of, u64 generation, u32 key length, key, u64
// pupils, one byte per pupil, then u32 CRC-32 of everything before it.
Status SaveFlagState(const std::string& path, const FlagState& state) {
  std::string out(kMagic, sizeof kMagic);
  Put(&out, state.as_of);
  Put(&out, state.generation);
  Put(&out, static_cast<uint32_t>(state.key.size()));
  out += state.key;
  Put(&out, static_cast<uint64_t>(state.quiet.size()));
  out.append(reinterpret_cast<const char*>(state.quiet.data()), state.quiet.size());
  Put(&out, Crc32(out.data(), out.size()));
  // Not synced: a cache, checked when read; lost or damaged, every window
  // is worked out.
  return WriteFileAtomic(path, out, false);
}

Result<FlagState> LoadFlagState(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
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
  uint64_t pupils = 0;
  if (!Take(&in, &s.as_of) || !Take(&in, &s.generation) || !Take(&in, &key_size) ||
      in.size() < key_size) {
    return bad("short");
  }
  s.key.assign(in.substr(0, key_size));
  in.remove_prefix(key_size);
  if (!Take(&in, &pupils) || in.size() != pupils) return bad("length");
  s.quiet.assign(in.begin(), in.end());
  return s;
}

}  // namespace lantern
