#include "generate/attainment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "common/csv_table.h"
#include "common/csv_writer.h"
#include "common/parallel.h"
#include "generate/destinations.h"
#include "generate/random.h"

namespace lantern::gen {

// ---------------------------------------------------------------- qualifications

namespace {

using S = GradeScale;
using A = A8Slot;

// Every id, scale, slot and discount code is a row of
// catalogue/qualifications.csv (a test checks); offsets are assumptions.
const std::vector<GenQualification> kQualifications = {
    {"GCSE_ENG_LANG", S::kGcse, A::kEnglishLanguage, "FK2B", 0.1},
    {"GCSE_ENG_LIT", S::kGcse, A::kEnglishLiterature, "FC4", 0.2},
    {"GCSE_MATHS", S::kGcse, A::kMaths, "2210", -0.1},
    {"GCSE_COMBINED_SCIENCE", S::kCombinedScience, A::kEbacc, "RA1E", -0.3},
    {"GCSE_BIOLOGY", S::kGcse, A::kEbacc, "RA1B", 0.3},
    {"GCSE_CHEMISTRY", S::kGcse, A::kEbacc, "RA1C", 0.2},
    {"GCSE_PHYSICS", S::kGcse, A::kEbacc, "RA1D", 0.3},
    {"GCSE_COMPUTER_SCIENCE", S::kGcse, A::kEbacc, "CK1", -0.3},
    {"GCSE_GEOGRAPHY", S::kGcse, A::kEbacc, "3910", 0.0},
    {"GCSE_HISTORY", S::kGcse, A::kEbacc, "4010", -0.1},
    {"GCSE_FRENCH", S::kGcse, A::kEbacc, "5110", -0.4},
    {"GCSE_SPANISH", S::kGcse, A::kEbacc, "5610", -0.3},
    {"GCSE_GERMAN", S::kGcse, A::kEbacc, "5210", -0.3},
    {"GCSE_URDU", S::kGcse, A::kEbacc, "5670", 1.5},
    {"GCSE_POLISH", S::kGcse, A::kEbacc, "5690", 2.0},
    {"GCSE_ARABIC", S::kGcse, A::kEbacc, "5510", 1.2},
    {"GCSE_BENGALI", S::kGcse, A::kEbacc, "5625", 1.2},
    {"GCSE_PANJABI", S::kGcse, A::kEbacc, "5650", 1.2},
    {"GCSE_CHINESE", S::kGcse, A::kEbacc, "5660", 2.0},
    {"GCSE_PORTUGUESE", S::kGcse, A::kEbacc, "5620", 1.5},
    {"GCSE_TURKISH", S::kGcse, A::kEbacc, "5685", 1.5},
    // Open GCSEs (index kFirstOpenGcse..)
    {"GCSE_RS", S::kGcse, A::kOpen, "V11", 0.2},
    {"GCSE_ART", S::kGcse, A::kOpen, "JA1", 0.4},
    {"GCSE_PE", S::kGcse, A::kOpen, "X10", -0.3},
    {"GCSE_BUSINESS", S::kGcse, A::kOpen, "3210", 0.0},
    {"GCSE_DT", S::kGcse, A::kOpen, "9010", -0.2},
    {"GCSE_DRAMA", S::kGcse, A::kOpen, "LA1", 0.3},
    {"GCSE_MUSIC", S::kGcse, A::kOpen, "LD1", 0.3},
    {"GCSE_FOOD", S::kGcse, A::kOpen, "9050", -0.2},
    {"GCSE_MEDIA", S::kGcse, A::kOpen, "KA2", 0.0},
    {"GCSE_SOCIOLOGY", S::kGcse, A::kOpen, "4830", 0.0},
    {"GCSE_PSYCHOLOGY", S::kGcse, A::kOpen, "4850", -0.3},
    {"GCSE_CITIZENSHIP", S::kGcse, A::kOpen, "4410", -0.1},
    {"GCSE_STATISTICS", S::kGcse, A::kOpen, "2610", 0.2},
    {"GCSE_FILM", S::kGcse, A::kOpen, "KA3", 0.1},
    {"GCSE_DANCE", S::kGcse, A::kOpen, "JB1", 0.2},
    {"GCSE_ECONOMICS", S::kGcse, A::kOpen, "3220", 0.2},
    {"GCSE_ENGINEERING", S::kGcse, A::kOpen, "9030", -0.3},
    {"L2_FURTHER_MATHS", S::kGcse, A::kOpen, "2230", 0.0},
    // Technical awards (approved, count in Attainment 8)
    {"BTEC_TA_HSC", S::kTechnicalAward, A::kOpen, "CZ1", 0.7},
    {"BTEC_TA_ENTERPRISE", S::kTechnicalAward, A::kOpen, "3210", 0.6},
    {"BTEC_TA_DIT", S::kTechnicalAward, A::kOpen, "CN1", 0.6},
    {"BTEC_TA_CREATIVE_MEDIA", S::kTechnicalAward, A::kOpen, "KA2", 0.7},
    {"BTEC_TA_SPORT", S::kTechnicalAward, A::kOpen, "X10", 0.7},
    {"BTEC_TA_PERFORMING_ARTS", S::kTechnicalAward, A::kOpen, "LA1", 0.8},
    {"BTEC_TA_ENGINEERING", S::kTechnicalAward, A::kOpen, "9030", 0.5},
    {"CNAT_SPORT_SCIENCE", S::kTechnicalAward, A::kOpen, "X10", 0.6},
    {"CNAT_CREATIVE_IMEDIA", S::kTechnicalAward, A::kOpen, "CN1", 0.6},
    {"CNAT_CHILD_DEVELOPMENT", S::kTechnicalAward, A::kOpen, "CZ2", 0.7},
    {"CNAT_IT", S::kTechnicalAward, A::kOpen, "CN1", 0.6},
    {"WJEC_HOSPITALITY", S::kTechnicalAward, A::kOpen, "9050", 0.7},
    {"WJEC_CONSTRUCTION", S::kTechnicalAward, A::kOpen, "9070", 0.6},
    // Not approved for Attainment 8: broader attainment only
    {"VRQ_L2_HAIR_BEAUTY", S::kVrqL2, A::kNone, "", 0.5},
    {"VRQ_L2_PUBLIC_SERVICES", S::kVrqL2, A::kNone, "", 0.5},
    {"VRQ_L1_CONSTRUCTION", S::kVrqL1, A::kNone, "", 0.5},
    {"VRQ_L1_MOTOR_VEHICLE", S::kVrqL1, A::kNone, "", 0.5},
    {"VRQ_L1_ANIMAL_CARE", S::kVrqL1, A::kNone, "", 0.5},
    {"FS_ENGLISH_L2", S::kFunctionalL2, A::kNone, "FSENG", 0.3},
    {"FS_ENGLISH_L1", S::kFunctionalL1, A::kNone, "FSENG", 0.8},
    {"FS_MATHS_L2", S::kFunctionalL2, A::kNone, "FSMAT", 0.3},
    {"FS_MATHS_L1", S::kFunctionalL1, A::kNone, "FSMAT", 0.8},
    {"ELC_SCIENCE", S::kEntryLevel, A::kNone, "", 0.0},
    {"ELC_HISTORY", S::kEntryLevel, A::kNone, "", 0.0},
    {"ELC_ART", S::kEntryLevel, A::kNone, "", 0.0},
};

struct Ladder {
  std::vector<const char*> grades;
  std::vector<double> points;
};

const Ladder& LadderOf(GradeScale s) {
  static const Ladder kGcse{{"9", "8", "7", "6", "5", "4", "3", "2", "1", "U"},
                            {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static const Ladder kCombined{
      {"9-9", "9-8", "8-8", "8-7", "7-7", "7-6", "6-6", "6-5", "5-5", "5-4", "4-4", "4-3", "3-3",
       "3-2", "2-2", "2-1", "1-1", "U"},
      {9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5, 5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0}};
  static const Ladder kTech{{"L2D*", "L2D", "L2M", "L2P", "L1D*", "L1D", "L1M", "L1P", "U"},
                            {8.5, 7, 5.5, 4, 3, 2, 1.5, 1, 0}};
  static const Ladder kVrq2{{"D*", "D", "M", "P", "U"}, {8.5, 7, 5.5, 4, 0}};
  static const Ladder kVrq1{{"D*", "D", "M", "P", "U"}, {3, 2, 1.5, 1, 0}};
  static const Ladder kFs2{{"P", "F"}, {4, 0}};
  static const Ladder kFs1{{"P", "F"}, {1, 0}};
  static const Ladder kEntry{{"E3", "E2", "E1", "U"}, {0.5, 0.25, 0.125, 0}};
  switch (s) {
    case S::kGcse:
      return kGcse;
    case S::kCombinedScience:
      return kCombined;
    case S::kTechnicalAward:
      return kTech;
    case S::kVrqL2:
      return kVrq2;
    case S::kVrqL1:
      return kVrq1;
    case S::kFunctionalL2:
      return kFs2;
    case S::kFunctionalL1:
      return kFs1;
    case S::kEntryLevel:
      return kEntry;
  }
  return kGcse;
}

}  // namespace

const std::vector<GenQualification>& GeneratorQualifications() { return kQualifications; }

int QualificationIndex(std::string_view id) {
  for (size_t i = 0; i < kQualifications.size(); ++i)
    if (id == kQualifications[i].id) return static_cast<int>(i);
  return -1;
}

std::string_view GradeText(GradeScale scale, uint8_t grade) {
  const Ladder& l = LadderOf(scale);
  return grade < l.grades.size() ? l.grades[grade] : l.grades.back();
}

double GradePoints(GradeScale scale, uint8_t grade) {
  const Ladder& l = LadderOf(scale);
  return grade < l.points.size() ? l.points[grade] : 0;
}

uint8_t GradeForLevel(GradeScale scale, double level) {
  const Ladder& l = LadderOf(scale);
  switch (scale) {
    case S::kFunctionalL2:
      return level >= 3.5 ? 0 : 1;
    case S::kFunctionalL1:
      return level >= 1.0 ? 0 : 1;
    case S::kEntryLevel:
      return level >= 0.3 ? 0 : level >= 0.0 ? 1 : 2;
    default:
      break;
  }
  // The grade whose points are nearest the level; below half of the lowest
  // pass, unclassified.
  const size_t u = l.points.size() - 1;
  if (level < l.points[u - 1] / 2) return static_cast<uint8_t>(u);
  size_t best = 0;
  for (size_t i = 1; i < u; ++i)
    if (std::fabs(l.points[i] - level) < std::fabs(l.points[best] - level)) best = i;
  return static_cast<uint8_t>(best);
}

double Attainment8(const std::vector<GenResult>& results) {
  double maths = -1, lang = -1, lit = -1;
  double ebacc[16], open[24];
  int n_ebacc = 0, n_open = 0;
  for (const GenResult& r : results) {
    const GenQualification& q = kQualifications[r.qual];
    const double p = GradePoints(q.scale, r.grade);
    switch (q.slot) {
      case A::kMaths:
        maths = std::max(maths, p);
        break;
      case A::kEnglishLanguage:
        lang = std::max(lang, p);
        break;
      case A::kEnglishLiterature:
        lit = std::max(lit, p);
        break;
      case A::kEbacc:
        ebacc[n_ebacc++] = p;
        if (q.scale == S::kCombinedScience) ebacc[n_ebacc++] = p;
        break;
      case A::kOpen:
        open[n_open++] = p;
        break;
      case A::kNone:
        break;
    }
    if (n_ebacc > 14 || n_open > 22) break;
  }
  double total = std::max(0.0, maths) * 2;
  if (lang >= 0 && lit >= 0) {
    total += 2 * std::max(lang, lit);
    open[n_open++] = std::min(lang, lit);
  } else {
    total += std::max({0.0, lang, lit});
  }
  std::sort(ebacc, ebacc + n_ebacc, std::greater<>());
  for (int i = 0; i < n_ebacc; ++i) {
    if (i < 3) {
      total += ebacc[i];
    } else {
      open[n_open++] = ebacc[i];
    }
  }
  std::sort(open, open + n_open, std::greater<>());
  for (int i = 0; i < n_open && i < 3; ++i) total += open[i];
  return total;
}

// ---------------------------------------------------------------- KS2 estimates

int PriorEstimates::Group(double avg) const {
  if (from.empty() || avg < from.front()) return from.empty() ? 0 : 1;
  const auto it = std::upper_bound(from.begin(), from.end(), avg + 1e-9);
  return static_cast<int>(it - from.begin());
}

double PriorEstimates::Estimate(double avg) const {
  const int g = Group(avg);
  return g == 0 ? 0 : estimate[static_cast<size_t>(g - 1)];
}

double PriorEstimates::Smooth(double avg) const {
  // Each group's estimate at the middle of its range (group 1 at 80, the
  // last at 120); linear between.
  const size_t n = from.size();
  auto middle = [&](size_t i) {
    if (i == 0) return 80.0;
    if (i + 1 == n) return 120.0;
    return (from[i] + from[i + 1] - 0.5) / 2;
  };
  if (avg <= middle(0)) return estimate[0];
  if (avg >= middle(n - 1)) return estimate[n - 1];
  // The first middle at or above avg: between the group whose range holds
  // avg and its neighbours.
  size_t i = static_cast<size_t>(std::max(1, Group(avg)) - 1);
  while (i > 0 && middle(i) >= avg) --i;
  while (i + 1 < n && middle(i) < avg) ++i;
  const double m0 = middle(i - 1), m = middle(i);
  return estimate[i - 1] + (estimate[i] - estimate[i - 1]) * (avg - m0) / (m - m0);
}

Result<PriorEstimates> LoadPriorEstimates(const std::string& real_data_dir) {
  const std::string dir = real_data_dir + "/progress8_ks2_estimates_2024";
  LANTERN_ASSIGN_OR_RETURN(CsvTable coeffs,
                           CsvTable::Load(dir + "/p8_pupil_coefficients_file.csv"));
  LANTERN_ASSIGN_OR_RETURN(CsvTable splits, CsvTable::Load(dir + "/p8_att8_splits.csv"));
  LANTERN_ASSIGN_OR_RETURN(int c_group, coeffs.RequireColumn("ks2emss_grp"));
  LANTERN_ASSIGN_OR_RETURN(int c_est, coeffs.RequireColumn("p8est"));
  if (splits.header().size() < 2)
    return Status::InvalidArgument(fmt::format("{}: no score ranges", splits.name()));
  std::map<int, double> est, lower;
  for (size_t r = 0; r < coeffs.rows(); ++r) {
    auto g = ParsePublishedNumber(coeffs.Cell(r, c_group));
    auto e = ParsePublishedNumber(coeffs.Cell(r, c_est));
    if (g && e) est[static_cast<int>(*g)] = *e;
  }
  for (size_t r = 0; r < splits.rows(); ++r) {
    auto g = ParsePublishedNumber(splits.Cell(r, 0));
    double lo = 0, hi = 0;
    if (g && std::sscanf(splits.Cell(r, 1).c_str(), "%lf to %lf", &lo, &hi) == 2)
      lower[static_cast<int>(*g)] = lo;
  }
  PriorEstimates out;
  for (auto [g, e] : est) {
    auto it = lower.find(g);
    if (it == lower.end() || g != static_cast<int>(out.from.size()) + 1)
      return Status::InvalidArgument(fmt::format("{}: group {} has no score range", dir, g));
    out.from.push_back(it->second);
    out.estimate.push_back(e);
  }
  if (out.from.size() < 10)
    return Status::InvalidArgument(fmt::format("{}: too few prior-attainment groups", dir));
  out.source = "progress8_ks2_estimates_2024/p8_pupil_coefficients_file.csv";
  return out;
}

// ---------------------------------------------------------------- the plan

std::string_view ActivityCode(Activity a) {
  switch (a) {
    case Activity::kSchoolSixthForm:
      return "school_sixth_form";
    case Activity::kSixthFormCollege:
      return "sixth_form_college";
    case Activity::kFeCollege:
      return "fe_college";
    case Activity::kOtherEducation:
      return "other_education";
    case Activity::kApprenticeship:
      return "apprenticeship";
    case Activity::kEmploymentWithTraining:
      return "employment_with_training";
    case Activity::kEmployment:
      return "employment";
    case Activity::kNeet:
      return "neet";
    case Activity::kNotKnown:
      return "not_known";
  }
  return "not_known";
}

namespace {

constexpr double kPi = 3.14159265358979323846;
double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double PhiDensity(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * kPi); }
// E[max(X - c, 0)] for X ~ N(mu, s^2).
double ExcessOver(double mu, double s, double c) {
  const double d = (mu - c) / s;
  return (mu - c) * Phi(d) + s * PhiDensity(d);
}
// E[clamp(X, 0, 90)] for X ~ N(mu, s^2).
double ClampedMean(double mu, double s) { return ExcessOver(mu, s, 0) - ExcessOver(mu, s, 90); }

// Bisection for an increasing f: the x in [lo, hi] with f(x) = target.
template <typename F>
double SolveIncreasing(F f, double target, double lo, double hi, int steps = 40) {
  if (f(lo) >= target) return lo;
  if (f(hi) <= target) return hi;
  for (int i = 0; i < steps; ++i) {
    const double mid = (lo + hi) / 2;
    (f(mid) < target ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// National figures for schools with none published (assumptions: see
// docs/generator.md).
constexpr double kNationalAtt8 = 46.7, kNationalP8 = 0.0;
constexpr double kSpecialAtt8 = 13.0, kSpecialP8 = -1.2;
constexpr double kApAtt8 = 8.0, kApP8 = -2.5;
// The national SD of pupil P8 the published intervals use (2024 ready reckoner).
constexpr double kNationalSdP8 = 1.416;

// A pupil's progress shift from characteristics (P8 points; assumptions
// of the order of the published gaps).
double ProgressShift(const GenPupil& p) {
  double x = 0;
  if (p.disadvantaged) x -= 0.35;
  if (p.sen == SenProvision::kSupport) x -= 0.35;
  if (p.sen == SenProvision::kEhcPlan) x -= 0.6;
  if (p.eal) x += 0.3;
  if (p.looked_after) x -= 0.3;
  x += p.sex == Sex::kFemale ? 0.2 : -0.2;
  return x;
}

struct SchoolWork {
  uint32_t school;
  std::vector<uint32_t> idx;  // into the LA's Ks4Pupil list
};

class SchoolPlanner {
 public:
  SchoolPlanner(Generated* g, uint32_t plan, const PriorEstimates& est)
      : g_(*g), plan_(g->plans[plan]), est_(est) {}

  void Plan(uint32_t school_index, std::span<Ks4Pupil> pupils, std::vector<GenResult>* results,
            Ks4SchoolFit* fit);

 private:
  void Entries(const Ks4Pupil& kp, const GenPupil& p, double target, double vocational,
               double language, Rng& rng, std::vector<GenResult>* out) const;

  Generated& g_;
  LaPlan& plan_;
  const PriorEstimates& est_;
};

void SchoolPlanner::Plan(uint32_t school_index, std::span<Ks4Pupil> pupils,
                         std::vector<GenResult>* results, Ks4SchoolFit* fit) {
  const GenSchool& school = g_.world.schools[school_index];
  const FrameSchool& f = *school.frame;
  const bool special = school.phase == SchoolPhaseCode::kSpecial;
  const bool ap = school.phase == SchoolPhaseCode::kAlternativeProvision;
  fit->school = school_index;
  fit->urn = school.urn;
  if (f.att8 && !ap) {
    fit->source = "school";
    fit->target_att8 = *f.att8;
    fit->target_p8 = f.p8_orig ? *f.p8_orig : f.p8 ? *f.p8 : special ? kSpecialP8 : kNationalP8;
  } else if (ap) {
    fit->source = "assumed_ap";
    fit->target_att8 = kApAtt8;
    fit->target_p8 = kApP8;
  } else if (special) {
    fit->source = "national_special";
    fit->target_att8 = kSpecialAtt8;
    fit->target_p8 = kSpecialP8;
  } else {
    fit->source = "national_secondary";
    fit->target_att8 = kNationalAtt8;
    fit->target_p8 = kNationalP8;
  }
  Rng school_rng(StreamKey(g_.seed, Purpose::kSchoolKs4, static_cast<uint64_t>(school.urn)));
  const double sigma = (special || ap) ? 0.9 : 1.3;
  const double s = 10 * sigma;

  // Each pupil's KS2 average before the school's shift (hidden for pupils
  // with none: drawn near the school's mean) and progress shift.
  const size_t n = pupils.size();
  std::vector<double> k0(n), x(n);
  double sum_k = 0;
  int n_k = 0;
  for (size_t i = 0; i < n; ++i) {
    const GenPupil& p = plan_.pupils[pupils[i].pupil];
    if (p.ks2_reading && p.ks2_maths) {
      k0[i] = (p.ks2_reading + p.ks2_maths) / 2.0;
      sum_k += k0[i];
      ++n_k;
    }
    x[i] = ProgressShift(p);
  }
  const double mean_k = n_k > 0 ? sum_k / n_k : 100;
  double sum_x = 0;
  int n_prior = 0;
  for (size_t i = 0; i < n; ++i) {
    const GenPupil& p = plan_.pupils[pupils[i].pupil];
    pupils[i].has_prior = p.ks2_reading && p.ks2_maths;
    if (!pupils[i].has_prior) k0[i] = mean_k - 2 + 5.5 * school_rng.Normal();
    if (pupils[i].has_prior) {
      sum_x += x[i];
      ++n_prior;
    }
  }
  const double mean_x = n_prior > 0 ? sum_x / n_prior : 0;
  auto e = [&](double k) { return est_.Smooth(std::clamp(k, 79.0, 120.0)); };
  auto att8_of = [&](double delta, double b) {
    double t = 0;
    for (size_t i = 0; i < n; ++i) t += ClampedMean(e(k0[i] + delta) + 10 * (b + x[i]), s);
    return n > 0 ? t / n : 0;
  };
  // The pupils' estimates at a shift, computed once per shift.
  std::vector<double> e_at(n);
  double e_delta = std::nan("");
  auto estimates_at = [&](double delta) {
    if (delta == e_delta) return;
    for (size_t i = 0; i < n; ++i) e_at[i] = e(k0[i] + delta);
    e_delta = delta;
  };
  auto p8_of = [&](double delta, double b) {
    estimates_at(delta);
    double t = 0;
    int m = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!pupils[i].has_prior) continue;
      t += (ClampedMean(e_at[i] + 10 * (b + x[i]), s) - e_at[i]) / 10;
      ++m;
    }
    return m > 0 ? t / m : 0;
  };
  double delta = 0, b = fit->target_p8 - mean_x;
  for (int round = 0; round < 3 && n > 0; ++round) {
    if (n_prior > 0)
      b = SolveIncreasing([&](double v) { return p8_of(delta, v); }, fit->target_p8, -8, 6, 24);
    delta = SolveIncreasing([&](double v) { return att8_of(v, b); }, fit->target_att8, -40, 40, 24);
  }
  fit->ks2_shift = delta;
  fit->progress = b;
  fit->expected_att8 = att8_of(delta, b);
  fit->expected_p8 = p8_of(delta, b);

  // The school's vocational propensity (technical awards a pupil of average
  // attainment takes) and language entry.
  int dis = 0;
  for (const Ks4Pupil& kp : pupils) dis += plan_.pupils[kp.pupil].disadvantaged;
  const double dis_share = n > 0 ? static_cast<double>(dis) / n : 0.25;
  fit->vocational =
      (special || ap)
          ? 0.4
          : std::clamp(0.45 * std::exp(0.7 * school_rng.Normal()) * (1 + 1.5 * (dis_share - 0.27)),
                       0.02, 2.5);
  const double language = f.ebacc_entry_pct ? std::clamp(*f.ebacc_entry_pct / 100 * 1.2, 0.02, 0.97)
                          : (special || ap) ? 0.02
                                            : 0.45;

  // Pupils: KS2 with the shift, the target, the results.
  double sum_a8 = 0, sum_p8 = 0;
  for (size_t i = 0; i < n; ++i) {
    Ks4Pupil& kp = pupils[i];
    GenPupil& p = plan_.pupils[kp.pupil];
    Rng rng(StreamKey(g_.seed, Purpose::kAttainment, p.key));
    double k = k0[i] + delta;
    if (kp.has_prior) {
      auto shifted = [&](uint8_t score, char* status) -> uint8_t {
        const double v = score + delta;
        if (v < 79.5) {
          *status = 'B';
          return 0;
        }
        return static_cast<uint8_t>(std::clamp(std::lround(v), 80L, 120L));
      };
      p.ks2_reading = shifted(p.ks2_reading, &kp.read_status);
      p.ks2_maths = shifted(p.ks2_maths, &kp.maths_status);
      const double r = p.ks2_reading ? p.ks2_reading : kWorkingBelowNominal;
      const double m = p.ks2_maths ? p.ks2_maths : kWorkingBelowNominal;
      k = (r + m) / 2;
      kp.estimate = static_cast<float>(est_.Estimate(k));
    }
    const double base = kp.has_prior ? kp.estimate : e(k);
    const double progress = b + x[i] + sigma * rng.Normal();
    const double target = std::clamp(base + 10 * progress, 0.0, 90.0);
    kp.target_a8 = static_cast<float>(target);

    // Entries, then the level that brings Attainment 8 nearest the target.
    std::vector<GenResult> mine;
    Entries(kp, p, target, fit->vocational, language, rng, &mine);
    std::vector<double> noise(mine.size());
    for (double& v : noise) v = 0.75 * rng.Normal();
    auto grade_at = [&](double level) {
      for (size_t j = 0; j < mine.size(); ++j) {
        const GenQualification& q = kQualifications[mine[j].qual];
        mine[j].grade = GradeForLevel(q.scale, level + q.offset + noise[j]);
      }
      return Attainment8(mine);
    };
    double lo = -6, hi = 12;
    double level;
    if (grade_at(hi) <= target) {
      level = hi;
    } else if (grade_at(lo) >= target) {
      level = lo;
    } else {
      for (int step = 0; step < 28; ++step) {
        const double mid = (lo + hi) / 2;
        (grade_at(mid) < target ? lo : hi) = mid;
      }
      const double above = grade_at(hi), below = grade_at(lo);
      level = (above - target <= target - below) ? hi : lo;
    }
    kp.a8 = static_cast<float>(grade_at(level));
    kp.first_result = static_cast<uint32_t>(results->size());
    kp.results = static_cast<uint8_t>(mine.size());
    results->insert(results->end(), mine.begin(), mine.end());
    sum_a8 += kp.a8;
    if (kp.has_prior) sum_p8 += (kp.a8 - kp.estimate) / 10;
  }
  fit->pupils = static_cast<int>(n);
  fit->pupils_with_prior = n_prior;
  fit->generated_att8 = n > 0 ? sum_a8 / n : 0;
  fit->generated_p8 = n_prior > 0 ? sum_p8 / n_prior : 0;
  fit->p8_half_width = n_prior > 0 ? 1.96 * kNationalSdP8 / std::sqrt(n_prior) : 0;
}

void SchoolPlanner::Entries(const Ks4Pupil& kp, const GenPupil& p, double target, double vocational,
                            double language, Rng& rng, std::vector<GenResult>* out) const {
  (void)kp;
  std::vector<std::string_view> used;
  auto add = [&](const char* id, bool early = false) {
    const int q = QualificationIndex(id);
    if (q < 0) return false;
    const std::string_view d = kQualifications[static_cast<size_t>(q)].discount;
    for (const GenResult& r : *out)
      if (r.qual == q) return false;
    if (!d.empty() && std::find(used.begin(), used.end(), d) != used.end()) return false;
    if (!d.empty()) used.push_back(d);
    out->push_back({static_cast<uint16_t>(q), 0, early});
    return true;
  };
  const double t = target;
  const bool low = t < 12;
  int gcse = 0;  // GCSE-sized entries so far
  auto u = [&] { return rng.Uniform(); };
  // English and maths
  if (!low || u() < 0.75) gcse += add("GCSE_ENG_LANG");
  if (gcse > 0 && u() < (t > 25 ? 0.95 : t > 12 ? 0.8 : 0.4)) gcse += add("GCSE_ENG_LIT");
  if (!low || u() < 0.8) gcse += add("GCSE_MATHS");
  // Science
  if (!low || u() < 0.5) {
    if (u() < 0.8 * Logistic((t - 58) / 6)) {
      gcse += add("GCSE_BIOLOGY") + add("GCSE_CHEMISTRY") + add("GCSE_PHYSICS");
    } else {
      gcse += 2 * add("GCSE_COMBINED_SCIENCE");
    }
  } else if (u() < 0.5) {
    add("ELC_SCIENCE");
  }
  if (t > 40 && u() < (t > 60 ? 0.25 : 0.12)) gcse += add("GCSE_COMPUTER_SCIENCE");
  // Humanities
  if (u() < (low ? 0.3 : 0.85)) {
    gcse += add(u() < 0.5 ? "GCSE_GEOGRAPHY" : "GCSE_HISTORY");
    if (t > 50 && u() < 0.2) gcse += add("GCSE_GEOGRAPHY") + add("GCSE_HISTORY");
  } else if (low && u() < 0.3) {
    add("ELC_HISTORY");
  }
  // Languages: the school's EBacc entry share, more for higher attainers;
  // EAL pupils sometimes take their community language, often early.
  if (!low && u() < std::min(0.97, language * 1.6 * Logistic((t - 40) / 8))) {
    const double v = u();
    gcse += add(v < 0.45 ? "GCSE_FRENCH" : v < 0.87 ? "GCSE_SPANISH" : "GCSE_GERMAN");
  }
  if (p.eal && u() < 0.12) {
    static const char* kCommunity[] = {"GCSE_URDU",       "GCSE_POLISH",  "GCSE_ARABIC",
                                       "GCSE_BENGALI",    "GCSE_PANJABI", "GCSE_CHINESE",
                                       "GCSE_PORTUGUESE", "GCSE_TURKISH"};
    gcse += add(kCommunity[rng.Below(8)], u() < 0.4);
  }
  // Technical awards, more in vocational schools and for lower attainers.
  const int n_ta = std::min(3, rng.Poisson(vocational * std::exp(-(t - 46) / 25)));
  static const char* kTech[] = {"BTEC_TA_HSC",
                                "BTEC_TA_ENTERPRISE",
                                "BTEC_TA_DIT",
                                "BTEC_TA_CREATIVE_MEDIA",
                                "BTEC_TA_SPORT",
                                "BTEC_TA_PERFORMING_ARTS",
                                "BTEC_TA_ENGINEERING",
                                "CNAT_SPORT_SCIENCE",
                                "CNAT_CREATIVE_IMEDIA",
                                "CNAT_CHILD_DEVELOPMENT",
                                "CNAT_IT",
                                "WJEC_HOSPITALITY",
                                "WJEC_CONSTRUCTION"};
  static const double kTechWeight[] = {1.5, 1.0, 1.0, 0.6, 1.6, 0.8, 0.6,
                                       1.0, 1.2, 0.8, 0.6, 1.2, 0.4};
  int ta = 0;
  for (int tries = 0; ta < n_ta && tries < 12; ++tries) ta += add(kTech[rng.Pick(kTechWeight)]);
  // Other vocational qualifications (not in Attainment 8) for lower attainers.
  if (t < 30 && u() < 0.12 * (0.5 + vocational)) {
    static const char* kVrq[] = {"VRQ_L2_HAIR_BEAUTY", "VRQ_L2_PUBLIC_SERVICES",
                                 "VRQ_L1_CONSTRUCTION", "VRQ_L1_MOTOR_VEHICLE",
                                 "VRQ_L1_ANIMAL_CARE"};
    add(kVrq[t < 15 ? 2 + rng.Below(3) : rng.Below(5)]);
  }
  // Other GCSEs up to the pupil's number of subjects.
  const int wanted =
      low ? rng.Between(0, 3)
          : std::clamp(static_cast<int>(std::lround(9.3 + (t - 46) / 20 + 0.8 * rng.Normal())) - ta,
                       2, 11);
  static const char* kOpen[] = {
      "GCSE_RS",         "GCSE_ART",         "GCSE_PE",         "GCSE_BUSINESS", "GCSE_DT",
      "GCSE_DRAMA",      "GCSE_MUSIC",       "GCSE_FOOD",       "GCSE_MEDIA",    "GCSE_SOCIOLOGY",
      "GCSE_PSYCHOLOGY", "GCSE_CITIZENSHIP", "GCSE_STATISTICS", "GCSE_FILM",     "GCSE_DANCE",
      "GCSE_ECONOMICS",  "GCSE_ENGINEERING", "L2_FURTHER_MATHS"};
  const double hi = t > 55 ? 1 : 0;
  const double kOpenWeight[] = {3.5, 2.0, 2.0, 2.0,      1.5, 1.0, 0.8,      1.2, 0.8,
                                1.0, 0.5, 0.5, 0.5 * hi, 0.2, 0.3, 0.3 * hi, 0.3, 1.0 * hi};
  for (int tries = 0; gcse < wanted && tries < 20; ++tries) {
    const char* id = kOpen[rng.Pick(kOpenWeight)];
    const bool early =
        (std::string_view(id) == "GCSE_RS" || std::string_view(id) == "GCSE_STATISTICS") &&
        u() < 0.15;
    gcse += add(id, early);
  }
  // Functional skills for lower attainers; entry-level certificates.
  if (t < 20 && u() < 0.45) {
    add(t > 12 && u() < 0.4 ? "FS_ENGLISH_L2" : "FS_ENGLISH_L1");
    add(t > 12 && u() < 0.4 ? "FS_MATHS_L2" : "FS_MATHS_L1");
  }
  if (low && u() < 0.3) add("ELC_ART");
  // Every pupil at the end of KS4 has at least one result.
  if (out->empty()) add(u() < 0.5 ? "FS_MATHS_L1" : "ELC_ART");
}

}  // namespace

Ks4Plan PlanKs4(Generated* g, const PriorEstimates& estimates, int threads) {
  struct LaOut {
    std::vector<Ks4Pupil> pupils;
    std::vector<GenResult> results;
    std::vector<Ks4SchoolFit> fits;
  };
  std::vector<LaOut> outs(g->plans.size());
  ParallelFor(g->plans.size(), threads, 1, [&](size_t begin, size_t end, int) {
    for (size_t pi = begin; pi < end; ++pi) {
      LaPlan& plan = g->plans[pi];
      LaOut& out = outs[pi];
      // Year 11 pupils on roll at the end of KS4: their last current or main
      // enrolment ended at the end of the phase.
      for (const GenEnrolment& en : plan.enrolments) {
        if (en.reason != LeavingReason::kEndOfPhase || en.status == EnrolStatus::kSubsidiary)
          continue;
        if (plan.pupils[en.pupil].year_group != 11) continue;
        Ks4Pupil kp;
        kp.plan = static_cast<uint32_t>(pi);
        kp.pupil = en.pupil;
        kp.school = en.school;
        out.pupils.push_back(kp);
      }
      std::sort(out.pupils.begin(), out.pupils.end(), [&](const Ks4Pupil& a, const Ks4Pupil& b) {
        return std::tie(g->world.schools[a.school].urn, a.pupil) <
               std::tie(g->world.schools[b.school].urn, b.pupil);
      });
      out.pupils.erase(
          std::unique(out.pupils.begin(), out.pupils.end(),
                      [](const Ks4Pupil& a, const Ks4Pupil& b) { return a.pupil == b.pupil; }),
          out.pupils.end());
      SchoolPlanner planner(g, static_cast<uint32_t>(pi), estimates);
      for (size_t i = 0; i < out.pupils.size();) {
        size_t j = i;
        while (j < out.pupils.size() && out.pupils[j].school == out.pupils[i].school) ++j;
        std::span<Ks4Pupil> span(out.pupils.data() + i, j - i);
        Ks4SchoolFit fit;
        planner.Plan(out.pupils[i].school, span, &out.results, &fit);
        PlanSchoolDestinations(*g, g->world.schools[out.pupils[i].school], span, &fit);
        out.fits.push_back(std::move(fit));
        i = j;
      }
    }
  });
  // Concatenate in URN order of schools.
  Ks4Plan result;
  std::vector<std::pair<int, size_t>> order;  // (first URN, LA)
  for (size_t i = 0; i < outs.size(); ++i)
    if (!outs[i].fits.empty()) order.push_back({outs[i].fits.front().urn, i});
  struct Item {
    int urn;
    size_t la, fit;
  };
  std::vector<Item> items;
  std::vector<size_t> first_pupil_of_fit;
  for (size_t i = 0; i < outs.size(); ++i)
    for (size_t f = 0; f < outs[i].fits.size(); ++f) items.push_back({outs[i].fits[f].urn, i, f});
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.urn < b.urn; });
  // Each LA's pupils start at the school's first pupil; index them.
  std::vector<std::vector<std::pair<size_t, size_t>>> ranges(outs.size());
  for (size_t i = 0; i < outs.size(); ++i) {
    const auto& ps = outs[i].pupils;
    for (size_t a = 0; a < ps.size();) {
      size_t b = a;
      while (b < ps.size() && ps[b].school == ps[a].school) ++b;
      ranges[i].push_back({a, b});
      a = b;
    }
  }
  double sum_sq = 0;
  uint64_t n_prior = 0;
  for (const Item& it : items) {
    LaOut& o = outs[it.la];
    auto [a, b] = ranges[it.la][it.fit];
    for (size_t k = a; k < b; ++k) {
      Ks4Pupil kp = o.pupils[k];
      const uint32_t first = static_cast<uint32_t>(result.results.size());
      result.results.insert(result.results.end(), o.results.begin() + kp.first_result,
                            o.results.begin() + kp.first_result + kp.results);
      kp.first_result = first;
      if (kp.has_prior) {
        const double p8 = (kp.a8 - kp.estimate) / 10;
        sum_sq += p8 * p8;
        ++n_prior;
      }
      result.pupils.push_back(kp);
    }
    result.fits.push_back(std::move(o.fits[it.fit]));
  }
  result.national_sd_p8 = n_prior > 1 ? std::sqrt(sum_sq / static_cast<double>(n_prior)) : 0;
  return result;
}

// ---------------------------------------------------------------- files

Status WriteKs4Files(const Generated& g, const Ks4Plan& plan, const std::string& dir,
                     FileRows* rows) {
  const AcademicYear ks4 = g.world.year;
  const AcademicYear ks2(ks4.start_year() - 5);
  const std::string ks4_year = ks4.TimePeriod(), ks2_year = ks2.TimePeriod();
  const std::string series = fmt::format("{}-06", ks4.start_year() + 1);
  const std::string early_series = fmt::format("{}-06", ks4.start_year());
  LANTERN_ASSIGN_OR_RETURN(auto ks2w, CsvWriter::Create(dir + "/ks2_results.csv"));
  LANTERN_ASSIGN_OR_RETURN(auto ks4w, CsvWriter::Create(dir + "/ks4_results.csv"));
  LANTERN_ASSIGN_OR_RETURN(auto destw, CsvWriter::Create(dir + "/destinations.csv"));
  ks2w->Row({"upn", "ks2_year", "read_scaled", "mat_scaled", "read_status", "mat_status"});
  ks4w->Row({"upn", "urn", "ks4_year", "qual_id", "grade", "exam_series"});
  destw->Row({"upn", "urn", "ks4_year", "month", "activity", "source"});
  std::vector<std::string> months;
  for (int m = 0; m < kDestinationMonths; ++m) {
    const int month0 = 7 + m;  // August = 7 (0-based)
    months.push_back(fmt::format("{}-{:02d}", ks4.start_year() + 1 + month0 / 12, month0 % 12 + 1));
  }
  uint64_t n2 = 0, n4 = 0, nd = 0;
  for (const Ks4Pupil& kp : plan.pupils) {
    const GenPupil& p = g.plans[kp.plan].pupils[kp.pupil];
    const std::string_view upn(p.upn, 13);
    const int urn = g.world.schools[kp.school].urn;
    if (kp.has_prior) {
      ks2w->Raw(upn).Raw(ks2_year);
      if (p.ks2_reading)
        ks2w->Int(p.ks2_reading);
      else
        ks2w->Empty();
      if (p.ks2_maths)
        ks2w->Int(p.ks2_maths);
      else
        ks2w->Empty();
      if (kp.read_status)
        ks2w->Raw("below_test");
      else
        ks2w->Empty();
      if (kp.maths_status)
        ks2w->Raw("below_test");
      else
        ks2w->Empty();
      ks2w->EndRow();
      ++n2;
    }
    for (uint32_t r = kp.first_result; r < kp.first_result + kp.results; ++r) {
      const GenResult& res = plan.results[r];
      const GenQualification& q = GeneratorQualifications()[res.qual];
      ks4w->Raw(upn).Int(urn).Raw(ks4_year).Raw(q.id).Raw(GradeText(q.scale, res.grade));
      ks4w->Raw(res.early ? early_series : series);
      ks4w->EndRow();
      ++n4;
    }
    for (int m = 0; m < kDestinationMonths; ++m) {
      const Activity a = kp.months[static_cast<size_t>(m)];
      destw->Raw(upn).Int(urn).Raw(ks4_year).Raw(months[static_cast<size_t>(m)]);
      destw->Raw(ActivityCode(a));
      destw->Raw(a == Activity::kNeet || a == Activity::kNotKnown ? "nccis" : "matched");
      destw->EndRow();
      ++nd;
    }
  }
  (*rows)["ks2_results.csv"] = n2;
  (*rows)["ks4_results.csv"] = n4;
  (*rows)["destinations.csv"] = nd;
  LANTERN_RETURN_IF_ERROR(ks2w->Close());
  LANTERN_RETURN_IF_ERROR(ks4w->Close());
  return destw->Close();
}

}  // namespace lantern::gen
