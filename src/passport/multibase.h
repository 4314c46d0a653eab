// The encodings the passport's keys, signatures and status lists use:
// base58btc (multibase prefix "z") and base64url without padding (prefix
// "u"). ../shared/spec/skills-passport.md, sections 2.1, 1.5 and 3.
#ifndef LANTERN_PASSPORT_MULTIBASE_H_
#define LANTERN_PASSPORT_MULTIBASE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lantern::passport {

// Bitcoin's alphabet; each leading 0x00 byte is one leading '1'.
std::string Base58Encode(std::span<const uint8_t> bytes);
// nullopt when a character is not in the alphabet.
std::optional<std::vector<uint8_t>> Base58Decode(std::string_view text);

// RFC 4648 section 5, no '=' padding.
std::string Base64UrlEncode(std::span<const uint8_t> bytes);
// nullopt when the text is not base64url (padding is refused).
std::optional<std::vector<uint8_t>> Base64UrlDecode(std::string_view text);

}  // namespace lantern::passport

#endif  // LANTERN_PASSPORT_MULTIBASE_H_
