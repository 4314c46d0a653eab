// The metadata file that describes every column of an open-data CSV, in the
// Department's format (col_name, col_type, label, indicator_grouping,
// indicator_unit, indicator_dp, filter_hint, filter_grouping_column).
// Geography and time columns are not listed, as in EES.
#ifndef LANTERN_PUBLISH_EES_METADATA_H_
#define LANTERN_PUBLISH_EES_METADATA_H_

#include <string>
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
};

Status WriteEesMetadata(const std::string& path, const std::vector<EesColumnMeta>& columns);

}  // namespace lantern

#endif  // LANTERN_PUBLISH_EES_METADATA_H_
