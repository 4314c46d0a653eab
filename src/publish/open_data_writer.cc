#include "publish/open_data_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "aggregate/groups.h"
#include "common/csv_writer.h"
#include "common/parallel.h"
#include "publish/ees_geography.h"
#include "publish/published_cell.h"
#include "suppress/school_sums.h"

namespace lantern {

namespace {

// Decimal places of rates, percentages and means in the file.
constexpr int kFilePrecision = 5;

// One published row: a school or an aggregate unit, a school type and a
// pupil-group category.
struct OutputRow {
  CubeCell cell;
};

// An indicator as the writer needs it: cube indices of its measures and the
// disclosure slot of its person count.
struct IndicatorColumn {
  const Indicator* indicator;
  int numerator = -1, denominator = -1;
  int hidden_slot = -1;
  int64_t multiplier = 1, scale = 1;
};

std::vector<EesColumnMeta> Metadata(const Catalogue& catalogue, const Family& family) {
  std::vector<EesColumnMeta> meta;
  auto filter = [](const char* name, const char* label, const char* hint, const char* group,
                   const char* def) {
    EesColumnMeta m;
    m.col_name = name;
    m.is_filter = true;
    m.label = label;
    m.filter_hint = hint;
    m.filter_grouping_column = group;
    m.filter_default = def;
    return m;
  };
  meta.push_back(filter("school_type", "School type",
                        "Total is state-funded primary, secondary and special schools", "",
                        "Total"));
  meta.push_back(
      filter("location_basis", "Local authority and region by",
             "School location: where the school is; Pupil residence: where the pupil lives", "",
             "School location"));
  meta.push_back(filter("breakdown_topic", "Pupil characteristic", "", "", "Total"));
  meta.push_back(filter("breakdown", "Pupil group", "", "breakdown_topic", "Total"));
  EesColumnMeta schools;
  schools.col_name = "num_schools";
  schools.label = "Number of schools";
  schools.indicator_grouping =
      std::string(family.decl->indicators.empty() ? std::string_view()
                                                  : family.decl->indicators.front().grouping);
  schools.indicator_dp = 0;
  meta.push_back(schools);
  for (size_t i : family.indicators) {
    const Indicator& ind = catalogue.indicators()[i];
    const IndicatorDecl& d = *ind.decl;
    EesColumnMeta m;
    m.col_name = std::string(d.id);
    m.label = std::string(d.label);
    m.indicator_grouping = std::string(d.grouping);
    // (A string, not the literal: GCC 12 warns, wrongly, on that assignment here.)
    if (d.kind == IndicatorKind::kPercent || d.kind == IndicatorKind::kRatio)
      m.indicator_unit = std::string(1, '%');
    m.indicator_dp = d.decimal_places;
    meta.push_back(std::move(m));
  }
  return meta;
}

// The text of every row up to num_schools (time, geography, filters), made
// once per unit and label rather than once per row.
class RowPrefixes {
 public:
  RowPrefixes(const Cube& cube, const std::vector<GeographyRow>& school_geo,
              const OpenDataInput& in) {
    for (const auto& u : cube.units()) {
      unit_.push_back(EesGeographyText(in.time_period, in.time_identifier, u.geography));
    }
    for (const auto& g : school_geo) {
      school_.push_back(EesGeographyText(in.time_period, in.time_identifier, g));
    }
    for (int t = 0; t < kReportTypes; ++t) type_.push_back(',' + CsvQuote(ReportTypeLabel(t)));
    for (LocationBasis b : {LocationBasis::kSchool, LocationBasis::kResidence}) {
      basis_.push_back(',' + CsvQuote(LocationBasisLabel(b)));
    }
    for (int c = 0; c < cube.categories(); ++c) {
      const size_t topic = TopicOfCategory(c);
      category_.push_back(',' + CsvQuote(GroupTopics()[topic].label) + ',' +
                          CsvQuote(Category(c).label));
    }
  }
  void Append(std::string& out, const CubeCell& c, const Cube& cube) const {
    out += c.school ? school_[c.unit] : unit_[c.unit];
    AppendFilters(out, c.type, c.school ? 0 : static_cast<int>(cube.units()[c.unit].basis),
                  c.category);
  }
  void AppendFilters(std::string& out, int type, int basis, int category) const {
    out += type_[static_cast<size_t>(type)];
    out += basis_[static_cast<size_t>(basis)];
    out += category_[static_cast<size_t>(category)];
  }

 private:
  std::vector<std::string> unit_, school_, type_, basis_, category_;
};

}  // namespace

std::vector<EesColumnMeta> OpenDataMetadata(const Catalogue& catalogue, const Family& family) {
  return Metadata(catalogue, family);
}

GeographyRow SchoolGeography(const Cube& cube, const SchoolTable& schools, size_t school) {
  GeographyRow g = cube.units()[static_cast<size_t>(cube.school_la(school))].geography;
  g.level = GeographicLevel::kSchool;
  if (cube.school_trust(school) >= 0) {
    const GeographyRow& t = cube.units()[static_cast<size_t>(cube.school_trust(school))].geography;
    g.trust_id = t.trust_id;
    g.trust_name = t.trust_name;
  }
  g.school_urn = std::to_string(schools.urn[school]);
  g.school_laestab = fmt::format("{:03d}{:04d}", schools.la_code[school], schools.estab[school]);
  g.school_name = schools.name[school];
  return g;
}

Status WriteOpenDataFile(const OpenDataInput& in, const std::string& dir, OpenDataStats* stats) {
  *stats = OpenDataStats();
  const Cube& cube = *in.cube;
  const Catalogue& cat = *in.catalogue;
  const Family& fam = *in.family;
  const DisclosureFlags& flags = *in.flags;
  const CubeMeasures& where = *in.measures;
  const int row_count = where.Index(fam.row_count);
  if (row_count < 0)
    return Status::Internal(fmt::format("{}: the cube lacks its row count", fam.decl->id));
  std::vector<IndicatorColumn> columns;
  std::vector<int> family_measures;
  for (size_t i : fam.indicators) {
    const Indicator& ind = cat.indicators()[i];
    IndicatorColumn c{&ind};
    c.numerator = where.Index(ind.numerator);
    c.denominator = where.Index(ind.denominator);
    const int hidden = where.Index(ind.hidden_with);
    if (c.numerator < 0 || (ind.denominator.ok() && c.denominator < 0) || hidden < 0) {
      return Status::Internal(
          fmt::format("{}: the cube lacks a measure of {}", fam.decl->id, ind.decl->id));
    }
    c.hidden_slot = flags.SlotOf(static_cast<size_t>(hidden));
    if (c.hidden_slot < 0) {
      return Status::Internal(fmt::format("{}: {}'s person count is not disclosure-controlled",
                                          fam.decl->id, ind.decl->id));
    }
    c.multiplier = ind.multiplier();
    c.scale = ind.numerator.decl().scale;
    columns.push_back(c);
    for (int m : {c.numerator, c.denominator, hidden}) {
      if (m >= 0) family_measures.push_back(m);
    }
  }
  std::sort(family_measures.begin(), family_measures.end());
  family_measures.erase(std::unique(family_measures.begin(), family_measures.end()),
                        family_measures.end());
  const int row_slot = flags.SlotOf(static_cast<size_t>(row_count));

  // Rows in publication order: England, regions, LAs, trusts, places; then schools.
  const size_t cats = static_cast<size_t>(cube.categories());
  std::vector<OutputRow> rows;
  auto any_family = [&](const int64_t* v) {
    for (int m : family_measures) {
      if (v[m] != 0) return true;
    }
    return false;
  };
  for (GeographicLevel level :
       {GeographicLevel::kNational, GeographicLevel::kRegional, GeographicLevel::kLocalAuthority,
        GeographicLevel::kMat, GeographicLevel::kPlace}) {
    for (LocationBasis basis : {LocationBasis::kSchool, LocationBasis::kResidence}) {
      for (size_t u = 0; u < cube.units().size(); ++u) {
        const AggregateUnit& unit = cube.units()[u];
        if (unit.geography.level != level || unit.basis != basis) continue;
        for (int t = 0; t < kReportTypes; ++t) {
          for (size_t c = 0; c < cats; ++c) {
            if (!any_family(cube.Aggregate(u, t, static_cast<int>(c)))) continue;
            rows.push_back({{false, static_cast<uint32_t>(u), static_cast<uint8_t>(t),
                             static_cast<uint16_t>(c)}});
          }
        }
      }
    }
  }
  const size_t aggregate_rows = rows.size();
  for (size_t s = 0; s < cube.schools(); ++s) {
    const int t = cube.school_type(s);
    if (t < 0) continue;
    for (size_t c = 0; c < cats; ++c) {
      if (!cube.SchoolCellAny(s, static_cast<int>(c), family_measures)) continue;
      rows.push_back(
          {{true, static_cast<uint32_t>(s), static_cast<uint8_t>(t), static_cast<uint16_t>(c)}});
    }
  }
  const std::vector<int32_t> num_schools =
      cube.SchoolsWith(static_cast<size_t>(row_count), *in.policy);

  // School geography rows: the LA's, and the trust's, and the school's own.
  const StoreState& s = *in.state;
  std::vector<GeographyRow> school_geo(s.schools.size());
  for (size_t i = 0; i < s.schools.size(); ++i) {
    if (cube.school_type(i) >= 0) school_geo[i] = SchoolGeography(cube, s.schools, i);
  }
  const RowPrefixes prefixes(cube, school_geo, in);

  std::string header;
  for (auto col : EesGeographyColumns()) header += std::string(col) + ',';
  header += "school_type,location_basis,breakdown_topic,breakdown,num_schools";
  for (const IndicatorColumn& c : columns) header += ',' + std::string(c.indicator->decl->id);
  header += '\n';

  // The places named by schools: their rows' text, between the cube's
  // units and the schools.
  std::string place_rows;
  uint64_t place_row_count = 0, place_cells_hidden = 0, place_rows_hidden = 0;
  std::optional<SchoolUnits> school_units;
  if (!in.school_places.empty()) school_units.emplace(cube);
  for (const OpenDataInput::SchoolSumPlace& place : in.school_places) {
    std::vector<std::vector<int64_t>> sums(cube.measures());
    for (int m : family_measures) {
      sums[static_cast<size_t>(m)] = SchoolSums(cube, *in.policy, place.schools, m);
    }
    sums[static_cast<size_t>(row_count)] =
        SchoolSums(cube, *in.policy, place.schools, static_cast<size_t>(row_count));
    PlaceSumsHidden hidden(*school_units, flags, *in.policy, place.schools);
    auto hidden_of = [&](size_t m) -> const std::vector<bool>& { return hidden.Of(m); };
    const std::string geography =
        EesGeographyText(in.time_period, in.time_identifier, place.geography);
    char buf[64];
    for (int t = 0; t < kReportTypes; ++t) {
      for (size_t c = 0; c < cats; ++c) {
        const size_t at = static_cast<size_t>(t) * cats + c;
        if (std::none_of(family_measures.begin(), family_measures.end(),
                         [&](int m) { return sums[static_cast<size_t>(m)][at] != 0; })) {
          continue;
        }
        ++place_row_count;
        const bool row_hidden = hidden_of(static_cast<size_t>(row_count))[at];
        place_rows_hidden += row_hidden;
        place_rows += geography;
        prefixes.AppendFilters(place_rows, t, 0, static_cast<int>(c));
        int64_t schools_with = 0;
        for (uint32_t s : place.schools) {
          const int st = s < cube.schools() ? cube.school_type(s) : -1;
          if (st < 0 || (t == kTotalType ? !InHeadlineTotal(st, *in.policy) : st != t)) continue;
          schools_with += cube.SchoolValue(s, static_cast<int>(c), row_count) != 0;
        }
        place_rows += ',';
        place_rows.append(buf, PublishedCell::Count(schools_with).Write(buf, sizeof buf));
        for (const IndicatorColumn& col : columns) {
          place_rows += ',';
          const int own = where.Index(col.indicator->hidden_with);
          PublishedCell pc;
          if (row_hidden || hidden_of(static_cast<size_t>(own))[at]) {
            pc = PublishedCell::Symbol(GssSymbol::kSuppressed);
            ++place_cells_hidden;
          } else {
            const int64_t num = sums[static_cast<size_t>(col.numerator)][at];
            pc = col.denominator < 0
                     ? (col.scale == 1 ? PublishedCell::Count(num)
                                       : PublishedCell::Ratio(num, col.scale, 1, kFilePrecision))
                     : PublishedCell::Ratio(
                           num, sums[static_cast<size_t>(col.denominator)][at] * col.scale,
                           col.multiplier, kFilePrecision);
          }
          place_rows.append(buf, pc.Write(buf, sizeof buf));
        }
        place_rows += '\n';
      }
    }
  }

  const std::string path = dir + "/" + std::string(fam.decl->file);
  LANTERN_ASSIGN_OR_RETURN(auto file, BufferedWriter::Create(path));
  file->Write(header);
  // Blocks of rows: the cube's units', then the places named by schools
  // (one block, made above), then the schools'.
  constexpr size_t kBlockRows = 4096;
  const size_t aggregate_blocks = (aggregate_rows + kBlockRows - 1) / kBlockRows;
  const size_t blocks =
      aggregate_blocks + 1 + (rows.size() - aggregate_rows + kBlockRows - 1) / kBlockRows;
  const int threads = ResolveThreads(in.threads);
  std::vector<uint64_t> suppressed(static_cast<size_t>(threads), 0);
  LANTERN_RETURN_IF_ERROR(WriteOrderedBlocks(
      blocks, threads,
      [&](size_t b, std::string* out, int worker) {
        if (b == aggregate_blocks) {
          *out = place_rows;
          return;
        }
        const size_t first = b < aggregate_blocks
                                 ? b * kBlockRows
                                 : aggregate_rows + (b - aggregate_blocks - 1) * kBlockRows;
        const size_t last =
            std::min(b < aggregate_blocks ? aggregate_rows : rows.size(), first + kBlockRows);
        std::vector<int64_t> v(cube.measures());
        char buf[64];
        uint64_t& hidden_cells = suppressed[static_cast<size_t>(worker)];
        for (size_t i = first; i < last; ++i) {
          const CubeCell& cell = rows[i].cell;
          const int64_t* values;
          if (cell.school) {
            cube.SchoolValues(cell.unit, cell.category, v.data());
            values = v.data();
          } else {
            values = cube.Aggregate(cell.unit, cell.type, cell.category);
          }
          const int64_t flag_row = flags.RowOf(cell);
          const bool row_hidden = flags.HiddenAt(row_slot, flag_row);
          prefixes.Append(*out, cell, cube);
          *out += ',';
          if (cell.school) {
            *out += '1';
          } else {
            const int32_t n = num_schools[cube.AggregateIndex(cell.unit, cell.type, cell.category)];
            PublishedCell pc =
                n < 0 ? PublishedCell::Symbol(GssSymbol::kNotAvailable) : PublishedCell::Count(n);
            out->append(buf, pc.Write(buf, sizeof buf));
          }
          for (const IndicatorColumn& c : columns) {
            *out += ',';
            PublishedCell pc;
            if (row_hidden || flags.HiddenAt(c.hidden_slot, flag_row)) {
              pc = PublishedCell::Symbol(GssSymbol::kSuppressed);
              ++hidden_cells;
            } else if (c.denominator < 0) {
              pc = c.scale == 1
                       ? PublishedCell::Count(values[c.numerator])
                       : PublishedCell::Ratio(values[c.numerator], c.scale, 1, kFilePrecision);
            } else {
              pc = PublishedCell::Ratio(values[c.numerator], values[c.denominator] * c.scale,
                                        c.multiplier, kFilePrecision);
            }
            out->append(buf, pc.Write(buf, sizeof buf));
          }
          *out += '\n';
        }
      },
      [&](const std::string& text) {
        file->Write(text);
        return Status::Ok();
      }));
  LANTERN_RETURN_IF_ERROR(file->Close());
  stats->rows = rows.size() + place_row_count;
  stats->cells_suppressed = place_cells_hidden;
  stats->rows_suppressed = place_rows_hidden;
  for (uint64_t n : suppressed) stats->cells_suppressed += n;
  for (const OutputRow& r : rows)
    stats->rows_suppressed += flags.HiddenAt(row_slot, flags.RowOf(r.cell));
  const std::string meta_path = dir + "/" + MetadataFileName(fam.decl->file);
  return WriteEesMetadata(meta_path, Metadata(cat, fam));
}

Status WriteTidyOpenDataFile(const TidyFile& table, const std::string& dir) {
  std::vector<EesColumnMeta> meta = table.filters;
  meta.insert(meta.end(), table.indicators.begin(), table.indicators.end());
  LANTERN_RETURN_IF_ERROR(CheckEesMetadata(meta));
  auto check = [&](size_t r, const TidyRow& row) {
    if (row.filters.size() != table.filters.size() ||
        row.indicators.size() != table.indicators.size()) {
      return Status::Internal(
          fmt::format("{}: row {} has {} filters and {} indicators, not {} and {}", table.file, r,
                      row.filters.size(), row.indicators.size(), table.filters.size(),
                      table.indicators.size()));
    }
    return Status::Ok();
  };
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(dir + "/" + table.file));
  for (auto col : EesGeographyColumns()) w->Raw(col);
  for (const auto& c : meta) w->Field(c.col_name);
  w->EndRow();
  char buf[64];
  auto write = [&](const TidyRow& row) {
    WriteEesGeography(*w, row.time_period, row.time_identifier, row.geography);
    for (const std::string& f : row.filters) w->Field(f);
    for (const PublishedCell& c : row.indicators) {
      w->Raw(std::string_view(buf, c.Write(buf, sizeof buf)));
    }
    w->EndRow();
  };
  if (table.fill) {
    TidyRow row;
    for (size_t r = 0; r < table.row_count; ++r) {
      table.fill(r, &row);
      LANTERN_RETURN_IF_ERROR(check(r, row));
      write(row);
    }
  } else {
    for (size_t r = 0; r < table.rows.size(); ++r) {
      LANTERN_RETURN_IF_ERROR(check(r, table.rows[r]));
      write(table.rows[r]);
    }
  }
  LANTERN_RETURN_IF_ERROR(w->Close());
  const std::string meta_path = dir + "/" + MetadataFileName(table.file);
  return WriteEesMetadata(meta_path, meta);
}

}  // namespace lantern
