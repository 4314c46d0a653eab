// Unique Pupil Numbers (UPN): validation, the check letter, and a compact
// 64-bit key for indexing millions of pupils.
//
// A UPN is 13 characters: a check letter, the 3-digit LA number of the
// allocating school, its 4-digit establishment number, 2 digits for the year
// of allocation and a 3-digit serial. A temporary UPN ends in a letter.
// The check letter is alphabet[sum(weight_i * index_i) mod 23] over positions
// 2-13 with weights 2..13, alphabet ABCDEFGHJKLMNPQRTUVWXYZ0123456789
// (definitions.md 10.1; python-stdnum gb/upn).
#ifndef LANTERN_MODEL_UPN_H_
#define LANTERN_MODEL_UPN_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lantern {

enum class UpnProblem : uint8_t {
  kNone = 0,
  kLength,       // not 13 characters
  kFormat,       // positions 2-12 not digits, or a bad first/last character
  kUnknownLa,    // positions 2-4 are not a known LA number
  kCheckLetter,  // the check letter does not match
};
std::string_view UpnProblemMessage(UpnProblem p);

// The check letter for the 12 characters after it.
char UpnCheckLetter(std::string_view body12);
UpnProblem ValidateUpn(std::string_view upn);
// Validates and packs in one pass (ingest's hot path): on kNone, *key is
// PackUpn(upn).
UpnProblem ParseUpn(std::string_view upn, uint64_t* key);
bool IsKnownLaNumber(int la);

// A UPN packed into 64 bits (never 0, so 0 can mean "empty" in tables).
// Only call on a UPN that passed ValidateUpn (or at least its format checks).
uint64_t PackUpn(std::string_view upn);
std::string UnpackUpn(uint64_t key);
void UnpackUpn(uint64_t key, char out[13]);

// Builds a valid permanent UPN from its parts (used by the generator).
std::string MakeUpn(int la, int estab, int year2, int serial);

}  // namespace lantern

#endif  // LANTERN_MODEL_UPN_H_
