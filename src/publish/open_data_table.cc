#include "publish/open_data_table.h"

#include <fmt/format.h>

#include "common/csv_writer.h"
#include "publish/ees_geography.h"

namespace lantern {

Status WriteOpenDataTable(const OpenDataTable& table, const std::string& dir,
                          const std::string& file) {
  size_t filters = 0;
  for (const auto& c : table.columns) filters += c.is_filter ? 1 : 0;
  for (size_t i = 0; i < filters; ++i) {
    if (!table.columns[i].is_filter) return Status::Internal("open-data table: filters come first");
  }
  LANTERN_RETURN_IF_ERROR(CheckEesMetadata(table.columns));
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(dir + "/" + file));
  for (auto name : EesGeographyColumns()) w->Field(name);
  for (const auto& c : table.columns) w->Field(c.col_name);
  w->EndRow();
  const size_t indicators = table.columns.size() - filters;
  for (const auto& row : table.rows) {
    if (row.filters.size() != filters || row.cells.size() != indicators) {
      return Status::Internal(fmt::format("{}: a row does not match the columns", file));
    }
    WriteEesGeography(*w, table.time_period, table.time_identifier, row.geography);
    for (const auto& f : row.filters) w->Field(f);
    for (const auto& c : row.cells) w->Raw(c.Text());
    w->EndRow();
  }
  LANTERN_RETURN_IF_ERROR(w->Close());
  return WriteEesMetadata(dir + "/" + MetadataFileName(file), table.columns);
}

}  // namespace lantern
