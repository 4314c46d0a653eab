#include "model/geography.h"

namespace lantern {

GeographyRow PlaceGeography(const std::string& code, const std::string& name) {
  GeographyRow g;
  g.level = GeographicLevel::kPlace;
  g.place_code = code;
  g.place_name = name;
  g.old_la_code = std::string(kPlaceCodePrefix) + code;
  g.la_name = name;
  return g;
}

std::string_view GeographicLevelName(GeographicLevel level) {
  switch (level) {
    case GeographicLevel::kNational:
      return "National";
    case GeographicLevel::kRegional:
      return "Regional";
    case GeographicLevel::kLocalAuthority:
      return "Local authority";
    case GeographicLevel::kMat:
      return "MAT";
    case GeographicLevel::kPlace:
      return "Place";
    case GeographicLevel::kSchool:
      return "School";
  }
  return "National";
}

std::string_view LocationBasisLabel(LocationBasis b) {
  return b == LocationBasis::kSchool ? "School location" : "Pupil residence";
}

}  // namespace lantern
