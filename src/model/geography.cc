#include "model/geography.h"

namespace lantern {

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
