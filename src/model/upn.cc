#include "model/upn.h"

#include <fmt/format.h>

#include <array>

namespace lantern {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789";

// Index in kAlphabet, or -1.
constexpr std::array<int8_t, 256> MakeIndex() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  return t;
}
constexpr std::array<int8_t, 256> kIndex = MakeIndex();

// LA numbers that can appear in a UPN: the January 2011 list used by
// python-stdnum plus the codes created since (838/839 Dorset and BCP 2019,
// 940/941 Northamptonshire 2021, 942/943 Cumbria 2023) and 702 (BFPO).
constexpr int kLaNumbers[] = {
    201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 301, 302, 303, 304, 305,
    306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 330, 331, 332,
    333, 334, 335, 336, 340, 341, 342, 343, 344, 350, 351, 352, 353, 354, 355, 356, 357, 358,
    359, 370, 371, 372, 373, 380, 381, 382, 383, 384, 390, 391, 392, 393, 394, 420, 702, 800,
    801, 802, 803, 805, 806, 807, 808, 810, 811, 812, 813, 815, 816, 821, 822, 823, 825, 826,
    830, 831, 835, 836, 837, 838, 839, 840, 841, 845, 846, 850, 851, 852, 855, 856, 857, 860,
    861, 865, 866, 867, 868, 869, 870, 871, 872, 873, 874, 876, 877, 878, 879, 880, 881, 882,
    883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895, 896, 908, 909, 916, 919,
    921, 925, 926, 928, 929, 931, 933, 935, 936, 937, 938, 940, 941, 942, 943};

constexpr std::array<bool, 1000> MakeLaSet() {
  std::array<bool, 1000> s{};
  for (int la : kLaNumbers) s[la] = true;
  return s;
}
constexpr std::array<bool, 1000> kLaSet = MakeLaSet();

}  // namespace

std::string_view UpnProblemMessage(UpnProblem p) {
  switch (p) {
    case UpnProblem::kNone:
      return "";
    case UpnProblem::kLength:
      return "UPN must be 13 characters";
    case UpnProblem::kFormat:
      return "UPN must be a check letter, 11 digits and a final digit or letter";
    case UpnProblem::kUnknownLa:
      return "UPN characters 2-4 are not a known LA number";
    case UpnProblem::kCheckLetter:
      return "UPN check letter does not match";
  }
  return "invalid UPN";
}

bool IsKnownLaNumber(int la) { return la >= 0 && la < 1000 && kLaSet[la]; }

char UpnCheckLetter(std::string_view body) {
  int sum = 0;
  for (size_t i = 0; i < 12 && i < body.size(); ++i) {
    sum += static_cast<int>(i + 2) * kIndex[static_cast<unsigned char>(body[i])];
  }
  return kAlphabet[sum % 23];
}

UpnProblem ParseUpn(std::string_view upn, uint64_t* key) {
  if (upn.size() != 13) return UpnProblem::kLength;
  const int first = kIndex[static_cast<unsigned char>(upn[0])];
  if (first < 0 || first >= 23) return UpnProblem::kFormat;
  // Characters 2-12 are digits: their value, and their part of the check
  // sum (weight = position + 1, each digit counted as its index in kAlphabet).
  uint64_t digits = 0;
  int sum = 0;
  for (size_t i = 1; i < 12; ++i) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(upn[i])) - '0';
    if (d > 9) return UpnProblem::kFormat;
    digits = digits * 10 + d;
    sum += static_cast<int>(i + 1) * static_cast<int>(d + 23);
  }
  const int last = kIndex[static_cast<unsigned char>(upn[12])];
  if (last < 0) return UpnProblem::kFormat;
  const int la = (upn[1] - '0') * 100 + (upn[2] - '0') * 10 + (upn[3] - '0');
  if (!IsKnownLaNumber(la)) return UpnProblem::kUnknownLa;
  sum += 13 * last;
  if (kAlphabet[static_cast<size_t>(sum % 23)] != upn[0]) return UpnProblem::kCheckLetter;
  *key = ((digits * 33 + static_cast<uint64_t>(last)) * 23 + static_cast<uint64_t>(first)) + 1;
  return UpnProblem::kNone;
}

UpnProblem ValidateUpn(std::string_view upn) {
  uint64_t key;
  return ParseUpn(upn, &key);
}

uint64_t PackUpn(std::string_view upn) {
  uint64_t digits = 0;
  for (size_t i = 1; i < 12; ++i) digits = digits * 10 + static_cast<uint64_t>(upn[i] - '0');
  uint64_t last = static_cast<uint64_t>(kIndex[static_cast<unsigned char>(upn[12])]);
  uint64_t check = static_cast<uint64_t>(kIndex[static_cast<unsigned char>(upn[0])]);
  return ((digits * 33 + last) * 23 + check) + 1;
}

void UnpackUpn(uint64_t key, char out[13]) {
  key -= 1;
  out[0] = kAlphabet[key % 23];
  key /= 23;
  out[12] = kAlphabet[key % 33];
  key /= 33;
  for (int i = 11; i >= 1; --i) {
    out[i] = static_cast<char>('0' + key % 10);
    key /= 10;
  }
}

std::string UnpackUpn(uint64_t key) {
  std::string s(13, ' ');
  UnpackUpn(key, s.data());
  return s;
}

std::string MakeUpn(int la, int estab, int year2, int serial) {
  std::string body = fmt::format("{:03d}{:04d}{:02d}{:03d}", la, estab, year2, serial);
  return std::string(1, UpnCheckLetter(body)) + body;
}

}  // namespace lantern
