#include "generate/pupils.h"

#include <algorithm>
#include <cmath>

#include "generate/absence_model.h"
#include "model/upn.h"

namespace lantern::gen {

namespace {

// Index of each published count in the pooled arrays.
enum ShareIndex { kGirls, kEhcp, kSenSupport, kEal, kFsm, kFsmEver6 };

std::array<std::optional<double>, 6> Counts(const FrameSchool& s) {
  return {s.girls, s.ehcp, s.sen_support, s.eal, s.fsm, s.fsm_ever6};
}

// ---------------------------------------------------------------- year groups

// Relative sizes of the year groups a school of this phase teaches.
std::vector<std::pair<YearGroup, double>> YearGroupWeights(const GenSchool& s) {
  std::vector<std::pair<YearGroup, double>> w;
  switch (s.phase) {
    case SchoolPhaseCode::kPrimary:
      for (int y = 0; y <= 6; ++y) w.push_back({static_cast<YearGroup>(y), 1.0});
      break;
    case SchoolPhaseCode::kSecondary: {
      // A sixth form where the roll exceeds five KS4-sized year groups.
      double main_years = s.nor;
      if (s.frame->ks4_pupils && *s.frame->ks4_pupils > 0) {
        main_years = std::min<double>(s.nor, 5.1 * *s.frame->ks4_pupils);
      }
      const double sixth = s.nor - main_years > 0.04 * s.nor ? s.nor - main_years : 0;
      const double per_year = (s.nor - sixth) / 5.1;
      for (int y = 7; y <= 11; ++y) {
        w.push_back({static_cast<YearGroup>(y), per_year * (1.0 + 0.01 * (11 - y))});
      }
      if (sixth > 0) {
        w.push_back({12, sixth * 0.55});
        w.push_back({13, sixth * 0.45});
      }
      break;
    }
    case SchoolPhaseCode::kSpecial:
      w.push_back({0, 2});
      for (int y = 1; y <= 6; ++y) w.push_back({static_cast<YearGroup>(y), 4});
      for (int y = 7; y <= 11; ++y) w.push_back({static_cast<YearGroup>(y), 7});
      w.push_back({12, 5});
      w.push_back({13, 5});
      w.push_back({14, 2});
      break;
    default:  // pupil referral units: mostly Key Stage 4
      w = {{5, .03}, {6, .05}, {7, .06}, {8, .10}, {9, .18}, {10, .26}, {11, .32}};
      break;
  }
  return w;
}

// Splits n pupils over the year groups in proportion to the weights
// (largest remainders).
std::vector<YearGroup> AllocateYearGroups(const GenSchool& s, int n) {
  auto weights = YearGroupWeights(s);
  double total = 0;
  for (auto& [y, w] : weights) total += w;
  std::vector<int> count(weights.size());
  std::vector<std::pair<double, size_t>> remainder;
  int given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double exact = n * weights[i].second / total;
    count[i] = static_cast<int>(exact);
    given += count[i];
    remainder.push_back({exact - count[i], i});
  }
  std::sort(remainder.begin(), remainder.end(), [](auto& a, auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; given < n; ++k, ++given) ++count[remainder[k % remainder.size()].second];
  std::vector<YearGroup> years;
  for (size_t i = 0; i < weights.size(); ++i) years.insert(years.end(), count[i], weights[i].first);
  return years;
}

// ---------------------------------------------------------------- characteristics

std::vector<size_t> AllIndices(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

size_t CountOf(double share, size_t n) {
  return static_cast<size_t>(
      std::clamp(std::lround(share * static_cast<double>(n)), 0L, static_cast<long>(n)));
}

bool IsBoy(const GenPupil& p) { return p.sex == Sex::kMale; }

// Looked-after children in school, by phase (about 0.5% overall; far more in
// special schools and PRUs).
double LookedAfterRate(SchoolPhaseCode phase) {
  switch (phase) {
    case SchoolPhaseCode::kPrimary:
      return 0.004;
    case SchoolPhaseCode::kSpecial:
      return 0.025;
    case SchoolPhaseCode::kAlternativeProvision:
      return 0.06;
    default:
      return 0.006;
  }
}

void AssignCharacteristics(std::vector<GenPupil>& pupils, const Shares& sh, SchoolPhaseCode phase,
                           Rng& rng) {
  const size_t n = pupils.size();
  const auto all = AllIndices(n);
  for (auto& p : pupils) p.sex = Sex::kMale;
  for (size_t i : ChooseWeighted(all, CountOf(sh.girls, n), rng, [](size_t) { return 1.0; })) {
    pupils[i].sex = Sex::kFemale;
  }
  // FSM now implies FSM ever 6, so the disadvantaged count is at least the FSM count.
  const size_t fsm = CountOf(sh.fsm, n);
  const size_t dis = std::max(CountOf(sh.fsm_ever6, n), fsm);
  std::vector<size_t> disadvantaged = ChooseWeighted(all, dis, rng, [&](size_t i) {
    return pupils[i].year_group == 0 ? 0.75 : 1.0;  // fewer years in which to have been eligible
  });
  for (size_t i : disadvantaged) pupils[i].disadvantaged = true;
  for (size_t i : ChooseWeighted(disadvantaged, fsm, rng, [](size_t) { return 1.0; })) {
    pupils[i].fsm = true;
  }
  for (size_t i : ChooseWeighted(all, CountOf(sh.ehcp, n), rng, [&](size_t i) {
         return (IsBoy(pupils[i]) ? 2.3 : 1.0) * (pupils[i].disadvantaged ? 1.5 : 1.0);
       })) {
    pupils[i].sen = SenProvision::kEhcPlan;
  }
  std::vector<size_t> no_plan;
  for (size_t i : all)
    if (pupils[i].sen == SenProvision::kNone) no_plan.push_back(i);
  for (size_t i : ChooseWeighted(no_plan, CountOf(sh.sen_support, n), rng, [&](size_t i) {
         return (IsBoy(pupils[i]) ? 1.7 : 1.0) * (pupils[i].disadvantaged ? 1.8 : 1.0) *
                (pupils[i].fsm ? 1.2 : 1.0);
       })) {
    pupils[i].sen = SenProvision::kSupport;
  }
  for (size_t i : ChooseWeighted(all, CountOf(sh.eal, n), rng, [&](size_t i) {
         return pupils[i].sen == SenProvision::kNone ? 1.0 : 0.85;
       })) {
    pupils[i].eal = true;
  }
  // Looked-after children: drawn at a national rate (no school figure
  // exists), much likelier among disadvantaged pupils and pupils with SEN.
  const double expected = LookedAfterRate(phase) * static_cast<double>(n);
  size_t lac = static_cast<size_t>(expected);
  if (rng.Uniform() < expected - static_cast<double>(lac)) ++lac;
  for (size_t i : ChooseWeighted(all, lac, rng, [&](size_t i) {
         const GenPupil& p = pupils[i];
         return (p.disadvantaged ? 6.0 : 1.0) * (p.sen == SenProvision::kEhcPlan   ? 4.0
                                                 : p.sen == SenProvision::kSupport ? 2.5
                                                                                   : 1.0);
       })) {
    pupils[i].looked_after = true;
    pupils[i].disadvantaged = true;  // looked-after children attract the pupil premium
  }
}

// The primary need mix for a pupil's provision at this kind of school.
const std::array<double, 14>& NeedMix(const GeneratorInputs& in, SchoolPhaseCode phase,
                                      SenProvision sen) {
  // Special schools and PRUs differ from the national mix: severe and
  // profound needs and autism in special schools, SEMH in PRUs (assumed).
  //                                       -  SPLD MLD  SLD  PMLD SEMH SLCN HI  VI   MSI  PD  ASD
  //                                       OTH NSA
  static const std::array<double, 14> kSpecial = {0,   .5, 12, 22, 7,  13, 6,
                                                  1.5, .7, .3, 3,  32, 2,  0};
  static const std::array<double, 14> kPru = {0, 3, 5, 0, 0, 75, 5, 0, 0, 0, 0, 7, 5, 0};
  if (phase == SchoolPhaseCode::kSpecial) return kSpecial;
  if (phase == SchoolPhaseCode::kAlternativeProvision) return kPru;
  return sen == SenProvision::kEhcPlan ? in.need_ehcp : in.need_support;
}

// ---------------------------------------------------------------- per pupil

Date BirthDate(AcademicYear year, YearGroup y, Rng& rng) {
  // Age on 31 August before the year starts: 4 in Reception, 5 in Year 1...
  const int age = y + 4;
  const Date first = Date::FromCivil(year.start_year() - age - 1, 9, 1);
  const Date last = Date::FromCivil(year.start_year() - age, 8, 31);
  return first + rng.Below(last - first + 1);
}

int HomeLa(const GenSchool& s, const World& w, Rng& rng) {
  // Share of pupils living in another LA (assumed; more in London, more at
  // secondary age and in special schools, which serve wider areas).
  double cross = 0;
  switch (s.phase) {
    case SchoolPhaseCode::kPrimary:
      cross = IsLondon(s.la) ? 0.10 : 0.03;
      break;
    case SchoolPhaseCode::kSecondary:
      cross = IsLondon(s.la) ? 0.22 : 0.07;
      break;
    case SchoolPhaseCode::kSpecial:
      cross = IsLondon(s.la) ? 0.25 : 0.12;
      break;
    default:
      cross = 0.03;
      break;
  }
  if (!rng.Bernoulli(cross)) return s.la;
  auto it = w.region_las.find(w.RegionOf(s.la));
  if (it == w.region_las.end() || it->second.size() < 2) return s.la;
  int la = s.la;
  while (la == s.la)
    la = it->second[static_cast<size_t>(rng.Below(static_cast<int>(it->second.size())))];
  return la;
}

uint8_t ClampScore(double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 80L, 120L)); }

// KS2 reading and maths scaled scores for pupils of secondary age (Years 7
// to 11): national mean about 104, lower with disadvantage and SEN, shifted
// by the school's own KS4 results; some pupils have none.
void DrawKs2(const GenSchool& s, GenPupil* p, Rng& rng) {
  if (p->year_group < 7 || p->year_group > 11) return;
  double missing = 0.04;
  if (p->eal) missing += 0.06;
  if (p->sen == SenProvision::kEhcPlan) missing += 0.30;
  if (s.phase == SchoolPhaseCode::kSpecial) missing += 0.30;
  const double u = rng.Uniform(), common = rng.Normal(), own_r = rng.Normal(), own_m = rng.Normal();
  if (u < missing) return;
  double school = 0;
  if (s.frame->att8) school = std::clamp((*s.frame->att8 - 46.5) * 0.25, -6.0, 6.0);
  double shift = school;
  if (p->disadvantaged) shift -= 3.0;
  if (p->sen == SenProvision::kSupport) shift -= 6.0;
  if (p->sen == SenProvision::kEhcPlan) shift -= 10.0;
  // Reading and maths correlate at about 0.7 through the common term.
  const double base = 104.5 + shift + 5.0 * common;
  p->ks2_reading =
      ClampScore(base + (p->sex == Sex::kFemale ? 0.8 : -0.8) - (p->eal ? 1.0 : 0) + 3.8 * own_r);
  p->ks2_maths = ClampScore(base + (p->sex == Sex::kFemale ? -0.4 : 0.4) + 3.8 * own_m);
}

// Draws the pupil's own random parts from the pupil's stream.
void CompletePupil(const GenSchool& s, const PupilContext& ctx, GenPupil* p) {
  Rng rng(StreamKey(ctx.seed, Purpose::kPupil, p->key));
  p->birth_date = BirthDate(ctx.world->year, p->year_group, rng).days;
  p->home_la = static_cast<int16_t>(HomeLa(s, *ctx.world, rng));
  p->absence_z = static_cast<float>(rng.Normal());
  // Behaviour and absence propensities correlate (0.3).
  p->behaviour_z = static_cast<float>(0.3 * p->absence_z + std::sqrt(1 - 0.09) * rng.Normal());
  if (p->sen != SenProvision::kNone) {
    p->need = static_cast<SenNeed>(rng.Pick(NeedMix(*ctx.world->inputs, s.phase, p->sen)));
  }
  DrawKs2(s, p, rng);
  p->absence_shift = static_cast<float>(AbsenceShift(*p, s.phase));
  p->behaviour_shift = static_cast<float>(BehaviourShift(*p, s.phase));
}

uint64_t PupilKey(int urn, uint32_t index) { return (static_cast<uint64_t>(urn) << 20) | index; }

}  // namespace

ShareFallbacks::ShareFallbacks(const SchoolFrame& frame) {
  for (const FrameSchool& s : frame.schools) {
    SchoolPhaseCode phase;
    if (!CoveredPhase(s, &phase)) continue;
    auto counts = Counts(s);
    for (int area : {s.la_code, 0}) {
      auto& pool = pooled_[{area, static_cast<int>(s.phase)}];
      for (size_t k = 0; k < 6; ++k) {
        if (!counts[k]) continue;
        pool[k].first += *counts[k];
        pool[k].second += *s.nor;
      }
    }
  }
}

Shares ShareFallbacks::For(const FrameSchool& s) const {
  auto counts = Counts(s);
  std::array<double, 6> v{};
  Shares defaults;
  const double fallback[6] = {defaults.girls, defaults.ehcp, defaults.sen_support,
                              defaults.eal,   defaults.fsm,  defaults.fsm_ever6};
  for (size_t k = 0; k < 6; ++k) {
    if (counts[k] && s.nor && *s.nor > 0) {
      v[k] = std::clamp(*counts[k] / *s.nor, 0.0, 1.0);
      continue;
    }
    v[k] = fallback[k];
    for (int area : {s.la_code, 0}) {
      auto it = pooled_.find({area, static_cast<int>(s.phase)});
      if (it != pooled_.end() && it->second[k].second > 0) {
        v[k] = it->second[k].first / it->second[k].second;
        break;
      }
    }
  }
  return {v[kGirls], v[kEhcp], v[kSenSupport], v[kEal], v[kFsm], v[kFsmEver6]};
}

UpnAllocator::UpnAllocator(int la, std::vector<int> primary_estabs)
    : la_(la), primaries_(std::move(primary_estabs)) {
  std::sort(primaries_.begin(), primaries_.end());
}

int UpnAllocator::RandomPrimary(Rng& rng) const {
  if (primaries_.empty()) return 2000;
  return primaries_[static_cast<size_t>(rng.Below(static_cast<int>(primaries_.size())))];
}

void UpnAllocator::Allocate(int estab, int year2, Rng& rng, char out[13]) {
  // Serials are 3 digits: a school that has issued 999 in a year hands over
  // to another school of the LA (and, failing all, to unused numbers).
  for (int attempt = 0;; ++attempt) {
    int& next = next_[{estab, year2}];
    if (next < 999) {
      std::string upn = MakeUpn(la_, estab, year2, ++next);
      std::copy(upn.begin(), upn.end(), out);
      return;
    }
    estab = attempt < 50 ? RandomPrimary(rng) : 1000 + attempt;
  }
}

int ReceptionYear2(AcademicYear year, YearGroup y) {
  return ((year.start_year() - std::max<int>(y, 0)) % 100 + 100) % 100;
}

void AssignUpn(GenPupil* p, int estab, int year2, UpnAllocator& upns, Rng& rng) {
  upns.Allocate(estab, year2, rng, p->upn);
}

double BehaviourShift(const GenPupil& p, SchoolPhaseCode phase) {
  double b = 0;
  if (p.sex == Sex::kMale) b += 0.9;
  if (p.fsm) b += 0.5;
  if (p.disadvantaged) b += 0.5;
  if (p.sen == SenProvision::kSupport) b += 0.9;
  if (p.sen == SenProvision::kEhcPlan) b += 0.7;
  if (p.need == SenNeed::kSemh) b += 0.9;
  if (p.looked_after) b += 0.5;
  const int y = p.year_group;
  if (phase == SchoolPhaseCode::kPrimary || (phase == SchoolPhaseCode::kSpecial && y <= 6)) {
    b += y == 0 ? -1.2 : y <= 2 ? -0.6 : y <= 4 ? -0.3 : 0.0;
  } else if (y >= 7) {
    static const double kSecondary[] = {-0.3, 0.0, 0.2, 0.3, 0.1, -1.5, -1.5, -1.5};
    b += kSecondary[std::min(y, 14) - 7];
  }
  return b;
}

std::vector<GenPupil> GenerateStartPupils(const GenSchool& school, const PupilContext& ctx) {
  Rng rng(StreamKey(ctx.seed, Purpose::kSchoolPupils, static_cast<uint64_t>(school.urn)));
  std::vector<YearGroup> years = AllocateYearGroups(school, school.nor);
  std::vector<GenPupil> pupils(years.size());
  for (size_t i = 0; i < pupils.size(); ++i) {
    pupils[i].year_group = years[i];
    pupils[i].key = PupilKey(school.urn, static_cast<uint32_t>(i));
  }
  AssignCharacteristics(pupils, ctx.shares->For(*school.frame), school.phase, rng);
  for (GenPupil& p : pupils) CompletePupil(school, ctx, &p);
  return pupils;
}

GenPupil GenerateJoiner(const GenSchool& school, const PupilContext& ctx, uint32_t index,
                        bool from_abroad) {
  GenPupil p;
  p.key = PupilKey(school.urn, index);
  Rng rng(StreamKey(ctx.seed, Purpose::kJoiners, p.key));
  auto weights = YearGroupWeights(school);
  std::vector<double> w;
  for (auto& [y, v] : weights) w.push_back(v);
  p.year_group = weights[rng.Pick(w)].first;
  const Shares sh = ctx.shares->For(*school.frame);
  p.sex = rng.Bernoulli(sh.girls) ? Sex::kFemale : Sex::kMale;
  // In-year joiners are more often disadvantaged than their classmates.
  p.disadvantaged = rng.Bernoulli(std::min(1.0, sh.fsm_ever6 * 1.3));
  p.fsm = p.disadvantaged && rng.Bernoulli(sh.fsm_ever6 > 0 ? sh.fsm / sh.fsm_ever6 : 0.6);
  const double u = rng.Uniform();
  p.sen = u < sh.ehcp                          ? SenProvision::kEhcPlan
          : u < sh.ehcp + sh.sen_support * 1.1 ? SenProvision::kSupport
                                               : SenProvision::kNone;
  p.eal = rng.Bernoulli(from_abroad ? std::max(0.7, sh.eal) : sh.eal);
  p.looked_after = rng.Bernoulli(LookedAfterRate(school.phase) * 1.5);
  if (p.looked_after) p.disadvantaged = true;
  CompletePupil(school, ctx, &p);
  return p;
}

}  // namespace lantern::gen
