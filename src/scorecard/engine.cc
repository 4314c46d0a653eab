// Scorecard::Build and Scorecard::ScoreSchool: the comparisons behind every
// scorecard (docs/scorecard.md, docs/benchmarking.md).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "common/parallel.h"
#include "common/rounding.h"
#include "indicators/catalogue.h"
#include "scorecard/engine_internal.h"
#include "scorecard/similar_schools.h"
#include "stats/intervals.h"

namespace lantern {

using scorecard::AreaFit;
using scorecard::kNaN;
using scorecard::ModelFit;
using scorecard::ModelScale;
using scorecard::PhaseFit;
using scorecard::Point;
using scorecard::Pool;
using scorecard::Series;

namespace {

constexpr int kMinLaPooledSchools = 3;
constexpr int kMinModelSchools = 30;

using AreaKey = std::tuple<uint16_t, uint16_t, uint16_t, uint8_t, int>;

stats::Overdispersion OverdispersionOf(CompareAs kind, double target, double sigma,
                                       const std::vector<Point>& points) {
  const stats::FunnelKind fk = scorecard::FunnelKindOf(kind);
  std::vector<double> z, se;
  z.reserve(points.size());
  se.reserve(points.size());
  for (const Point& p : points) {
    const double s = stats::FunnelStandardError(fk, target, p.n, sigma);
    if (!(s > 0) || !std::isfinite(s)) continue;
    z.push_back((p.y - target) / s);
    se.push_back(s);
  }
  return stats::EstimateOverdispersion(z, se);
}

double PooledSigma(const std::vector<Point>& points) {
  double ss = 0, df = 0;
  for (const Point& p : points) {
    if (!std::isfinite(p.sd) || p.n <= 1) continue;
    ss += (p.n - 1) * p.sd * p.sd;
    df += p.n - 1;
  }
  return df > 0 ? std::sqrt(ss / df) : kNaN;
}

// The response on the model scale and its within-school sampling variance.
bool ModelResponse(CompareAs kind, const Point& p, double* y, double* v) {
  switch (kind) {
    case CompareAs::kProportion: {
      const double num = p.y * p.n;
      const double pa = (num + 0.5) / (p.n + 1);
      *y = std::log(pa / (1 - pa));
      *v = 1 / ((p.n + 1) * pa * (1 - pa));
      return true;
    }
    case CompareAs::kRate: {
      const double num = p.y * p.n;
      *y = std::log((num + 0.5) / p.n);
      *v = 1 / (num + 0.5);
      return true;
    }
    case CompareAs::kMean:
      *y = p.y;
      *v = std::isfinite(p.sd) ? p.sd * p.sd / p.n : 0;
      return true;
    case CompareAs::kCount:
      return false;
  }
  return false;
}

double ModelInverse(ModelScale scale, double eta) {
  switch (scale) {
    case ModelScale::kLogit:
      return 1 / (1 + std::exp(-eta));
    case ModelScale::kLog:
      return std::exp(eta);
    case ModelScale::kIdentity:
      return eta;
  }
  return eta;
}

// Random-effects weighted least squares on the context variables: ordinary
// least squares, a moment estimate of the between-school variance tau2 from
// its residuals, then weights 1 / (v_i + tau2), and tau2 once more.
ModelFit FitModel(CompareAs kind, const std::vector<uint32_t>& schools,
                  const std::vector<Point>& points,
                  const std::vector<std::vector<float>>& covariates, int dims) {
  ModelFit m;
  if (kind == CompareAs::kCount || dims <= 0) return m;
  const int p = dims + 1;
  std::vector<double> x, y, v;
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& cov = covariates[schools[i]];
    if (static_cast<int>(cov.size()) != dims) continue;
    bool complete = true;
    for (float c : cov) complete = complete && std::isfinite(c);
    double yi, vi;
    if (!complete || !ModelResponse(kind, points[i], &yi, &vi)) continue;
    x.push_back(1.0);
    for (float c : cov) x.push_back(c);
    y.push_back(yi);
    v.push_back(vi);
  }
  const size_t rows = y.size();
  if (rows < static_cast<size_t>(std::max(kMinModelSchools, 3 * p))) return m;
  auto tau2_from = [&](const stats::WlsFit& fit) {
    double s = 0;
    for (size_t r = 0; r < rows; ++r) {
      const double e = y[r] - fit.Predict({&x[r * static_cast<size_t>(p)], static_cast<size_t>(p)});
      s += e * e - v[r];
    }
    return std::max(0.0, s / static_cast<double>(rows - static_cast<size_t>(p)));
  };
  std::vector<double> w(rows, 1.0);
  auto fit0 = stats::FitWeightedLeastSquares(x, p, y, w);
  if (!fit0.ok()) return m;
  double tau2 = tau2_from(*fit0);
  for (size_t r = 0; r < rows; ++r) w[r] = v[r] + tau2 > 0 ? 1 / (v[r] + tau2) : 1;
  auto fit1 = stats::FitWeightedLeastSquares(x, p, y, w);
  if (!fit1.ok()) return m;
  m.ok = true;
  m.fit = std::move(*fit1);
  m.tau2 = tau2_from(m.fit);
  m.schools = static_cast<int>(rows);
  m.scale = kind == CompareAs::kProportion ? ModelScale::kLogit
            : kind == CompareAs::kRate     ? ModelScale::kLog
                                           : ModelScale::kIdentity;
  return m;
}

std::string Fmt(double v, int dp) { return FormatDecimal(v, dp); }

std::string WithThousands(double v) {
  std::string s = FormatDecimal(v, 0);
  const bool neg = !s.empty() && s[0] == '-';
  std::string digits = neg ? s.substr(1) : s;
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return neg ? "-" + out : out;
}

std::string ValueText(const ScorecardIndicator& ind, double display) {
  std::string s = Fmt(display, ind.decimal_places);
  if (ind.unit == "%") return s + "%";
  return s;
}

std::string Capitalise(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string FillTemplate(std::string_view tmpl, PupilGroup group) {
  std::string out(tmpl);
  const std::string key = "{pupils}";
  for (size_t pos = out.find(key); pos != std::string::npos; pos = out.find(key)) {
    out.replace(pos, key.size(), PupilGroupNoun(group));
  }
  return Capitalise(out);
}

PercentileBand BandOf(double pct) {
  if (pct < 10) return PercentileBand::kLowest10;
  if (pct < 25) return PercentileBand::kLow10To25;
  if (pct <= 75) return PercentileBand::kMiddle50;
  if (pct <= 90) return PercentileBand::kHigh75To90;
  return PercentileBand::kHighest10;
}

// A target of 0 (no event in the comparator at all) or 100% gives funnel
// limits of zero width: any single event would lie "outside". Such
// comparisons are shown but not assessed.
bool DegenerateTarget(CompareAs kind, double target) {
  if (kind == CompareAs::kProportion) return !(target > 0 && target < 1);
  if (kind == CompareAs::kRate) return !(target > 0);
  return false;
}

// Fills the limits and position of one comparison at the school's point.
void Assess(const ScorecardIndicator& ind, const Point& p, bool assessable, double target,
            double sigma, const stats::Overdispersion& od, const ScorecardOptions& o,
            Comparison* c) {
  const double scale = DisplayScale(ind.kind);
  c->available = true;
  c->target = target * scale;
  c->sigma = std::isfinite(sigma) ? sigma : 0;
  c->phi = od.phi;
  c->tau2 = od.tau2;
  c->od_estimated = od.estimated;
  c->od_applied = od.applied;
  if (CompareAsOf(ind.kind) == CompareAs::kCount) return;
  if (CompareAsOf(ind.kind) == CompareAs::kMean && !(sigma > 0)) return;
  if (!(p.n > 0)) return;
  const stats::FunnelKind fk = scorecard::FunnelKindOf(CompareAsOf(ind.kind));
  const stats::Limits l95 = stats::FunnelLimits(fk, target, p.n, o.inner_level, sigma, od);
  const stats::Limits l998 = stats::FunnelLimits(fk, target, p.n, o.enquiry_level, sigma, od);
  c->lower95 = l95.lower * scale;
  c->upper95 = l95.upper * scale;
  c->lower998 = l998.lower * scale;
  c->upper998 = l998.upper * scale;
  if (!assessable || DegenerateTarget(CompareAsOf(ind.kind), target)) return;
  const int side998 = stats::FunnelSide(fk, target, p.n, p.y, o.enquiry_level, sigma, od);
  const int side95 = stats::FunnelSide(fk, target, p.n, p.y, o.inner_level, sigma, od);
  c->position = side998 > 0   ? FunnelPosition::kAbove998
                : side998 < 0 ? FunnelPosition::kBelow998
                : side95 > 0  ? FunnelPosition::kAbove95
                : side95 < 0  ? FunnelPosition::kBelow95
                              : FunnelPosition::kWithin95;
}

}  // namespace

// ---------------------------------------------------------------------------

Scorecard::Scorecard(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scorecard::~Scorecard() = default;
Scorecard::Scorecard(Scorecard&&) noexcept = default;
Scorecard& Scorecard::operator=(Scorecard&&) noexcept = default;

const ScorecardInput& Scorecard::input() const { return *impl_->input; }
const ScorecardOptions& Scorecard::options() const { return impl_->options; }
bool Scorecard::Scored(uint32_t school) const { return impl_->scored[school] != 0; }
size_t Scorecard::scored_schools() const { return impl_->scored_count; }
const std::vector<Neighbour>& Scorecard::Neighbours(uint32_t school) const {
  return impl_->neighbours[school];
}
const std::vector<std::string>& Scorecard::SimilarityVariables(ScorecardPhase phase) const {
  return impl_->similarity_names[static_cast<size_t>(phase)];
}
std::vector<ScorecardCell> Scorecard::ScoreSchool(uint32_t school) const {
  return impl_->ScoreSchool(school);
}

std::vector<ScorecardModelSummary> Scorecard::ModelSummaries() const {
  std::vector<ScorecardModelSummary> out;
  const auto& reg = ScorecardIndicators();
  for (const auto& s : impl_->series) {
    for (int ph = 0; ph < kScorecardPhaseCount; ++ph) {
      const ModelFit& m = s.phase[static_cast<size_t>(ph)].model;
      if (!m.ok) continue;
      ScorecardModelSummary sum;
      sum.indicator = std::string(reg[s.indicator].id);
      sum.group = std::string(PupilGroupId(s.group));
      sum.breakdown = impl_->input->breakdowns[s.breakdown];
      sum.phase = std::string(ScorecardPhaseLabel(static_cast<ScorecardPhase>(ph)));
      sum.schools = m.schools;
      sum.scale = m.scale == ModelScale::kLogit ? "logit"
                  : m.scale == ModelScale::kLog ? "log"
                                                : "identity";
      sum.residual_tau2 = m.tau2;
      sum.coefficients.emplace_back("intercept", m.fit.beta[0]);
      const auto& names = impl_->similarity_names[static_cast<size_t>(ph)];
      for (size_t d = 0; d < names.size() && d + 1 < m.fit.beta.size(); ++d) {
        sum.coefficients.emplace_back(names[d], m.fit.beta[d + 1]);
      }
      out.push_back(std::move(sum));
    }
  }
  return out;
}

Result<Scorecard> Scorecard::Build(const ScorecardInput& input, const ScorecardOptions& options) {
  LANTERN_RETURN_IF_ERROR(DefaultCatalogue().status());
  const auto& reg = ScorecardIndicators();
  auto impl = std::make_unique<Impl>();
  impl->input = &input;
  impl->options = options;
  const size_t n_schools = input.schools.size();
  const int threads = ResolveThreads(options.threads);
  if (options.similar_group_size < 1) {
    return Status::InvalidArgument("similar_group_size must be at least 1");
  }
  if (input.breakdowns.empty()) {
    return Status::InvalidArgument("scorecard input: breakdowns must hold at least \"Total\"");
  }

  // Series: every (indicator, group, breakdown) with an observation.
  std::map<std::tuple<uint16_t, uint16_t, uint16_t>, uint32_t> key_index;
  for (const auto& o : input.observations) {
    if (o.school >= n_schools) {
      return Status::InvalidArgument(fmt::format(
          "scorecard input: observation for school index {} of {}", o.school, n_schools));
    }
    if (o.indicator >= reg.size()) {
      return Status::InvalidArgument(
          fmt::format("scorecard input: unknown indicator index {}", o.indicator));
    }
    if (o.breakdown >= input.breakdowns.size()) {
      return Status::InvalidArgument(
          fmt::format("scorecard input: unknown breakdown index {}", o.breakdown));
    }
    if (o.group.category >= ScorecardPupilGroups().back().category + 1u &&
        PupilGroupId(o.group).empty()) {
      return Status::InvalidArgument("scorecard input: unknown pupil group");
    }
    key_index.emplace(std::make_tuple(o.indicator, o.group.category, o.breakdown), 0);
  }
  impl->series.resize(key_index.size());
  impl->series_of_indicator.assign(reg.size(), {});
  {
    uint32_t i = 0;
    for (auto& [key, idx] : key_index) {
      idx = i;
      Series& s = impl->series[i];
      s.indicator = std::get<0>(key);
      s.group = PupilGroup{std::get<1>(key)};
      s.breakdown = std::get<2>(key);
      s.obs.assign(n_schools, -1);
      s.points.assign(n_schools, Point());
      impl->series_of_indicator[s.indicator].push_back(i);
      ++i;
    }
  }
  impl->scored.assign(n_schools, 0);
  for (size_t k = 0; k < input.observations.size(); ++k) {
    const auto& o = input.observations[k];
    Series& s = impl->series[key_index[{o.indicator, o.group.category, o.breakdown}]];
    if (s.obs[o.school] >= 0) {
      return Status::InvalidArgument(fmt::format(
          "scorecard input: two observations for school {} indicator {} group {} breakdown {}",
          input.schools[o.school].urn, reg[o.indicator].id, PupilGroupId(o.group),
          input.breakdowns[o.breakdown]));
    }
    s.obs[o.school] = static_cast<int32_t>(k);
    s.points[o.school] = scorecard::PointOf(o, CompareAsOf(reg[o.indicator].kind));
    if (s.points[o.school].ok && !input.schools[o.school].reference) impl->scored[o.school] = 1;
  }
  // The schools compared with: the published reference schools when the
  // input has any (a store that does not cover England), else the schools
  // scored themselves.
  bool has_reference = false;
  for (const auto& sch : input.schools) has_reference = has_reference || sch.reference;
  impl->comparators_published = has_reference;
  impl->comparator.assign(n_schools, 0);
  for (uint32_t sc = 0; sc < n_schools; ++sc) {
    impl->comparator[sc] = has_reference ? input.schools[sc].reference : impl->scored[sc];
  }
  for (auto v : impl->scored) impl->scored_count += v;
  for (const auto& la : input.local_authorities) impl->la_by_code[la.la_code] = &la;

  // Similar schools, phase by phase.
  impl->neighbours.assign(n_schools, {});
  impl->covariates.assign(n_schools, {});
  for (int ph = 0; ph < kScorecardPhaseCount; ++ph) {
    std::vector<uint32_t> members;
    for (uint32_t s = 0; s < n_schools; ++s) {
      if ((impl->scored[s] || impl->comparator[s]) &&
          static_cast<int>(input.schools[s].phase) == ph) {
        members.push_back(s);
      }
    }
    if (members.size() < 2) continue;
    std::vector<std::vector<double>> raw;
    std::vector<double> weights;
    std::vector<int> used;
    for (size_t ind = 0; ind < reg.size(); ++ind) {
      if (!reg[ind].similarity) continue;
      auto it = key_index.find({static_cast<uint16_t>(ind), 0, 0});
      if (it == key_index.end()) continue;
      const Series& s = impl->series[it->second];
      std::vector<double> col(members.size(), kNaN);
      size_t have = 0, comparators = 0, comparators_with = 0;
      for (size_t i = 0; i < members.size(); ++i) {
        const Point& p = s.points[members[i]];
        const bool comparator = impl->comparator[members[i]] != 0;
        comparators += comparator;
        if (!p.ok) continue;
        comparators_with += comparator;
        double v = p.y * DisplayScale(reg[ind].kind);
        if (reg[ind].similarity_log) {
          if (!(v > 0)) continue;
          v = std::log(v);
        }
        col[i] = v;
        ++have;
      }
      // A variable the source holds for fewer than half the phase (or of the
      // schools compared with) is dropped.
      if (have < 2 || have * 2 < members.size() || comparators_with * 2 < comparators) continue;
      double w = 1;
      if (auto wi = options.similarity_weights.find(std::string(reg[ind].id));
          wi != options.similarity_weights.end()) {
        w = wi->second;
      }
      if (!(w > 0)) continue;
      raw.push_back(std::move(col));
      weights.push_back(w);
      used.push_back(static_cast<int>(ind));
    }
    scorecard::ContextMatrix m = scorecard::StandardiseContext(members, raw, weights);
    // Keep only variables with spread.
    std::vector<int> keep;
    for (int d = 0; d < m.dims; ++d) {
      if (m.weight[static_cast<size_t>(d)] > 0) keep.push_back(d);
    }
    if (keep.size() != static_cast<size_t>(m.dims)) {
      std::vector<std::vector<double>> raw2;
      std::vector<double> w2;
      std::vector<int> used2;
      for (int d : keep) {
        raw2.push_back(std::move(raw[static_cast<size_t>(d)]));
        w2.push_back(weights[static_cast<size_t>(d)]);
        used2.push_back(used[static_cast<size_t>(d)]);
      }
      used = std::move(used2);
      m = scorecard::StandardiseContext(members, raw2, w2);
    }
    impl->similarity_indicators[static_cast<size_t>(ph)] = used;
    for (int ind : used) {
      impl->similarity_names[static_cast<size_t>(ph)].emplace_back(
          reg[static_cast<size_t>(ind)].id);
    }
    for (size_t i = 0; i < members.size(); ++i) {
      auto& cov = impl->covariates[members[i]];
      cov.assign(static_cast<size_t>(m.dims), std::numeric_limits<float>::quiet_NaN());
      for (int d = 0; d < m.dims; ++d) {
        const size_t off = static_cast<size_t>(d) * m.count + i;
        if (m.present[off] > 0) cov[static_cast<size_t>(d)] = m.z[off];
      }
    }
    std::vector<uint8_t> candidate(members.size());
    std::vector<int> urn(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      candidate[i] = impl->comparator[members[i]];
      urn[i] = input.schools[members[i]].urn;
    }
    auto nb =
        scorecard::FindNearestNeighbours(m, options.similar_group_size, threads, &candidate, &urn);
    for (size_t i = 0; i < members.size(); ++i) impl->neighbours[members[i]] = std::move(nb[i]);
  }

  // Published area values by key.
  auto& area = impl->area;
  for (const auto& av : input.area_values) {
    area[{av.indicator, av.group.category, av.breakdown, static_cast<uint8_t>(av.phase),
          av.la_code}] = &av;
  }

  // Per series and phase: England and LA comparators, over-dispersion, model.
  Impl* im = impl.get();
  ParallelFor(im->series.size(), threads, 1, [&](size_t b, size_t e, int) {
    for (size_t si = b; si < e; ++si) {
      Series& s = im->series[si];
      const ScorecardIndicator& ind = reg[s.indicator];
      for (int ph = 0; ph < kScorecardPhaseCount; ++ph) {
        PhaseFit& pf = s.phase[static_cast<size_t>(ph)];
        std::vector<uint32_t> schools;
        std::vector<Point> points;
        for (uint32_t sc = 0; sc < n_schools; ++sc) {
          const Point& p = s.points[sc];
          if (!p.ok || !im->comparator[sc] || static_cast<int>(input.schools[sc].phase) != ph) {
            continue;
          }
          schools.push_back(sc);
          points.push_back(p);
        }
        pf.schools = static_cast<int>(points.size());
        // LAs of the phase's scored schools too: their published figure is
        // the comparator when no school of the LA is compared with.
        std::set<int> las;
        for (uint32_t sc = 0; sc < n_schools; ++sc) {
          if (im->scored[sc] && static_cast<int>(input.schools[sc].phase) == ph) {
            las.insert(input.schools[sc].la_code);
          }
        }
        if (points.empty() && las.empty()) continue;
        if (CompareAsOf(ind.kind) == CompareAs::kMean) pf.sigma = PooledSigma(points);
        const double scale = DisplayScale(ind.kind);
        std::string phase_text(ScorecardPhaseLabel(static_cast<ScorecardPhase>(ph)));
        std::transform(phase_text.begin(), phase_text.end(), phase_text.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        auto lookup = [&](int la) -> const AreaValue* {
          auto it =
              area.find({s.indicator, s.group.category, s.breakdown, static_cast<uint8_t>(ph), la});
          return it == area.end() ? nullptr : it->second;
        };
        // England.
        if (const AreaValue* av = lookup(0)) {
          pf.england.available = true;
          pf.england.target = av->value / scale;
          pf.england.source = av->source;
        } else if (input.pool_england) {
          Pool pool;
          for (const Point& p : points) pool.Add(p, CompareAsOf(ind.kind));
          pf.england.available = pool.ok();
          pf.england.target = pool.value();
          pf.england.source =
              im->comparators_published
                  ? fmt::format("pooled published figures of {} {} schools in England",
                                points.size(), phase_text)
                  : fmt::format("pooled, {} {} schools", points.size(), phase_text);
        }
        pf.england.schools = pf.schools;
        if (pf.england.available && !points.empty() && CompareAsOf(ind.kind) != CompareAs::kCount &&
            options.adjust_overdispersion) {
          pf.england.od =
              OverdispersionOf(CompareAsOf(ind.kind), pf.england.target, pf.sigma, points);
        }
        // Local authorities.
        std::map<int, std::vector<Point>> by_la;
        for (int la : las) by_la[la];
        for (size_t k = 0; k < points.size(); ++k) {
          by_la[input.schools[schools[k]].la_code].push_back(points[k]);
        }
        for (auto& [la, pts] : by_la) {
          AreaFit af;
          af.schools = static_cast<int>(pts.size());
          if (const AreaValue* av = lookup(la)) {
            af.available = true;
            af.target = av->value / scale;
            af.source = av->source;
          } else if (input.pool_la && static_cast<int>(pts.size()) >= kMinLaPooledSchools) {
            Pool pool;
            for (const Point& p : pts) pool.Add(p, CompareAsOf(ind.kind));
            af.available = pool.ok();
            af.target = pool.value();
            af.source =
                im->comparators_published
                    ? fmt::format("pooled published figures of {} {} schools in the LA", pts.size(),
                                  phase_text)
                    : fmt::format("pooled, {} {} schools in the LA", pts.size(), phase_text);
          }
          if (af.available && CompareAsOf(ind.kind) != CompareAs::kCount &&
              options.adjust_overdispersion) {
            if (af.schools >= options.min_la_schools_for_overdispersion) {
              af.od = OverdispersionOf(CompareAsOf(ind.kind), af.target, pf.sigma, pts);
            } else {
              af.od = pf.england.od;
              af.od_borrowed = true;
            }
          }
          pf.la.emplace(la, std::move(af));
        }
        if (ind.domain != IndicatorDomain::kContext) {
          pf.model =
              FitModel(CompareAsOf(ind.kind), schools, points, im->covariates,
                       static_cast<int>(im->similarity_indicators[static_cast<size_t>(ph)].size()));
        }
      }
    }
  });
  return Scorecard(std::move(impl));
}

// ---------------------------------------------------------------------------

std::vector<ScorecardCell> Scorecard::Impl::ScoreSchool(uint32_t school) const {
  const auto& reg = ScorecardIndicators();
  const ScorecardSchool& sch = input->schools[school];
  const size_t ph = static_cast<size_t>(sch.phase);
  const std::string phase_text(ScorecardPhaseLabel(sch.phase));
  std::string phase_lower = phase_text;
  std::transform(phase_lower.begin(), phase_lower.end(), phase_lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto& nbs = neighbours[school];
  std::vector<ScorecardCell> cells;
  cells.reserve(reg.size() + 8);
  // An all-pupils cell the source does not hold: x, with the published LA and
  // England figures where there are some.
  auto not_available = [&](size_t ind_i) {
    ScorecardCell x;
    x.school = school;
    x.indicator = static_cast<uint16_t>(ind_i);
    x.availability = Availability::kNotAvailable;
    for (int la : {sch.la_code, 0}) {
      auto it = area.find({static_cast<uint16_t>(ind_i), 0, 0, static_cast<uint8_t>(ph), la});
      if (it == area.end()) continue;
      Comparison& c = la == 0 ? x.england : x.la;
      c.available = true;
      c.target = it->second->value;
      c.source = it->second->source;
    }
    cells.push_back(std::move(x));
  };

  for (size_t ind_i = 0; ind_i < reg.size(); ++ind_i) {
    const ScorecardIndicator& ind = reg[ind_i];
    const double scale = DisplayScale(ind.kind);
    bool have_headline = false;
    for (uint32_t si : series_of_indicator[ind_i]) {
      const Series& s = series[si];
      const int32_t oi = s.obs[school];
      if (oi < 0) continue;
      const IndicatorObservation& o = input->observations[static_cast<size_t>(oi)];
      const bool headline = s.group == kAllPupils && s.breakdown == 0;
      // Every indicator has an all-pupils row, x when the source lacks it.
      if (!headline && !have_headline) not_available(ind_i);
      have_headline = true;
      ScorecardCell c;
      c.school = school;
      c.indicator = static_cast<uint16_t>(ind_i);
      c.group = s.group;
      c.breakdown = s.breakdown;
      c.observation = oi;
      c.availability = o.availability;
      c.value = c.lower = c.upper = kNaN;
      const Point p = scorecard::PointOf(o, CompareAsOf(ind.kind));
      if (!p.ok) {
        // Available but with nobody to count (a zero denominator): not applicable.
        if (c.availability == Availability::kAvailable)
          c.availability = Availability::kNotApplicable;
        cells.push_back(std::move(c));
        continue;
      }
      c.numerator = o.numerator;
      c.denominator = CompareAsOf(ind.kind) == CompareAs::kCount ? o.numerator : o.denominator;
      c.numerator_estimated = o.numerator_estimated;
      c.suppressed = o.suppressed || o.denominator_suppressed;
      c.denominator_suppressed = o.denominator_suppressed;
      c.value = p.y * scale;
      switch (CompareAsOf(ind.kind)) {
        case CompareAs::kProportion: {
          auto w = stats::WilsonInterval(o.numerator, o.denominator, options.inner_level);
          c.lower = w.lower * 100;
          c.upper = w.upper * 100;
          break;
        }
        case CompareAs::kRate: {
          auto g = stats::PoissonExactInterval(o.numerator, options.inner_level);
          c.lower = g.lower / o.denominator * scale;
          c.upper = g.upper / o.denominator * scale;
          break;
        }
        case CompareAs::kMean:
          if (std::isfinite(o.published_lower) && std::isfinite(o.published_upper)) {
            c.lower = o.published_lower;
            c.upper = o.published_upper;
          } else if (std::isfinite(o.sd)) {
            auto nm = stats::NormalMeanInterval(o.mean, o.sd, o.denominator, options.inner_level);
            c.lower = nm.lower;
            c.upper = nm.upper;
            if (ind.unit == "%") {
              c.lower = std::max(0.0, c.lower);
              c.upper = std::min(100.0, c.upper);
            }
          }
          break;
        case CompareAs::kCount:
          break;
      }
      c.assessable = CompareAsOf(ind.kind) != CompareAs::kCount && p.n >= ind.min_denominator;
      const PhaseFit& pf = s.phase[ph];

      // Similar schools.
      std::vector<Point> nb_points;
      nb_points.reserve(nbs.size());
      for (const Neighbour& nb : nbs) {
        const Point& np = s.points[nb.school];
        if (np.ok) nb_points.push_back(np);
      }
      c.similar.schools = static_cast<int>(nb_points.size());
      if (input->pool_similar &&
          static_cast<int>(nb_points.size()) >= options.min_comparator_schools) {
        Pool pool;
        for (const Point& np : nb_points) pool.Add(np, CompareAsOf(ind.kind));
        if (pool.ok()) {
          const double target = pool.value();
          stats::Overdispersion od;
          if (CompareAsOf(ind.kind) != CompareAs::kCount && options.adjust_overdispersion) {
            od = OverdispersionOf(CompareAsOf(ind.kind), target, pf.sigma, nb_points);
          }
          Assess(ind, p, c.assessable, target, pf.sigma, od, options, &c.similar);
          c.similar.source =
              comparators_published
                  ? fmt::format("{} similar {} schools in England (published figures)",
                                nb_points.size(), phase_lower)
                  : fmt::format("{} similar {} schools", nb_points.size(), phase_lower);
          // Percentile band among the similar schools' own values.
          double below = 0, equal = 0;
          for (const Point& np : nb_points) {
            const double tol = 1e-9 * std::max(1.0, std::fabs(p.y));
            if (np.y < p.y - tol) {
              below += 1;
            } else if (np.y <= p.y + tol) {
              equal += 1;
            }
          }
          const double pct = (below + 0.5 * equal) / static_cast<double>(nb_points.size()) * 100;
          if (c.assessable || CompareAsOf(ind.kind) == CompareAs::kCount) c.band = BandOf(pct);
        }
      }
      // Local authority.
      if (auto it = pf.la.find(sch.la_code); it != pf.la.end() && it->second.available) {
        const AreaFit& af = it->second;
        Assess(ind, p, c.assessable, af.target, pf.sigma, af.od, options, &c.la);
        c.la.schools = af.schools;
        c.la.od_borrowed = af.od_borrowed;
        c.la.source = af.source;
      }
      // England.
      if (pf.england.available) {
        Assess(ind, p, c.assessable, pf.england.target, pf.sigma, pf.england.od, options,
               &c.england);
        c.england.schools = pf.england.schools;
        c.england.source = pf.england.source;
      }
      // Contextual expectation.
      if (pf.model.ok) {
        const auto& cov = covariates[school];
        bool complete = !cov.empty();
        for (float v : cov) complete = complete && std::isfinite(v);
        if (complete) {
          std::vector<double> x{1.0};
          for (float v : cov) x.push_back(v);
          const double expected = ModelInverse(pf.model.scale, pf.model.fit.Predict(x)) * scale;
          c.has_expected = true;
          c.expected = expected;
          c.difference = c.value - expected;
          c.difference_lower = std::isfinite(c.lower) ? c.lower - expected : kNaN;
          c.difference_upper = std::isfinite(c.upper) ? c.upper - expected : kNaN;
        }
      }
      // Line of enquiry: outside the similar schools' 99.8% limits. None
      // for a withheld figure: where it stands would tell what it is.
      if (ind.domain != IndicatorDomain::kContext && c.assessable && !c.suppressed) {
        if (c.similar.position == FunnelPosition::kAbove998) c.enquiry = 1;
        if (c.similar.position == FunnelPosition::kBelow998) c.enquiry = -1;
        if (c.enquiry != 0) {
          c.enquiry_text =
              FillTemplate(c.enquiry > 0 ? ind.enquiry_higher : ind.enquiry_lower, s.group);
          if (s.breakdown != 0) {
            c.enquiry_text += " [" + input->breakdowns[s.breakdown] + "]";
          }
        }
      }
      // One line on how the comparison was made.
      if (CompareAsOf(ind.kind) == CompareAs::kCount) {
        c.method_note = c.similar.available
                            ? fmt::format("Shown beside the average of {} similar {} schools.",
                                          c.similar.schools, phase_lower)
                            : "Shown for context.";
      } else if (!c.assessable) {
        // The note never states the count itself: it may be suppressed.
        std::string who(ind.denominator);
        if (!who.empty() && who[0] >= 'A' && who[0] <= 'Z') {
          who[0] = static_cast<char>(who[0] - 'A' + 'a');
        }
        c.method_note =
            fmt::format("Not compared: fewer than {} counted ({}), too few to say anything.",
                        Fmt(ind.min_denominator, 0), who);
      } else if (!c.similar.available && !input->pool_similar) {
        c.method_note = "Not compared with similar schools: " + input->comparator_note + ".";
      } else if (!c.similar.available && comparators_published && c.similar.schools == 0) {
        c.method_note =
            "Not compared with similar schools: no school-level figures for this measure are "
            "published, and " +
            input->comparator_note + ".";
      } else if (!c.similar.available) {
        c.method_note = fmt::format(
            "Not compared with similar schools: fewer than {} of them have this figure.",
            options.min_comparator_schools);
      } else if (c.similar.position == FunnelPosition::kNotAssessed &&
                 DegenerateTarget(CompareAsOf(ind.kind), c.similar.target / scale)) {
        c.method_note = fmt::format(
            "Not compared: the {} similar {} schools' combined figure is {}, so no funnel "
            "limits can be drawn.",
            c.similar.schools, phase_lower, ValueText(ind, c.similar.target));
      } else if (CompareAsOf(ind.kind) == CompareAs::kMean && !(pf.sigma > 0)) {
        c.method_note = fmt::format(
            "Placed among {} similar {} schools (their combined figure {}); no funnel limits: "
            "this source gives no pupil-level spread for this measure.",
            c.similar.schools, phase_lower, ValueText(ind, c.similar.target));
      } else {
        c.method_note = fmt::format(
            "Compared with {} similar {} schools (their combined figure {}) using 95% and "
            "99.8% funnel limits for a school with {} {}{}.",
            c.similar.schools, phase_lower, ValueText(ind, c.similar.target), WithThousands(p.n),
            CompareAsOf(ind.kind) == CompareAs::kMean ? "pupils in the measure"
                                                      : "in the denominator",
            c.similar.od_applied
                ? ", widened for the usual variation between schools (over-dispersion)"
                : "; no widening for variation between schools was needed");
      }
      cells.push_back(std::move(c));
    }
    if (!have_headline) not_available(ind_i);
  }
  return cells;
}

}  // namespace lantern
