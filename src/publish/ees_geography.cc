#include "publish/ees_geography.h"

namespace lantern {

const std::vector<std::string_view>& EesGeographyColumns() {
  static const std::vector<std::string_view> cols = {
      "time_period", "time_identifier", "geographic_level", "country_code",   "country_name",
      "region_code", "region_name",     "old_la_code",      "new_la_code",    "la_name",
      "trust_id",    "trust_name",      "school_urn",       "school_laestab", "school_name"};
  return cols;
}

std::string EesGeographyText(std::string_view time_period, std::string_view time_identifier,
                             const GeographyRow& g) {
  std::string s(time_period);
  for (std::string_view f :
       {time_identifier, GeographicLevelName(g.level), std::string_view("E92000001"),
        std::string_view("England"), std::string_view(g.region_code),
        std::string_view(g.region_name), std::string_view(g.old_la_code),
        std::string_view(g.new_la_code), std::string_view(g.la_name), std::string_view(g.trust_id),
        std::string_view(g.trust_name), std::string_view(g.school_urn),
        std::string_view(g.school_laestab), std::string_view(g.school_name)}) {
    s += ',';
    s += CsvQuote(f);
  }
  return s;
}

void WriteEesGeography(CsvWriter& w, std::string_view time_period, std::string_view time_identifier,
                       const GeographyRow& g) {
  w.Raw(EesGeographyText(time_period, time_identifier, g));
}

}  // namespace lantern
