#include "generate/inputs.h"

#include <fmt/format.h>

#include <charconv>

#include "common/csv_table.h"

namespace lantern::gen {

namespace {

std::optional<int> ParseInt(std::string_view s) {
  int v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// The rows of an EES file for one time period: the requested one if the
// file has it, else the latest earlier one, else the earliest.
int ChooseTimePeriod(const CsvTable& t, int c_period, int wanted) {
  int best_before = 0, earliest = 0;
  for (size_t r = 0; r < t.rows(); ++r) {
    int p = ParseInt(t.Cell(r, c_period)).value_or(0);
    if (p == 0) continue;
    if (p <= wanted && p > best_before) best_before = p;
    if (earliest == 0 || p < earliest) earliest = p;
  }
  return best_before != 0 ? best_before : earliest;
}

// The LA code of an EES row (kNational for the England row), or nullopt
// for other levels.
std::optional<int> AreaOf(const CsvTable& t, size_t r, int c_level, int c_la) {
  const std::string& level = t.Cell(r, c_level);
  if (level == "National") return kNational;
  if (level != "Local authority") return std::nullopt;
  return ParseInt(t.Cell(r, c_la));
}

void LoadPruAbsence(const std::string& dir, AcademicYear year, GeneratorInputs* in) {
  auto table = CsvTable::Load(dir + "/absence_ap_pru_la/4_absence_2term_pru.csv");
  if (!table.ok()) return;
  const CsvTable& t = *table;
  int c_period = t.Column("time_period"), c_level = t.Column("geographic_level"),
      c_la = t.Column("old_la_code"), c_overall = t.Column("sess_overall_percent"),
      c_pa = t.Column("enrolments_pa_10_exact_percent");
  if (c_period < 0 || c_level < 0 || c_la < 0 || c_overall < 0 || c_pa < 0) return;
  const std::string period = std::to_string(ChooseTimePeriod(t, c_period, year.time_period()));
  for (size_t r = 0; r < t.rows(); ++r) {
    if (t.Cell(r, c_period) != period) continue;
    auto area = AreaOf(t, r, c_level, c_la);
    auto overall = ParsePublishedNumber(t.Cell(r, c_overall));
    auto pa = ParsePublishedNumber(t.Cell(r, c_pa));
    if (area && overall && pa) in->pru_absence[*area] = {*overall, *pa};
  }
}

std::optional<ApReason> ApReasonOf(std::string_view text) {
  if (text == "Off-site placement for behavioural support") return ApReason::kBehaviour;
  if (text == "Medical condition (mental health need)") return ApReason::kMentalHealth;
  if (text == "Medical condition (physical health need)") return ApReason::kPhysicalHealth;
  if (text == "Suspension") return ApReason::kSuspension;
  if (text.starts_with("Permanent exclusion")) return ApReason::kPermanentExclusion;
  if (text == "Other") return ApReason::kOther;
  return std::nullopt;
}

std::optional<ApSettingType> ApSettingOf(std::string_view text) {
  if (text == "Education setting with URN") return ApSettingType::kUrnSetting;
  if (text == "Registered provider with UKPRN") return ApSettingType::kUkprnProvider;
  if (text == "Other unregistered provider") return ApSettingType::kUnregisteredProvider;
  if (text == "One on one tuition") return ApSettingType::kOneToOneTuition;
  if (text == "Work based placement") return ApSettingType::kWorkBased;
  if (text == "Non-maintained further education college") return ApSettingType::kFeCollege;
  return std::nullopt;
}

void LoadApPlacements(const std::string& dir, GeneratorInputs* in) {
  auto table = CsvTable::Load(dir + "/ap_placements_la/spc_school_ap_placement.csv");
  if (!table.ok()) return;
  const CsvTable& t = *table;
  int c_level = t.Column("geographic_level"), c_la = t.Column("old_la_code"),
      c_group = t.Column("characteristic_grouping"), c_char = t.Column("pupil_characteristic"),
      c_setting = t.Column("setting_type"), c_pupils = t.Column("pupils");
  if (c_level < 0 || c_la < 0 || c_group < 0 || c_char < 0 || c_setting < 0 || c_pupils < 0) {
    return;
  }
  for (size_t r = 0; r < t.rows(); ++r) {
    auto area = AreaOf(t, r, c_level, c_la);
    auto pupils = ParsePublishedNumber(t.Cell(r, c_pupils));
    if (!area || !pupils) continue;
    ApCounts& ap = in->ap[*area];
    const std::string& setting = t.Cell(r, c_setting);
    if (t.Cell(r, c_group) == "Total") {
      if (setting == "Total") {
        ap.total = *pupils;
      } else if (auto s = ApSettingOf(setting)) {
        ap.by_setting[static_cast<size_t>(*s)] = *pupils;
      }
      continue;
    }
    auto reason = ApReasonOf(t.Cell(r, c_char));
    if (!reason) continue;
    if (setting == "Total") {
      ap.by_reason[static_cast<size_t>(*reason)] = *pupils;
    } else if (auto s = ApSettingOf(setting); s && *area == kNational) {
      in->ap_setting_by_reason[static_cast<size_t>(*reason)][static_cast<size_t>(*s)] = *pupils;
    }
  }
}

// Need mixes by provision; national figures, January census.
void LoadSenNeeds(const std::string& dir, AcademicYear year, GeneratorInputs* in) {
  // Fallback: January 2022 national mix (sen_national.csv, all pupils).
  in->need_support = {0, 14.4, 18.9, 0.2, 0.1, 20.0, 25.1, 1.6, 0.9, 0.3, 2.2, 7.6, 4.3, 4.4};
  in->need_ehcp = {0, 3.9, 9.7, 9.5, 3.1, 15.0, 17.4, 1.9, 1.1, 0.3, 4.2, 31.3, 2.5, 0};
  in->need_source = "built-in January 2022 national mix";
  auto table = CsvTable::Load(dir + "/sen_cin_la/sen_national.csv");
  if (!table.ok()) return;
  const CsvTable& t = *table;
  int c_period = t.Column("time_period"), c_group = t.Column("social_care_group");
  if (c_period < 0 || c_group < 0) return;
  const std::string period = std::to_string(ChooseTimePeriod(t, c_period, year.time_period()));
  static const std::pair<SenNeed, const char*> kNeeds[] = {
      {SenNeed::kSpld, "SPLD"}, {SenNeed::kMld, "MLD"},   {SenNeed::kSld, "SLD"},
      {SenNeed::kPmld, "PMLD"}, {SenNeed::kSemh, "SEMH"}, {SenNeed::kSlcn, "SLCN"},
      {SenNeed::kHi, "HI"},     {SenNeed::kVi, "VI"},     {SenNeed::kMsi, "MSI"},
      {SenNeed::kPd, "PD"},     {SenNeed::kAsd, "ASD"},   {SenNeed::kOth, "OTH"},
      {SenNeed::kNsa, "NSA"}};
  for (size_t r = 0; r < t.rows(); ++r) {
    if (t.Cell(r, c_period) != period || t.Cell(r, c_group) != "All pupils comparison") continue;
    std::array<double, 14> support{}, ehcp{};
    bool complete = true;
    for (auto [need, code] : kNeeds) {
      int cs = t.Column(fmt::format("t_{}_ss", code)), ce = t.Column(fmt::format("t_{}_se", code));
      auto s = cs < 0 ? std::nullopt : ParsePublishedNumber(t.Cell(r, cs));
      auto e = ce < 0 ? std::nullopt : ParsePublishedNumber(t.Cell(r, ce));
      if (!s || !e) complete = false;
      support[static_cast<size_t>(need)] = s.value_or(0);
      ehcp[static_cast<size_t>(need)] = e.value_or(0);
    }
    if (!complete) return;
    in->need_support = support;
    in->need_ehcp = ehcp;
    in->need_source = "sen_cin_la/sen_national.csv " + period + ", all pupils";
    return;
  }
}

}  // namespace

Result<GeneratorInputs> LoadGeneratorInputs(const std::string& dir, AcademicYear year) {
  GeneratorInputs in;
  in.real_data_dir = dir;
  in.year = year;
  LANTERN_ASSIGN_OR_RETURN(in.frame, LoadSchoolFrame(dir));
  LANTERN_ASSIGN_OR_RETURN(in.geography, LoadGeographyFromRealData(dir));
  static const std::vector<std::string> kMeasures = {"TotAbs",
                                                     "TotAuthAbs",
                                                     "TotUnAuthAbs",
                                                     "TotPerAbNew",
                                                     "PriTotAbs",
                                                     "SecTotAbs",
                                                     "total_absence_special",
                                                     "SFPriPerAbNew",
                                                     "SFSecPerAbNew",
                                                     "SpecPerAbNew",
                                                     "TotFixedEx",
                                                     "Total_ Pup_FixedEx",
                                                     "TotPermEx",
                                                     "PriFixedEx",
                                                     "SecFixedEx",
                                                     "SpecFixedEx",
                                                     "Pri_ Pup_FixedEx",
                                                     "Sec_ Pup_FixedEx",
                                                     "Spec_ Pup_FixedEx",
                                                     "PriPermEx",
                                                     "SecPermEx",
                                                     "SpecPermEx"};
  LANTERN_ASSIGN_OR_RETURN(in.lait, LaitIndicators::Load(dir, kMeasures));
  LoadPruAbsence(dir, year, &in);
  LoadApPlacements(dir, &in);
  LoadSenNeeds(dir, year, &in);
  return in;
}

namespace {
// The frame's absence figures are for 2018/19; LAIT lookups use the same
// year so school and LA figures agree (the frame has no other year).
const AcademicYear kFrameYear(2018);

std::optional<double> LaitValue(const LaitIndicators& lait, const std::string& measure, int area) {
  return lait.Get(measure, area, kFrameYear);
}
}  // namespace

AbsenceTarget GeneratorInputs::AbsenceTargetFor(const FrameSchool& s, SchoolPhaseCode phase) const {
  AbsenceTarget t;
  if (phase == SchoolPhaseCode::kAlternativeProvision) {
    auto it = pru_absence.find(s.la_code);
    t.source = "pru_la";
    if (it == pru_absence.end()) {
      it = pru_absence.find(kNational);
      t.source = "pru_national";
    }
    auto v = it == pru_absence.end() ? std::pair<double, double>{34.4, 72.2} : it->second;
    t.overall = v.first / 100;
    t.persistent = v.second / 100;
    return t;
  }
  if (s.overall_absence_pct && s.persistent_absence_pct) {
    t.overall = *s.overall_absence_pct / 100;
    t.persistent = *s.persistent_absence_pct / 100;
    t.source = "school";
    return t;
  }
  const char* overall_measure = phase == SchoolPhaseCode::kSpecial   ? "total_absence_special"
                                : phase == SchoolPhaseCode::kPrimary ? "PriTotAbs"
                                                                     : "SecTotAbs";
  const char* pa_measure = phase == SchoolPhaseCode::kSpecial   ? "SpecPerAbNew"
                           : phase == SchoolPhaseCode::kPrimary ? "SFPriPerAbNew"
                                                                : "SFSecPerAbNew";
  for (int area : {s.la_code, LaitIndicators::kEngland}) {
    auto o = LaitValue(lait, overall_measure, area);
    auto p = LaitValue(lait, pa_measure, area);
    if (o && p) {
      // A school with its own overall rate keeps it; the LA fills the gap.
      t.overall = s.overall_absence_pct.value_or(*o) / 100;
      t.persistent = *p / 100;
      t.source = area == LaitIndicators::kEngland ? "national" : "la";
      return t;
    }
  }
  const char* key = phase == SchoolPhaseCode::kSpecial   ? "SPE"
                    : phase == SchoolPhaseCode::kPrimary ? "PRI"
                                                         : "SEC";
  auto it = frame.national_absence.find(key);
  auto v = it == frame.national_absence.end() ? std::pair<double, double>{4.7, 10.9} : it->second;
  t.overall = v.first / 100;
  t.persistent = v.second / 100;
  t.source = "national";
  return t;
}

BehaviourRates GeneratorInputs::BehaviourRatesFor(int la, SchoolType type) const {
  struct Measures {
    const char* rate;
    const char* one_plus;
    const char* permanent;
  };
  Measures m =
      type == SchoolType::kPrimary   ? Measures{"PriFixedEx", "Pri_ Pup_FixedEx", "PriPermEx"}
      : type == SchoolType::kSpecial ? Measures{"SpecFixedEx", "Spec_ Pup_FixedEx", "SpecPermEx"}
                                     : Measures{"SecFixedEx", "Sec_ Pup_FixedEx", "SecPermEx"};
  // Pupil referral units: LAIT has no PRU figures, so they take England's
  // secondary rates (most PRU pupils are of secondary age): an assumption.
  std::vector<int> areas = {la, LaitIndicators::kEngland};
  if (type == SchoolType::kPupilReferralUnit) areas = {LaitIndicators::kEngland};
  for (int area : areas) {
    auto r = LaitValue(lait, m.rate, area);
    auto o = LaitValue(lait, m.one_plus, area);
    auto p = LaitValue(lait, m.permanent, area);
    if (r && o && p) {
      return {*r, *o, *p,
              type == SchoolType::kPupilReferralUnit ? "assumed: England secondary"
              : area == la                           ? "la"
                                                     : "national"};
    }
  }
  return {5.36, 2.44, 0.10, "built-in England 2018/19"};
}

double GeneratorInputs::UnauthorisedFactor(int la) const {
  auto share = [&](int area) -> std::optional<double> {
    auto u = LaitValue(lait, "TotUnAuthAbs", area);
    auto o = LaitValue(lait, "TotAbs", area);
    if (!u || !o || *o <= 0) return std::nullopt;
    return *u / *o;
  };
  auto local = share(la), england = share(LaitIndicators::kEngland);
  if (!local || !england || *england <= 0) return 1.0;
  return *local / *england;
}

}  // namespace lantern::gen
