// The geography every figure is given for: England, regions, local
// authorities (where the school is, and where the pupil lives), academy
// trusts, user-defined places (a named list of local authorities, such as a
// partnership board's area) and schools, with the codes and names the
// Department's open data uses (EES: old_la_code, new_la_code, trust_id...).
// The cube aggregates into these units; the publisher writes their columns.
#ifndef LANTERN_MODEL_GEOGRAPHY_H_
#define LANTERN_MODEL_GEOGRAPHY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lantern {

enum class GeographicLevel : uint8_t {
  kNational,
  kRegional,
  kLocalAuthority,
  kMat,    // multi-academy trust: EES level "MAT" with trust_id / trust_name
  kPlace,  // a user-defined place: a named list of local authorities
  kSchool,
};
std::string_view GeographicLevelName(GeographicLevel level);  // "Local authority"

// Local authorities and regions are counted twice: by where the school is,
// and by where the pupil lives (EES filter location_basis).
enum class LocationBasis : uint8_t { kSchool, kResidence };
std::string_view LocationBasisLabel(LocationBasis b);  // "School location"

// One geographic unit, with the codes and names of the levels above it
// filled in (a school row also names its LA, region and trust).
struct GeographyRow {
  GeographicLevel level = GeographicLevel::kNational;
  std::string region_code, region_name;
  std::string old_la_code, new_la_code, la_name;
  std::string trust_id, trust_name;
  std::string place_code, place_name;
  std::string school_urn, school_laestab, school_name;
};

// A user-defined place's row. The open-data layout has no place columns:
// the place is named in the LA columns, its code prefixed (kPlaceCodePrefix)
// so that it cannot be taken for an LA, in every file that has place rows.
inline constexpr std::string_view kPlaceCodePrefix = "place:";
GeographyRow PlaceGeography(const std::string& code, const std::string& name);

// A user-defined place: a code, a name and the local authorities it covers
// (3-digit LA codes). An LA may be in several places.
struct Place {
  std::string code, name;
  std::vector<int16_t> la_codes;
};

}  // namespace lantern

#endif  // LANTERN_MODEL_GEOGRAPHY_H_
