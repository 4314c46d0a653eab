// Open-data mode of the Local Outcomes Framework: every LA in England, every
// year the Department's published LA files hold, read at run time from the
// real-data folder (never copied), with England, the region and the ten
// statistical neighbours beside each LA. Each source and its quirks are in
// docs/local-outcomes.md ("Sources"); where two sources give the same
// measure for the same year, the one with counts (so an interval) wins and
// LAIT fills the other years.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "lantern/outcomes.h"
#include "outcomes/local_outcomes.h"
#include "outcomes/open_data_sources.h"
#include "reference/geography.h"

namespace lantern {

namespace outcomes {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s);

// A name as the files spell it in several ways ("Bristol, City of", "Bristol
// City of"; "County Durham", "Durham"): lower case, without punctuation or
// "city of" / "county of" / "county".
std::string NameKey(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ') {
      s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  for (const char* drop : {"city of", "county of", "county"}) {
    for (size_t p; (p = s.find(drop)) != std::string::npos;) s.erase(p, std::strlen(drop));
  }
  std::string out;
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

double Num(std::string_view text) {
  auto v = ParsePublishedNumber(text);
  return v ? *v : kNoValue;
}

Figure FromText(std::string_view text) {
  const std::string t = Trim(text);
  auto v = ParsePublishedNumber(t);
  if (v) return PublishedFigure(*v);
  if (t == "c") return SymbolFigure(GssSymbol::kSuppressed);
  if (t == "z" || t == ".") return SymbolFigure(GssSymbol::kNotApplicable);
  if (t == "low" || t == "k") return SymbolFigure(GssSymbol::kLow);
  return SymbolFigure(GssSymbol::kNotAvailable);
}

SourceContext::SourceContext(const Geography& geography) : geography_(geography) {
  for (const auto& [code, name] : geography.Regions()) region_by_name_[Lower(name)] = code;
  region_by_name_["london (inner)"] = "E12000007";
  region_by_name_["london (outer)"] = "E12000007";
  region_by_name_["inner london"] = "E12000007";
  region_by_name_["outer london"] = "E12000007";
  for (const auto& [code, la] : geography.all()) la_by_name_[NameKey(la.la_name)] = code;
}

std::optional<GeographyRow> SourceContext::La(int old_code, std::string_view name_if_unknown,
                                              std::string_view region_name) const {
  GeographyRow g;
  g.level = GeographicLevel::kLocalAuthority;
  g.old_la_code = std::to_string(old_code);
  if (const LocalAuthority* la = geography_.Find(old_code)) {
    g.new_la_code = la->new_la_code;
    g.la_name = la->la_name;
    g.region_code = la->region_code;
    g.region_name = la->region_name;
    return g;
  }
  if (name_if_unknown.empty()) return std::nullopt;
  g.la_name = std::string(name_if_unknown);
  if (auto r = Region(region_name)) {
    g.region_code = r->region_code;
    g.region_name = r->region_name;
  }
  return g;
}

std::optional<GeographyRow> SourceContext::LaByName(std::string_view name) const {
  auto it = la_by_name_.find(NameKey(name));
  if (it == la_by_name_.end()) return std::nullopt;
  return La(it->second, "", "");
}

std::optional<GeographyRow> SourceContext::Region(std::string_view name) const {
  auto it = region_by_name_.find(Lower(Trim(name)));
  if (it == region_by_name_.end()) return std::nullopt;
  GeographyRow g;
  g.level = GeographicLevel::kRegional;
  g.region_code = it->second;
  auto regions = geography_.Regions();
  g.region_name = regions.count(it->second) ? regions[it->second] : std::string(name);
  return g;
}

GeographyRow SourceContext::England() const {
  GeographyRow g;
  g.level = GeographicLevel::kNational;
  return g;
}

std::optional<GeographyRow> SourceContext::FromEes(const CsvTable& t, size_t r) const {
  const int c_level =
      t.Column("geographic_level") >= 0 ? t.Column("geographic_level") : t.Column("level");
  if (c_level < 0) return std::nullopt;
  const std::string& level = t.Cell(r, c_level);
  auto cell = [&](const char* name) {
    const int c = t.Column(name);
    return c < 0 ? std::string() : Trim(t.Cell(r, c));
  };
  GeographyRow g;
  if (level == "National") return England();
  if (level == "Regional") {
    g.level = GeographicLevel::kRegional;
    g.region_code = cell("region_code");
    g.region_name = cell("region_name");
    if (g.region_code.empty()) return std::nullopt;
    return g;
  }
  if (level != "Local authority") return std::nullopt;
  g.level = GeographicLevel::kLocalAuthority;
  g.old_la_code = cell("old_la_code");
  g.new_la_code = cell("new_la_code");
  g.la_name = cell("la_name");
  g.region_code = cell("region_code");
  g.region_name = cell("region_name");
  if (g.old_la_code.empty()) return std::nullopt;
  return g;
}

std::string AcademicPeriod(std::string_view label) {
  // "2019" (the year the academic year ends), "2018/19", "2018-19", "2018-19 (OT)".
  std::string s = Trim(label);
  if (s.size() >= 7 && (s[4] == '/' || s[4] == '-')) {
    return s.substr(0, 4) + s.substr(5, 2);
  }
  if (s.size() == 4) {
    int y = 0;
    try {
      y = std::stoi(s);
    } catch (...) {
      return std::string();
    }
    return fmt::format("{}{:02d}", y - 1, y % 100);
  }
  if (s.size() == 6) return s;  // 201819 already
  return std::string();
}

void CollectNeighbours(const std::string& dir, NeighbourMap* out, std::string* notes) {
  auto t = CsvTable::Load(dir + "/stat_neighbours_la/sn_may_2025.csv");
  if (!t.ok()) {
    *notes += "statistical neighbours: " + t.status().message() + "\n";
    return;
  }
  const int c_la = t->Column("la_number");
  if (c_la < 0) return;
  for (size_t r = 0; r < t->rows(); ++r) {
    const double la = Num(t->Cell(r, c_la));
    if (!Has(la)) continue;
    std::vector<int> sn;
    for (int i = 1; i <= 10; ++i) {
      const int c = t->Column("sn" + std::to_string(i));
      if (c < 0) continue;
      const double v = Num(t->Cell(r, c));
      if (Has(v)) sn.push_back(static_cast<int>(v));
    }
    (*out)[static_cast<int>(la)] = std::move(sn);
  }
}

}  // namespace outcomes

std::string OutcomesReport::Summary() const {
  std::string s =
      fmt::format("  local_outcomes.csv: {} rows ({} places, {} periods, {} measures)\n", rows,
                  places, periods, measures);
  if (movement_rows) s += fmt::format("  movement.csv: {} rows\n", movement_rows);
  if (movement_flow_rows) {
    s += fmt::format("  movement_flows.csv: {} rows\n", movement_flow_rows);
  }
  if (unexplained_exit_rows)
    s += fmt::format("  unexplained_exits.csv: {} rows\n", unexplained_exit_rows);
  if (trust_rows) s += fmt::format("  trust_contribution.csv: {} rows\n", trust_rows);
  if (net_flow_rows) s += fmt::format("  net_flows.csv: {} rows\n", net_flow_rows);
  if (cme_cases)
    s += fmt::format("  children_missing_education.csv: {} cases ({} open)\n", cme_cases, cme_open);
  if (!steps.empty()) {
    auto list = [](const std::vector<std::pair<std::string, double>>& in) {
      std::string out;
      for (size_t i = 0; i < in.size(); ++i) {
        out += fmt::format("{}{} {:.2f} s", i ? ", " : "", in[i].first, in[i].second);
      }
      return out;
    };
    s += "  time: " + list(steps);
    for (size_t i = 0; i < lanes.size(); ++i) {
      s += (i == 0 ? " (side by side: " : " | ") + list(lanes[i]);
    }
    s += lanes.empty() ? "\n" : ")\n";
  }
  s += fmt::format("  {:.2f} s\n", seconds);
  if (!notes.empty()) s += notes;
  return s;
}

namespace {

// The framework's measures no published file holds (MeasureInfo::store_only:
// elective home education, children missing education, movement and
// unexplained exits, SEND sufficiency, the year's leavers at 16 and 17, employer
// engagement, wellbeing...): one x row a place, in the latest academic
// year, saying where they come from instead (never a silent gap or zero).
void AddUnpublished(std::vector<outcomes::OutcomeRow>* rows) {
  using outcomes::OutcomeRow;
  // Where a measure comes from, where the general reason can say more.
  static const std::map<std::string_view, std::string_view> kInput = {
      {"employer_encounter_pupils", "employer_encounters.csv"},
      {"employer_encounter_percent", "employer_encounters.csv"},
      {"work_placements", "employer_encounters.csv"},
      {"pupil_wellbeing_percent", "pupil voice"},
      {"ehcp_20_week_pupil_level", "ehcp_requests.csv"},
      {"NEET_not_known_16_percent", "destinations.csv"},
      {"participating_16_percent", "destinations.csv"},
      {"NEET_not_known_17_percent", "destinations.csv"},
      {"participating_17_percent", "destinations.csv"},
  };
  std::vector<std::pair<std::string, std::string>> unpublished;
  for (const outcomes::MeasureInfo& m : outcomes::Measures()) {
    if (!m.store_only) continue;
    auto in = kInput.find(m.id);
    unpublished.emplace_back(
        std::string(m.id),
        fmt::format("not in the Department's published files: no published LA-level file holds "
                    "it; pupil-level mode computes it from pupil records ({}lantern outcomes "
                    "--store)",
                    in == kInput.end() ? std::string() : std::string(in->second) + ", "));
  }
  std::string latest;
  for (const OutcomeRow& r : *rows) {
    if (r.time_identifier == "Academic year") latest = std::max(latest, r.time_period);
  }
  if (latest.empty()) return;
  std::set<std::string> seen;
  std::vector<std::shared_ptr<const GeographyRow>> places;
  for (const OutcomeRow& r : *rows) {
    const GeographyRow& g = r.geography();
    if (seen.insert(
                fmt::format("{}|{}|{}", GeographicLevelName(g.level), g.region_code, g.old_la_code))
            .second) {
      places.push_back(r.place);
    }
  }
  for (const auto& place : places) {
    for (const auto& [measure, why] : unpublished) {
      OutcomeRow row;
      row.time_period = latest;
      row.time_identifier = "Academic year";
      row.place = place;
      row.measure = measure;
      row.source = why;
      row.figure = outcomes::SymbolFigure(GssSymbol::kNotAvailable);
      rows->push_back(std::move(row));
    }
  }
}

}  // namespace

Status RunOpenDataOutcomes(const std::string& dir, const std::string& out_dir, int suppress_below,
                           OutcomesReport* report) {
  using namespace outcomes;
  const auto start = std::chrono::steady_clock::now();
  *report = OutcomesReport();
  LANTERN_ASSIGN_OR_RETURN(Geography geography, LoadGeographyFromRealData(dir));
  SourceContext ctx(geography);
  std::vector<OutcomeRow> rows;
  rows.reserve(1 << 19);
  std::string notes;
  LANTERN_RETURN_IF_ERROR(ReadOpenDataSources(dir, ctx, &rows, &notes));
  AddUnpublished(&rows);
  NeighbourMap neighbours;
  CollectNeighbours(dir, &neighbours, &notes);
  ApplyDisclosure(rows, suppress_below);
  AddComparators(rows, neighbours);

  std::set<std::string> places, periods, measures;
  for (const OutcomeRow& r : rows) {
    places.insert(std::string(GeographicLevelName(r.geography().level)) +
                  r.geography().region_code + r.geography().old_la_code);
    periods.insert(r.time_period + r.time_identifier);
    measures.insert(r.measure);
  }
  report->rows = rows.size();
  // Staged, as the pupil-level files are: OUT changes only when it is written.
  LANTERN_ASSIGN_OR_RETURN(auto out, StagedFolder::Open(out_dir, {"local_outcomes.csv"}));
  LANTERN_RETURN_IF_ERROR(WriteLocalOutcomes(rows, out->dir()));
  LANTERN_RETURN_IF_ERROR(out->Commit());
  report->places = places.size();
  report->periods = periods.size();
  report->measures = measures.size();
  report->notes = notes;
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Status::Ok();
}

}  // namespace lantern
