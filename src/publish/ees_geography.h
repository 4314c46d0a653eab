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
#include "model/geography.h"

namespace lantern {

// The geography column names in output order.
const std::vector<std::string_view>& EesGeographyColumns();

// The text of time_period, time_identifier and the geography columns of g,
// CSV-quoted where needed, without a trailing comma.
std::string EesGeographyText(std::string_view time_period, std::string_view time_identifier,
                             const GeographyRow& g);
// Writes the same columns as the first fields of a row.
void WriteEesGeography(CsvWriter& w, std::string_view time_period, std::string_view time_identifier,
                       const GeographyRow& g);

}  // namespace lantern

#endif  // LANTERN_PUBLISH_EES_GEOGRAPHY_H_
