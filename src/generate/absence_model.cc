#include "generate/absence_model.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "generate/random.h"

namespace lantern::gen {

namespace {

// Lengths in sessions from a pmf over whole days: each day is two sessions;
// a share of spells starts in the afternoon (one session fewer).
LengthPmf DaysToSessions(std::initializer_list<std::pair<int, double>> days,
                         double afternoon_start) {
  LengthPmf pmf{};
  for (auto [d, p] : days) {
    pmf[static_cast<size_t>(2 * d)] += p * (1 - afternoon_start);
    pmf[static_cast<size_t>(2 * d - 1)] += p * afternoon_start;
  }
  return pmf;
}

LengthPmf Sessions(std::initializer_list<std::pair<int, double>> sessions) {
  LengthPmf pmf{};
  for (auto [s, p] : sessions) pmf[static_cast<size_t>(s)] += p;
  return pmf;
}

EpisodeKindInfo MakeKind(const char* code, bool unauthorised, LengthPmf pmf) {
  double total = 0, mean = 0;
  for (size_t i = 1; i < pmf.size(); ++i) total += pmf[i];
  for (size_t i = 1; i < pmf.size(); ++i) {
    pmf[i] /= total;
    mean += static_cast<double>(i) * pmf[i];
  }
  return {code, unauthorised, pmf, mean};
}

const std::array<EpisodeKindInfo, kEpisodeKinds>& Kinds() {
  static const std::array<EpisodeKindInfo, kEpisodeKinds> kinds = {
      // Illness: mostly one or two days, a tail of longer spells; 15% start
      // in the afternoon (sent home ill).
      MakeKind("I", false,
               DaysToSessions({{1, .42},
                               {2, .24},
                               {3, .14},
                               {4, .08},
                               {5, .07},
                               {6, .02},
                               {7, .01},
                               {8, .01},
                               {10, .01}},
                              0.15)),
      MakeKind("M", false, Sessions({{1, 1}})),
      MakeKind("C", false, DaysToSessions({{1, .6}, {2, .25}, {3, .15}}, 0)),
      MakeKind("R", false, Sessions({{2, 1}})),
      // Unauthorised holiday: blocks of several days.
      MakeKind("G", true, DaysToSessions({{3, .1}, {4, .15}, {5, .45}, {7, .1}, {10, .2}}, 0)),
      MakeKind("O", true, Sessions({{1, .35}, {2, .45}, {4, .12}, {6, .08}})),
      MakeKind("U", true, Sessions({{1, 1}})),
      MakeKind("N", true, Sessions({{1, .5}, {2, .5}})),
  };
  return kinds;
}

NormalQuadrature MakeNormalQuadrature(int n) {
  // Golub-Welsch-free Newton iteration on the orthonormal Hermite
  // polynomials (Numerical Recipes, gauher).
  std::vector<double> x(static_cast<size_t>(n)), w(static_cast<size_t>(n));
  const double kPim4 = 0.7511255444649425;
  double z = 0, pp = 0;
  for (int i = 0; i < (n + 1) / 2; ++i) {
    if (i == 0) {
      z = std::sqrt(2.0 * n + 1) - 1.85575 * std::pow(2.0 * n + 1, -0.16667);
    } else if (i == 1) {
      z -= 1.14 * std::pow(n, 0.426) / z;
    } else if (i == 2) {
      z = 1.86 * z - 0.86 * x[0];
    } else if (i == 3) {
      z = 1.91 * z - 0.91 * x[1];
    } else {
      z = 2.0 * z - x[static_cast<size_t>(i - 2)];
    }
    for (int it = 0; it < 100; ++it) {
      double p1 = kPim4, p2 = 0;
      for (int j = 0; j < n; ++j) {
        double p3 = p2;
        p2 = p1;
        p1 = z * std::sqrt(2.0 / (j + 1)) * p2 - std::sqrt(static_cast<double>(j) / (j + 1)) * p3;
      }
      pp = std::sqrt(2.0 * n) * p2;
      double z1 = z;
      z = z1 - p1 / pp;
      if (std::fabs(z - z1) <= 1e-14) break;
    }
    x[static_cast<size_t>(i)] = z;
    x[static_cast<size_t>(n - 1 - i)] = -z;
    w[static_cast<size_t>(i)] = w[static_cast<size_t>(n - 1 - i)] = 2.0 / (pp * pp);
  }
  NormalQuadrature q;
  for (int i = 0; i < n; ++i) {
    q.z.push_back(std::sqrt(2.0) * x[static_cast<size_t>(i)]);
    q.w.push_back(w[static_cast<size_t>(i)] / std::sqrt(M_PI));
  }
  return q;
}

const NormalQuadrature& Pupils() {
  static const NormalQuadrature q = MakeNormalQuadrature(24);
  return q;
}
const NormalQuadrature& Drift() {
  static const NormalQuadrature q = MakeNormalQuadrature(8);
  return q;
}

// P(S >= k) for k = 0..max_k, S compound Poisson(lambda) with episode
// lengths `pmf` (Panjer's recursion).
std::vector<double> CompoundPoissonTails(double lambda, const LengthPmf& pmf, int max_k) {
  std::vector<double> g(static_cast<size_t>(max_k + 1), 0.0), tail(g.size(), 0.0);
  g[0] = std::exp(-lambda);
  for (int n = 1; n <= max_k; ++n) {
    double s = 0;
    for (int j = 1; j <= std::min(n, kMaxEpisodeSessions); ++j) {
      s += j * pmf[static_cast<size_t>(j)] * g[static_cast<size_t>(n - j)];
    }
    g[static_cast<size_t>(n)] = lambda / n * s;
  }
  double below = 0;
  for (int k = 0; k <= max_k; ++k) {
    tail[static_cast<size_t>(k)] = std::clamp(1.0 - below, 0.0, 1.0);
    below += g[static_cast<size_t>(k)];
  }
  return tail;
}

// The length pmf and mean of an episode drawn from a mix.
LengthPmf EpisodeLengths(const KindMix& mix, double* mean_sessions) {
  // Episodes of kind k occur in proportion to share_k / mean_length_k.
  std::array<double, kEpisodeKinds> rate{};
  double total = 0;
  for (size_t k = 0; k < kEpisodeKinds; ++k) {
    rate[k] = mix[k] / Kinds()[k].mean_sessions;
    total += rate[k];
  }
  LengthPmf pmf{};
  for (size_t k = 0; k < kEpisodeKinds; ++k) {
    for (size_t i = 1; i < pmf.size(); ++i) pmf[i] += rate[k] / total * Kinds()[k].sessions[i];
  }
  *mean_sessions = 0;
  for (size_t i = 1; i < pmf.size(); ++i) *mean_sessions += static_cast<double>(i) * pmf[i];
  return pmf;
}

void Normalise(KindMix* mix) {
  double total = 0;
  for (double v : *mix) total += v;
  for (double& v : *mix) v /= total;
}

}  // namespace

const NormalQuadrature& StandardNormalQuadrature() { return Pupils(); }

const EpisodeKindInfo& KindInfo(EpisodeKind kind) { return Kinds()[static_cast<size_t>(kind)]; }

KindMix PhaseMix(SchoolPhaseCode phase, double unauthorised_factor) {
  // Shares of absent sessions by reason, from the 2018/19 national absence
  // release (illness about 55% of absence; unauthorised holiday 0.4 and
  // other unauthorised 1.1 points in secondary, 0.4 in primary; appointments
  // and other authorised far higher in special schools; PRUs from the
  // 2018/19 PRU absence file). Suspensions (E) and part-time timetables (C2)
  // are events of their own and are not in these mixes.
  //                  I     M     C     R     G     O     U     N
  KindMix mix;
  switch (phase) {
    case SchoolPhaseCode::kPrimary:
      mix = {.620, .070, .075, .008, .100, .085, .025, .012};
      break;
    case SchoolPhaseCode::kSpecial:
      mix = {.470, .120, .180, .005, .020, .170, .010, .025};
      break;
    case SchoolPhaseCode::kAlternativeProvision:
      mix = {.140, .025, .250, .000, .010, .520, .035, .020};
      break;
    default:
      mix = {.550, .060, .070, .005, .045, .190, .035, .020};
      break;
  }
  double unauth = 0;
  for (size_t k = 0; k < kEpisodeKinds; ++k)
    if (Kinds()[k].unauthorised) unauth += mix[k];
  const double target = std::clamp(unauth * unauthorised_factor, 0.02, 0.9);
  for (size_t k = 0; k < kEpisodeKinds; ++k) {
    mix[k] *= Kinds()[k].unauthorised ? target / unauth : (1 - target) / (1 - unauth);
  }
  Normalise(&mix);
  return mix;
}

KindMix PupilMix(const KindMix& school_mix, const GenPupil& pupil) {
  // Centred so that, over a typical school, the unauthorised share is kept.
  const double tilt =
      std::exp(0.5 * ((pupil.disadvantaged ? 1.0 : 0.0) - 0.25) + 0.2 * pupil.absence_z - 0.02);
  KindMix mix = school_mix;
  for (size_t k = 0; k < kEpisodeKinds; ++k)
    if (Kinds()[k].unauthorised) mix[k] *= tilt;
  Normalise(&mix);
  return mix;
}

double AbsenceShift(const GenPupil& p, SchoolPhaseCode phase) {
  double x = 0;
  if (p.fsm) x += 0.30;
  if (p.disadvantaged) x += 0.25;
  if (p.sen == SenProvision::kSupport) x += 0.35;
  if (p.sen == SenProvision::kEhcPlan) x += 0.55;
  if (p.eal) x -= 0.20;
  if (p.looked_after) x -= 0.10;
  const int y = p.year_group;
  switch (phase) {
    case SchoolPhaseCode::kPrimary:
      if (y == 0) x += 0.10;
      if (y == 1) x += 0.05;
      break;
    case SchoolPhaseCode::kSecondary: {
      static const double kSecondary[] = {-0.30, -0.12, 0.0, 0.10, 0.20, 0.25, 0.30};
      if (y >= 7 && y <= 13) x += kSecondary[y - 7];
      break;
    }
    case SchoolPhaseCode::kAlternativeProvision:
      if (y <= 9) x -= 0.10;
      if (y == 11) x += 0.15;
      break;
    default:
      break;
  }
  return x;
}

PersistenceTable::PersistenceTable(const KindMix& mix, int possible) {
  double mean = 1;
  const LengthPmf pmf = EpisodeLengths(mix, &mean);
  threshold_ = (possible + 9) / 10;  // at least 10% of possible sessions
  const double drift = kTermDriftSd / std::sqrt(3.0);
  constexpr int kPoints = 801;
  tail_.assign(kPoints, std::vector<double>(static_cast<size_t>(threshold_ + 1), 0.0));
  for (int i = 0; i < kPoints; ++i) {
    const double rate = static_cast<double>(i) / (kPoints - 1);
    const double lambda = rate * possible / mean;
    for (size_t j = 0; j < Drift().z.size(); ++j) {
      const double m = std::exp(drift * Drift().z[j] - drift * drift / 2);
      const std::vector<double> t = CompoundPoissonTails(lambda * m, pmf, threshold_);
      for (size_t k = 0; k < t.size(); ++k) tail_[static_cast<size_t>(i)][k] += Drift().w[j] * t[k];
    }
  }
}

double PersistenceTable::At(double rate, int fixed) const {
  const size_t k = static_cast<size_t>(std::clamp(threshold_ - fixed, 0, threshold_));
  const double x = std::clamp(rate, 0.0, 1.0) * static_cast<double>(tail_.size() - 1);
  const size_t i = std::min(static_cast<size_t>(x), tail_.size() - 2);
  const double f = x - static_cast<double>(i);
  return tail_[i][k] * (1 - f) + tail_[i + 1][k] * f;
}

const PersistenceTable& PersistenceTableFor(SchoolPhaseCode phase, int possible,
                                            double unauthorised_factor) {
  static std::mutex mu;
  static std::map<std::tuple<int, int, int>, std::unique_ptr<PersistenceTable>> cache;
  const int factor = static_cast<int>(std::lround(unauthorised_factor * 20));
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[{static_cast<int>(phase), possible, factor}];
  if (!slot) slot = std::make_unique<PersistenceTable>(PhaseMix(phase, factor / 20.0), possible);
  return *slot;
}

void ExpectedAbsence(const std::vector<ShiftGroup>& groups, double a, double s,
                     const PersistenceTable& table, double* overall, double* persistent) {
  double total = 0, o = 0, p = 0;
  for (const ShiftGroup& g : groups) {
    for (size_t i = 0; i < Pupils().z.size(); ++i) {
      const double r = Logistic(a + g.shift + s * Pupils().z[i]);
      const double w = g.weight * Pupils().w[i];
      o += w * r;
      p += w * table.At(r, g.fixed);
    }
    total += g.weight;
  }
  *overall = total > 0 ? o / total : 0;
  *persistent = total > 0 ? p / total : 0;
}

namespace {

// The intercept giving the target mean for a spread (the mean rises with a).
double SolveIntercept(const std::vector<ShiftGroup>& groups, double target, double s) {
  double lo = -14, hi = 8;
  double total = 0;
  for (const ShiftGroup& g : groups) total += g.weight;
  auto mean = [&](double a, double* slope) {
    double m = 0, d = 0;
    for (const ShiftGroup& g : groups) {
      for (size_t i = 0; i < Pupils().z.size(); ++i) {
        const double r = Logistic(a + g.shift + s * Pupils().z[i]);
        m += g.weight * Pupils().w[i] * r;
        d += g.weight * Pupils().w[i] * r * (1 - r);
      }
    }
    *slope = d / total;
    return m / total;
  };
  double a = std::log(target / (1 - target));
  for (int it = 0; it < 60; ++it) {
    double slope = 0;
    const double f = mean(a, &slope) - target;
    if (std::fabs(f) < 1e-9) break;
    (f > 0 ? hi : lo) = a;
    double next = slope > 1e-12 ? a - f / slope : (lo + hi) / 2;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;  // Newton left the bracket
    a = next;
  }
  return a;
}

}  // namespace

AbsenceFit FitAbsence(const std::vector<ShiftGroup>& groups, double target_overall,
                      double target_persistent, const PersistenceTable& table) {
  AbsenceFit fit;
  if (groups.empty()) return fit;
  target_overall = std::clamp(target_overall, 0.002, 0.9);
  target_persistent = std::clamp(target_persistent, 0.0, 1.0);
  auto gap = [&](double s, double* a) {
    *a = SolveIntercept(groups, target_overall, s);
    double o = 0, p = 0;
    ExpectedAbsence(groups, *a, s, table, &o, &p);
    return p - target_persistent;
  };
  // With a low mean, persistent absence first rises with the spread (more
  // pupils pass 10%), then falls (absence piles up on fewer pupils); with a
  // mean near or above 10% it falls from the start. Walk up the spread
  // until the target is crossed, then bisect. Below the target and falling,
  // it can no longer be reached: the closest point is kept. Above it at the
  // smallest spread (episode noise alone gives too many persistent
  // absentees), the crossing lies on the falling side.
  constexpr double kMin = 0.02, kMax = 3.0, kStep = 0.1;
  double lo = kMin, hi = kMin, a_lo = 0, a_hi = 0;
  double f_lo = gap(kMin, &a_lo), f_hi = f_lo;
  a_hi = a_lo;
  double best_s = kMin, best_a = a_lo, best_f = f_lo;
  bool crossed = false;
  for (double x = kMin + kStep; x <= kMax + 1e-9 && !crossed; x += kStep) {
    double a_x = 0;
    const double f_x = gap(x, &a_x);
    if (f_x < 0 && f_x < f_hi) break;  // below the target and falling away
    if (std::fabs(f_x) < std::fabs(best_f)) {
      best_s = x;
      best_a = a_x;
      best_f = f_x;
    }
    if ((f_x > 0) != (f_hi > 0)) {
      crossed = true;
      lo = hi;
      a_lo = a_hi;
      f_lo = f_hi;
      hi = x;
    } else {
      hi = x;
      a_hi = a_x;
      f_hi = f_x;
    }
  }
  double s = 0, a = 0;
  if (!crossed) {
    // The target is out of reach: keep the closest point.
    s = best_s;
    a = best_a;
  } else {
    for (int it = 0; it < 40; ++it) {
      const double mid = (lo + hi) / 2;
      double a_mid = 0;
      const double f = gap(mid, &a_mid);
      if ((f > 0) == (f_lo > 0)) {
        lo = mid;
        f_lo = f;
      } else {
        hi = mid;
      }
      s = mid;
      a = a_mid;
      if (hi - lo < 1e-4) break;
    }
  }
  fit.intercept = a;
  fit.spread = s;
  ExpectedAbsence(groups, a, s, table, &fit.fitted_overall, &fit.fitted_persistent);
  fit.converged = std::fabs(fit.fitted_overall - target_overall) < 1e-4 &&
                  std::fabs(fit.fitted_persistent - target_persistent) < 0.005;
  return fit;
}

}  // namespace lantern::gen
