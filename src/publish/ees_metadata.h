// The metadata file that describes every column of an open-data CSV, in the
// Department's format (col_name, col_type, label, indicator_grouping,
// indicator_unit, indicator_dp, filter_hint, filter_grouping_column, and
// the optional filter_default). Geography and time columns are not listed,
// as in EES. CheckEesMetadata applies the limits of the Department's
// screener and API (eesyscreener): names of at most 50 characters, labels
// of at most 100, an indicator unit it accepts, indicator_dp set for every
// indicator, a default item for every filter.
#ifndef LANTERN_PUBLISH_EES_METADATA_H_
#define LANTERN_PUBLISH_EES_METADATA_H_

#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"

namespace lantern {

struct EesColumnMeta {
  std::string col_name;
  bool is_filter = false;
  std::string label;
  std::string indicator_grouping;
  std::string indicator_unit;  // "%", "" for counts
  int indicator_dp = -1;       // -1 = blank (filters)
  std::string filter_hint;
  std::string filter_grouping_column;
  std::string filter_default;  // filters: the item shown by default ("Total")
  // An indicator column of a tidy file whose rows are different indicators
  // (the scorecard): its decimal places differ by row, so indicator_dp is
  // left blank (the screener warns rather than fails) and the row's
  // indicator says how many.
  bool dp_varies = false;
};

// A filter column: its name, label, hint and the item shown by default.
EesColumnMeta EesFilter(std::string name, std::string label, std::string hint,
                        std::string default_item);
// An indicator column: its name, label, grouping, decimal places and unit
// ("%", or "" for counts).
EesColumnMeta EesIndicator(std::string name, std::string label, std::string grouping, int dp,
                           std::string unit = "");

// The longest filter item (and location name) the platform's API takes.
constexpr size_t kEesMaxFilterItem = 120;

Status CheckEesMetadata(const std::vector<EesColumnMeta>& columns);
// The metadata of a file that is not in the open-data layout (a lookup, a
// list): one row per column, col_name and description.
Status WriteColumnNotes(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& columns);
// The name of a data file's metadata file: NAME.csv's is NAME.meta.csv.
std::string MetadataFileName(std::string_view data_file);
// Checks, then writes.
Status WriteEesMetadata(const std::string& path, const std::vector<EesColumnMeta>& columns);

}  // namespace lantern

#endif  // LANTERN_PUBLISH_EES_METADATA_H_
