// Suspensions and permanent exclusions (calibrated to each LA's published
// 2018/19 rates), alternative provision placements (to the LA's January
// 2023 school-arranged AP counts), part-time timetables and internal-unit
// spells (assumed rates). See docs/generator.md, "Behaviour and AP".
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "generate/absence_model.h"
#include "generate/la_plan.h"

namespace lantern::gen {

namespace {

using R = ExclusionReason;

// Reasons given for suspensions and for permanent exclusions (shares of
// reasons, England 2018/19, rounded; "other" was still in use then).
const std::vector<std::pair<R, double>>& SuspensionReasons() {
  static const std::vector<std::pair<R, double>> v = {
      {R::kDB, .30}, {R::kPP, .16}, {R::kVA, .12},  {R::kOT, .15}, {R::kVP, .06}, {R::kPA, .04},
      {R::kDA, .03}, {R::kDM, .03}, {R::kOW, .02},  {R::kMT, .02}, {R::kBU, .01}, {R::kRA, .01},
      {R::kSM, .01}, {R::kTH, .01}, {R::kLG, .003}, {R::kDS, .002}};
  return v;
}
const std::vector<std::pair<R, double>>& ExclusionReasons() {
  static const std::vector<std::pair<R, double>> v = {
      {R::kDB, .35}, {R::kOT, .13}, {R::kPP, .12}, {R::kDA, .10}, {R::kPA, .09},  {R::kVA, .08},
      {R::kOW, .06}, {R::kVP, .03}, {R::kSM, .02}, {R::kDM, .01}, {R::kTH, .005}, {R::kBU, .005}};
  return v;
}
const std::vector<std::pair<R, double>>& UnitReasons() {
  static const std::vector<std::pair<R, double>> v = {{R::kDB, .50}, {R::kVA, .12}, {R::kVP, .10},
                                                      {R::kPP, .08}, {R::kDM, .05}, {R::kMT, .05},
                                                      {R::kBU, .04}, {R::kOT, .06}};
  return v;
}

R DrawReason(const std::vector<std::pair<R, double>>& mix, Rng& rng) {
  std::vector<double> w;
  for (auto& [r, p] : mix) w.push_back(p);
  return mix[rng.Pick(w)].first;
}

// One to three distinct reasons; most events have one.
std::array<R, 3> DrawReasons(const std::vector<std::pair<R, double>>& mix, Rng& rng) {
  const double u = rng.Uniform();
  const int n = u < 0.75 ? 1 : u < 0.93 ? 2 : 3;
  std::array<R, 3> out{R::kNone, R::kNone, R::kNone};
  for (int k = 0; k < n; ++k) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      const R r = DrawReason(mix, rng);
      if (std::find(out.begin(), out.end(), r) == out.end()) {
        out[static_cast<size_t>(k)] = r;
        break;
      }
    }
  }
  return out;
}

// Sessions of a suspension: mostly one to three days.
int DrawSuspensionSessions(Rng& rng) {
  static const std::pair<int, double> kSessions[] = {{1, .10},  {2, .38}, {3, .07}, {4, .17},
                                                     {5, .04},  {6, .10}, {8, .05}, {10, .05},
                                                     {14, .02}, {20, .02}};
  std::vector<double> w;
  for (auto& [s, p] : kSessions) w.push_back(p);
  return kSessions[rng.Pick(w)].first;
}

size_t TypeIndex(SchoolType t) { return static_cast<size_t>(t); }

// A pupil has at most this many suspensions in a year (45 school days).
constexpr int kMaxSuspensions = 20;

// E[min(N, kMaxSuspensions)] for N ~ Poisson(lambda), tabulated on a log grid.
class CappedPoissonMean {
 public:
  CappedPoissonMean() {
    for (int i = 0; i < kPoints; ++i) {
      const double lambda = std::exp(kLogMin + i * kStep);
      // E[min(N, m)] = sum over k < m of P(N > k).
      double pk = std::exp(-lambda), cdf = 0, mean = 0;
      for (int k = 0; k < kMaxSuspensions; ++k) {
        cdf += pk;
        mean += 1 - cdf;
        pk *= lambda / (k + 1);
      }
      table_[static_cast<size_t>(i)] = mean;
    }
  }
  double operator()(double lambda) const {
    if (lambda <= 0) return 0;
    const double x = (std::log(lambda) - kLogMin) / kStep;
    if (x <= 0) return lambda;  // tiny rates: the cap never binds
    if (x >= kPoints - 1) return kMaxSuspensions;
    const size_t i = static_cast<size_t>(x);
    const double f = x - static_cast<double>(i);
    return table_[i] * (1 - f) + table_[i + 1] * f;
  }

 private:
  static constexpr int kPoints = 1200;
  static constexpr double kLogMin = -9.0, kStep = 15.0 / kPoints;
  std::array<double, kPoints> table_{};
};

// Fits scale c and spread s of N ~ min(Poisson(c exp(x + s z)), cap) so that
// the mean count per pupil and the share with one or more match the targets.
void FitPoissonMixture(const std::map<double, double>& groups, BehaviourFit* fit) {
  static const CappedPoissonMean capped_mean;
  const auto& q = StandardNormalQuadrature();
  double total = 0;
  for (auto& [x, w] : groups) total += w;
  const double rate = fit->target_rate / 100, one_plus = fit->target_one_plus / 100;
  if (total <= 0 || rate <= 0) return;
  auto expected = [&](double c, double s, double* share) {
    double mean = 0, p = 0;
    for (auto& [x, w] : groups) {
      for (size_t i = 0; i < q.z.size(); ++i) {
        const double lambda = c * std::exp(x + s * q.z[i]);
        mean += w * q.w[i] * capped_mean(lambda);
        p += w * q.w[i] * (1 - std::exp(-lambda));
      }
    }
    *share = p / total;
    return mean / total;
  };
  // The scale giving the target mean for a spread (bisection on log c).
  auto scale_for = [&](double s) {
    double lo = -30, hi = 15, share = 0;
    for (int it = 0; it < 36; ++it) {
      const double mid = (lo + hi) / 2;
      (expected(std::exp(mid), s, &share) > rate ? hi : lo) = mid;
    }
    return std::exp((lo + hi) / 2);
  };
  auto share_for = [&](double s, double* c) {
    *c = scale_for(s);
    double share = 0;
    expected(*c, s, &share);
    return share;
  };
  // The share with one or more falls as the spread grows (events concentrate).
  double lo = 0.01, hi = 4.0, c = 0;
  if (share_for(lo, &c) <= one_plus) {
    hi = lo;
  } else if (share_for(hi, &c) >= one_plus) {
    lo = hi;
  } else {
    for (int it = 0; it < 28; ++it) {
      const double mid = (lo + hi) / 2;
      (share_for(mid, &c) > one_plus ? lo : hi) = mid;
    }
  }
  fit->spread = (lo + hi) / 2;
  double share = 0;
  fit->fitted_one_plus = 100 * share_for(fit->spread, &fit->scale);
  fit->fitted_rate = 100 * expected(fit->scale, fit->spread, &share);
}

std::string ProviderId(ApSettingType type, int la, int k) {
  switch (type) {
    case ApSettingType::kUkprnProvider:
    case ApSettingType::kFeCollege:
      return fmt::format(
          "{}", 10000000 + (Mix64(static_cast<uint64_t>(la) * 64 + static_cast<uint64_t>(type) * 8 +
                                  static_cast<uint64_t>(k)) %
                            9000000));
    case ApSettingType::kOneToOneTuition:
      return fmt::format("TUIT-{}-{}", la, k);
    case ApSettingType::kWorkBased:
      return fmt::format("WORK-{}-{}", la, k);
    default:
      return fmt::format("UNREG-{}-{}", la, k);
  }
}

std::string ProviderName(ApSettingType type, const std::string& id) {
  switch (type) {
    case ApSettingType::kUkprnProvider:
      return fmt::format("Registered AP provider {} (generated)", id);
    case ApSettingType::kFeCollege:
      return fmt::format("FE college {} (generated)", id);
    case ApSettingType::kOneToOneTuition:
      return fmt::format("Tuition provider {} (generated)", id);
    case ApSettingType::kWorkBased:
      return fmt::format("Work placement {} (generated)", id);
    default:
      return fmt::format("Unregistered AP provider {} (generated)", id);
  }
}

double ApHours(ApSettingType type, Rng& rng) {
  double h = 0;
  switch (type) {
    case ApSettingType::kUrnSetting:
    case ApSettingType::kUkprnProvider:
      h = rng.Bernoulli(0.6) ? rng.Between(20, 25) : rng.Between(6, 15);
      break;
    case ApSettingType::kFeCollege:
      h = rng.Between(8, 16);
      break;
    case ApSettingType::kOneToOneTuition:
      h = rng.Between(2, 10);
      break;
    case ApSettingType::kWorkBased:
      h = rng.Between(6, 15);
      break;
    default:
      h = rng.Between(6, 20);
      break;
  }
  return rng.Bernoulli(0.3) ? h + 0.5 : h;
}

// `days` consecutive weekdays (wrapping past Friday) from a random one.
uint8_t WeekdayMask(int days, Rng& rng) {
  const int first = rng.Below(5);
  uint8_t mask = 0;
  for (int d = 0; d < std::clamp(days, 1, 5); ++d)
    mask |= static_cast<uint8_t>(1 << ((first + d) % 5));
  return mask;
}

// Placement length in open days: a few weeks, about a term, or the rest of the year.
int DrawPlacementDays(Rng& rng, bool* to_year_end) {
  const double u = rng.Uniform();
  *to_year_end = u >= 0.75;
  if (u < 0.35) return 5 * rng.Between(4, 8);
  if (u < 0.75) return 5 * rng.Between(10, 14);
  return 1000;
}

}  // namespace

double LaPlanner::BehaviourRate(uint32_t pupil) const {
  const GenPupil& p = plan_.pupils[pupil];
  const GenSchool& s = world_->schools[plan_.enrolments[first_enrolment_[pupil]].school];
  const BehaviourFit& fit = behaviour_[TypeIndex(SchoolTypeOf(s.phase))];
  return fit.scale * std::exp(p.behaviour_shift + fit.spread * p.behaviour_z);
}

void LaPlanner::FitBehaviour() {
  std::array<std::map<double, double>, 5> groups;
  for (uint32_t s : plan_.schools) {
    const GenSchool& school = School(s);
    auto& g = groups[TypeIndex(SchoolTypeOf(school.phase))];
    for (uint32_t p = school.first_pupil; p < school.first_pupil + school.start_pupils; ++p) {
      g[plan_.pupils[p].behaviour_shift] += 1;
    }
  }
  for (size_t t = 0; t < groups.size(); ++t) {
    if (groups[t].empty()) continue;
    BehaviourFit& fit = behaviour_[t];
    fit.la = la_;
    fit.type = static_cast<SchoolType>(t);
    BehaviourRates rates = world_->inputs->BehaviourRatesFor(la_, fit.type);
    fit.target_rate = rates.rate;
    fit.target_one_plus = std::min(rates.one_plus, rates.rate);
    fit.target_permanent = rates.permanent;
    fit.source = rates.source;
    FitPoissonMixture(groups[t], &fit);
    plan_.behaviour_fits.push_back(fit);
  }
}

void LaPlanner::AddExclusionMarks(uint32_t enrolment, int first_index, int sessions) {
  const SchoolCalendar& cal = CalendarOf(enrolment);
  MarkRule r;
  r.enrolment = enrolment;
  r.code = *ParseMarkCode("E");
  if (sessions == 1) {  // a lunchtime suspension: the afternoon session
    r.first = r.last = cal.day(first_index).days;
    r.am = false;
    AddRule(r);
    return;
  }
  const int full_days = sessions / 2;
  const int last_index = std::min(first_index + full_days - 1, cal.size() - 1);
  r.first = cal.day(first_index).days;
  r.last = cal.day(last_index).days;
  AddRule(r);
  if (sessions % 2 == 1 && last_index + 1 < cal.size()) {
    r.first = r.last = cal.day(last_index + 1).days;
    r.pm = false;
    AddRule(r);
  }
}

void LaPlanner::AddPermanentExclusions() {
  const AcademicYear year = world_->year;
  const Date october = Date::FromCivil(year.start_year(), 10, 1);
  const Date june = Date::FromCivil(year.start_year() + 1, 6, 30);
  for (size_t t = 0; t < behaviour_.size(); ++t) {
    const BehaviourFit& fit = behaviour_[t];
    if (fit.scale <= 0 || static_cast<SchoolType>(t) == SchoolType::kPupilReferralUnit) continue;
    std::vector<uint32_t> candidates;
    for (uint32_t s : plan_.schools) {
      const GenSchool& school = School(s);
      if (TypeIndex(SchoolTypeOf(school.phase)) != t) continue;
      for (uint32_t p = school.first_pupil; p < school.first_pupil + school.start_pupils; ++p) {
        const int y = plan_.pupils[p].year_group;
        if (y >= 1 && y <= 11) candidates.push_back(p);
      }
    }
    Rng rng(StreamKey(seed_, Purpose::kBehaviour, static_cast<uint64_t>(la_), t));
    const size_t count = StochasticRound(fit.target_permanent / 100 * candidates.size(), rng);
    for (uint32_t p :
         ChooseWeighted(candidates, count, rng, [&](uint32_t c) { return BehaviourRate(c); })) {
      const uint32_t e = first_enrolment_[p];
      const SchoolCalendar& cal = CalendarOf(e);
      int first = 0, last = 0;
      if (!OpenRange(e, &first, &last)) continue;
      const int lo = std::max(first + 5, cal.FirstOnOrAfter(october));
      const int hi = std::min(last - 15, cal.LastOnOrBefore(june));
      if (lo > hi) continue;
      Rng pr = PupilRng(p, Purpose::kBehaviour);
      const int start = pr.Between(lo, hi);
      // Excluded from the first day until the governors' review ends the
      // enrolment, three to twelve school days later.
      const int days = pr.Between(3, 12);
      GenSuspension x;
      x.pupil = p;
      x.school = plan_.enrolments[e].school;
      x.start = cal.day(start).days;
      x.sessions = static_cast<uint16_t>(2 * days);
      x.permanent = true;
      x.reasons = DrawReasons(ExclusionReasons(), pr);
      plan_.suspensions.push_back(x);
      AddExclusionMarks(e, start, 2 * days);
      const Date leaving = cal.day(start + days - 1);
      EndEnrolment(e, leaving, LeavingReason::kPermanentExclusion);
      has_event_[p] = 1;
      pex_start_[p] = start;
      // Then a pupil referral unit (or another school) of the LA.
      std::vector<uint32_t> options;
      if (!prus_.empty() && pr.Bernoulli(0.75)) {
        options = prus_;
      } else {
        options = DestinationsFor(plan_.pupils[p], x.school, pr);
      }
      if (options.empty()) continue;
      const uint32_t dest = PickByRoll(options, pr);
      const SchoolCalendar& dc = School(dest).calendar;
      const int entry = dc.FirstOnOrAfter(leaving + 1) + pr.Between(1, 6);
      if (entry < dc.size()) AddEnrolment(p, dest, dc.day(entry), EnrolStatus::kCurrent);
    }
  }
}

void LaPlanner::AddSuspensions() {
  for (uint32_t p = 0; p < plan_.pupils.size(); ++p) {
    const uint32_t e = first_enrolment_[p];
    int first = 0, last = 0;
    if (e == kNone || !OpenRange(e, &first, &last)) continue;
    if (pex_start_[p] >= 0) last = std::min(last, pex_start_[p] - 2);
    if (last < first) continue;
    const SchoolCalendar& cal = CalendarOf(e);
    Rng rng = PupilRng(p, Purpose::kBehaviour);
    rng.Next();  // the exclusion step's draws are not reused
    const double share_of_year = static_cast<double>(last - first + 1) / cal.size();
    const int n = std::min(rng.Poisson(BehaviourRate(p) * share_of_year), kMaxSuspensions);
    if (n == 0) continue;
    std::vector<int> starts;
    for (int k = 0; k < n; ++k) starts.push_back(rng.Between(first, last));
    std::sort(starts.begin(), starts.end());
    int cursor = first, used = 0;
    for (int start : starts) {
      start = std::max(start, cursor);
      if (start > last || used >= 90) break;
      int sessions = std::min(DrawSuspensionSessions(rng), 90 - used);
      sessions = std::min(sessions, 2 * (last - start + 1));
      GenSuspension x;
      x.pupil = p;
      x.school = plan_.enrolments[e].school;
      x.start = cal.day(start).days;
      x.sessions = static_cast<uint16_t>(sessions);
      x.reasons = DrawReasons(SuspensionReasons(), rng);
      plan_.suspensions.push_back(x);
      AddExclusionMarks(e, start, sessions);
      used += sessions;
      cursor = start + (sessions + 1) / 2 + 1;
    }
  }
}

void LaPlanner::AddApPlacements() {
  const GeneratorInputs& in = *world_->inputs;
  double pupils = 0;
  for (uint32_t s : plan_.schools) pupils += School(s).start_pupils;
  // Pupils in school-arranged AP on census day (January 2023) in this LA,
  // or England's share of pupils.
  double snapshot = 0;
  if (auto it = in.ap.find(la_); it != in.ap.end() && it->second.total > 0) {
    snapshot = it->second.total;
  } else if (auto nat = in.ap.find(kNational); nat != in.ap.end()) {
    snapshot = nat->second.total / 8.2e6 * pupils;
  }
  if (snapshot <= 0 || plan_.schools.empty()) return;
  const ApCounts& mix =
      in.ap.count(la_) && in.ap.at(la_).total > 0 ? in.ap.at(la_) : in.ap.at(kNational);
  // Placements started over the year so that, on average, `snapshot` are
  // running on census day (the third Thursday of January).
  const SchoolCalendar& cal0 = School(plan_.schools[0]).calendar;
  Date census = Date::FromCivil(world_->year.start_year() + 1, 1, 15);
  while (census.Weekday() != 3) census = census + 1;
  const int census_index = cal0.FirstOnOrAfter(census);
  const int latest_start =
      std::max(6, cal0.LastOnOrBefore(Date::FromCivil(world_->year.start_year() + 1, 5, 15)));
  Rng sim(StreamKey(0, Purpose::kApPlacements, 0));
  int active = 0;
  constexpr int kDraws = 4000;
  for (int k = 0; k < kDraws; ++k) {
    const int start = sim.Between(5, latest_start);
    bool to_end = false;
    const int days = DrawPlacementDays(sim, &to_end);
    if (start <= census_index && census_index < start + days) ++active;
  }
  Rng rng(StreamKey(seed_, Purpose::kApPlacements, static_cast<uint64_t>(la_)));
  const size_t count = StochasticRound(snapshot * kDraws / std::max(active, 1), rng);
  // Of those, a share are a pupil's second placement of the year (assumed:
  // no national figure; docs/generator.md).
  constexpr double kRepeatShare = 0.15;
  const size_t repeats = StochasticRound(kRepeatShare * static_cast<double>(count), rng);
  const size_t first_placement = plan_.placements.size();
  // Reasons for each first placement, then pupils chosen per reason.
  std::vector<double> reason_weights(mix.by_reason.begin(), mix.by_reason.end());
  if (std::all_of(reason_weights.begin(), reason_weights.end(), [](double w) { return w <= 0; })) {
    reason_weights = {13725, 4482, 561, 116, 249, 5444};
  }
  std::array<size_t, 6> per_reason{};
  for (size_t k = repeats; k < count; ++k) ++per_reason[rng.Pick(reason_weights)];
  std::vector<uint32_t> candidates;
  for (uint32_t s : plan_.schools) {
    const GenSchool& school = School(s);
    if (school.phase == SchoolPhaseCode::kAlternativeProvision) continue;
    for (uint32_t p = school.first_pupil; p < school.first_pupil + school.start_pupils; ++p) {
      const int y = plan_.pupils[p].year_group;
      if (y >= 1 && y <= 11) candidates.push_back(p);
    }
  }
  // One placement for the pupil, starting on a school day from index
  // `earliest` of the home school's calendar (none when too late in the year).
  auto place = [&](uint32_t p, ApReason why, int earliest, Rng& pr) {
    const uint32_t e = first_enrolment_[p];
    const SchoolCalendar& cal = CalendarOf(e);
    const int latest = std::min(latest_start, cal.size() - 6);
    if (earliest > latest) return;
    GenApPlacement ap;
    ap.pupil = p;
    ap.school = plan_.enrolments[e].school;
    ap.reason = why;
    const int start = pr.Between(earliest, latest);
    bool to_end = false;
    const int days = DrawPlacementDays(pr, &to_end);
    const int end = std::min(start + days - 1, cal.size() - 1);
    ap.start = cal.day(start).days;
    if (!to_end && end < cal.size() - 1) ap.end = cal.day(end).days;
    // The setting type, from England's mix for this reason.
    const auto& by_reason = in.ap_setting_by_reason[static_cast<size_t>(why)];
    std::vector<double> settings(by_reason.begin(), by_reason.end());
    if (std::all_of(settings.begin(), settings.end(), [](double w) { return w <= 0; })) {
      settings = {0, 12493, 1871, 6449, 2568, 860, 336};
    }
    ap.setting_type = static_cast<ApSettingType>(pr.Pick(settings));
    ap.hours = ApHours(ap.setting_type, pr);
    ap.basis =
        why == ApReason::kBehaviour && pr.Bernoulli(0.08) ? ApBasis::kOffSiteDirection
        : (why == ApReason::kMentalHealth || why == ApReason::kPhysicalHealth) && pr.Bernoulli(0.10)
            ? ApBasis::kLaArranged
            : ApBasis::kSchoolArranged;
    ap.plan = pr.Bernoulli(0.6);
    if (ap.end != kOpenEnded) {
      const double u = pr.Uniform();
      ap.outcome = u < 0.65   ? PlacementOutcome::kReintegrated
                   : u < 0.85 ? PlacementOutcome::kContinuedAp
                              : PlacementOutcome::kOther;
    }
    const uint8_t weekdays = WeekdayMask(static_cast<int>(std::lround(ap.hours / 5)), pr);
    bool dual = false;
    if (ap.setting_type == ApSettingType::kUrnSetting) {
      // A placement at a school or PRU: dual registration at the LA's PRU
      // where there is one, else a place at another school of the LA.
      std::vector<uint32_t> hosts = prus_;
      dual = !hosts.empty() && plan_.pupils[p].year_group >= 5;
      if (!dual) hosts = DestinationsFor(plan_.pupils[p], ap.school, pr);
      if (hosts.empty()) hosts = {ap.school};
      const uint32_t host_index = PickByRoll(hosts, pr);
      const GenSchool& host = School(host_index);
      ap.provider_id = std::to_string(host.urn);
      ap.provider_name = host.name;
      if (dual) {
        const uint32_t sub = AddEnrolment(p, host_index, Date{ap.start}, EnrolStatus::kSubsidiary);
        if (ap.end != kOpenEnded) plan_.enrolments[sub].leaving = ap.end;
        plan_.enrolments[e].status = EnrolStatus::kMain;
        MarkRule attend;
        attend.enrolment = sub;
        attend.first = ap.start;
        attend.last = ap.end == kOpenEnded ? host.calendar.last_day().days : ap.end;
        attend.weekdays = weekdays;
        attend.code = kAttendDays;
        AddRule(attend);
      }
    } else {
      const int k = pr.Between(1, 3);
      ap.provider_id = ProviderId(ap.setting_type, la_, k);
      ap.provider_name = ProviderName(ap.setting_type, ap.provider_id);
    }
    ap.setting = ap.setting_type == ApSettingType::kUrnSetting ||
                         ap.setting_type == ApSettingType::kUkprnProvider ||
                         ap.setting_type == ApSettingType::kFeCollege
                     ? ApSetting::kRegistered
                     : ApSetting::kUnregistered;
    // At the home school: D while at the other school, else B (school
    // arranged) or K (arranged by the LA) on the AP days.
    MarkRule away;
    away.enrolment = e;
    away.first = ap.start;
    away.last = ap.end == kOpenEnded ? cal.last_day().days : ap.end;
    away.weekdays = weekdays;
    away.code = *ParseMarkCode(dual ? "D" : ap.basis == ApBasis::kLaArranged ? "K" : "B");
    AddRule(away);
    plan_.placements.push_back(std::move(ap));
  };
  for (size_t reason = 0; reason < per_reason.size(); ++reason) {
    const ApReason why = static_cast<ApReason>(reason);
    auto weight = [&](uint32_t p) {
      if (has_event_[p]) return 0.0;
      const GenPupil& g = plan_.pupils[p];
      const SchoolPhaseCode phase = SchoolOf(first_enrolment_[p]).phase;
      double w = phase == SchoolPhaseCode::kPrimary   ? 0.12
                 : phase == SchoolPhaseCode::kSpecial ? 0.5
                                                      : 1.0;
      static const double kYear[] = {0, .1, .1, .1, .15, .2, .25, .5, .8, 1, 1.3, 1.2};
      w *= kYear[std::clamp<int>(g.year_group, 0, 11)];
      switch (why) {
        case ApReason::kMentalHealth:
          return w * (g.sen != SenProvision::kNone ? 3.0 : 1.0) *
                 (g.sex == Sex::kFemale ? 1.5 : 1.0);
        case ApReason::kPhysicalHealth:
          return w * (g.sen == SenProvision::kEhcPlan ? 3.0 : 1.0);
        case ApReason::kOther:
          return w;
        default:
          return w * std::exp(g.behaviour_shift + g.behaviour_z);
      }
    };
    for (uint32_t p : ChooseWeighted(candidates, per_reason[reason], rng, weight)) {
      if (has_event_[p]) continue;
      has_event_[p] = 1;
      Rng pr = PupilRng(p, Purpose::kApPlacements);
      place(p, why, 5, pr);
    }
  }
  // Repeat placements: a pupil whose placement ended without a return to
  // school (continued in AP, or another outcome), or some who returned,
  // placed again for the same reason 5 to 20 school days later.
  std::vector<uint32_t> ended;
  for (size_t i = first_placement; i < plan_.placements.size(); ++i) {
    if (plan_.placements[i].end != kOpenEnded) ended.push_back(static_cast<uint32_t>(i));
  }
  const auto repeat_weight = [&](uint32_t i) {
    const GenApPlacement& first = plan_.placements[i];
    const GenPupil& g = plan_.pupils[first.pupil];
    return std::exp(g.behaviour_shift + g.behaviour_z) *
           (first.outcome == PlacementOutcome::kReintegrated ? 1.0 : 4.0);
  };
  for (uint32_t i : ChooseWeighted(ended, repeats, rng, repeat_weight)) {
    const GenApPlacement first = plan_.placements[i];
    const SchoolCalendar& cal = CalendarOf(first_enrolment_[first.pupil]);
    Rng pr(StreamKey(seed_, Purpose::kApPlacements, plan_.pupils[first.pupil].key, 2));
    place(first.pupil, first.reason, cal.FirstOnOrAfter(Date{first.end}) + pr.Between(5, 20), pr);
  }
}

void LaPlanner::AddPartTimeTimetables() {
  for (uint32_t s : plan_.schools) {
    const GenSchool& school = School(s);
    // Pupils on a temporary reduced timetable at some point (assumed):
    // rare in mainstream, common in PRUs; concentrated among SEMH and EHCP
    // pupils and those with behaviour difficulties.
    const double rate = school.phase == SchoolPhaseCode::kPrimary     ? 0.001
                        : school.phase == SchoolPhaseCode::kSecondary ? 0.003
                        : school.phase == SchoolPhaseCode::kSpecial   ? 0.015
                                                                      : 0.08;
    Rng rng(StreamKey(seed_, Purpose::kPartTime, static_cast<uint64_t>(school.urn)));
    std::vector<uint32_t> candidates;
    for (uint32_t p = school.first_pupil; p < school.first_pupil + school.start_pupils; ++p) {
      const int y = plan_.pupils[p].year_group;
      if (y >= 1 && y <= 11) candidates.push_back(p);
    }
    const size_t count = StochasticRound(rate * candidates.size(), rng);
    for (uint32_t p : ChooseWeighted(candidates, count, rng, [&](uint32_t c) {
           const GenPupil& g = plan_.pupils[c];
           const bool need = g.need == SenNeed::kSemh || g.sen == SenProvision::kEhcPlan;
           return std::exp(0.5 * (g.behaviour_shift + g.behaviour_z)) * (need ? 3.0 : 1.0);
         })) {
      const uint32_t e = first_enrolment_[p];
      int first = 0, last = 0;
      if (!OpenRange(e, &first, &last) || last - first < 15) continue;
      Rng pr = PupilRng(p, Purpose::kPartTime);
      const int start = pr.Between(first, last - 10);
      const int end = std::min(last, start + 5 * pr.Between(2, 8) - 1);
      MarkRule r;
      r.enrolment = e;
      r.first = school.calendar.day(start).days;
      r.last = school.calendar.day(end).days;
      r.weekdays = WeekdayMask(pr.Between(3, 5), pr);
      r.am = false;  // mornings in school, afternoons off
      r.code = *ParseMarkCode("C2");
      AddRule(r);
    }
  }
}

void LaPlanner::AddUnitSpells() {
  for (uint32_t s : plan_.schools) {
    const GenSchool& school = School(s);
    const SchoolCalendar& cal = school.calendar;
    // Assumed: no national data exists (docs/generator.md).
    double internal = 0, support = 0;
    switch (school.phase) {
      case SchoolPhaseCode::kPrimary:
        internal = 0.005, support = 0.007;
        break;
      case SchoolPhaseCode::kSecondary:
        internal = 0.04, support = 0.015;
        break;
      case SchoolPhaseCode::kSpecial:
        internal = 0.01;
        break;
      default:
        break;
    }
    if (internal + support <= 0 || cal.size() < 40) continue;
    Rng rng(StreamKey(seed_, Purpose::kUnits, static_cast<uint64_t>(school.urn)));
    std::vector<uint32_t> candidates;
    for (uint32_t p = school.first_pupil; p < school.first_pupil + school.start_pupils; ++p) {
      candidates.push_back(p);
    }
    const size_t n_internal = StochasticRound(internal * candidates.size(), rng);
    for (uint32_t p : ChooseWeighted(candidates, n_internal, rng,
                                     [&](uint32_t c) { return BehaviourRate(c) + 1e-3; })) {
      int first = 0, last = 0;
      if (!OpenRange(first_enrolment_[p], &first, &last)) continue;
      Rng pr = PupilRng(p, Purpose::kUnits);
      const int spells = std::min(1 + pr.Poisson(0.8), 6);
      std::vector<int> days;
      for (int k = 0; k < spells; ++k) days.push_back(pr.Between(first, last));
      std::sort(days.begin(), days.end());
      days.erase(std::unique(days.begin(), days.end()), days.end());
      for (int d : days) {
        static const std::pair<int, double> kSessions[] = {{1, .2}, {2, .5},  {3, .1},
                                                           {4, .1}, {6, .05}, {10, .05}};
        std::vector<double> w;
        for (auto& [v, q] : kSessions) w.push_back(q);
        GenUnitSpell u;
        u.pupil = p;
        u.school = s;
        u.unit = UnitKind::kInternalSuspension;
        u.sessions = static_cast<uint16_t>(kSessions[pr.Pick(w)].first);
        u.start = cal.day(d).days;
        u.end = cal.day(std::min(d + (u.sessions - 1) / 2, last)).days;
        u.reason = DrawReason(UnitReasons(), pr);
        u.plan = pr.Bernoulli(0.7);
        const double o = pr.Uniform();
        u.outcome = o < 0.85   ? PlacementOutcome::kReintegrated
                    : o < 0.93 ? PlacementOutcome::kSuspended
                               : PlacementOutcome::kOther;
        plan_.units.push_back(u);
      }
    }
    const size_t n_support = StochasticRound(support * candidates.size(), rng);
    for (uint32_t p : ChooseWeighted(candidates, n_support, rng, [&](uint32_t c) {
           const GenPupil& g = plan_.pupils[c];
           return (g.sen != SenProvision::kNone ? 2.0 : 1.0) *
                  std::exp(0.5 * (g.behaviour_shift + g.behaviour_z));
         })) {
      int first = 0, last = 0;
      if (!OpenRange(first_enrolment_[p], &first, &last) || last - first < 25) continue;
      Rng pr = PupilRng(p, Purpose::kUnits);
      pr.Next();
      const int weeks = pr.Between(4, 12);
      const int start = pr.Between(first, last - 20);
      const int end = start + 5 * weeks - 1;
      GenUnitSpell u;
      u.pupil = p;
      u.school = s;
      u.unit = UnitKind::kSupportUnit;
      u.start = cal.day(start).days;
      u.continuing = end > last;
      u.end = cal.day(std::min(end, last)).days;
      u.sessions = static_cast<uint16_t>(weeks * pr.Between(2, 6));
      u.reason = pr.Bernoulli(0.8) ? R::kSupport : DrawReason(UnitReasons(), pr);
      u.plan = pr.Bernoulli(0.8);
      if (!u.continuing) {
        const double o = pr.Uniform();
        u.outcome = o < 0.65   ? PlacementOutcome::kReintegrated
                    : o < 0.85 ? PlacementOutcome::kContinued
                    : o < 0.90 ? PlacementOutcome::kSuspended
                               : PlacementOutcome::kOther;
      }
      plan_.units.push_back(u);
    }
  }
}

}  // namespace lantern::gen
