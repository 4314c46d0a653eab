// The Bitstring Status List's bits and its encodedList: GZIP by zlib,
// base64url by libsodium (../shared/spec/skills-passport.md, section 1.5).
#include "passport/status_list.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <limits>

#include "passport/multibase.h"

namespace lantern::passport {

namespace {

// A list decompressing to more than this is refused: 134 million
// credentials is far past any issuer's, and a small gzip can inflate to
// gigabytes.
constexpr size_t kMaxBytes = size_t{1} << 24;

}  // namespace

StatusList::StatusList(size_t bits)
    : bytes_(std::max(bits / 8 + (bits % 8 != 0), kMinBits / 8), 0) {}

bool StatusList::Get(size_t index) const {
  assert(index < size());
  if (index >= size()) return false;
  return (bytes_[index / 8] >> (7 - index % 8)) & 1;
}

void StatusList::Set(size_t index, bool value) {
  assert(index < size());
  if (index >= size()) return;
  uint8_t mask = static_cast<uint8_t>(0x80 >> (index % 8));  // bit 0 is the MSB
  if (value) {
    bytes_[index / 8] |= mask;
  } else {
    bytes_[index / 8] &= static_cast<uint8_t>(~mask);
  }
}

std::string StatusList::Encode() const {
  z_stream z{};
  // windowBits 15 + 16: a gzip (RFC 1952) wrapper rather than zlib's.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();  // only out of memory gets here
  }
  std::vector<uint8_t> out(deflateBound(&z, bytes_.size()) + 32);  // + the gzip wrapper
  z.next_in = const_cast<Bytef*>(bytes_.data());
  z.avail_in = static_cast<uInt>(bytes_.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  size_t len = z.total_out;
  deflateEnd(&z);
  // deflateBound promises room for the whole stream in one call.
  if (rc != Z_STREAM_END) std::abort();
  out.resize(len);
  std::string encoded = Base64UrlEncode(out);
  encoded.insert(encoded.begin(), 'u');  // not "u" + ...: GCC 12 warns falsely (-Wrestrict)
  return encoded;
}

Result<StatusList> StatusList::Decode(std::string_view encoded) {
  if (encoded.empty() || encoded[0] != 'u') {
    return Status::InvalidInput("the encodedList is not base64url multibase (no leading 'u')");
  }
  auto compressed = Base64UrlDecode(encoded.substr(1));
  if (!compressed) return Status::InvalidInput("the encodedList is not base64url without padding");
  if (compressed->empty() || compressed->size() > std::numeric_limits<uInt>::max()) {
    return Status::InvalidInput("the encodedList is not GZIP data");
  }

  z_stream z{};
  // windowBits 15 + 16: GZIP only, as the spec says (not a bare zlib stream).
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Status::Internal("cannot start zlib");
  // One byte past the limit: a list that fills it is too large, one that
  // ends exactly at the limit is not.
  constexpr size_t kCapacity = kMaxBytes + 1;
  std::vector<uint8_t> bytes(kMinBits / 8 * 4);
  z.next_in = compressed->data();
  z.avail_in = static_cast<uInt>(compressed->size());
  int rc = Z_OK;
  while (true) {
    if (z.total_out == bytes.size()) {
      if (bytes.size() == kCapacity) break;
      bytes.resize(std::min(kCapacity, bytes.size() * 2));
    }
    z.next_out = bytes.data() + z.total_out;
    z.avail_out = static_cast<uInt>(bytes.size() - z.total_out);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK) break;
    // Z_OK with room left and no input left: the stream is cut short.
    if (z.avail_in == 0 && z.avail_out > 0) break;
  }
  size_t len = z.total_out;
  bool trailing = z.avail_in > 0;
  inflateEnd(&z);
  if (len > kMaxBytes) {
    return Status::InvalidInput(
        fmt::format("the status list is larger than {} bytes uncompressed", kMaxBytes));
  }
  if (rc != Z_STREAM_END) {
    return Status::InvalidInput("the encodedList is not complete, valid GZIP data");
  }
  if (trailing) return Status::InvalidInput("the encodedList has bytes after its GZIP data");
  if (len < kMinBits / 8) {
    return Status::InvalidInput(fmt::format(
        "the status list holds {} bits, fewer than the {} the spec requires", len * 8, kMinBits));
  }
  bytes.resize(len);
  StatusList list(0);
  list.bytes_ = std::move(bytes);
  return list;
}

}  // namespace lantern::passport
