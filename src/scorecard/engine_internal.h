// The fitted scorecard (Scorecard::Impl): observations indexed by series
// (indicator x pupil group x breakdown) and school, the similar-school
// groups, and per series and phase the England and LA comparators, their
// over-dispersion and the contextual expectation model. Shared by engine.cc
// and the output writers; not part of the public API.
#ifndef LANTERN_SCORECARD_ENGINE_INTERNAL_H_
#define LANTERN_SCORECARD_ENGINE_INTERNAL_H_

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "lantern/scorecard.h"
#include "stats/funnel.h"
#include "stats/regression.h"

namespace lantern {

namespace scorecard {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

inline stats::FunnelKind FunnelKindOf(CompareAs kind) {
  switch (kind) {
    case CompareAs::kProportion:
      return stats::FunnelKind::kProportion;
    case CompareAs::kRate:
      return stats::FunnelKind::kRate;
    default:
      return stats::FunnelKind::kMean;
  }
}

// A school's figure on the natural scale: a proportion in [0, 1], events per
// pupil, a mean, or a count; n is the denominator (pupils, episodes).
struct Point {
  bool ok = false;
  double y = 0;
  double n = 0;
  double sd = kNaN;
};

inline Point PointOf(const IndicatorObservation& o, CompareAs kind) {
  Point p;
  if (o.availability != Availability::kAvailable) return p;
  switch (kind) {
    case CompareAs::kProportion:
    case CompareAs::kRate:
      if (!(o.denominator > 0) || !std::isfinite(o.numerator)) return p;
      p.y = o.numerator / o.denominator;
      p.n = o.denominator;
      break;
    case CompareAs::kMean:
      if (!(o.denominator > 0) || !std::isfinite(o.mean)) return p;
      p.y = o.mean;
      p.n = o.denominator;
      p.sd = o.sd;
      break;
    case CompareAs::kCount:
      if (!std::isfinite(o.numerator)) return p;
      p.y = o.numerator;
      p.n = o.numerator;
      break;
  }
  p.ok = true;
  return p;
}

// Sum for a pooled comparator: sum(y n) / sum(n), or the mean of counts.
struct Pool {
  double num = 0, den = 0;
  int units = 0;
  void Add(const Point& p, CompareAs kind) {
    ++units;
    if (kind == CompareAs::kCount) {
      num += p.y;
      den += 1;
    } else {
      num += p.y * p.n;
      den += p.n;
    }
  }
  bool ok() const { return units > 0 && den > 0; }
  double value() const { return num / den; }
};

enum class ModelScale : uint8_t { kIdentity, kLogit, kLog };

struct ModelFit {
  bool ok = false;
  ModelScale scale = ModelScale::kIdentity;
  stats::WlsFit fit;
  double tau2 = 0;
  int schools = 0;
};

struct AreaFit {
  bool available = false;
  double target = 0;  // natural scale
  std::string source;
  int schools = 0;  // schools of the phase with data in the area
  stats::Overdispersion od;
  bool od_borrowed = false;
};

struct PhaseFit {
  int schools = 0;
  double sigma = kNaN;  // pooled pupil-level SD (means)
  AreaFit england;
  std::unordered_map<int, AreaFit> la;
  ModelFit model;
};

struct Series {
  uint16_t indicator = 0;
  PupilGroup group = kAllPupils;
  uint16_t breakdown = 0;
  std::vector<int32_t> obs;  // per school: observation index or -1
  // Per school: the observation as a point (ok false when none). Scoring
  // reads its similar schools' points from here: one dense array per
  // series, so the neighbour loop touches one cache line per school.
  std::vector<Point> points;
  std::array<PhaseFit, kScorecardPhaseCount> phase;
};

}  // namespace scorecard

struct Scorecard::Impl {
  const ScorecardInput* input = nullptr;
  ScorecardOptions options;
  std::vector<scorecard::Series> series;  // sorted by (indicator, group, breakdown)
  std::vector<std::vector<uint32_t>> series_of_indicator;
  std::vector<std::vector<Neighbour>> neighbours;  // per school
  std::vector<uint8_t> scored;
  size_t scored_count = 0;
  // The schools whose figures comparators are made from (docs/scorecard.md).
  std::vector<uint8_t> comparator;
  bool comparators_published = false;
  // Similarity variables per phase (registry indices) and each school's
  // standardised values of its phase's variables (NaN when missing).
  std::array<std::vector<int>, kScorecardPhaseCount> similarity_indicators;
  std::array<std::vector<std::string>, kScorecardPhaseCount> similarity_names;
  std::vector<std::vector<float>> covariates;  // per school
  std::unordered_map<int, const ScorecardLocalAuthority*> la_by_code;
  // Published LA / England figures by (indicator, group, breakdown, phase, LA).
  std::map<std::tuple<uint16_t, uint16_t, uint16_t, uint8_t, int>, const AreaValue*> area;

  std::vector<ScorecardCell> ScoreSchool(uint32_t school) const;
};

}  // namespace lantern

#endif  // LANTERN_SCORECARD_ENGINE_INTERNAL_H_
