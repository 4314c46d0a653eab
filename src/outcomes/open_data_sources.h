// The published LA files the open-data mode reads, each into OutcomeRows
// (docs/local-outcomes.md, "Sources"). Internal to src/outcomes.
#ifndef LANTERN_OUTCOMES_OPEN_DATA_SOURCES_H_
#define LANTERN_OUTCOMES_OPEN_DATA_SOURCES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/csv_table.h"
#include "outcomes/local_outcomes.h"
#include "reference/geography.h"

namespace lantern::outcomes {

// Places a source's areas: LAs by old code or name, regions by name, and
// the EES geography columns of a row.
class SourceContext {
 public:
  explicit SourceContext(const Geography& geography);
  // An LA by its old code; an LA the lookup lacks keeps `name_if_unknown`
  // (its GSS code then empty), or nullopt when that is empty too.
  std::optional<GeographyRow> La(int old_code, std::string_view name_if_unknown,
                                 std::string_view region_name) const;
  std::optional<GeographyRow> LaByName(std::string_view name) const;
  std::optional<GeographyRow> Region(std::string_view name) const;
  GeographyRow England() const;
  // National, Regional or Local authority rows of an EES-shaped file.
  std::optional<GeographyRow> FromEes(const CsvTable& t, size_t row) const;

 private:
  const Geography& geography_;
  std::map<std::string, std::string> region_by_name_;  // lower-case name -> code
  std::map<std::string, int> la_by_name_;
};

double Num(std::string_view text);       // a number, or NaN
Figure FromText(std::string_view text);  // a number, or the symbol published (c, z, x)
// "2019" -> "201819" (the year an academic year ends), "2018/19" -> "201819".
std::string AcademicPeriod(std::string_view label);
void CollectNeighbours(const std::string& dir, NeighbourMap* out, std::string* notes);

// Every source under `dir`; a source that is missing is noted, not fatal.
Status ReadOpenDataSources(const std::string& dir, const SourceContext& ctx,
                           std::vector<OutcomeRow>* rows, std::string* notes);

}  // namespace lantern::outcomes

#endif  // LANTERN_OUTCOMES_OPEN_DATA_SOURCES_H_
