#include "reference/geography.h"

#include <fmt/format.h>

#include <charconv>

#include "common/csv_table.h"

namespace lantern {

void Geography::Add(LocalAuthority la) { by_code_[la.old_la_code] = std::move(la); }

const LocalAuthority* Geography::Find(int old_la_code) const {
  auto it = by_code_.find(old_la_code);
  return it == by_code_.end() ? nullptr : &it->second;
}

std::map<std::string, std::string> Geography::Regions() const {
  std::map<std::string, std::string> r;
  for (const auto& [code, la] : by_code_) r[la.region_code] = la.region_name;
  return r;
}

Result<Geography> LoadGeographyFromRealData(const std::string& dir) {
  // Files with EES geography columns, oldest first: later rows overwrite.
  const char* kFiles[] = {
      "absence_ap_pru_la/4_absence_2term_pru.csv",
      "ap_placements_la/spc_school_ap_placement.csv",
      "neet_nk_la/UD_NEETNK_LA_dashboard_2023_final.csv",
      "attendance_ytd_la/EES_ytd_data.csv",
  };
  std::map<int, std::pair<int, LocalAuthority>> best;  // code -> (time_period, la)
  int files_read = 0;
  for (const char* rel : kFiles) {
    auto table = CsvTable::Load(dir + "/" + rel);
    if (!table.ok()) continue;
    const CsvTable& t = *table;
    int c_level = t.Column("geographic_level"), c_old = t.Column("old_la_code"),
        c_new = t.Column("new_la_code"), c_name = t.Column("la_name"),
        c_rc = t.Column("region_code"), c_rn = t.Column("region_name"),
        c_tp = t.Column("time_period");
    if (c_level < 0 || c_old < 0 || c_new < 0 || c_name < 0 || c_rc < 0 || c_rn < 0) continue;
    ++files_read;
    for (size_t r = 0; r < t.rows(); ++r) {
      if (t.Cell(r, c_level) != "Local authority") continue;
      int code = 0;
      const std::string& s = t.Cell(r, c_old);
      if (std::from_chars(s.data(), s.data() + s.size(), code).ec != std::errc()) continue;
      int tp = 0;
      if (c_tp >= 0) {
        const std::string& ts = t.Cell(r, c_tp);
        std::from_chars(ts.data(), ts.data() + ts.size(), tp);
        if (tp < 10000) tp *= 100;  // calendar years (2023) sort with 202223
      }
      auto it = best.find(code);
      if (it != best.end() && it->second.first > tp) continue;
      LocalAuthority la{code, t.Cell(r, c_new), t.Cell(r, c_name), t.Cell(r, c_rc),
                        t.Cell(r, c_rn)};
      best[code] = {tp, std::move(la)};
    }
  }
  if (files_read == 0) {
    return Status::NotFound(fmt::format("no EES geography files found under {}", dir));
  }
  Geography g;
  for (auto& [code, entry] : best) g.Add(std::move(entry.second));
  return g;
}

}  // namespace lantern
