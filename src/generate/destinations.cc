#include "generate/destinations.h"

#include <algorithm>
#include <cmath>

#include "generate/random.h"

namespace lantern::gen {

namespace {

using Act = Activity;

bool IsEducation(Act a) {
  return a == Act::kSchoolSixthForm || a == Act::kSixthFormCollege || a == Act::kFeCollege ||
         a == Act::kOtherEducation;
}
bool IsWork(Act a) {
  return a == Act::kApprenticeship || a == Act::kEmploymentWithTraining || a == Act::kEmployment;
}

// The sustained kinds a pupil is drawn into, in the order of the
// published columns: school sixth form, sixth-form college, FE, other
// education, apprenticeship, employment.
constexpr int kKinds = 6;
constexpr Act kKindActivity[kKinds] = {Act::kSchoolSixthForm, Act::kSixthFormCollege,
                                       Act::kFeCollege,       Act::kOtherEducation,
                                       Act::kApprenticeship,  Act::kEmploymentWithTraining};

// National mixes among sustained destinations, for schools with none
// published (of the order of the 2017/18 national figures; assumptions).
constexpr double kMainstreamMix[kKinds] = {0.40, 0.13, 0.37, 0.02, 0.045, 0.035};
constexpr double kSpecialMix[kKinds] = {0.38, 0.02, 0.45, 0.12, 0.01, 0.02};
constexpr double kApMix[kKinds] = {0.02, 0.03, 0.75, 0.08, 0.06, 0.06};

// How a pupil's attainment tilts the kind (log multiplier per A8 point).
constexpr double kKindTilt[kKinds] = {0.06, 0.04, -0.02, -0.02, -0.03, -0.03};

using Months = std::array<Activity, kDestinationMonths>;

void Fill(Months& m, int from, int to, Act a) {
  for (int i = std::max(0, from); i <= std::min(kDestinationMonths - 1, to); ++i)
    m[static_cast<size_t>(i)] = a;
}

// Year two (months 12-23) after a sustained first year in `a`.
void SecondYear(Months& m, Act a, Rng& rng) {
  const double u = rng.Uniform();
  if (u < 0.82) {
    Fill(m, 12, 23, a);
  } else if (u < 0.88) {  // moves on to an apprenticeship (from education) or to FE (from work)
    const int start = 12 + rng.Below(4);
    Fill(m, 12, start - 1, a);
    Fill(m, start, 23, IsEducation(a) ? Act::kApprenticeship : Act::kFeCollege);
  } else if (u < 0.93) {
    Fill(m, 12, 23, IsEducation(a) ? Act::kEmployment : a);
  } else {
    const int stop = 12 + rng.Below(7);
    Fill(m, 12, stop, a);
    Fill(m, stop + 1, 23, rng.Bernoulli(0.7) ? Act::kNeet : Act::kNotKnown);
  }
}

Months SustainedHistory(int kind, Rng& rng) {
  Months m;
  m.fill(Act::kNotKnown);
  const Act a = kKindActivity[kind];
  if (kind < 4) {  // education
    Fill(m, rng.Bernoulli(0.7) ? 0 : 1, 11, a);
    const double u = rng.Uniform();
    if (u < 0.06) {  // changes provider in January: still sustained education
      Fill(m, 5, 11, a == Act::kFeCollege ? Act::kOtherEducation : Act::kFeCollege);
    } else if (u < 0.10) {  // education then work: sustained as a combination
      Fill(m, 5, 11, Act::kEmployment);
    }
    SecondYear(m, m[11], rng);
  } else if (kind == 4) {  // apprenticeship from August to October
    const int start = rng.Below(3);
    Fill(m, 0, start - 1, Act::kNotKnown);
    Fill(m, start, 23, Act::kApprenticeship);
    if (rng.Bernoulli(0.1)) Fill(m, 12 + rng.Below(6), 23, Act::kEmployment);
  } else {  // employment: 5 or 6 of the months October to March
    const Act w = rng.Bernoulli(0.4) ? Act::kEmploymentWithTraining : Act::kEmployment;
    Fill(m, 1 + rng.Below(2), 11, w);
    if (rng.Bernoulli(0.25)) {
      const int gap = 3 + rng.Below(4);
      m[static_cast<size_t>(gap)] = Act::kNeet;
    }
    SecondYear(m, w, rng);
  }
  return m;
}

Months NotSustainedHistory(Rng& rng) {
  Months m;
  m.fill(Act::kNeet);
  m[0] = Act::kNotKnown;
  const double u = rng.Uniform();
  if (u < 0.45) {  // starts a course and leaves by December
    const int last = 2 + rng.Below(3);
    Fill(m, 1, last, rng.Bernoulli(0.8) ? Act::kFeCollege : Act::kSchoolSixthForm);
  } else if (u < 0.75) {  // a few months of work
    const int start = 2 + rng.Below(2);
    Fill(m, start, start + 2, Act::kEmployment);
  }
  // Year two: some come back to education or work.
  const double v = rng.Uniform();
  if (v < 0.35) {
    Fill(m, 13, 23, Act::kFeCollege);
  } else if (v < 0.55) {
    Fill(m, 14 + rng.Below(4), 23, Act::kEmployment);
  } else if (v < 0.65) {
    Fill(m, 12, 23, Act::kNotKnown);
  }
  return m;
}

Months UnknownHistory(Rng& rng) {
  Months m;
  m.fill(Act::kNotKnown);
  if (rng.Bernoulli(0.3))
    Fill(m, 12 + rng.Below(6), 23, rng.Bernoulli(0.5) ? Act::kNeet : Act::kEmployment);
  return m;
}

double Share(const std::optional<double>& part, const std::optional<double>& cohort) {
  return part && cohort && *cohort > 0 ? *part / *cohort : -1;
}

}  // namespace

bool SustainedDestination(const Months& m) {
  // An apprenticeship of 6 consecutive months, August to March.
  int run = 0;
  for (int i = 0; i <= 7; ++i) {
    run = m[static_cast<size_t>(i)] == Act::kApprenticeship ? run + 1 : 0;
    if (run >= 6) return true;
  }
  int education = 0, work = 0;
  for (int i = 2; i <= 7; ++i) {
    education += IsEducation(m[static_cast<size_t>(i)]);
    work += IsWork(m[static_cast<size_t>(i)]);
  }
  return education == 6 || work >= 5 || education + work == 6;
}

void PlanSchoolDestinations(const Generated& g, const GenSchool& school, std::span<Ks4Pupil> pupils,
                            Ks4SchoolFit* fit) {
  const FrameSchool& f = *school.frame;
  const bool special = school.phase == SchoolPhaseCode::kSpecial;
  const bool ap = school.phase == SchoolPhaseCode::kAlternativeProvision;
  const LaPlan& plan = g.plans[g.plan_of_school[fit->school]];
  const size_t n = pupils.size();
  if (n == 0) return;

  // Targets: the published sustained rate and mix, else national.
  double target = Share(f.dest_overall, f.dest_cohort);
  fit->dest_source = "school";
  if (target < 0 || *f.dest_cohort < 1) {
    target = ap ? 0.60 : special ? 0.89 : 0.94;
    fit->dest_source = ap ? "assumed_ap" : special ? "national_special" : "national_mainstream";
  }
  target = std::clamp(target, 0.02, 0.995);
  fit->target_sustained = target;
  std::array<double, kKinds> mix;
  const double* fallback = ap ? kApMix : special ? kSpecialMix : kMainstreamMix;
  const std::optional<double>* parts[kKinds] = {
      &f.dest_school_sixth,    &f.dest_sixth_college,  &f.dest_fe,
      &f.dest_other_education, &f.dest_apprenticeship, &f.dest_employment};
  double total = 0;
  int missing = 0;
  for (int k = 0; k < kKinds; ++k) {
    mix[static_cast<size_t>(k)] = parts[k]->has_value() ? **parts[k] : -1;
    if (mix[static_cast<size_t>(k)] < 0) {
      ++missing;
    } else {
      total += mix[static_cast<size_t>(k)];
    }
  }
  if (fit->dest_source != "school" || total <= 0) {
    for (int k = 0; k < kKinds; ++k) mix[static_cast<size_t>(k)] = fallback[k];
  } else {
    // A suppressed count is small: half a pupil.
    for (double& v : mix) {
      if (v < 0) v = 0.5;
      v = std::max(v, 0.0);
    }
    double s = 0;
    for (double v : mix) s += v;
    for (double& v : mix) v /= s;
  }
  (void)missing;
  double unknown_share = 0.2;
  if (f.dest_unknown && f.dest_not_sustained && *f.dest_unknown + *f.dest_not_sustained > 0)
    unknown_share = *f.dest_unknown / (*f.dest_unknown + *f.dest_not_sustained);

  // P(sustained) = logistic(c + 0.3 (A8 - 46.7)/10 - 0.25 disadvantaged), c solved.
  std::vector<double> lin(n);
  for (size_t i = 0; i < n; ++i) {
    const GenPupil& p = plan.pupils[pupils[i].pupil];
    lin[i] = 0.3 * (pupils[i].target_a8 - 46.7) / 10 - (p.disadvantaged ? 0.25 : 0);
  }
  auto mean_p = [&](double c) {
    double s = 0;
    for (double v : lin) s += Logistic(c + v);
    return s / static_cast<double>(n);
  };
  double lo = -10, hi = 12;
  for (int step = 0; step < 50; ++step) {
    const double mid = (lo + hi) / 2;
    (mean_p(mid) < target ? lo : hi) = mid;
  }
  const double c = (lo + hi) / 2;
  fit->expected_sustained = mean_p(c);

  // The kind among sustained pupils: the school's mix, tilted by
  // attainment, scaled so the expected mix is the published one.
  std::vector<std::array<double, kKinds>> tilt(n);
  std::vector<double> ps(n);
  for (size_t i = 0; i < n; ++i) {
    ps[i] = Logistic(c + lin[i]);
    for (int k = 0; k < kKinds; ++k)
      tilt[i][static_cast<size_t>(k)] = std::exp(kKindTilt[k] * (pupils[i].target_a8 - 46.7));
  }
  std::array<double, kKinds> factor = mix;
  for (int round = 0; round < 10; ++round) {
    std::array<double, kKinds> got{};
    double all = 0;
    for (size_t i = 0; i < n; ++i) {
      double z = 0;
      for (int k = 0; k < kKinds; ++k)
        z += factor[static_cast<size_t>(k)] * tilt[i][static_cast<size_t>(k)];
      if (z <= 0) continue;
      for (int k = 0; k < kKinds; ++k)
        got[static_cast<size_t>(k)] +=
            ps[i] * factor[static_cast<size_t>(k)] * tilt[i][static_cast<size_t>(k)] / z;
      all += ps[i];
    }
    for (int k = 0; k < kKinds; ++k) {
      const size_t kk = static_cast<size_t>(k);
      if (got[kk] > 0 && all > 0) factor[kk] *= mix[kk] / (got[kk] / all);
    }
  }

  int sustained = 0;
  for (size_t i = 0; i < n; ++i) {
    Ks4Pupil& kp = pupils[i];
    const GenPupil& p = plan.pupils[kp.pupil];
    Rng rng(StreamKey(g.seed, Purpose::kDestinations, p.key));
    kp.sustained = rng.Uniform() < ps[i];
    if (kp.sustained) {
      std::array<double, kKinds> w;
      for (int k = 0; k < kKinds; ++k)
        w[static_cast<size_t>(k)] =
            factor[static_cast<size_t>(k)] * tilt[i][static_cast<size_t>(k)];
      kp.months = SustainedHistory(static_cast<int>(rng.Pick(w)), rng);
    } else if (rng.Uniform() < unknown_share) {
      kp.months = UnknownHistory(rng);
    } else {
      kp.months = NotSustainedHistory(rng);
    }
    sustained += SustainedDestination(kp.months);
  }
  fit->generated_sustained = static_cast<double>(sustained) / static_cast<double>(n);
}

}  // namespace lantern::gen
