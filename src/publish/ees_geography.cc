#include "publish/ees_geography.h"

namespace lantern {

std::string_view GeographicLevelName(GeographicLevel level) {
  switch (level) {
    case GeographicLevel::kNational: return "National";
    case GeographicLevel::kRegional: return "Regional";
    case GeographicLevel::kLocalAuthority: return "Local authority";
    case GeographicLevel::kMat: return "MAT";
    case GeographicLevel::kSchool: return "School";
  }
  return "National";
}

const std::vector<std::string_view>& EesGeographyColumns() {
  static const std::vector<std::string_view> cols = {
      "time_period",   "time_identifier", "geographic_level", "country_code", "country_name",
      "region_code",   "region_name",     "old_la_code",      "new_la_code",  "la_name",
      "trust_id",      "trust_name",      "school_urn",       "school_laestab", "school_name"};
  return cols;
}

void WriteEesGeography(CsvWriter& w, std::string_view time_period,
                       std::string_view time_identifier, const GeographyRow& g) {
  w.Raw(time_period).Field(time_identifier).Field(GeographicLevelName(g.level));
  w.Raw("E92000001").Raw("England");
  w.Field(g.region_code).Field(g.region_name);
  w.Field(g.old_la_code).Field(g.new_la_code).Field(g.la_name);
  w.Field(g.trust_id).Field(g.trust_name);
  w.Field(g.school_urn).Field(g.school_laestab).Field(g.school_name);
}

}  // namespace lantern
