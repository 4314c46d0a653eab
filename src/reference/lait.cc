#include "reference/lait.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/csv_table.h"

namespace lantern {

Result<LaitIndicators> LaitIndicators::Load(const std::string& dir,
                                            const std::vector<std::string>& measures) {
  LANTERN_ASSIGN_OR_RETURN(CsvTable t,
                           CsvTable::Load(dir + "/lait_la_indicators/bds_long_full.csv.gz"));
  LANTERN_ASSIGN_OR_RETURN(int c_measure, t.RequireColumn("Short Desc"));
  LANTERN_ASSIGN_OR_RETURN(int c_year, t.RequireColumn("Years"));
  LANTERN_ASSIGN_OR_RETURN(int c_name, t.RequireColumn("LA and Regions"));
  LANTERN_ASSIGN_OR_RETURN(int c_value, t.RequireColumn("Values"));
  LANTERN_ASSIGN_OR_RETURN(int c_area, t.RequireColumn("LA Number"));
  std::set<std::string> wanted(measures.begin(), measures.end());
  LaitIndicators out;
  std::map<std::string, std::set<std::string>> labels;
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string& m = t.Cell(r, c_measure);
    if (!wanted.empty() && !wanted.count(m)) continue;
    const std::string& a = t.Cell(r, c_area);
    int area = 0;
    if (std::from_chars(a.data(), a.data() + a.size(), area).ec != std::errc()) continue;
    out.area_names_.emplace(area, t.Cell(r, c_name));
    auto v = ParsePublishedNumber(t.Cell(r, c_value));
    if (!v) continue;
    out.values_[{m, t.Cell(r, c_year), area}] = *v;
    labels[m].insert(t.Cell(r, c_year));
  }
  for (auto& [m, set] : labels) out.labels_[m].assign(set.begin(), set.end());
  return out;
}

std::optional<std::string> LaitIndicators::FindYearLabel(const std::string& measure,
                                                         AcademicYear year) const {
  auto it = labels_.find(measure);
  if (it == labels_.end()) return std::nullopt;
  const int a = year.start_year();
  const std::string two =
      (a + 1) % 100 < 10 ? "0" + std::to_string((a + 1) % 100) : std::to_string((a + 1) % 100);
  const std::string candidates[] = {
      year.Label(),                             // 2018/19
      std::to_string(a) + "-" + two,            // 2018-19
      std::to_string(a) + "-" + two + " (OT)",  // 2018-19 (OT)
      std::to_string(a + 1),                    // 2019
  };
  for (const auto& c : candidates) {
    if (std::find(it->second.begin(), it->second.end(), c) != it->second.end()) return c;
  }
  return std::nullopt;
}

std::optional<double> LaitIndicators::Get(const std::string& measure, int area,
                                          AcademicYear year) const {
  auto label = FindYearLabel(measure, year);
  if (!label) return std::nullopt;
  auto it = values_.find({measure, *label, area});
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<int> LaitIndicators::Areas(const std::string& measure, AcademicYear year) const {
  std::vector<int> out;
  auto label = FindYearLabel(measure, year);
  if (!label) return out;
  for (const auto& [key, v] : values_) {
    if (std::get<0>(key) == measure && std::get<1>(key) == *label) out.push_back(std::get<2>(key));
  }
  return out;
}

std::string LaitIndicators::AreaName(int area) const {
  auto it = area_names_.find(area);
  return it == area_names_.end() ? std::string() : it->second;
}

}  // namespace lantern
