// RFC 8785 canonical JSON and strict parsing: the cyberphone reference
// test data, the number cases of the spec's section 3.1, and the inputs
// I-JSON refuses.
#include "passport/jcs.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace lantern::passport {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  int nibbles = 0, byte = 0;
  for (char c : hex) {
    if (c == ' ') continue;
    byte = byte * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
    if (++nibbles % 2 == 0) {
      out.push_back(static_cast<char>(byte));
      byte = 0;
    }
  }
  return out;
}

std::string Canon(const nlohmann::json& value) {
  auto r = Canonicalize(value);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

// cyberphone/json-canonicalization testdata/input/*.json and the matching
// testdata/outhex/*.txt (the expected bytes in hex), commit
// 19d51d7fe467d4706a3ff08adf8a748f29fc21e0, Apache License 2.0.
struct CyberphoneCase {
  const char* name;
  const char* input;
  const char* expected_hex;
};
const CyberphoneCase kCyberphone[] = {
    {"arrays",
     R"json([
  56,
  {
    "d": true,
    "10": null,
    "1": [ ]
  }
]
)json",
     "5b 35 36 2c 7b 22 31 22 3a 5b 5d 2c 22 31 30 22 3a 6e 75 6c 6c 2c 22 64 "
     "22 3a 74 72 75 65 7d 5d"},
    {"french",
     R"json({
  "peach": "This sorting order",
  "péché": "is wrong according to French",
  "pêche": "but canonicalization MUST",
  "sin":   "ignore locale"
}
)json",
     "7b 22 70 65 61 63 68 22 3a 22 54 68 69 73 20 73 6f 72 74 69 6e 67 20 6f "
     "72 64 65 72 22 2c 22 70 c3 a9 63 68 c3 a9 22 3a 22 69 73 20 77 72 6f 6e "
     "67 20 61 63 63 6f 72 64 69 6e 67 20 74 6f 20 46 72 65 6e 63 68 22 2c 22 "
     "70 c3 aa 63 68 65 22 3a 22 62 75 74 20 63 61 6e 6f 6e 69 63 61 6c 69 7a "
     "61 74 69 6f 6e 20 4d 55 53 54 22 2c 22 73 69 6e 22 3a 22 69 67 6e 6f 72 "
     "65 20 6c 6f 63 61 6c 65 22 7d"},
    {"structures",
     R"json({
  "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0},
  "10": { },
  "": "empty",
  "a": { },
  "111": [ {"e": "yes","E": "no" } ],
  "A": { }
})json",
     "7b 22 22 3a 22 65 6d 70 74 79 22 2c 22 31 22 3a 7b 22 5c 6e 22 3a 35 36 "
     "2c 22 66 22 3a 7b 22 46 22 3a 35 2c 22 66 22 3a 22 68 69 22 7d 7d 2c 22 "
     "31 30 22 3a 7b 7d 2c 22 31 31 31 22 3a 5b 7b 22 45 22 3a 22 6e 6f 22 2c "
     "22 65 22 3a 22 79 65 73 22 7d 5d 2c 22 41 22 3a 7b 7d 2c 22 61 22 3a 7b "
     "7d 7d"},
    {"unicode",
     R"json({
  "Unnormalized Unicode":"A\u030a"
}
)json",
     "7b 22 55 6e 6e 6f 72 6d 61 6c 69 7a 65 64 20 55 6e 69 63 6f 64 65 22 3a "
     "22 41 cc 8a 22 7d"},
    {"values",
     R"json({
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})json",
     "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 "
     "61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 33 33 33 33 33 33 33 "
     "33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 "
     "30 32 2c 31 65 2d 32 37 5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 "
     "5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d"},
    {"weird",
     R"json({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\u000a": "Newline",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
}
)json",
     "7b 22 5c 6e 22 3a 22 4e 65 77 6c 69 6e 65 22 2c 22 5c 72 22 3a 22 43 61 "
     "72 72 69 61 67 65 20 52 65 74 75 72 6e 22 2c 22 31 22 3a 22 4f 6e 65 22 "
     "2c 22 3c 2f 73 63 72 69 70 74 3e 22 3a 22 42 72 6f 77 73 65 72 20 43 68 "
     "61 6c 6c 65 6e 67 65 22 2c 22 c2 80 22 3a 22 43 6f 6e 74 72 6f 6c 7f 22 "
     "2c 22 c3 b6 22 3a 22 4c 61 74 69 6e 20 53 6d 61 6c 6c 20 4c 65 74 74 65 "
     "72 20 4f 20 57 69 74 68 20 44 69 61 65 72 65 73 69 73 22 2c 22 e2 82 ac "
     "22 3a 22 45 75 72 6f 20 53 69 67 6e 22 2c 22 f0 9f 98 82 22 3a 22 53 6d "
     "69 6c 65 79 22 2c 22 ef ac b3 22 3a 22 48 65 62 72 65 77 20 4c 65 74 74 "
     "65 72 20 44 61 6c 65 74 20 57 69 74 68 20 44 61 67 65 73 68 22 7d"},
};

TEST(JcsTest, CyberphoneTestData) {
  for (const auto& c : kCyberphone) {
    SCOPED_TRACE(c.name);
    auto parsed = ParseJson(c.input);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(Canon(*parsed), FromHex(c.expected_hex));
  }
}

// The spec's table (section 3.1 item 2): where dump() and JCS differ.
TEST(JcsTest, NumbersAsEcmaScriptWritesThem) {
  EXPECT_EQ(Canon(1.0), "1");
  EXPECT_EQ(Canon(-0.0), "0");
  EXPECT_EQ(Canon(1e20), "100000000000000000000");
  EXPECT_EQ(Canon(1e15), "1000000000000000");
  EXPECT_EQ(Canon(1e-7), "1e-7");
  EXPECT_EQ(Canon(1e23), "1e+23");
  EXPECT_EQ(Canon(1e21), "1e+21");
  EXPECT_EQ(Canon(0.000001), "0.000001");
  EXPECT_EQ(Canon(-1.5), "-1.5");
  EXPECT_EQ(Canon(56), "56");
  EXPECT_EQ(Canon(-56), "-56");
  EXPECT_EQ(Canon(uint64_t{42}), "42");
  // Read from text, as a verifier sees them.
  auto parsed = ParseJson("[1.0, -0.0, 1e20, 1E15, 0.0000001, 1e23, 4.50, 2e-3]");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Canon(*parsed), "[1,0,100000000000000000000,1000000000000000,1e-7,1e+23,4.5,0.002]");
}

// The sample lines of cyberphone testdata/README.md: IEEE-754 bits in hex,
// then the expected text.
TEST(JcsTest, CyberphoneNumberLines) {
  const std::pair<uint64_t, const char*> kLines[] = {
      {0x4340000000000001, "9007199254740994"},
      {0x4340000000000002, "9007199254740996"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x8000000000000000, "0"},
      {0x0, "0"},
  };
  for (const auto& [bits, expected] : kLines) {
    EXPECT_EQ(Canon(std::bit_cast<double>(bits)), expected) << std::hex << bits;
  }
}

// cyberphone weird.json's trap: by UTF-16 code units U+1F602 (a surrogate
// pair starting 0xD83D) sorts before U+FB33; by UTF-8 bytes it is after.
TEST(JcsTest, MembersSortedByUtf16CodeUnits) {
  auto parsed = ParseJson("{\"\\ufb33\": 1, \"\\ud83d\\ude02\": 2, \"\\u00f6\": 3, \"a\": 4}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Canon(*parsed), "{\"a\":4,\"\xc3\xb6\":3,\"\xf0\x9f\x98\x82\":2,\"\xef\xac\xb3\":1}");
  // nlohmann's own order is the other one, which is why it is not used.
  EXPECT_NE(parsed->dump(), Canon(*parsed));
}

TEST(JcsTest, StringsEscapedAsJcs) {
  nlohmann::json s = std::string("a\"b\\c/d\x7f\b\f\n\r\t\x01\x1f\xe2\x82\xac");
  EXPECT_EQ(Canon(s), "\"a\\\"b\\\\c/d\x7f\\b\\f\\n\\r\\t\\u0001\\u001f\xe2\x82\xac\"");
  EXPECT_EQ(Canon(nlohmann::json(std::string("\0", 1))), "\"\\u0000\"");
}

TEST(JcsTest, DuplicateNamesRefused) {
  auto r = ParseJson(R"({"a": 1, "b": 2, "a": 3})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("\"a\""), std::string::npos) << r.status().message();

  auto nested = ParseJson(R"({"x": [{"id": 1, "id": 1}]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("\"id\""), std::string::npos);

  // The same name in different objects, or as a value, is fine.
  EXPECT_TRUE(ParseJson(R"({"a": {"a": 1}, "b": [{"a": 2}, {"a": "a"}]})").ok());
}

TEST(JcsTest, IntegersBeyondTwoToThe53Refused) {
  EXPECT_EQ(Canon(int64_t{9007199254740992}), "9007199254740992");
  EXPECT_EQ(Canon(int64_t{-9007199254740992}), "-9007199254740992");
  for (const char* text :
       {"9007199254740993", "-9007199254740993", "18446744073709551615", "-9223372036854775808"}) {
    auto parsed = ParseJson(text);
    ASSERT_TRUE(parsed.ok()) << text;
    auto r = Canonicalize(*parsed);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  }
  EXPECT_FALSE(Canonicalize(nlohmann::json{{"n", uint64_t{9007199254740993}}}).ok());
}

TEST(JcsTest, NanAndInfinityRefused) {
  EXPECT_FALSE(Canonicalize(std::numeric_limits<double>::quiet_NaN()).ok());
  EXPECT_FALSE(Canonicalize(std::numeric_limits<double>::infinity()).ok());
  EXPECT_FALSE(
      Canonicalize(nlohmann::json::array({-std::numeric_limits<double>::infinity()})).ok());
  EXPECT_FALSE(ParseJson("NaN").ok());
  EXPECT_FALSE(ParseJson("1e400").ok());
}

TEST(JcsTest, InvalidUtf8Refused) {
  EXPECT_FALSE(ParseJson("\"\xff\"").ok());
  EXPECT_FALSE(ParseJson("\"\xc0\xaf\"").ok());                  // an overlong '/'
  EXPECT_FALSE(ParseJson("\"\xed\xa0\x80\"").ok());              // a UTF-8 surrogate
  EXPECT_FALSE(ParseJson(R"("\ud83d")").ok());                   // a lone surrogate escape
  EXPECT_FALSE(Canonicalize(nlohmann::json("\xe2\x82")).ok());   // cut short
  EXPECT_FALSE(Canonicalize(nlohmann::json{{"\xff", 1}}).ok());  // in a name
}

TEST(JcsTest, BadJsonIsAnErrorNotAnException) {
  for (const char* text : {"", "{", "{\"a\":}", "[1,]", "{'a': 1}", "[1] 2", "// c\n1"}) {
    auto r = ParseJson(text);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  }
  EXPECT_FALSE(ParseJson(std::string(1000, '[') + std::string(1000, ']')).ok());
  EXPECT_FALSE(Canonicalize(nlohmann::json::binary({1, 2})).ok());
}

TEST(JcsTest, WhitespaceAndLiterals) {
  auto parsed = ParseJson(" { \"b\" : [ true , false , null ] , \"a\" : \"\" , \"c\" : { } } ");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Canon(*parsed), R"({"a":"","b":[true,false,null],"c":{}})");
}

}  // namespace
}  // namespace lantern::passport
