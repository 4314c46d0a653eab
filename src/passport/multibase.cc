// base58btc has no C/C++ package in Debian bookworm, so it is written here
// (spec section 3); base64url is libsodium's.
#include "passport/multibase.h"

#include <sodium.h>

#include <array>

namespace lantern::passport {

namespace {

constexpr std::string_view kBase58Alphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// The digit of each character, or -1 for characters not in the alphabet
// (0, O, I and l are left out of it because they look alike).
constexpr std::array<int8_t, 256> MakeBase58Digits() {
  std::array<int8_t, 256> digits{};
  for (auto& d : digits) d = -1;
  for (size_t i = 0; i < kBase58Alphabet.size(); ++i) {
    digits[static_cast<uint8_t>(kBase58Alphabet[i])] = static_cast<int8_t>(i);
  }
  return digits;
}
constexpr std::array<int8_t, 256> kBase58Digits = MakeBase58Digits();

}  // namespace

std::string Base58Encode(std::span<const uint8_t> bytes) {
  // Leading zero bytes carry no value as a number, so each is written as
  // one '1' (the zero digit) to survive the round trip.
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  // The rest as a big number, base 58, least significant digit first:
  // each byte multiplies the number so far by 256 and adds itself.
  std::vector<uint8_t> digits;
  digits.reserve((bytes.size() - zeros) * 138 / 100 + 1);  // log(256) / log(58) < 1.38
  for (size_t i = zeros; i < bytes.size(); ++i) {
    uint32_t carry = bytes[i];
    for (auto& d : digits) {
      carry += static_cast<uint32_t>(d) << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kBase58Alphabet[*it]);
  return out;
}

std::optional<std::vector<uint8_t>> Base58Decode(std::string_view text) {
  size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  // The big number, base 256, least significant byte first.
  std::vector<uint8_t> value;
  value.reserve((text.size() - ones) * 733 / 1000 + 1);  // log(58) / log(256) < 0.733
  for (size_t i = ones; i < text.size(); ++i) {
    int digit = kBase58Digits[static_cast<uint8_t>(text[i])];
    if (digit < 0) return std::nullopt;
    uint32_t carry = static_cast<uint32_t>(digit);
    for (auto& b : value) {
      carry += static_cast<uint32_t>(b) * 58;
      b = static_cast<uint8_t>(carry & 0xFF);
      carry >>= 8;
    }
    while (carry > 0) {
      value.push_back(static_cast<uint8_t>(carry & 0xFF));
      carry >>= 8;
    }
  }
  std::vector<uint8_t> out(ones, 0);
  out.insert(out.end(), value.rbegin(), value.rend());
  return out;
}

std::string Base64UrlEncode(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return {};
  const size_t max_len =
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(max_len, '\0');  // room for libsodium's terminating NUL
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(max_len - 1);
  return out;
}

std::optional<std::vector<uint8_t>> Base64UrlDecode(std::string_view text) {
  if (text.empty()) return std::vector<uint8_t>{};
  // One byte more than needed, so the buffer is never empty (libsodium
  // wants a real pointer) and never short.
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  // libsodium stops at the first character outside the alphabet and
  // reports where; anything left over ('=' padding included) is refused.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), /*ignore=*/nullptr, &len,
                        &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  if (end != text.data() + text.size()) return std::nullopt;
  out.resize(len);
  return out;
}

}  // namespace lantern::passport
