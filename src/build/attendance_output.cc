#include "build/attendance_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "aggregate/breakdowns.h"
#include "common/csv_writer.h"
#include "common/rounding.h"
#include "publish/ees_metadata.h"
#include "publish/published_cell.h"
#include "suppress/disclosure.h"
#include "suppress/suppression_problem.h"

namespace lantern {

namespace {

// One published row: a school or an aggregate unit, a school type and a
// pupil-group category.
struct OutputRow {
  bool school;
  uint32_t unit;  // school row, or aggregate unit
  uint8_t type;
  uint16_t category;
};

constexpr int kPersonMeasures[] = {kMeasureEnrolments, kMeasurePersistent, kMeasureSevere};

class RowIndex {
 public:
  RowIndex(const AttendanceCube& cube)
      : cube_(cube),
        cats_(static_cast<size_t>(cube.categories)),
        school_(cube.school_type.size() * cats_, -1),
        aggregate_(cube.units.size() * kReportTypes * cats_, -1) {}

  const std::vector<OutputRow>& rows() const { return rows_; }

  // Rows in publication order: England, regions, LAs, trusts, then schools.
  void Enumerate() {
    for (GeographicLevel level : {GeographicLevel::kNational, GeographicLevel::kRegional,
                                  GeographicLevel::kLocalAuthority, GeographicLevel::kMat}) {
      for (LocationBasis basis : {LocationBasis::kSchool, LocationBasis::kResidence}) {
        for (size_t u = 0; u < cube_.units.size(); ++u) {
          if (cube_.units[u].geography.level != level || cube_.units[u].basis != basis) continue;
          for (int t = 0; t < kReportTypes; ++t) {
            for (size_t c = 0; c < cats_; ++c) {
              if (cube_.Aggregate(u, t, static_cast<int>(c))[kMeasureEnrolments] == 0) continue;
              aggregate_[cube_.AggregateIndex(u, t, static_cast<int>(c))] =
                  static_cast<int64_t>(rows_.size());
              rows_.push_back({false, static_cast<uint32_t>(u), static_cast<uint8_t>(t),
                               static_cast<uint16_t>(c)});
            }
          }
        }
      }
    }
    for (size_t s = 0; s < cube_.school_type.size(); ++s) {
      const int t = cube_.school_type[s];
      if (t < 0) continue;
      for (size_t c = 0; c < cats_; ++c) {
        if (cube_.School(s, static_cast<int>(c))[kMeasureEnrolments] == 0) continue;
        school_[s * cats_ + c] = static_cast<int64_t>(rows_.size());
        rows_.push_back(
            {true, static_cast<uint32_t>(s), static_cast<uint8_t>(t), static_cast<uint16_t>(c)});
      }
    }
  }

  int64_t School(size_t s, size_t c) const { return school_[s * cats_ + c]; }
  int64_t Aggregate(size_t u, int t, size_t c) const {
    return aggregate_[cube_.AggregateIndex(u, t, static_cast<int>(c))];
  }
  AttendanceValues Values(const OutputRow& r) const {
    AttendanceValues v;
    if (r.school) {
      std::copy_n(cube_.School(r.unit, r.category), kAttendanceMeasures, v.begin());
    } else {
      std::copy_n(cube_.Aggregate(r.unit, r.type, r.category), kAttendanceMeasures, v.begin());
    }
    return v;
  }

 private:
  const AttendanceCube& cube_;
  size_t cats_;
  std::vector<int64_t> school_, aggregate_;
  std::vector<OutputRow> rows_;
};

// The additive groups among published rows: categories add up to the total
// of their topic, school types add up to "Total", schools add up to their LA
// and trust, LAs to their region, regions to England.
void AddAdditiveGroups(const AttendanceCube& cube, const RowIndex& index, const Policy& policy,
                       SuppressionProblem* problem) {
  const size_t cats = static_cast<size_t>(cube.categories);
  const auto& topics = PupilBreakdowns();
  auto add = [&](int64_t margin, const std::vector<size_t>& members) {
    if (margin >= 0) problem->AddGroup(static_cast<size_t>(margin), members);
  };
  auto topic_groups = [&](auto row_of) {
    const int64_t total = row_of(0);
    for (size_t t = 1; t < topics.size(); ++t) {
      std::vector<size_t> members;
      for (size_t c = CategoryOffset(t); c < static_cast<size_t>(CategoryOffset(t + 1)); ++c) {
        if (int64_t r = row_of(c); r >= 0) members.push_back(static_cast<size_t>(r));
      }
      add(total, members);
    }
  };
  for (size_t s = 0; s < cube.school_type.size(); ++s) {
    if (cube.school_type[s] >= 0) topic_groups([&](size_t c) { return index.School(s, c); });
  }
  const auto headline = [&](int t) {
    return (t >= 1 && t <= 3) || (t == 4 && policy.pru_in_headline_total);
  };
  std::vector<std::vector<size_t>> child_units(cube.units.size());
  for (size_t u = 0; u < cube.units.size(); ++u) {
    if (cube.units[u].parent >= 0)
      child_units[static_cast<size_t>(cube.units[u].parent)].push_back(u);
  }
  std::vector<std::vector<size_t>> child_schools(cube.units.size());
  for (size_t s = 0; s < cube.school_type.size(); ++s) {
    if (cube.school_type[s] < 0) continue;
    child_schools[static_cast<size_t>(cube.school_la[s])].push_back(s);
    if (cube.school_trust[s] >= 0)
      child_schools[static_cast<size_t>(cube.school_trust[s])].push_back(s);
  }
  for (size_t u = 0; u < cube.units.size(); ++u) {
    for (int t = 0; t < kReportTypes; ++t) {
      topic_groups([&](size_t c) { return index.Aggregate(u, t, c); });
    }
    for (size_t c = 0; c < cats; ++c) {
      std::vector<size_t> types;
      for (int t = 1; t < kReportTypes; ++t) {
        if (!headline(t)) continue;
        if (int64_t r = index.Aggregate(u, t, c); r >= 0) types.push_back(static_cast<size_t>(r));
      }
      add(index.Aggregate(u, 0, c), types);
      for (int t = 0; t < kReportTypes; ++t) {
        std::vector<size_t> members;
        for (size_t child : child_units[u]) {
          if (int64_t r = index.Aggregate(child, t, c); r >= 0)
            members.push_back(static_cast<size_t>(r));
        }
        for (size_t s : child_schools[u]) {
          const int st = cube.school_type[s];
          if (t == 0 ? !headline(st) : st != t) continue;
          if (int64_t r = index.School(s, c); r >= 0) members.push_back(static_cast<size_t>(r));
        }
        add(index.Aggregate(u, t, c), members);
      }
    }
  }
}

// The text of every row up to its indicators (time, geography, filters),
// made once per unit and label rather than once per row.
class RowPrefixes {
 public:
  RowPrefixes(const AttendanceCube& cube, const std::vector<GeographyRow>& school_geo,
              const std::string& time_period) {
    auto geography = [&](const GeographyRow& g) {
      std::string s = time_period + ",Academic year," + CsvQuote(GeographicLevelName(g.level)) +
                      ",E92000001,England";
      for (const std::string* f :
           {&g.region_code, &g.region_name, &g.old_la_code, &g.new_la_code, &g.la_name, &g.trust_id,
            &g.trust_name, &g.school_urn, &g.school_laestab, &g.school_name}) {
        s += ',' + CsvQuote(*f);
      }
      return s;
    };
    for (const auto& u : cube.units) unit_.push_back(geography(u.geography));
    for (const auto& g : school_geo) school_.push_back(geography(g));
    for (int t = 0; t < kReportTypes; ++t) type_.push_back(',' + CsvQuote(ReportTypeLabel(t)));
    for (LocationBasis b : {LocationBasis::kSchool, LocationBasis::kResidence}) {
      basis_.push_back(',' + CsvQuote(LocationBasisLabel(b)));
    }
    for (int c = 0; c < cube.categories; ++c) {
      const size_t topic = TopicOfCategory(c);
      category_.push_back(',' + CsvQuote(PupilBreakdowns()[topic].topic) + ',' +
                          CsvQuote(PupilBreakdowns()[topic].labels[c - CategoryOffset(topic)]));
    }
  }
  void Append(std::string& out, const OutputRow& r, const AttendanceCube& cube) const {
    out += r.school ? school_[r.unit] : unit_[r.unit];
    out += type_[r.type];
    out += basis_[r.school ? 0 : static_cast<int>(cube.units[r.unit].basis)];
    out += category_[r.category];
  }

 private:
  std::vector<std::string> unit_, school_, type_, basis_, category_;
};

std::vector<EesColumnMeta> Metadata() {
  std::vector<EesColumnMeta> meta;
  meta.push_back({"school_type", true, "School type", "", "", -1,
                  "Total is state-funded primary, secondary and special schools", ""});
  meta.push_back({"location_basis", true, "Local authority and region by", "", "", -1,
                  "School location: where the school is; Pupil residence: where the pupil lives",
                  ""});
  meta.push_back({"breakdown_topic", true, "Pupil characteristic", "", "", -1, "", ""});
  meta.push_back({"breakdown", true, "Pupil group", "", "", -1, "", "breakdown_topic"});
  meta.push_back({"num_schools", false, "Number of schools", "Enrolments", "", 0, "", ""});
  for (const IndicatorDef& d : AttendanceIndicators()) {
    meta.push_back({std::string(d.id), false, std::string(d.label), std::string(d.grouping),
                    d.unit == IndicatorUnit::kPercent ? "%" : "", d.display_dp, "", ""});
  }
  return meta;
}

}  // namespace

Status WriteAttendanceOutput(const AttendanceCube& cube, const StoreState& s, AcademicYear year,
                             const Policy& policy, const std::string& out_dir,
                             AttendanceOutputStats* stats) {
  const auto started = std::chrono::steady_clock::now();
  *stats = AttendanceOutputStats();
  RowIndex index(cube);
  index.Enumerate();
  const auto& rows = index.rows();

  // Disclosure control: person counts first (enrolments, then persistent and
  // severe absentees within rows left published).
  SuppressionProblem problem;
  for (size_t i = 0; i < rows.size(); ++i) problem.AddCell(0);
  AddAdditiveGroups(cube, index, policy, &problem);
  // Enrolments first; persistent and severe absentees then side by side,
  // each within the rows left published.
  std::vector<std::vector<bool>> hidden(kAttendanceMeasures);
  auto solve = [&](int m, std::vector<bool> start) {
    std::vector<int64_t> counts(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) counts[i] = index.Values(rows[i])[m];
    hidden[m] = problem.Solve(counts, policy.suppress_below, policy.secondary_suppression,
                              std::move(start));
  };
  static_assert(std::size(kPersonMeasures) == 3);
  solve(kMeasureEnrolments, {});
  std::thread other(solve, kPersonMeasures[1], hidden[kMeasureEnrolments]);
  solve(kPersonMeasures[2], hidden[kMeasureEnrolments]);
  other.join();

  stats->seconds_suppress =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // School geography rows, built once.
  std::vector<GeographyRow> school_geo(s.schools.size());
  for (size_t i = 0; i < s.schools.size(); ++i) {
    if (cube.school_type[i] < 0) continue;
    GeographyRow g = cube.units[static_cast<size_t>(cube.school_la[i])].geography;
    g.level = GeographicLevel::kSchool;
    if (cube.school_trust[i] >= 0) {
      const GeographyRow& t = cube.units[static_cast<size_t>(cube.school_trust[i])].geography;
      g.trust_id = t.trust_id;
      g.trust_name = t.trust_name;
    }
    g.school_urn = std::to_string(s.schools.urn[i]);
    g.school_laestab = fmt::format("{:03d}{:04d}", s.schools.la_code[i], s.schools.estab[i]);
    g.school_name = s.schools.name[i];
    school_geo[i] = std::move(g);
  }

  std::string header;
  for (auto col : EesGeographyColumns()) header += std::string(col) + ',';
  header += "school_type,location_basis,breakdown_topic,breakdown,num_schools";
  for (const IndicatorDef& d : AttendanceIndicators()) header += ',' + std::string(d.id);
  header += '\n';

  // Rows are formatted on every core a block at a time and written in order:
  // a thread formats its next block while another writes, and each reuses
  // one buffer, so the file is never held whole in memory.
  const RowPrefixes prefixes(cube, school_geo, year.TimePeriod());
  const auto indicators = AttendanceIndicators();
  auto format_rows = [&](size_t lo, size_t hi, std::string& out, uint64_t& suppressed) {
    char buf[64];
    for (size_t i = lo; i < hi; ++i) {
      const OutputRow& r = rows[i];
      const AttendanceValues v = index.Values(r);
      const bool row_hidden = hidden[kMeasureEnrolments][i];
      prefixes.Append(out, r, cube);
      out += ',';
      if (r.school) {
        out += '1';
      } else {
        const int32_t n = cube.aggregate_schools[cube.AggregateIndex(r.unit, r.type, r.category)];
        if (n < 0)
          out += 'x';
        else
          out.append(buf, static_cast<size_t>(std::to_chars(buf, buf + 24, n).ptr - buf));
      }
      for (const IndicatorDef& d : indicators) {
        out += ',';
        if (row_hidden || hidden[d.person_count][i]) {
          out += GssSymbolText(GssSymbol::kSuppressed);
          ++suppressed;
        } else if (d.denominator < 0) {
          out.append(buf,
                     static_cast<size_t>(std::to_chars(buf, buf + 24, v[d.numerator]).ptr - buf));
        } else if (v[d.denominator] == 0) {
          out += GssSymbolText(GssSymbol::kNotApplicable);
        } else {
          out.append(buf, FormatPercentOfRatio(v[d.numerator], v[d.denominator], 5, buf));
        }
      }
      out += '\n';
    }
  };
  // Overwrites a recycled file if the build left one in the folder (build.cc).
  LANTERN_ASSIGN_OR_RETURN(auto file, BufferedWriter::Create(out_dir + "/attendance.csv", 1 << 20,
                                                             /*overwrite=*/true));
  file->Write(header);
  constexpr size_t kBlockRows = 4096;
  const size_t blocks = (rows.size() + kBlockRows - 1) / kBlockRows;
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<size_t> next_block{0};
  std::mutex mu;
  std::condition_variable turn_changed;
  size_t turn = 0;  // the block to write next
  std::vector<uint64_t> suppressed_cells(static_cast<size_t>(threads), 0);
  std::vector<std::thread> workers;
  for (int k = 0; k < threads; ++k) {
    workers.emplace_back([&, k] {
      std::string out;
      out.reserve(kBlockRows * 400);
      for (size_t b; (b = next_block.fetch_add(1)) < blocks;) {
        out.clear();
        format_rows(b * kBlockRows, std::min(rows.size(), (b + 1) * kBlockRows), out,
                    suppressed_cells[static_cast<size_t>(k)]);
        std::unique_lock lock(mu);
        turn_changed.wait(lock, [&] { return turn == b; });
        file->Write(out);
        ++turn;
        turn_changed.notify_all();
      }
    });
  }
  for (auto& w : workers) w.join();
  LANTERN_RETURN_IF_ERROR(file->Close());
  stats->rows = rows.size();
  for (uint64_t n : suppressed_cells) stats->cells_suppressed += n;
  for (size_t i = 0; i < rows.size(); ++i) stats->rows_suppressed += hidden[kMeasureEnrolments][i];
  return WriteEesMetadata(out_dir + "/attendance.meta.csv", Metadata());
}

}  // namespace lantern
