// The publisher's second entry: a file in the open-data layout whose rows
// are computed outside the cube (the KS4 measures: per-pupil slot
// calculations feeding school means; docs/architecture.md). Each row is the
// EES time and geography columns, then its filter texts and its cells,
// every number written through PublishedCell; the metadata is checked as
// for every other file (CheckEesMetadata).
#ifndef LANTERN_PUBLISH_OPEN_DATA_TABLE_H_
#define LANTERN_PUBLISH_OPEN_DATA_TABLE_H_

#include <string>
#include <vector>

#include "lantern/status.h"
#include "model/geography.h"
#include "publish/ees_metadata.h"
#include "publish/published_cell.h"

namespace lantern {

struct OpenDataTableRow {
  GeographyRow geography;
  std::vector<std::string> filters;  // one per filter column, in order
  std::vector<PublishedCell> cells;  // one per indicator column, in order
};

struct OpenDataTable {
  std::string time_period, time_identifier = "Academic year";
  // Filters first, then indicators (EesColumnMeta::is_filter).
  std::vector<EesColumnMeta> columns;
  std::vector<OpenDataTableRow> rows;
};

// Writes DIR/FILE and DIR/<stem>.meta.csv.
Status WriteOpenDataTable(const OpenDataTable& table, const std::string& dir,
                          const std::string& file);

}  // namespace lantern

#endif  // LANTERN_PUBLISH_OPEN_DATA_TABLE_H_
