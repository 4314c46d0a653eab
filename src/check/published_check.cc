// lantern/published_check.h: a build's school and LA absence against the
// 2018/19 published figures.
#include "lantern/published_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "aggregate/groups.h"
#include "common/csv_reader.h"
#include "common/csv_table.h"
#include "common/csv_writer.h"
#include "common/file_util.h"
#include "common/parallel.h"
#include "compute/compute.h"
#include "lantern/measures.h"
#include "model/policy.h"
#include "reference/lait.h"
#include "reference/real_data.h"
#include "reference/school_frame.h"
#include "stats/intervals.h"
#include "store/loaded_store.h"

namespace lantern {
namespace {

constexpr double kZ95 = 1.959964;
constexpr double kRounding = 0.05;  // published to one decimal place

// A group's absence sums from the cube: enrolments, possible and overall
// absence sessions, persistent absentees, and the sums of squares behind the
// rate's enrolment-clustered standard error.
struct AbsenceSums {
  int64_t n = 0, possible = 0, absent = 0, persistent = 0;
  int64_t absent_sq = 0, absent_x_possible = 0, possible_sq = 0;
  double rate() const { return possible > 0 ? 100.0 * static_cast<double>(absent) / possible : 0; }
  double RateSe() const {
    return 100 * stats::RatioStandardError(n, absent, possible, absent_sq, absent_x_possible,
                                           possible_sq);
  }
  double persistent_rate() const {
    return n > 0 ? 100.0 * static_cast<double>(persistent) / static_cast<double>(n) : 0;
  }
};

PublishedComparison Within(double computed, double se, double lower, double upper,
                           double published) {
  PublishedComparison c;
  c.computed = computed;
  c.se = se;
  c.lower = lower;
  c.upper = upper;
  c.published = published;
  c.inside = published >= lower - kRounding && published <= upper + kRounding;
  return c;
}

// Overall absence: computed +- 1.96 se.
PublishedComparison CompareRate(double computed, const AbsenceSums& acc, double published) {
  const double se = acc.RateSe();
  return Within(computed, se, computed - kZ95 * se, computed + kZ95 * se, published);
}

// Persistent absence: Wilson's score interval for `computed` percent of n.
PublishedComparison CompareProportion(double computed, size_t n, double published) {
  const auto w =
      stats::WilsonInterval(computed / 100 * static_cast<double>(n), static_cast<double>(n));
  return Within(computed, 100 * (w.upper - w.lower) / (2 * kZ95), 100 * w.lower, 100 * w.upper,
                published);
}

// School Total rows of attendance.csv (school location, Total breakdown):
// urn -> (overall %, persistent %), NaN where suppressed.
Result<std::unordered_map<int, std::pair<double, double>>> ReadSchoolRows(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  std::string_view body = file->data();
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  CsvReader reader(body);
  CsvRecord rec;
  if (!reader.Next(&rec)) return Status::InvalidArgument(path + " is empty");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rec.fields.size(); ++i) col[std::string(rec.fields[i])] = i;
  std::vector<size_t> need;
  for (const char* name :
       {"geographic_level", "school_urn", "school_type", "location_basis", "breakdown_topic",
        "sess_overall_percent", "enrolments_pa_10_exact_percent"}) {
    auto it = col.find(name);
    if (it == col.end())
      return Status::InvalidArgument(fmt::format("{} has no column {}", path, name));
    need.push_back(it->second);
  }
  // A suppressed or missing figure (c, x, z, low) is NaN.
  auto number = [](std::string_view s) { return ParsePublishedNumber(s).value_or(std::nan("")); };
  std::unordered_map<int, std::pair<double, double>> out;
  while (reader.Next(&rec)) {
    if (rec.error != CsvError::kNone || rec.fields.size() <= need.back()) continue;
    if (rec.fields[need[0]] != "School" || rec.fields[need[3]] != "School location" ||
        rec.fields[need[4]] != "Total") {
      continue;
    }
    const int urn = std::atoi(std::string(rec.fields[need[1]]).c_str());
    out[urn] = {number(rec.fields[need[5]]), number(rec.fields[need[6]])};
  }
  return out;
}

AgreementSummary Summarise(const std::vector<const PublishedComparison*>& items) {
  AgreementSummary s;
  s.compared = items.size();
  if (items.empty()) return s;
  double mx = 0, my = 0;
  for (const auto* c : items) {
    s.inside += c->inside;
    mx += c->published;
    my += c->computed;
    s.mean_abs_difference += std::fabs(c->difference());
    s.mean_difference += c->difference();
    s.max_abs_difference = std::max(s.max_abs_difference, std::fabs(c->difference()));
  }
  const double n = static_cast<double>(items.size());
  mx /= n;
  my /= n;
  s.mean_abs_difference /= n;
  s.mean_difference /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (const auto* c : items) {
    sxy += (c->published - mx) * (c->computed - my);
    sxx += std::pow(c->published - mx, 2);
    syy += std::pow(c->computed - my, 2);
  }
  s.correlation = sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
  return s;
}

// The LAIT measures for each school type: overall, persistent.
struct LaitMeasures {
  const char* school_type;
  const char* overall;
  const char* persistent;
};
constexpr LaitMeasures kLaitMeasures[] = {
    {"Total", "TotAbs", "TotPerAbNew"},
    {"State-funded primary", "PriTotAbs", "SFPriPerAbNew"},
    {"State-funded secondary", "SecTotAbs", "SFSecPerAbNew"},
    {"State-funded special", "total_absence_special", "SpecPerAbNew"},
};

// The KS4 measures of every school against ATT8SCR, P8MEA and the
// sustained-destination rate. A store with no KS4 results leaves a note.
void CheckKs4(const LoadedStore& store, const SchoolFrame& frame, const std::string& real_dir,
              const PublishedCheckOptions& options, PublishedCheckReport* report) {
  MeasuresOptions m;
  m.store_dir = options.store_dir;
  m.policy_file = options.policy_file;
  m.threads = options.threads;
  if (options.estimates_file.empty()) {
    const std::string published =
        real_dir + "/progress8_ks2_estimates_2024/p8_pupil_coefficients_file.csv";
    if (std::filesystem::exists(published)) m.estimates_file = published;
  } else if (options.estimates_file != "cohort") {
    m.estimates_file = options.estimates_file;
  }
  auto measures = ComputeMeasures(store, m);
  if (!measures.ok()) {
    report->ks4_note = measures.status().message();
    return;
  }
  report->ks4_estimates = measures->estimates_source;
  constexpr double kP8Rounding = 0.005, kAtt8Rounding = 0.05;
  for (const SchoolMeasures& s : measures->schools) {
    const FrameSchool* f = frame.Find(s.urn);
    if (f == nullptr || s.ks4_pupils == 0) continue;
    Ks4SchoolCheck c;
    c.urn = s.urn;
    c.la_code = s.la_code;
    c.school_type = s.school_type;
    c.ks4_pupils = s.ks4_pupils;
    c.p8_pupils = s.p8.pupils;
    const double half = s.p8.available ? (s.p8.upper - s.p8.lower) / 2 : 0;
    if (f->p8 && s.p8.available) {
      c.has_p8 = true;
      c.p8 = Within(s.p8.score, half / kZ95, s.p8.lower, s.p8.upper, *f->p8);
      c.p8.inside = *f->p8 >= s.p8.lower - kP8Rounding && *f->p8 <= s.p8.upper + kP8Rounding;
    }
    if (f->att8 && s.p8.available) {
      c.has_att8 = true;
      c.att8 = Within(s.att8, 10 * half / kZ95, s.att8 - 10 * half, s.att8 + 10 * half, *f->att8);
      c.att8.inside =
          *f->att8 >= c.att8.lower - kAtt8Rounding && *f->att8 <= c.att8.upper + kAtt8Rounding;
    }
    if (f->dest_overall && f->dest_cohort && *f->dest_cohort > 0 && s.sustained_destination >= 0) {
      c.has_sustained = true;
      const double n = s.ks4_pupils;
      const auto w = stats::WilsonInterval(s.sustained_destination * n, n);
      const double published = 100 * *f->dest_overall / *f->dest_cohort;
      c.sustained = Within(100 * s.sustained_destination, 100 * (w.upper - w.lower) / (2 * kZ95),
                           100 * w.lower, 100 * w.upper, published);
      c.sustained.inside = published >= 100 * w.lower - 1e-9 && published <= 100 * w.upper + 1e-9;
    }
    if (c.has_att8 || c.has_p8 || c.has_sustained) report->ks4_schools.push_back(std::move(c));
  }
  std::vector<const PublishedComparison*> a, p, d;
  for (const auto& c : report->ks4_schools) {
    if (c.has_att8) a.push_back(&c.att8);
    if (c.has_p8) p.push_back(&c.p8);
    if (c.has_sustained) d.push_back(&c.sustained);
  }
  report->school_att8 = Summarise(a);
  report->school_p8 = Summarise(p);
  report->school_sustained = Summarise(d);
}

}  // namespace

Result<PublishedCheckReport> CheckAgainstPublished(const PublishedCheckOptions& options) {
  std::string policy_file = options.policy_file;
  if (policy_file.empty() && std::filesystem::exists(options.build_dir + "/policy.json")) {
    policy_file = options.build_dir + "/policy.json";
  }
  Policy policy;
  if (!policy_file.empty()) {
    LANTERN_ASSIGN_OR_RETURN(policy, LoadPolicy(policy_file));
  }
  LANTERN_ASSIGN_OR_RETURN(std::string real_dir, FindRealDataDir(options.real_data_dir));
  LANTERN_ASSIGN_OR_RETURN(SchoolFrame frame, LoadSchoolFrame(real_dir));
  std::vector<std::string> measures;
  for (const auto& m : kLaitMeasures) measures.insert(measures.end(), {m.overall, m.persistent});
  LANTERN_ASSIGN_OR_RETURN(LaitIndicators lait, LaitIndicators::Load(real_dir, measures));
  LANTERN_ASSIGN_OR_RETURN(auto output, ReadSchoolRows(options.build_dir + "/attendance.csv"));

  LANTERN_ASSIGN_OR_RETURN(auto loaded, LoadedStore::Open(options.store_dir, options.threads));
  const StoreState& state = loaded->impl().state;
  if (!state.year)
    return Status::FailedPrecondition(options.store_dir + " has no attendance marks");
  const AcademicYear year = *state.year;

  // The attendance family's own figures, from the same computation as the build.
  LANTERN_ASSIGN_OR_RETURN(const Catalogue* catalogue, DefaultCatalogue());
  const Indicator* overall = catalogue->Find("sess_overall_percent");
  const Indicator* pa = catalogue->Find("enrolments_pa_10_exact_percent");
  if (overall == nullptr || pa == nullptr)
    return Status::Internal("check: absence indicators missing");
  ComputeRequest request;
  request.state = &state;
  request.store = loaded->impl().store.get();
  request.policy = &policy;
  request.catalogue = catalogue;
  request.indicators = {static_cast<size_t>(overall - catalogue->indicators().data()),
                        static_cast<size_t>(pa - catalogue->indicators().data())};
  request.threads = options.threads;
  LANTERN_ASSIGN_OR_RETURN(Computation c, Compute(request));
  const int m_n = c.Index(overall->units), m_possible = c.Index(overall->denominator),
            m_absent = c.Index(overall->numerator), m_pa = c.Index(pa->numerator),
            m_a2 = c.Index(overall->sum_squares), m_ab = c.Index(overall->cross_products),
            m_b2 = c.Index(overall->denominator_squares);
  auto sums = [&](const int64_t* v) {
    return AbsenceSums{v[m_n], v[m_possible], v[m_absent], v[m_pa], v[m_a2], v[m_ab], v[m_b2]};
  };
  const size_t n_schools = state.schools.size();
  std::vector<AbsenceSums> by_school(n_schools);
  std::vector<int64_t> values(c.cube.measures());
  for (size_t s = 0; s < n_schools; ++s) {
    if (c.cube.school_type(s) < 0) continue;
    c.cube.SchoolValues(s, kTotalCategory, values.data());
    by_school[s] = sums(values.data());
  }
  // LAs (by school location) and England, for Total and each headline type.
  std::map<std::pair<int, std::string>, AbsenceSums> by_area;
  for (size_t u = 0; u < c.cube.units().size(); ++u) {
    const AggregateUnit& unit = c.cube.units()[u];
    if (unit.basis != LocationBasis::kSchool) continue;
    int area;
    if (unit.geography.level == GeographicLevel::kNational) {
      area = 0;
    } else if (unit.geography.level == GeographicLevel::kLocalAuthority) {
      area = std::atoi(unit.geography.old_la_code.c_str());
    } else {
      continue;
    }
    for (int t = 0; t < kReportTypes; ++t) {
      if (t != kTotalType && !InHeadlineTotal(t, policy)) continue;
      const AbsenceSums a = sums(c.cube.Aggregate(u, t, kTotalCategory));
      if (a.n == 0) continue;
      by_area[{area, std::string(ReportTypeLabel(t))}] = a;
    }
  }

  PublishedCheckReport report;
  report.time_period = year.TimePeriod();
  for (size_t s = 0; s < n_schools; ++s) {
    const AbsenceSums& acc = by_school[s];
    const FrameSchool* f = frame.Find(state.schools.urn[s]);
    if (f == nullptr || acc.n == 0 || (!f->overall_absence_pct && !f->persistent_absence_pct)) {
      continue;
    }
    SchoolCheck c;
    c.urn = f->urn;
    c.la_code = state.schools.la_code[s];
    c.school_type = std::string(SchoolTypeLabel(state.schools.school_type(s)));
    c.enrolments = static_cast<uint32_t>(acc.n);
    // The figure compared is the published output's; the recount checks it.
    double overall = acc.rate(), persistent = acc.persistent_rate();
    auto row = output.find(c.urn);
    if (row == output.end()) {
      ++report.schools_without_output;
    } else {
      const auto [o, p] = row->second;
      if ((!std::isnan(o) && std::fabs(o - overall) > 1e-4) ||
          (!std::isnan(p) && std::fabs(p - persistent) > 1e-4)) {
        ++report.output_mismatches;
      }
      if (!std::isnan(o)) overall = o;
      if (!std::isnan(p)) persistent = p;
    }
    if (f->overall_absence_pct) {
      c.has_overall = true;
      c.overall = CompareRate(overall, acc, *f->overall_absence_pct);
    }
    if (f->persistent_absence_pct) {
      c.has_persistent = true;
      c.persistent =
          CompareProportion(persistent, static_cast<size_t>(acc.n), *f->persistent_absence_pct);
    }
    report.schools.push_back(std::move(c));
  }

  for (const auto& [key, acc] : by_area) {
    const auto& [la, type] = key;
    for (const auto& m : kLaitMeasures) {
      if (type != m.school_type) continue;
      const int area = la == 0 ? LaitIndicators::kEngland : la;
      for (bool persistent : {false, true}) {
        const char* measure = persistent ? m.persistent : m.overall;
        auto published = lait.Get(measure, area, year);
        if (!published) continue;
        AreaCheck a;
        a.la_code = la;
        a.school_type = type;
        a.measure = persistent ? "persistent" : "overall";
        a.source = fmt::format("LAIT {}", measure);
        a.enrolments = static_cast<uint32_t>(acc.n);
        a.value = persistent ? CompareProportion(acc.persistent_rate(), static_cast<size_t>(acc.n),
                                                 *published)
                             : CompareRate(acc.rate(), acc, *published);
        report.areas.push_back(std::move(a));
      }
    }
  }

  std::vector<const PublishedComparison*> so, sp, lo, lp;
  for (const auto& c : report.schools) {
    if (c.has_overall) so.push_back(&c.overall);
    if (c.has_persistent) sp.push_back(&c.persistent);
  }
  for (const auto& a : report.areas) {
    if (a.la_code == 0 || a.school_type != "Total") continue;
    (a.measure == "overall" ? lo : lp).push_back(&a.value);
  }
  report.school_overall = Summarise(so);
  report.school_persistent = Summarise(sp);
  report.la_overall = Summarise(lo);
  report.la_persistent = Summarise(lp);
  if (options.ks4) CheckKs4(*loaded, frame, real_dir, options, &report);
  return report;
}

std::string PublishedCheckReport::Markdown(int largest_misses) const {
  std::string md;
  auto line = [](const char* what, const AgreementSummary& s) {
    return fmt::format("| {} | {} | {} ({:.1f}%) | {:.3f} | {:.2f} | {:+.2f} | {:.2f} |\n", what,
                       s.compared, s.inside, s.compared ? 100.0 * s.inside / s.compared : 0.0,
                       s.correlation, s.mean_abs_difference, s.mean_difference,
                       s.max_abs_difference);
  };
  md += fmt::format(
      "Time period {}. Published school figures: performance tables 2018/19 "
      "(PERCTOT, PPERSABS10); LA figures: LAIT.\n\n",
      time_period);
  md +=
      "| figure | compared | inside the 95% interval | correlation | mean abs. difference "
      "(points) | mean difference | largest difference |\n| --- | --- | --- | --- | --- | --- | "
      "--- |\n";
  md += line("school overall absence", school_overall);
  md += line("school persistent absence", school_persistent);
  md += line("LA overall absence (TotAbs)", la_overall);
  md += line("LA persistent absence (TotPerAbNew)", la_persistent);
  md += fmt::format(
      "\nSchool figures in attendance.csv that differ from the recount: {}. "
      "Schools with a published figure but no row: {}.\n",
      output_mismatches, schools_without_output);

  // By school type.
  std::map<std::string, std::vector<const PublishedComparison*>> by_type_o, by_type_p;
  for (const auto& c : schools) {
    if (c.has_overall) by_type_o[c.school_type].push_back(&c.overall);
    if (c.has_persistent) by_type_p[c.school_type].push_back(&c.persistent);
  }
  md +=
      "\n| school type | overall: inside / compared | mean difference | persistent: inside / "
      "compared | mean difference |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& [type, items] : by_type_o) {
    const AgreementSummary o = Summarise(items), p = Summarise(by_type_p[type]);
    md += fmt::format("| {} | {} / {} | {:+.2f} | {} / {} | {:+.2f} |\n", type, o.inside,
                      o.compared, o.mean_difference, p.inside, p.compared, p.mean_difference);
  }

  // Largest misses, in standard errors.
  struct Miss {
    const SchoolCheck* school;
    const char* measure;
    const PublishedComparison* c;
    double z;
  };
  std::vector<Miss> misses;
  for (const auto& c : schools) {
    auto add = [&](const char* m, const PublishedComparison& v) {
      // Beyond the interval's near end, in standard errors.
      const double beyond = v.published > v.upper ? v.published - v.upper - kRounding
                                                  : v.lower - v.published - kRounding;
      misses.push_back({&c, m, &v, v.se > 0 ? std::max(0.0, beyond) / v.se : 0});
    };
    if (c.has_overall) add("overall", c.overall);
    if (c.has_persistent) add("persistent", c.persistent);
  }
  std::sort(misses.begin(), misses.end(), [](const Miss& a, const Miss& b) { return a.z > b.z; });
  if (misses.size() > static_cast<size_t>(largest_misses)) misses.resize(largest_misses);
  md +=
      "\nLargest misses (how far the published figure lies beyond the 95% interval and its "
      "rounding, in standard errors):\n\n"
      "| URN | LA | school type | enrolments | measure | computed | 95% interval | published | "
      "beyond (SE) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& m : misses) {
    md += fmt::format("| {} | {} | {} | {} | {} | {:.2f} | {:.2f} to {:.2f} | {:.1f} | {:.1f} |\n",
                      m.school->urn, m.school->la_code, m.school->school_type, m.school->enrolments,
                      m.measure, m.c->computed, m.c->lower, m.c->upper, m.c->published, m.z);
  }

  if (!ks4_schools.empty()) {
    md += fmt::format(
        "\nKS4 measures against the performance tables 2019 (ATT8SCR, P8MEA) and the KS4 "
        "destination measures (OVERALL_DEST / COHORT); P8 against {}:\n\n",
        ks4_estimates);
    md +=
        "| figure | compared | inside the 95% interval | correlation | mean abs. difference | "
        "mean difference | largest difference |\n| --- | --- | --- | --- | --- | --- | --- |\n";
    md += line("school Attainment 8 (points)", school_att8);
    md += line("school Progress 8", school_p8);
    md += line("school sustained destinations (%)", school_sustained);
  } else if (!ks4_note.empty()) {
    md += fmt::format("\nKS4 measures not compared: {}\n", ks4_note);
  }
  md +=
      "\nLocal authorities (school location; Total = state-funded primary, secondary and "
      "special):\n\n| LA | school type | measure | computed | published | difference | source |\n"
      "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& a : areas) {
    md += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} | {:+.2f} | {} |\n",
                      a.la_code == 0 ? std::string("England") : std::to_string(a.la_code),
                      a.school_type, a.measure, a.value.computed, a.value.published,
                      a.value.difference(), a.source);
  }
  return md;
}

Status WritePublishedCheck(const PublishedCheckReport& report, const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", out_dir, ec.message()));
  std::string schools =
      "urn,la_code,school_type,enrolments,overall_computed,overall_se,overall_published,"
      "overall_lower,overall_upper,overall_inside,persistent_computed,persistent_se,"
      "persistent_published,persistent_lower,persistent_upper,persistent_inside\n";
  auto cells = [](bool has, const PublishedComparison& c) {
    return has ? fmt::format("{:.4f},{:.4f},{:.1f},{:.4f},{:.4f},{}", c.computed, c.se, c.published,
                             c.lower, c.upper, c.inside ? 1 : 0)
               : std::string(",,,,,");
  };
  for (const auto& c : report.schools) {
    schools +=
        fmt::format("{},{},{},{},{},{}\n", c.urn, c.la_code, CsvQuote(c.school_type), c.enrolments,
                    cells(c.has_overall, c.overall), cells(c.has_persistent, c.persistent));
  }
  LANTERN_RETURN_IF_ERROR(WriteFileAtomic(out_dir + "/published_check_schools.csv", schools));
  std::string areas =
      "la_code,school_type,measure,enrolments,computed,se,lower,upper,published,inside,source\n";
  for (const auto& a : report.areas) {
    areas += fmt::format("{},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f},{},{},{}\n", a.la_code,
                         CsvQuote(a.school_type), a.measure, a.enrolments, a.value.computed,
                         a.value.se, a.value.lower, a.value.upper, a.value.published,
                         a.value.inside ? 1 : 0, a.source);
  }
  LANTERN_RETURN_IF_ERROR(WriteFileAtomic(out_dir + "/published_check_areas.csv", areas));
  if (report.ks4_schools.empty()) return Status::Ok();
  std::string ks4 =
      "urn,la_code,school_type,ks4_pupils,p8_pupils,att8_computed,att8_lower,att8_upper,"
      "att8_published,att8_inside,p8_computed,p8_lower,p8_upper,p8_published,p8_inside,"
      "sustained_computed,sustained_lower,sustained_upper,sustained_published,sustained_inside\n";
  auto three = [](bool has, const PublishedComparison& c) {
    return has ? fmt::format("{:.4f},{:.4f},{:.4f},{:.4f},{}", c.computed, c.lower, c.upper,
                             c.published, c.inside ? 1 : 0)
               : std::string(",,,,");
  };
  for (const auto& c : report.ks4_schools) {
    ks4 += fmt::format("{},{},{},{},{},{},{},{}\n", c.urn, c.la_code, CsvQuote(c.school_type),
                       c.ks4_pupils, c.p8_pupils, three(c.has_att8, c.att8), three(c.has_p8, c.p8),
                       three(c.has_sustained, c.sustained));
  }
  return WriteFileAtomic(out_dir + "/published_check_ks4.csv", ks4);
}

}  // namespace lantern
