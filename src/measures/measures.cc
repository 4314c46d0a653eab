// `lantern measures`: Attainment 8, Progress 8, Progress 5, broader
// attainment and destinations from a store (docs/measures.md).
#include "lantern/measures.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <unordered_map>

#include "common/parallel.h"
#include "measures/destinations.h"
#include "measures/measures_internal.h"
#include "measures/progress.h"
#include "measures/qualifications.h"
#include "measures/slots.h"
#include "model/policy.h"
#include "model/upn.h"
#include "publish/open_data_table.h"
#include "store/loaded_store.h"
#include "suppress/disclosure.h"

namespace lantern {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> ElementNames(const SlotDeclaration& d) {
  std::vector<std::string> names;
  for (const auto& e : d.elements) names.push_back(e.name);
  return names;
}

std::vector<int> ElementDivisors(const SlotDeclaration& d) {
  std::vector<int> div;
  for (const auto& e : d.elements) div.push_back(e.slots * e.weight);
  return div;
}

// The KS2 average scaled score of a pupil (definitions.md 3.4), if any.
std::optional<double> Ks2Average(const StoreState& s, uint32_t pupil,
                                 const std::vector<uint32_t>& ks2_row, const Policy& policy) {
  int sum = 0, n = 0;
  if (pupil < ks2_row.size() && ks2_row[pupil] != kNoIndex) {
    const Ks2ResultTable& t = s.ks2_results;
    const uint32_t r = ks2_row[pupil];
    const std::pair<uint8_t, uint8_t> subjects[2] = {{t.read_scaled[r], t.read_status[r]},
                                                     {t.mat_scaled[r], t.mat_status[r]}};
    for (auto [score, status] : subjects) {
      const auto st = static_cast<Ks2Status>(status);
      if (st == Ks2Status::kTested && score > 0) {
        sum += score;
        ++n;
      } else if (st == Ks2Status::kBelowTest) {
        sum += policy.ks2_nominal_below_test;
        ++n;
      }
    }
  } else {
    for (uint8_t score : {s.pupils.ks2_reading[pupil], s.pupils.ks2_maths[pupil]}) {
      if (score > 0) {
        sum += score;
        ++n;
      }
    }
  }
  if (n == 0) return std::nullopt;
  return static_cast<double>(sum) / n;
}

}  // namespace

Result<MeasuresRun> RunMeasures(const StoreState& s, const MeasuresOptions& options) {
  MeasuresRun run;
  LANTERN_ASSIGN_OR_RETURN(run.policy, LoadPolicyOrDefault(options.policy_file));
  LANTERN_RETURN_IF_ERROR(run.policy.Validate());
  const std::string dir =
      options.catalogue_dir.empty() ? DefaultCatalogueDir() : options.catalogue_dir;
  LANTERN_ASSIGN_OR_RETURN(run.catalogue, QualCatalogue::Load(dir));
  const QualCatalogue& cat = run.catalogue;
  run.a8 = cat.Declaration("a8");
  run.p5 = cat.Declaration("p5");
  run.broader = cat.Declaration("broader");
  const Ks4ResultTable& k4 = s.ks4_results;
  if (k4.size() == 0) {
    return Status::InvalidInput(
        "the store holds no KS4 results: ingest ks4_results.csv (docs/input-schema.md)");
  }
  // The KS4 year: asked for, or the one most results belong to.
  int year = options.ks4_year;
  if (year == 0) {
    std::map<int, size_t> by_year;
    for (size_t r = 0; r < k4.size(); ++r) ++by_year[k4.ks4_year[r]];
    year = std::max_element(by_year.begin(), by_year.end(), [](auto& a, auto& b) {
             return a.second < b.second;
           })->first;
  }
  run.year = year;
  // Each pupil's rows of that year, pupils in the order of the pupils table
  // (so the result does not depend on the order of the input files).
  std::vector<uint32_t> rows;
  for (uint32_t r = 0; r < k4.size(); ++r) {
    if (k4.ks4_year[r] == year && k4.pupil[r] < s.pupils.size() &&
        k4.school[r] < s.schools.size()) {
      rows.push_back(r);
    }
  }
  std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(k4.pupil[a], a) < std::tie(k4.pupil[b], b);
  });
  std::vector<std::pair<size_t, size_t>> spans;  // [begin, end) in rows, per pupil
  for (size_t i = 0, j = 0; i < rows.size(); i = j) {
    while (j < rows.size() && k4.pupil[rows[j]] == k4.pupil[rows[i]]) ++j;
    spans.push_back({i, j});
  }
  std::vector<uint32_t> ks2_row(s.pupils.size(), kNoIndex);
  for (uint32_t r = 0; r < s.ks2_results.size(); ++r) {
    if (s.ks2_results.pupil[r] < ks2_row.size()) ks2_row[s.ks2_results.pupil[r]] = r;
  }
  const size_t n = spans.size();
  run.pupils.resize(n);
  ParallelFor(n, ResolveThreads(options.threads), 256, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) {
      MeasuresPupil& p = run.pupils[i];
      const auto [b, e] = spans[i];
      p.pupil = k4.pupil[rows[b]];
      p.school = k4.school[rows[b]];
      std::vector<KsResult> results;
      for (size_t k = b; k < e; ++k) {
        const uint32_t r = rows[k];
        KsResult x;
        x.qual = cat.Find(k4.qual_id[r]);
        x.series = k4.exam_series[r];
        x.row = r;
        x.attempted = k4.grade[r] != "X";
        if (x.qual < 0) continue;
        if (x.attempted) {
          auto pts = cat.Points(x.qual, k4.grade[r]);
          if (!pts) continue;
          x.points = *pts;
        }
        const std::string& type = cat.qualifications()[static_cast<size_t>(x.qual)].type;
        if (x.attempted && type != "gcse" && type != "level2_certificate") p.vocational = true;
        results.push_back(x);
      }
      p.results = Discount(results, cat, run.policy.ks4_first_entry_rule);
      p.a8 = FillSlots(*run.a8, p.results, cat);
      p.p5 = FillSlots(*run.p5, p.results, cat);
      if (run.broader != nullptr) p.broader = FillSlots(*run.broader, p.results, cat);
      p.ks2_average = Ks2Average(s, p.pupil, ks2_row, run.policy);
      p.pag = p.ks2_average ? cat.Pag(*p.ks2_average) : 0;
      p.in_model = s.schools.school_type(p.school) == SchoolType::kSecondary;
    }
  });
  // Progress: P8 and P5 are the same code on two declarations.
  auto progress = [&](const SlotDeclaration& d, bool is_p8, ProgressScores* scores,
                      std::string* source) -> Status {
    std::vector<ProgressPupil> in(n);
    for (size_t i = 0; i < n; ++i) {
      const SlotOutcome& o = is_p8 ? run.pupils[i].a8 : run.pupils[i].p5;
      in[i] = {run.pupils[i].pag, run.pupils[i].in_model, o.total, o.elements};
    }
    ProgressEstimates est;
    if (is_p8 && !options.estimates_file.empty()) {
      const auto names = ElementNames(d);
      LANTERN_ASSIGN_OR_RETURN(est,
                               ReadEstimatesFile(options.estimates_file, cat.pag_count(), names));
    } else {
      est = CohortEstimates(in, cat.pag_count(), d.elements.size());
    }
    *source = est.source;
    const auto div = ElementDivisors(d);
    *scores = ScoreProgress(in, est, d.divisor(), div, run.policy.progress_cap_share,
                            run.policy.progress_z_star);
    return Status::Ok();
  };
  LANTERN_RETURN_IF_ERROR(progress(*run.a8, true, &run.p8_scores, &run.p8_source));
  LANTERN_RETURN_IF_ERROR(progress(*run.p5, false, &run.p5_scores, &run.p5_source));
  // Destinations of this KS4 year, by pupil.
  const DestinationTable& dt = s.destinations;
  for (uint32_t r = 0; r < dt.size(); ++r) {
    if (dt.ks4_year[r] != year || dt.pupil[r] >= s.pupils.size()) continue;
    auto [it, fresh] = run.destinations.try_emplace(dt.pupil[r]);
    if (fresh) {
      it->second.school = dt.school[r];
      it->second.months.fill(DestinationActivity::kNotKnown);
    }
    const int first = (year + 1) * 12 + 7;
    const int k = (dt.month[r] / 100) * 12 + (dt.month[r] % 100 - 1) - first;
    if (k >= 0 && k < kDestinationMonths) {
      it->second.months[static_cast<size_t>(k)] = static_cast<DestinationActivity>(dt.activity[r]);
    }
  }
  return run;
}

namespace {}  // namespace

MeasuresResult SummariseRun(const StoreState& s, const MeasuresRun& run) {
  MeasuresResult out;
  out.ks4_year = run.year;
  out.estimates_source = run.p8_source;
  out.z_star_p8 = run.p8_scores.z_star;
  out.z_star_p5 = run.p5_scores.z_star;
  out.sd_p8 = run.p8_scores.sd;
  out.sd_p5 = run.p5_scores.sd;
  out.national_p8 = run.p8_scores.national_mean;
  out.national_p5 = run.p5_scores.national_mean;
  const size_t n = run.pupils.size();
  out.pupils = static_cast<int64_t>(n);
  std::map<uint32_t, std::vector<size_t>> by_school;
  double att8_all = 0;
  for (size_t i = 0; i < n; ++i) {
    by_school[run.pupils[i].school].push_back(i);
    att8_all += run.pupils[i].a8.total;
    if (run.pupils[i].pag > 0) ++out.pupils_with_prior;
  }
  if (n > 0) out.national_att8 = att8_all / static_cast<double>(n);
  // Sustained destinations by school.
  std::map<uint32_t, std::pair<int, int>> sustained;  // school -> (sustained, cohort)
  for (size_t i = 0; i < n; ++i) {
    const uint32_t pupil = run.pupils[i].pupil;
    auto it = run.destinations.find(pupil);
    auto& c = sustained[run.pupils[i].school];
    ++c.second;
    if (it != run.destinations.end()) {
      const auto o = ClassifyDestination(it->second.months);
      if (o.sustained <= SustainedDestination::kEmployment) ++c.first;
    }
  }
  for (const auto& [school, members] : by_school) {
    SchoolMeasures m;
    m.urn = s.schools.urn[school];
    m.name = s.schools.name[school];
    m.la_code = s.schools.la_code[school];
    m.trust_id = s.schools.trust_id[school];
    m.school_type = std::string(SchoolTypeLabel(s.schools.school_type(school)));
    m.ks4_pupils = static_cast<int32_t>(members.size());
    std::vector<double> adj8, un8, adj5, un5;
    std::vector<std::vector<double>> el8, el5;
    int cap8 = 0, cap5 = 0, sen = 0, dis = 0, voc = 0;
    for (size_t i : members) {
      const MeasuresPupil& p = run.pupils[i];
      m.att8 += p.a8.total;
      m.broader += p.broader.total;
      m.p5_attainment += p.p5.total;
      sen += s.pupils.sen_provision[p.pupil] != static_cast<uint8_t>(SenProvision::kNone);
      dis += s.pupils.disadvantaged[p.pupil] != 0;
      voc += p.vocational;
      if (!std::isnan(run.p8_scores.adjusted[i])) {
        adj8.push_back(run.p8_scores.adjusted[i]);
        un8.push_back(run.p8_scores.score[i]);
        el8.push_back(run.p8_scores.element_scores[i]);
        cap8 += run.p8_scores.capped[i];
      }
      if (!std::isnan(run.p5_scores.adjusted[i])) {
        adj5.push_back(run.p5_scores.adjusted[i]);
        un5.push_back(run.p5_scores.score[i]);
        el5.push_back(run.p5_scores.element_scores[i]);
        cap5 += run.p5_scores.capped[i];
      }
    }
    const double k = static_cast<double>(members.size());
    m.att8 /= k;
    m.broader /= k;
    m.p5_attainment /= k;
    m.share_sen = sen / k;
    m.share_disadvantaged = dis / k;
    m.share_vocational = voc / k;
    m.p8 = SchoolProgress(adj8, un8, el8, cap8, run.p8_scores.sd);
    m.p5 = SchoolProgress(adj5, un5, el5, cap5, run.p5_scores.sd);
    m.band_moves = m.p8.available && m.p5.available &&
                   std::string_view(ProgressBand3Name(m.p8.band)) != ProgressBand3Name(m.p5.band);
    auto d = sustained.find(school);
    bool any_records = false;
    for (size_t i : members)
      any_records = any_records || run.destinations.count(run.pupils[i].pupil);
    if (any_records && d != sustained.end() && d->second.second > 0) {
      m.sustained_destination = static_cast<double>(d->second.first) / d->second.second;
    }
    out.schools.push_back(std::move(m));
  }
  std::sort(out.schools.begin(), out.schools.end(),
            [](const SchoolMeasures& a, const SchoolMeasures& b) { return a.urn < b.urn; });
  // Percentile bands among schools with the figure and enough pupils.
  const int min_pupils = run.policy.ks4_school_min_pupils;
  std::vector<double> a8v, p8v, p5v;
  std::vector<bool> a8u, p8u, p5u;
  for (const auto& m : out.schools) {
    a8v.push_back(m.att8);
    a8u.push_back(m.ks4_pupils >= min_pupils);
    p8v.push_back(m.p8.score);
    p8u.push_back(m.p8.available && m.p8.pupils >= min_pupils);
    p5v.push_back(m.p5.score);
    p5u.push_back(m.p5.available && m.p5.pupils >= min_pupils);
  }
  const auto a8b = PercentileBands(a8v, a8u), p8b = PercentileBands(p8v, p8u),
             p5b = PercentileBands(p5v, p5u);
  for (size_t i = 0; i < out.schools.size(); ++i) {
    out.schools[i].att8_percentile_band = a8b[i];
    out.schools[i].p8.percentile_band = p8b[i];
    out.schools[i].p5.percentile_band = p5b[i];
  }
  return out;
}

Result<MeasuresResult> ComputeMeasures(const LoadedStore& store, const MeasuresOptions& options) {
  const StoreState& s = store.impl().state;
  LANTERN_ASSIGN_OR_RETURN(MeasuresRun run, RunMeasures(s, options));
  return SummariseRun(s, run);
}

Result<std::vector<PupilMeasures>> ComputePupilMeasures(const LoadedStore& store,
                                                        const MeasuresOptions& options,
                                                        int32_t urn) {
  const StoreState& s = store.impl().state;
  LANTERN_ASSIGN_OR_RETURN(MeasuresRun run, RunMeasures(s, options));
  std::vector<PupilMeasures> out;
  const auto& quals = run.catalogue.qualifications();
  auto slots = [&](const MeasuresPupil& p, const SlotOutcome& o, const SlotDeclaration& d) {
    std::vector<PupilSlot> list;
    for (const SlotFill& f : o.fills) {
      const KsResult& r = p.results[static_cast<size_t>(f.result)];
      const Qualification& q = quals[static_cast<size_t>(r.qual)];
      list.push_back({d.elements[static_cast<size_t>(f.element)].name, q.id, q.title,
                      s.ks4_results.grade[r.row], f.points, f.weight});
    }
    return list;
  };
  for (size_t i = 0; i < run.pupils.size(); ++i) {
    const MeasuresPupil& p = run.pupils[i];
    if (s.schools.urn[p.school] != urn) continue;
    PupilMeasures m;
    m.upn = UnpackUpn(s.pupils.upn[p.pupil]);
    m.att8 = p.a8.total;
    m.ks2_average = p.ks2_average;
    m.pag = p.pag;
    if (!std::isnan(run.p8_scores.score[i])) {
      m.p8 = run.p8_scores.score[i];
      m.p8_adjusted = run.p8_scores.adjusted[i];
    }
    if (!std::isnan(run.p5_scores.score[i])) {
      m.p5 = run.p5_scores.score[i];
      m.p5_adjusted = run.p5_scores.adjusted[i];
    }
    m.p5_attainment = p.p5.total;
    m.broader = p.broader.total;
    m.a8_slots = slots(p, p.a8, *run.a8);
    m.p5_slots = slots(p, p.p5, *run.p5);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace lantern
