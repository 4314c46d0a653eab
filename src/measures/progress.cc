#include "measures/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "common/csv_table.h"

namespace lantern {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

ProgressEstimates CohortEstimates(std::span<const ProgressPupil> pupils, int pag_count,
                                  size_t element_count) {
  ProgressEstimates e;
  const size_t n = static_cast<size_t>(pag_count) + 1;
  e.total.assign(n, 0.0);
  e.elements.assign(element_count, std::vector<double>(n, 0.0));
  std::vector<int64_t> count(n, 0);
  for (const ProgressPupil& p : pupils) {
    if (!p.in_model || p.pag <= 0 || p.pag > pag_count) continue;
    const size_t g = static_cast<size_t>(p.pag);
    ++count[g];
    e.total[g] += p.total;
    for (size_t k = 0; k < element_count && k < kMaxSlotElements; ++k) {
      e.elements[k][g] += p.elements[k];
    }
  }
  e.present.assign(n, false);
  for (size_t g = 1; g < n; ++g) {
    if (count[g] == 0) continue;
    e.present[g] = true;
    e.total[g] /= static_cast<double>(count[g]);
    for (auto& el : e.elements) el[g] /= static_cast<double>(count[g]);
  }
  return e;
}

Result<ProgressEstimates> ReadEstimatesFile(const std::string& path, int pag_count,
                                            std::span<const std::string> element_names) {
  LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(path));
  LANTERN_ASSIGN_OR_RETURN(int cg, t.RequireColumn("ks2emss_grp"));
  LANTERN_ASSIGN_OR_RETURN(int ct, t.RequireColumn("p8est"));
  std::vector<int> ce;
  for (const std::string& name : element_names) {
    std::string col = name == "english" ? "p8esteng"
                      : name == "maths" ? "p8estmat"
                      : name == "ebacc" ? "p8estebac"
                      : name == "open"  ? "p8estopen"
                                        : "";
    int c = col.empty() ? -1 : t.Column(col);
    if (c < 0) {
      return Status::InvalidInput(fmt::format(
          "{}: no estimate column for the element '{}' (p8esteng, p8estmat, p8estebac, p8estopen)",
          path, name));
    }
    ce.push_back(c);
  }
  ProgressEstimates e;
  const size_t n = static_cast<size_t>(pag_count) + 1;
  e.total.assign(n, 0.0);
  e.elements.assign(ce.size(), std::vector<double>(n, 0.0));
  e.present.assign(n, false);
  e.source = std::filesystem::path(path).filename().string();
  for (size_t r = 0; r < t.rows(); ++r) {
    auto g = ParsePublishedNumber(t.Cell(r, cg));
    if (!g) continue;  // notes below the table
    if (*g < 1 || *g > pag_count || *g != std::floor(*g)) {
      return Status::InvalidInput(
          fmt::format("{} row {}: ks2emss_grp must be 1 to {}", path, r + 2, pag_count));
    }
    const size_t gi = static_cast<size_t>(*g);
    auto v = ParsePublishedNumber(t.Cell(r, ct));
    if (!v)
      return Status::InvalidInput(fmt::format("{} row {}: p8est is not a number", path, r + 2));
    e.total[gi] = *v;
    for (size_t k = 0; k < ce.size(); ++k) {
      auto x = ParsePublishedNumber(t.Cell(r, ce[k]));
      if (!x) {
        return Status::InvalidInput(
            fmt::format("{} row {}: an element estimate is not a number", path, r + 2));
      }
      e.elements[k][gi] = *x;
    }
    e.present[gi] = true;
  }
  for (size_t g = 1; g < n; ++g) {
    if (!e.present[g]) {
      return Status::InvalidInput(fmt::format("{}: no estimate for group {}", path, g));
    }
  }
  const auto sd_path = std::filesystem::path(path).parent_path() / "p8_stdev_file_named.csv";
  std::error_code ec;
  if (std::filesystem::exists(sd_path, ec)) {
    LANTERN_ASSIGN_OR_RETURN(CsvTable s, CsvTable::Load(sd_path.string()));
    for (size_t c = 0; c < s.header().size(); ++c) {
      std::string h = s.header()[c];
      while (!h.empty() && h.back() == ' ') h.pop_back();
      if (h == "Progress 8" && s.rows() > 0) {
        if (auto v = ParsePublishedNumber(s.Cell(0, static_cast<int>(c)))) e.national_sd = *v;
      }
    }
  }
  return e;
}

ProgressScores ScoreProgress(std::span<const ProgressPupil> pupils, const ProgressEstimates& est,
                             int divisor, std::span<const int> element_divisors, double cap_share,
                             double z_star_override) {
  ProgressScores s;
  const size_t n = pupils.size();
  s.score.assign(n, kNaN);
  s.adjusted.assign(n, kNaN);
  s.capped.assign(n, false);
  s.element_count = element_divisors.size();
  s.element_scores.assign(n * s.element_count, kNaN);
  const size_t groups = est.total.size();
  for (size_t i = 0; i < n; ++i) {
    const ProgressPupil& p = pupils[i];
    if (p.pag <= 0 || static_cast<size_t>(p.pag) >= groups ||
        !est.present[static_cast<size_t>(p.pag)]) {
      continue;
    }
    const size_t g = static_cast<size_t>(p.pag);
    s.score[i] = (p.total - est.total[g]) / divisor;
    for (size_t k = 0; k < element_divisors.size(); ++k) {
      s.element_scores[i * s.element_count + k] =
          (p.elements[k] - est.elements[k][g]) / element_divisors[k];
    }
  }
  // Capping: the mean and SD of model pupils' scores within each group.
  std::vector<double> sum(groups, 0), sum2(groups, 0);
  std::vector<int64_t> count(groups, 0);
  for (size_t i = 0; i < n; ++i) {
    if (!pupils[i].in_model || std::isnan(s.score[i])) continue;
    const size_t g = static_cast<size_t>(pupils[i].pag);
    sum[g] += s.score[i];
    sum2[g] += s.score[i] * s.score[i];
    ++count[g];
  }
  std::vector<double> mean(groups, 0), sd(groups, 0);
  for (size_t g = 1; g < groups; ++g) {
    if (count[g] == 0) continue;
    mean[g] = sum[g] / static_cast<double>(count[g]);
    if (count[g] > 1) {
      const double var = (sum2[g] - sum[g] * mean[g]) / static_cast<double>(count[g] - 1);
      sd[g] = var > 0 ? std::sqrt(var) : 0;
    }
  }
  std::vector<double> z(n, kNaN), model_z;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(s.score[i])) continue;
    const size_t g = static_cast<size_t>(pupils[i].pag);
    if (sd[g] > 0) z[i] = (s.score[i] - mean[g]) / sd[g];
    if (pupils[i].in_model && !std::isnan(z[i])) model_z.push_back(z[i]);
  }
  if (z_star_override != 0) {
    s.z_star = z_star_override;
  } else if (!model_z.empty() && cap_share > 0) {
    // The z of the pupil at the cap_share point, counting from the lowest:
    // pupils strictly below it are capped (about cap_share of them).
    std::sort(model_z.begin(), model_z.end());
    size_t k = static_cast<size_t>(std::floor(cap_share * static_cast<double>(model_z.size())));
    s.z_star = model_z[std::min(k, model_z.size() - 1)];
  } else {
    s.z_star = -std::numeric_limits<double>::infinity();
  }
  double all = 0, all_unadj = 0, all2 = 0;
  int64_t model = 0;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(s.score[i])) continue;
    ++s.pupils_scored;
    const size_t g = static_cast<size_t>(pupils[i].pag);
    s.adjusted[i] = s.score[i];
    if (!std::isnan(z[i]) && z[i] < s.z_star) {
      s.adjusted[i] = sd[g] * s.z_star;
      s.capped[i] = true;
    }
    if (pupils[i].in_model) {
      all += s.adjusted[i];
      all_unadj += s.score[i];
      all2 += s.score[i] * s.score[i];
      ++model;
    }
  }
  if (model > 0) {
    s.national_mean = all / static_cast<double>(model);
    s.national_mean_unadjusted = all_unadj / static_cast<double>(model);
  }
  if (model > 1) {
    const double m = all_unadj / static_cast<double>(model);
    const double var = (all2 - all_unadj * m) / static_cast<double>(model - 1);
    s.sd = var > 0 ? std::sqrt(var) : 0;
  }
  if (est.national_sd > 0) s.sd = est.national_sd;
  return s;
}

ProgressBand BandOf(double score, double lower, double upper) {
  if (lower > 0) return score > 0.5 ? ProgressBand::kWellAbove : ProgressBand::kAbove;
  if (upper < 0) return score < -0.5 ? ProgressBand::kWellBelow : ProgressBand::kBelow;
  return ProgressBand::kAverage;
}

ProgressFigure SchoolProgress(std::span<const double> adjusted, std::span<const double> unadjusted,
                              std::span<const double> elements, size_t element_count, int capped,
                              double national_sd) {
  ProgressFigure f;
  f.pupils = static_cast<int32_t>(adjusted.size());
  if (adjusted.empty()) return f;
  f.available = true;
  f.score = std::accumulate(adjusted.begin(), adjusted.end(), 0.0) / f.pupils;
  f.unadjusted = std::accumulate(unadjusted.begin(), unadjusted.end(), 0.0) / f.pupils;
  const double half = 1.96 * national_sd / std::sqrt(static_cast<double>(f.pupils));
  f.lower = f.score - half;
  f.upper = f.score + half;
  f.capped = capped;
  if (element_count > 0 && !elements.empty()) {
    f.elements.assign(element_count, 0.0);
    for (size_t i = 0; i + element_count <= elements.size(); i += element_count) {
      for (size_t k = 0; k < element_count; ++k) f.elements[k] += elements[i + k];
    }
    for (double& v : f.elements) v /= f.pupils;
  }
  f.band = BandOf(f.score, f.lower, f.upper);
  return f;
}

std::vector<int> PercentileBands(std::span<const double> values, const std::vector<bool>& use) {
  std::vector<double> sorted;
  for (size_t i = 0; i < values.size(); ++i) {
    if (use[i]) sorted.push_back(values[i]);
  }
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> bands(values.size(), 0);
  const double n = static_cast<double>(sorted.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!use[i]) continue;
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), values[i]);
    const auto hi = std::upper_bound(sorted.begin(), sorted.end(), values[i]);
    const double mid =
        (static_cast<double>(lo - sorted.begin()) + 0.5 * static_cast<double>(hi - lo)) / n;
    bands[i] = std::min(10, static_cast<int>(std::floor(mid * 10)) + 1);
  }
  return bands;
}

const char* ProgressBandName(ProgressBand band) {
  switch (band) {
    case ProgressBand::kWellBelow:
      return "well_below";
    case ProgressBand::kBelow:
      return "below";
    case ProgressBand::kAverage:
      return "average";
    case ProgressBand::kAbove:
      return "above";
    case ProgressBand::kWellAbove:
      return "well_above";
    case ProgressBand::kNone:
      break;
  }
  return "";
}

const char* ProgressBand3Name(ProgressBand band) {
  switch (band) {
    case ProgressBand::kWellBelow:
    case ProgressBand::kBelow:
      return "below";
    case ProgressBand::kAverage:
      return "in_line";
    case ProgressBand::kAbove:
    case ProgressBand::kWellAbove:
      return "above";
    case ProgressBand::kNone:
      break;
  }
  return "";
}

}  // namespace lantern
