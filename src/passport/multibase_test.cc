// base58btc and base64url: leading zeros, the Appendix A key and signature
// values, round trips and refused text.
#include "passport/multibase.h"

#include <gtest/gtest.h>

#include <random>

namespace lantern::passport {
namespace {

std::vector<uint8_t> Bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(MultibaseTest, Base58LeadingZeros) {
  EXPECT_EQ(Base58Encode(Bytes({0, 0, 1})), "112");
  EXPECT_EQ(Base58Decode("112"), Bytes({0, 0, 1}));
  EXPECT_EQ(Base58Encode(Bytes({0})), "1");
  EXPECT_EQ(Base58Decode("1"), Bytes({0}));
  EXPECT_EQ(Base58Encode(Bytes({0, 0, 0})), "111");
  EXPECT_EQ(Base58Decode("111"), Bytes({0, 0, 0}));
  EXPECT_EQ(Base58Encode(Bytes({57})), "z");
  EXPECT_EQ(Base58Encode(Bytes({58})), "21");
  EXPECT_EQ(Base58Decode("21"), Bytes({58}));
  EXPECT_EQ(Base58Encode(Bytes({0xff, 0xff})), "LUv");
}

TEST(MultibaseTest, Base58Empty) {
  EXPECT_EQ(Base58Encode({}), "");
  auto decoded = Base58Decode("");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->empty());
}

// Appendix A: the public Multikey, the secret Multikey and the signature.
TEST(MultibaseTest, Base58AppendixAValues) {
  const std::pair<const char*, const char*> kValues[] = {
      {"ed01b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f",
       "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"},
      {"8026c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6",
       "3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"},
      {"407cd12654b33d718ecbb99179a1506daaa849450bf3fc523cce3e1c96f8b80351da3f253d725c6f00b07c9e544"
       "8"
       "d50b3ef78012b9ab54255116d069c6dd2808",
       "2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"},
  };
  for (const auto& [hex, text] : kValues) {
    EXPECT_EQ(Base58Encode(FromHex(hex)), text);
    EXPECT_EQ(Base58Decode(text), FromHex(hex));
  }
}

TEST(MultibaseTest, Base58RoundTrips) {
  std::mt19937 rng(7);
  for (size_t len = 0; len < 80; ++len) {
    std::vector<uint8_t> bytes(len);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    if (len % 5 == 0 && len > 0) bytes[0] = 0;  // some with a leading zero
    auto decoded = Base58Decode(Base58Encode(bytes));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, bytes) << len;
  }
}

TEST(MultibaseTest, Base58RefusesCharactersOutsideTheAlphabet) {
  for (const char* text : {"0", "O", "I", "l", "z0", "abc+", "ab c", "\xc3\xa9"}) {
    EXPECT_FALSE(Base58Decode(text).has_value()) << text;
  }
}

TEST(MultibaseTest, Base64Url) {
  EXPECT_EQ(Base64UrlEncode({}), "");
  EXPECT_EQ(Base64UrlEncode(Bytes({0xfb, 0xff})), "-_8");  // '+' and '/' in plain base64
  EXPECT_EQ(Base64UrlEncode(Bytes({'f', 'o', 'o', 'b'})), "Zm9vYg");
  EXPECT_EQ(Base64UrlDecode("Zm9vYg"), Bytes({'f', 'o', 'o', 'b'}));
  EXPECT_EQ(Base64UrlDecode("-_8"), Bytes({0xfb, 0xff}));
  auto empty = Base64UrlDecode("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  std::mt19937 rng(11);
  for (size_t len = 0; len < 40; ++len) {
    std::vector<uint8_t> bytes(len);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    std::string text = Base64UrlEncode(bytes);
    EXPECT_EQ(text.find('='), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(text), bytes) << len;
  }
}

TEST(MultibaseTest, Base64UrlRefusesPaddingAndOtherAlphabets) {
  for (const char* text : {"Zm9vYg==", "Zm9vYg=", "+/8", "Zm9v Yg", "Zm9vY", "Zm9vYg!"}) {
    EXPECT_FALSE(Base64UrlDecode(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace lantern::passport
