#include "publish/ees_metadata.h"

#include <fmt/format.h>

#include <set>

#include "common/csv_writer.h"

namespace lantern {

EesColumnMeta EesFilter(std::string name, std::string label, std::string hint,
                        std::string default_item) {
  EesColumnMeta m;
  m.col_name = std::move(name);
  m.is_filter = true;
  m.label = std::move(label);
  m.filter_hint = std::move(hint);
  m.filter_default = std::move(default_item);
  return m;
}

EesColumnMeta EesIndicator(std::string name, std::string label, std::string grouping, int dp,
                           std::string unit) {
  EesColumnMeta m;
  m.col_name = std::move(name);
  m.label = std::move(label);
  m.indicator_grouping = std::move(grouping);
  m.indicator_dp = dp;
  m.indicator_unit = std::move(unit);
  return m;
}

Status CheckEesMetadata(const std::vector<EesColumnMeta>& columns) {
  static const std::set<std::string> kUnits = {"", "%", "pp", "\u00a3", "\u00a3m", "numberstring"};
  std::set<std::string> names;
  for (const auto& c : columns) {
    auto bad = [&](const std::string& why) {
      return Status::Internal(fmt::format("metadata column '{}': {}", c.col_name, why));
    };
    if (c.col_name.empty() || c.col_name.size() > 50) return bad("a name is 1 to 50 characters");
    if (!names.insert(c.col_name).second) return bad("listed twice");
    if (c.label.empty() || c.label.size() > 100) return bad("a label is 1 to 100 characters");
    if (c.is_filter) {
      if (c.filter_default.empty()) return bad("a filter needs a default item");
      if (c.filter_default.size() > kEesMaxFilterItem) return bad("the default item is too long");
      if (!c.indicator_unit.empty() || c.indicator_dp >= 0)
        return bad("a filter has no unit or dp");
    } else {
      if (!kUnits.count(c.indicator_unit))
        return bad("unit '" + c.indicator_unit + "' is not one EES accepts");
      if (c.indicator_dp < 0 && !c.dp_varies) return bad("an indicator needs indicator_dp");
    }
  }
  return Status::Ok();
}

std::string MetadataFileName(std::string_view data_file) {
  return std::string(data_file.substr(0, data_file.rfind('.'))) + ".meta.csv";
}

Status WriteEesMetadata(const std::string& path, const std::vector<EesColumnMeta>& columns) {
  LANTERN_RETURN_IF_ERROR(CheckEesMetadata(columns));
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(path));
  w->Row({"col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
          "filter_hint", "filter_grouping_column", "filter_default"});
  for (const auto& c : columns) {
    w->Field(c.col_name).Field(c.is_filter ? "Filter" : "Indicator").Field(c.label);
    w->Field(c.indicator_grouping).Field(c.indicator_unit);
    if (c.indicator_dp >= 0) {
      w->Int(c.indicator_dp);
    } else {
      w->Empty();
    }
    w->Field(c.filter_hint).Field(c.filter_grouping_column).Field(c.filter_default);
    w->EndRow();
  }
  return w->Close();
}

Status WriteColumnNotes(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& columns) {
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(path));
  w->Row({"col_name", "description"});
  for (const auto& [name, description] : columns) w->Row({name, description});
  return w->Close();
}

}  // namespace lantern
