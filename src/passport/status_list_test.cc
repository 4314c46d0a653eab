// The Bitstring Status List: bit order, the encodedList round trip
// (Appendix B item 4), the spec's own example, and refused lists.
#include "passport/status_list.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "passport/multibase.h"

namespace lantern::passport {
namespace {

// The spec's example encodedList (section 1.5): 16,384 zero bytes.
constexpr const char* kSpecExample =
    "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

// "u" + base64url of `bytes` gzip-compressed (or zlib-wrapped when gzip is
// false), for lists the class would not write.
std::string Compress(const std::vector<uint8_t>& bytes, bool gzip = true) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 15 + 16 : 15, 8,
                         Z_DEFAULT_STRATEGY),
            Z_OK);
  std::vector<uint8_t> out(deflateBound(&z, bytes.size()) + 32);
  z.next_in = const_cast<Bytef*>(bytes.data());
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return "u" + Base64UrlEncode(out);
}

TEST(StatusListTest, SizesRoundUpToTheMinimum) {
  EXPECT_EQ(StatusList().size(), StatusList::kMinBits);
  EXPECT_EQ(StatusList(10).size(), StatusList::kMinBits);
  EXPECT_EQ(StatusList(StatusList::kMinBits + 1).size(), StatusList::kMinBits + 8);
  EXPECT_EQ(StatusList(StatusList::kMinBits * 2).bytes().size(), StatusList::kMinBits / 4);
}

TEST(StatusListTest, BitZeroIsTheMostSignificantBitOfByteZero) {
  StatusList list;
  list.Set(0, true);
  list.Set(9, true);
  list.Set(23, true);
  EXPECT_EQ(list.bytes()[0], 0x80);
  EXPECT_EQ(list.bytes()[1], 0x40);
  EXPECT_EQ(list.bytes()[2], 0x01);
  EXPECT_TRUE(list.Get(0));
  EXPECT_FALSE(list.Get(1));
  list.Set(0, false);
  EXPECT_FALSE(list.Get(0));
  EXPECT_EQ(list.bytes()[0], 0x00);
  EXPECT_TRUE(list.Get(9));
}

// Appendix B item 4.
TEST(StatusListTest, EncodeDecodeRoundTrip) {
  StatusList list(131072);
  list.Set(94567, true);
  std::string encoded = list.Encode();
  ASSERT_FALSE(encoded.empty());
  EXPECT_EQ(encoded[0], 'u');
  EXPECT_EQ(encoded.find('='), std::string::npos);
  // The GZIP magic 1f 8b 08 in base64url.
  EXPECT_EQ(encoded.substr(0, 5), "uH4sI");
  auto decoded = StatusList::Decode(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), 131072u);
  EXPECT_TRUE(decoded->Get(94567));
  size_t set = 0;
  for (size_t i = 0; i < decoded->size(); ++i) set += decoded->Get(i);
  EXPECT_EQ(set, 1u);
  EXPECT_EQ(decoded->bytes(), list.bytes());
}

TEST(StatusListTest, SpecExampleIsSixteenThousandZeroBytes) {
  auto decoded = StatusList::Decode(kSpecExample);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->bytes(), std::vector<uint8_t>(16384, 0));
}

TEST(StatusListTest, LargerListsRoundTrip) {
  StatusList list(StatusList::kMinBits * 8);
  for (size_t i = 0; i < list.size(); i += 997) list.Set(i, true);
  auto decoded = StatusList::Decode(list.Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->bytes(), list.bytes());
}

TEST(StatusListTest, BadEncodingsRefused) {
  std::string good = StatusList().Encode();
  const std::string bad[] = {
      "",
      good.substr(1),                                         // no multibase prefix
      "z" + good.substr(1),                                   // base58btc's prefix
      good + "==",                                            // padding
      "u!!!!",                                                // not base64url
      "u",                                                    // nothing
      good.substr(0, good.size() - 6),                        // cut short
      Compress(std::vector<uint8_t>(16383)),                  // under 16 KB
      Compress(std::vector<uint8_t>(16384), /*gzip=*/false),  // zlib, not gzip
      "u" + Base64UrlEncode(std::vector<uint8_t>(64, 0x42)),  // not compressed at all
  };
  for (const auto& text : bad) {
    auto r = StatusList::Decode(text);
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    }
  }
  // Bytes after the gzip member.
  auto raw = Base64UrlDecode(good.substr(1));
  ASSERT_TRUE(raw.has_value());
  raw->push_back(0);
  EXPECT_FALSE(StatusList::Decode("u" + Base64UrlEncode(*raw)).ok());
  // A corrupted CRC.
  raw->pop_back();
  raw->at(raw->size() - 5) ^= 0xff;
  EXPECT_FALSE(StatusList::Decode("u" + Base64UrlEncode(*raw)).ok());
}

TEST(StatusListTest, HugeListsRefused) {
  // 32 MiB of zeros compresses to a few tens of KB: refused, not inflated.
  auto r = StatusList::Decode(Compress(std::vector<uint8_t>(size_t{32} << 20)));
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace lantern::passport
