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

Pathway PathwayOf(int entries, int technical_entries) {
  if (entries <= 0) return Pathway::kNone;
  if (4 * technical_entries < entries) return Pathway::kAcademic;
  if (2 * technical_entries < entries) return Pathway::kMixed;
  return Pathway::kTechnical;
}

const char* PathwayLabel(Pathway pathway) {
  switch (pathway) {
    case Pathway::kAcademic:
      return "Mainly academic";
    case Pathway::kMixed:
      return "Mixed";
    case Pathway::kTechnical:
      return "Mainly technical or vocational";
    case Pathway::kNone:
      break;
  }
  return "No entries";
}

void PupilResults(const StoreState& s, const MeasuresRun& run, const MeasuresPupil& p,
                  std::vector<KsResult>* results, MeasuresPupil* entries) {
  const Ks4ResultTable& k4 = s.ks4_results;
  const QualCatalogue& cat = run.catalogue;
  const auto& quals = cat.qualifications();
  int attempted = 0, technical = 0;
  results->clear();
  for (uint32_t k = p.rows_begin; k < p.rows_end; ++k) {
    const uint32_t r = run.rows[k];
    KsResult x;
    x.qual = cat.Find(k4.qual_id[r]);
    if (x.qual < 0) continue;
    x.series = k4.exam_series[r];
    x.row = r;
    x.attempted = k4.grade[r] != "X";
    if (x.attempted) {
      const int g = cat.GradeCode(k4.grade[r]);
      if (g < 0) continue;
      x.points = cat.PointsOfCode(x.qual, g);
      if (std::isnan(x.points)) continue;
      ++attempted;
      technical += quals[static_cast<size_t>(x.qual)].technical;
    }
    results->push_back(x);
  }
  if (entries != nullptr) {
    entries->entries = static_cast<uint8_t>(std::min(attempted, 255));
    entries->technical_entries = static_cast<uint8_t>(std::min(technical, 255));
    entries->vocational = technical > 0;
  }
}

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
  // (so the result does not depend on the order of the input files): a
  // counting sort by pupil, stable, so a pupil's rows keep their order.
  const size_t pupil_count = s.pupils.size();
  // One array by pupil row, reused: the counting sort's offsets, then each
  // pupil's KS2 row, then each pupil's destination (fresh memory is the
  // dearest thing at national scale).
  std::vector<uint32_t> by_pupil(pupil_count + 1, 0);
  auto in_year = [&](uint32_t r) {
    return k4.ks4_year[r] == year && k4.pupil[r] < pupil_count && k4.school[r] < s.schools.size();
  };
  size_t n = 0;
  for (uint32_t r = 0; r < k4.size(); ++r) {
    if (in_year(r)) n += by_pupil[k4.pupil[r]]++ == 0;
  }
  // Offsets as ends, then filled backwards (stable): each entry ends as the
  // pupil's first row.
  for (size_t p = 1; p <= pupil_count; ++p) by_pupil[p] += by_pupil[p - 1];
  run.rows.resize(by_pupil[pupil_count]);
  for (uint32_t r = static_cast<uint32_t>(k4.size()); r-- > 0;) {
    if (in_year(r)) run.rows[--by_pupil[k4.pupil[r]]] = r;
  }
  run.pupils.reserve(n);
  for (uint32_t p = 0; p < pupil_count; ++p) {
    const uint32_t end = by_pupil[p + 1];
    if (end == by_pupil[p]) continue;
    MeasuresPupil m;
    m.pupil = p;
    m.school = k4.school[run.rows[by_pupil[p]]];
    m.rows_begin = by_pupil[p];
    m.rows_end = end;
    run.pupils.push_back(m);
  }
  std::vector<uint32_t>& ks2_row = by_pupil;
  std::fill(ks2_row.begin(), ks2_row.end(), kNoIndex);
  for (uint32_t r = 0; r < s.ks2_results.size(); ++r) {
    if (s.ks2_results.pupil[r] < pupil_count) ks2_row[s.ks2_results.pupil[r]] = r;
  }
  // Every pupil's slots, in parallel: each worker's buffers are reused from
  // pupil to pupil, and only totals and elements are kept (the pupil view
  // fills the slots again for the one school it shows).
  ParallelFor(n, ResolveThreads(options.threads), 1024, [&](size_t begin, size_t end, int) {
    std::vector<KsResult> results, kept;
    SlotScratch scratch;
    SlotOutcome o;
    auto keep = [](const SlotOutcome& from, SlotTotals* to) {
      to->total = from.total;
      for (size_t k = 0; k < from.elements.size() && k < kMaxSlotElements; ++k) {
        to->elements[k] = from.elements[k];
      }
    };
    for (size_t i = begin; i < end; ++i) {
      MeasuresPupil& p = run.pupils[i];
      PupilResults(s, run, p, &results, &p);
      DiscountInto(results, cat, run.policy.ks4_first_entry_rule, &scratch, &kept);
      FillSlotsInto(*run.a8, kept, cat, false, &scratch, &o);
      keep(o, &p.a8);
      FillSlotsInto(*run.p5, kept, cat, false, &scratch, &o);
      keep(o, &p.p5);
      if (run.broader != nullptr) {
        FillSlotsInto(*run.broader, kept, cat, false, &scratch, &o);
        keep(o, &p.broader);
      }
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
      const SlotTotals& o = is_p8 ? run.pupils[i].a8 : run.pupils[i].p5;
      in[i].pag = run.pupils[i].pag;
      in[i].in_model = run.pupils[i].in_model;
      in[i].total = o.total;
      std::copy(o.elements.begin(), o.elements.end(), in[i].elements.begin());
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
  // Destinations of this KS4 year, by pupil (in the order of the pupils
  // table).
  const DestinationTable& dt = s.destinations;
  run.destination_of_pupil = std::move(by_pupil);
  std::fill(run.destination_of_pupil.begin(), run.destination_of_pupil.end(), kNoIndex);
  const int first_month = (year + 1) * 12 + 7;
  for (uint32_t r = 0; r < dt.size(); ++r) {
    if (dt.ks4_year[r] != year || dt.pupil[r] >= pupil_count) continue;
    uint32_t& d = run.destination_of_pupil[dt.pupil[r]];
    if (d == kNoIndex) {
      d = static_cast<uint32_t>(run.destinations.size());
      PupilDestination pd;
      pd.pupil = dt.pupil[r];
      pd.school = dt.school[r];
      pd.months.fill(DestinationActivity::kNotKnown);
      run.destinations.push_back(pd);
    }
    const int k = (dt.month[r] / 100) * 12 + (dt.month[r] % 100 - 1) - first_month;
    if (k >= 0 && k < kDestinationMonths) {
      run.destinations[d].months[static_cast<size_t>(k)] =
          static_cast<DestinationActivity>(dt.activity[r]);
    }
  }
  {
    // In the order of the pupils table, whatever the order of the file.
    std::vector<PupilDestination> ordered;
    ordered.reserve(run.destinations.size());
    for (uint32_t p = 0; p < pupil_count; ++p) {
      uint32_t& d = run.destination_of_pupil[p];
      if (d == kNoIndex) continue;
      ordered.push_back(run.destinations[d]);
      d = static_cast<uint32_t>(ordered.size() - 1);
    }
    run.destinations = std::move(ordered);
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
  // Pupils by school: a counting sort of the pupil indexes.
  const size_t school_count = s.schools.size();
  std::vector<uint32_t> school_first(school_count + 1, 0), by_school(n);
  double att8_all = 0;
  for (size_t i = 0; i < n; ++i) {
    ++school_first[run.pupils[i].school + 1];
    att8_all += run.pupils[i].a8.total;
    if (run.pupils[i].pag > 0) ++out.pupils_with_prior;
  }
  for (size_t c = 0; c < school_count; ++c) school_first[c + 1] += school_first[c];
  {
    std::vector<uint32_t> next(school_first.begin(), school_first.end() - 1);
    for (size_t i = 0; i < n; ++i)
      by_school[next[run.pupils[i].school]++] = static_cast<uint32_t>(i);
  }
  if (n > 0) out.national_att8 = att8_all / static_cast<double>(n);
  std::vector<double> adj8, un8, adj5, un5, el8, el5;
  const size_t k8 = run.p8_scores.element_count, k5 = run.p5_scores.element_count;
  for (uint32_t school = 0; school < school_count; ++school) {
    const std::span<const uint32_t> members(by_school.data() + school_first[school],
                                            school_first[school + 1] - school_first[school]);
    if (members.empty()) continue;
    SchoolMeasures m;
    m.urn = s.schools.urn[school];
    m.name = s.schools.name[school];
    m.la_code = s.schools.la_code[school];
    m.trust_id = s.schools.trust_id[school];
    m.school_type = std::string(SchoolTypeLabel(s.schools.school_type(school)));
    m.ks4_pupils = static_cast<int32_t>(members.size());
    adj8.clear(), un8.clear(), adj5.clear(), un5.clear(), el8.clear(), el5.clear();
    int cap8 = 0, cap5 = 0, sen = 0, dis = 0, voc = 0, sustained = 0;
    bool any_records = false;
    for (uint32_t i : members) {
      const MeasuresPupil& p = run.pupils[i];
      m.att8 += p.a8.total;
      m.broader += p.broader.total;
      m.p5_attainment += p.p5.total;
      sen += s.pupils.sen_provision[p.pupil] != static_cast<uint8_t>(SenProvision::kNone);
      dis += s.pupils.disadvantaged[p.pupil] != 0;
      voc += p.vocational;
      if (const PupilDestination* d = run.DestinationOf(p.pupil)) {
        any_records = true;
        if (ClassifyDestination(d->months).sustained <= SustainedDestination::kEmployment) {
          ++sustained;
        }
      }
      if (!std::isnan(run.p8_scores.adjusted[i])) {
        adj8.push_back(run.p8_scores.adjusted[i]);
        un8.push_back(run.p8_scores.score[i]);
        el8.insert(el8.end(), run.p8_scores.element_scores.begin() + i * k8,
                   run.p8_scores.element_scores.begin() + (i + 1) * k8);
        cap8 += run.p8_scores.capped[i];
      }
      if (!std::isnan(run.p5_scores.adjusted[i])) {
        adj5.push_back(run.p5_scores.adjusted[i]);
        un5.push_back(run.p5_scores.score[i]);
        el5.insert(el5.end(), run.p5_scores.element_scores.begin() + i * k5,
                   run.p5_scores.element_scores.begin() + (i + 1) * k5);
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
    m.p8 = SchoolProgress(adj8, un8, el8, k8, cap8, run.p8_scores.sd);
    m.p5 = SchoolProgress(adj5, un5, el5, k5, cap5, run.p5_scores.sd);
    m.band_moves = m.p8.available && m.p5.available &&
                   std::string_view(ProgressBand3Name(m.p8.band)) != ProgressBand3Name(m.p5.band);
    if (any_records) m.sustained_destination = sustained / k;
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
  // The school's pupils' slots, filled again with their fills kept (the
  // national pass keeps totals only).
  std::vector<KsResult> results, kept;
  SlotScratch scratch;
  auto slots = [&](const SlotDeclaration& d) {
    SlotOutcome o;
    FillSlotsInto(d, kept, run.catalogue, true, &scratch, &o);
    std::vector<PupilSlot> list;
    for (const SlotFill& f : o.fills) {
      const KsResult& r = kept[static_cast<size_t>(f.result)];
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
    PupilResults(s, run, p, &results);
    DiscountInto(results, run.catalogue, run.policy.ks4_first_entry_rule, &scratch, &kept);
    m.a8_slots = slots(*run.a8);
    m.p5_slots = slots(*run.p5);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace lantern
