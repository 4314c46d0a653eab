// Geographic levels and the geography columns of the Department's open-data
// standard (EES): every output row carries time_period, time_identifier,
// geographic_level and the code and name columns of its level and the levels
// above it (a school row also names its LA, region and country).
#ifndef LANTERN_PUBLISH_EES_GEOGRAPHY_H_
#define LANTERN_PUBLISH_EES_GEOGRAPHY_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv_writer.h"

namespace lantern {

enum class GeographicLevel : uint8_t {
  kNational,
  kRegional,
  kLocalAuthority,
  kMat,  // multi-academy trust: EES level "MAT" with trust_id / trust_name
  kSchool,
};
std::string_view GeographicLevelName(GeographicLevel level);  // "Local authority"

// One geographic unit, with the columns of the levels above it filled in.
struct GeographyRow {
  GeographicLevel level = GeographicLevel::kNational;
  std::string region_code, region_name;
  std::string old_la_code, new_la_code, la_name;
  std::string trust_id, trust_name;
  std::string school_urn, school_laestab, school_name;
};

// The geography column names in output order.
const std::vector<std::string_view>& EesGeographyColumns();

// Writes time_period, time_identifier and the geography columns of g.
void WriteEesGeography(CsvWriter& w, std::string_view time_period,
                       std::string_view time_identifier, const GeographyRow& g);

}  // namespace lantern

#endif  // LANTERN_PUBLISH_EES_GEOGRAPHY_H_
