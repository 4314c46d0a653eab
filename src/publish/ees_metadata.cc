#include "publish/ees_metadata.h"

#include "common/csv_writer.h"

namespace lantern {

Status WriteEesMetadata(const std::string& path, const std::vector<EesColumnMeta>& columns) {
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(path));
  w->Row({"col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
          "indicator_dp", "filter_hint", "filter_grouping_column"});
  for (const auto& c : columns) {
    w->Field(c.col_name).Field(c.is_filter ? "Filter" : "Indicator").Field(c.label);
    w->Field(c.indicator_grouping).Field(c.indicator_unit);
    if (c.indicator_dp >= 0) {
      w->Int(c.indicator_dp);
    } else {
      w->Empty();
    }
    w->Field(c.filter_hint).Field(c.filter_grouping_column);
    w->EndRow();
  }
  return w->Close();
}

}  // namespace lantern
