// `lantern measures --open-data`: measures.csv and destinations.csv from the
// Department's published 2019 files (att8, P8 and its interval from the KS4
// provisional school file; sustained destinations from the KS4 destinations
// school file). What needs pupil results (P5, broader attainment, element
// scores, destinations at 6/12/24 months) is x: not available.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "common/csv_table.h"
#include "lantern/measures.h"
#include "measures/progress.h"
#include "model/policy.h"
#include "publish/open_data_table.h"
#include "reference/real_data.h"
#include "suppress/disclosure.h"

namespace lantern {

// In measures_writer.cc.
OpenDataTable MeasuresTable(const MeasuresResult& r, const Policy& policy,
                            const std::vector<GeographyRow>& geography);

namespace {

std::optional<double> Cell(const CsvTable& t, size_t r, int c) {
  return c < 0 ? std::nullopt : ParsePublishedNumber(t.Cell(r, c));
}

}  // namespace

Result<MeasuresResult> OpenDataMeasures(const std::string& real_data_dir) {
  MeasuresResult out;
  out.ks4_year = 2018;
  out.estimates_source = "published (england_ks4provisional.csv)";
  const std::string path =
      real_data_dir + "/perf_tables_2019_ks4_provisional_school/england_ks4provisional.csv";
  LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(path));
  int col[12];
  const char* names[12] = {"RECTYPE", "LEA",   "URN",   "SCHNAME", "NFTYPE",  "TPUP",
                           "ATT8SCR", "P8PUP", "P8MEA", "P8CILOW", "P8CIUPP", "P8MEA_ORIG"};
  for (int i = 0; i < 12; ++i) {
    LANTERN_ASSIGN_OR_RETURN(col[i], t.RequireColumn(names[i]));
  }
  std::vector<double> p8v;
  std::vector<bool> p8u;
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string& rectype = t.Cell(r, col[0]);
    if (rectype != "1" && rectype != "2") continue;
    auto pupils = Cell(t, r, col[5]);
    if (!pupils) continue;  // independent schools: NA
    SchoolMeasures m;
    m.urn = static_cast<int32_t>(Cell(t, r, col[2]).value_or(0));
    m.name = t.Cell(r, col[3]);
    m.la_code = static_cast<int16_t>(Cell(t, r, col[1]).value_or(0));
    m.school_type = t.Cell(r, col[4]);
    m.ks4_pupils = static_cast<int32_t>(*pupils);
    m.att8 = Cell(t, r, col[6]).value_or(NAN);
    auto p8 = Cell(t, r, col[8]);
    m.p8.pupils = -1;  // not published (NE, NA): x
    if (p8) {
      m.p8.available = true;
      m.p8.pupils = static_cast<int32_t>(Cell(t, r, col[7]).value_or(0));
      m.p8.score = *p8;
      m.p8.lower = Cell(t, r, col[9]).value_or(*p8);
      m.p8.upper = Cell(t, r, col[10]).value_or(*p8);
      m.p8.unadjusted = Cell(t, r, col[11]).value_or(*p8);
      m.p8.band = BandOf(m.p8.score, m.p8.lower, m.p8.upper);
    }
    out.schools.push_back(std::move(m));
  }
  // Sustained destinations (the destinations file's most recent cohort).
  const std::string dpath =
      real_data_dir + "/perf_tables_ks4_destinations_school/england_ks4-pupdest.csv";
  LANTERN_ASSIGN_OR_RETURN(CsvTable d, CsvTable::Load(dpath));
  LANTERN_ASSIGN_OR_RETURN(int du, d.RequireColumn("URN"));
  LANTERN_ASSIGN_OR_RETURN(int dc, d.RequireColumn("COHORT"));
  LANTERN_ASSIGN_OR_RETURN(int dd, d.RequireColumn("OVERALL_DEST"));
  std::unordered_map<int32_t, double> sustained;
  for (size_t r = 0; r < d.rows(); ++r) {
    auto urn = Cell(d, r, du), cohort = Cell(d, r, dc), dest = Cell(d, r, dd);
    if (urn && cohort && dest && *cohort > 0)
      sustained[static_cast<int32_t>(*urn)] = *dest / *cohort;
  }
  double att8_sum = 0;
  int64_t att8_pupils = 0;
  for (auto& m : out.schools) {
    if (auto it = sustained.find(m.urn); it != sustained.end())
      m.sustained_destination = it->second;
    if (!std::isnan(m.att8)) {
      att8_sum += m.att8 * m.ks4_pupils;
      att8_pupils += m.ks4_pupils;
    }
    out.pupils += m.ks4_pupils;
    p8v.push_back(m.p8.score);
    p8u.push_back(m.p8.available);
  }
  if (att8_pupils > 0) out.national_att8 = att8_sum / static_cast<double>(att8_pupils);
  const auto bands = PercentileBands(p8v, p8u);
  std::vector<double> a8v;
  std::vector<bool> a8u;
  for (const auto& m : out.schools) {
    a8v.push_back(m.att8);
    a8u.push_back(!std::isnan(m.att8));
  }
  const auto a8b = PercentileBands(a8v, a8u);
  for (size_t i = 0; i < out.schools.size(); ++i) {
    out.schools[i].p8.percentile_band = bands[i];
    out.schools[i].att8_percentile_band = a8b[i];
  }
  return out;
}

Status WriteOpenDataMeasures(const OpenDataMeasuresOptions& options, MeasuresReport* report) {
  const auto started = std::chrono::steady_clock::now();
  *report = MeasuresReport();
  LANTERN_ASSIGN_OR_RETURN(std::string dir, FindRealDataDir(options.real_data_dir));
  LANTERN_ASSIGN_OR_RETURN(report->result, OpenDataMeasures(dir));
  Policy policy;
  std::vector<GeographyRow> geo;
  for (const auto& m : report->result.schools) {
    GeographyRow g;
    g.level = GeographicLevel::kSchool;
    g.old_la_code = fmt::format("{}", m.la_code);
    g.school_urn = fmt::format("{}", m.urn);
    g.school_name = m.name;
    geo.push_back(std::move(g));
  }
  OpenDataTable t = MeasuresTable(report->result, policy, geo);
  // What the published files do not hold is x, not a number.
  const PublishedCell x = PublishedCell::Symbol(GssSymbol::kNotAvailable);
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const std::string& n = t.columns[c].col_name;
    const bool missing = n == "broader" || n == "p5_attainment" || n.rfind("p5", 0) == 0 ||
                         n == "p8_english" || n == "p8_maths" || n == "p8_ebacc" ||
                         n == "p8_open" || n == "pt_sen" || n == "pt_disadvantaged" ||
                         n == "pt_vocational";
    if (!missing || t.columns[c].is_filter) continue;
    size_t filters = 0;
    for (const auto& col : t.columns) filters += col.is_filter;
    for (auto& row : t.rows) row.cells[c - filters] = x;
  }
  for (auto& row : t.rows) {
    row.filters[1] = "x";
    row.filters[2] = "x";
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  LANTERN_RETURN_IF_ERROR(WriteOpenDataTable(t, options.out_dir, "measures.csv"));
  report->files = {"measures.csv", "measures.meta.csv"};
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Status::Ok();
}

}  // namespace lantern
