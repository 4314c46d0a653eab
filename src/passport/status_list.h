// A Bitstring Status List (W3C, v1.0): one bit per issued credential, set
// when it is revoked, published gzip-compressed in base64url
// (../shared/spec/skills-passport.md, section 1.5). Bit 0 is the most
// significant bit of byte 0.
#ifndef LANTERN_PASSPORT_STATUS_LIST_H_
#define LANTERN_PASSPORT_STATUS_LIST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"

namespace lantern::passport {

class StatusList {
 public:
  static constexpr size_t kMinBits = 131072;  // 16 KB: the spec's minimum
  // `bits` rounded up to whole bytes and to at least kMinBits, all clear.
  explicit StatusList(size_t bits = kMinBits);
  size_t size() const { return bytes_.size() * 8; }
  bool Get(size_t index) const;
  void Set(size_t index, bool value);  // index < size()
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  // The encodedList: "u" + base64url (no padding) of the GZIP (RFC 1952) of
  // the bytes.
  std::string Encode() const;
  // An encodedList read back: InvalidInput when the prefix, base64url or
  // gzip is bad, or the list is shorter than kMinBits.
  static Result<StatusList> Decode(std::string_view encoded);

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace lantern::passport

#endif  // LANTERN_PASSPORT_STATUS_LIST_H_
