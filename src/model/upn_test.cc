#include "model/upn.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace lantern {
namespace {

TEST(UpnTest, WorkedExampleFromTheSpecIsValid) {
  EXPECT_EQ(UpnCheckLetter("801200005001"), 'B');
  EXPECT_EQ(ValidateUpn("B801200005001"), UpnProblem::kNone);
  EXPECT_EQ(ValidateUpn("A801200005001"), UpnProblem::kCheckLetter);
}

TEST(UpnTest, RejectsBadShapes) {
  EXPECT_EQ(ValidateUpn("B80120000500"), UpnProblem::kLength);
  EXPECT_EQ(ValidateUpn("X80120000A001"), UpnProblem::kFormat);
  EXPECT_EQ(ValidateUpn("I801200005001"), UpnProblem::kFormat);  // I is not in the alphabet
  EXPECT_EQ(ValidateUpn("E000200005001"), UpnProblem::kUnknownLa);
}

TEST(UpnTest, TemporaryUpnEndsInALetter) {
  std::string body = "80120000500A";
  std::string upn = std::string(1, UpnCheckLetter(body)) + body;
  EXPECT_EQ(ValidateUpn(upn), UpnProblem::kNone);
}

TEST(UpnTest, PackRoundTripsAndIsNeverZero) {
  for (const std::string& upn : std::vector<std::string>{
           "B801200005001", MakeUpn(201, 3614, 14, 999), MakeUpn(943, 7001, 5, 0)}) {
    ASSERT_EQ(ValidateUpn(upn), UpnProblem::kNone) << upn;
    uint64_t k = PackUpn(upn);
    EXPECT_NE(k, 0u);
    EXPECT_EQ(UnpackUpn(k), upn);
  }
  EXPECT_NE(PackUpn(MakeUpn(201, 3614, 14, 1)), PackUpn(MakeUpn(201, 3614, 14, 2)));
}

// The one-pass parser against the rule written out plainly (format, LA
// number, UpnCheckLetter over the 12 characters after the letter), on valid
// UPNs and on every single-character change of them.
TEST(UpnTest, ParseUpnAgreesWithTheRuleAndPacks) {
  const std::string alphabet = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789";
  auto reference = [&](const std::string& u) {
    if (u.size() != 13) return UpnProblem::kLength;
    const auto at = alphabet.find(u[0]);
    if (at == std::string::npos || at >= 23) return UpnProblem::kFormat;
    for (size_t i = 1; i < 12; ++i) {
      if (u[i] < '0' || u[i] > '9') return UpnProblem::kFormat;
    }
    if (alphabet.find(u[12]) == std::string::npos) return UpnProblem::kFormat;
    if (!IsKnownLaNumber(std::stoi(u.substr(1, 3)))) return UpnProblem::kUnknownLa;
    return UpnCheckLetter(u.substr(1)) == u[0] ? UpnProblem::kNone : UpnProblem::kCheckLetter;
  };
  std::vector<std::string> upns = {"B801200005001", MakeUpn(201, 3614, 14, 999),
                                   MakeUpn(943, 7001, 5, 0)};
  std::string temporary = "80120000500A";
  upns.push_back(std::string(1, UpnCheckLetter(temporary)) + temporary);
  int valid = 0, invalid = 0;
  for (const std::string& base : upns) {
    std::vector<std::string> cases = {base, base.substr(1), base + "1"};
    for (size_t i = 0; i < base.size(); ++i) {
      for (char c : std::string("09AIZ/ :?@\x7f\x80\xfa\xff") + alphabet) {
        std::string u = base;
        u[i] = c;
        cases.push_back(u);
      }
    }
    for (const std::string& u : cases) {
      uint64_t key = 0;
      const UpnProblem got = ParseUpn(u, &key);
      EXPECT_EQ(got, reference(u)) << u;
      if (got == UpnProblem::kNone) {
        EXPECT_EQ(key, PackUpn(u)) << u;
        ++valid;
      } else {
        ++invalid;
      }
    }
  }
  // Random UPNs, each also with one byte set to any value at any place.
  std::mt19937 rng(12);
  const int las[] = {201, 330, 805, 873, 943};
  for (int n = 0; n < 5000; ++n) {
    const std::string u = MakeUpn(las[rng() % 5], static_cast<int>(rng() % 10000),
                                  static_cast<int>(rng() % 100), static_cast<int>(rng() % 1000));
    uint64_t key = 0;
    ASSERT_EQ(ParseUpn(u, &key), UpnProblem::kNone) << u;
    EXPECT_EQ(key, PackUpn(u)) << u;
    std::string bad = u;
    bad[rng() % 13] = static_cast<char>(rng() % 256);
    EXPECT_EQ(ParseUpn(bad, &key), reference(bad)) << bad;
  }
  EXPECT_GT(valid, 4);
  EXPECT_GT(invalid, 100);
}

}  // namespace
}  // namespace lantern
