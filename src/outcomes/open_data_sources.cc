#include "outcomes/open_data_sources.h"

#include <fmt/format.h>

#include <set>
#include <thread>

#include "common/csv_reader.h"
#include "common/parallel.h"

namespace lantern::outcomes {

namespace {

// Rows of every source, and which (measure, period, school type, group)
// series a source with counts already gave, so LAIT fills only the rest.
class Sink {
 public:
  explicit Sink(std::vector<OutcomeRow>* rows) : rows_(rows) {}
  static std::string Key(const OutcomeRow& r) {
    return r.measure + '|' + r.time_period + '|' + r.time_identifier + '|' + r.school_type + '|' +
           r.breakdown_topic + '|' + r.breakdown;
  }
  void Add(OutcomeRow r) {
    covered_.insert(Key(r));
    rows_->push_back(std::move(r));
  }
  void AddUnlessCovered(OutcomeRow r, const std::set<std::string>& before) {
    if (before.count(Key(r))) return;
    rows_->push_back(std::move(r));
  }
  const std::set<std::string>& covered() const { return covered_; }

 private:
  std::vector<OutcomeRow>* rows_;
  std::set<std::string> covered_;
};

std::string Cell(const CsvTable& t, size_t r, std::string_view col) {
  const int c = t.Column(col);
  return c < 0 ? std::string() : t.Cell(r, c);
}

double NumCell(const CsvTable& t, size_t r, std::string_view col) { return Num(Cell(t, r, col)); }

// A ratio of session counts: the value, with no interval (sessions are
// clustered in pupils, so a binomial interval on sessions would be far too
// narrow; docs/local-outcomes.md).
Figure SessionRatio(double numerator, double denominator) {
  Figure f = ProportionFigure(numerator, denominator);
  f.lower = f.upper = kNoValue;
  return f;
}

// A published percentage of a known base: the value as published, the
// Wilson interval from the count it implies (published as x).
Figure PercentOfBase(std::string_view pct_text, double base) {
  Figure f = FromText(pct_text);
  if (!f.ok() || !Has(base) || !(base > 0)) return f;
  Figure p = ProportionFigure(f.value * base / 100.0, base, false);
  p.value = f.value;
  return p;
}

std::string SchoolTypeOfPhase(std::string_view phase) {
  if (phase == "Total" || phase == "All schools") return "Total";
  if (phase == "Primary") return "State-funded primary";
  if (phase == "Secondary") return "State-funded secondary";
  if (phase == "Special" || phase == "Special school") return "Special";
  return std::string(phase);
}

Status LoadOrNote(const std::string& path, std::string* notes, std::optional<CsvTable>* out) {
  auto t = CsvTable::Load(path);
  if (!t.ok()) {
    *notes += fmt::format("  not read: {} ({})\n", path, t.status().message());
    return Status::Ok();
  }
  *out = std::move(*t);
  return Status::Ok();
}

// --- NCCIS: NEET and not known at 16-17, participation, by SEN ---
void ReadNccis(const std::string& dir, const SourceContext& ctx, Sink* sink, std::string* notes) {
  const char* kFiles[] = {
      "UD_NEETNK_LA_dashboard_2021_vg_removed.csv", "UD_NEETNK_LA_dashboard_2022_final.csv",
      "UD_NEETNK_LA_dashboard_2023_final.csv", "UD_NEETNK_LA_dashboard_final.csv"};
  for (const char* file : kFiles) {
    std::optional<CsvTable> t;
    LoadOrNote(dir + "/neet_nk_la/" + file, notes, &t);
    if (!t) continue;
    for (size_t r = 0; r < t->rows(); ++r) {
      auto geo = ctx.FromEes(*t, r);
      if (!geo) continue;
      OutcomeRow base;
      base.time_period = Cell(*t, r, "time_period");
      base.time_identifier = "Calendar year";
      base.place = std::make_shared<const GeographyRow>(*geo);
      base.source = fmt::format("NCCIS 16-17 NEET and not known ({})", file);
      const double cohort = NumCell(*t, r, "Cohort_DJFavg");
      auto add = [&](const char* measure, const char* col, double den, const char* topic,
                     const char* group) {
        if (t->Column(col) < 0) return;
        OutcomeRow row = base;
        row.measure = measure;
        row.breakdown_topic = topic;
        row.breakdown = group;
        row.figure = PercentOfBase(Cell(*t, r, col), den);
        sink->Add(std::move(row));
      };
      add("NEET_percent", "NEET_percent", cohort, "Total", "Total");
      add("Notknown_percent", "Notknown_percent", cohort, "Total", "Total");
      add("NEET_not_known_percent", "NEET_not_known_percent", cohort, "Total", "Total");
      add("TOTAL_participating_in_education_and_training_percent",
          "TOTAL_participating_in_education_and_training_percent", NumCell(*t, r, "cohort_March"),
          "Total", "Total");
      auto share = [&](const char* col) {
        const double p = NumCell(*t, r, col);
        return Has(p) && Has(cohort) ? p * cohort / 100.0 : kNoValue;
      };
      add("NEET_not_known_percent", "NEET_NK_noSEN_percent", share("cohort_noSEN_percent"),
          "SEN provision", "No SEN");
      add("NEET_not_known_percent", "NEET_NK_EHCP_percent", share("cohort_EHCP_percent"),
          "SEN provision", "EHC plan");
      add("NEET_not_known_percent", "NEET_NK_SENDsupport_percent",
          share("cohort_SENDsupport_percent"), "SEN provision", "SEN support");
      add("NEET_not_known_percent", "VG_NEET_NK_percentage", NumCell(*t, r, "VG_cohort_DJF_avg"),
          "Vulnerable group", "Vulnerable group");
    }
  }
}

// --- SEN2: EHC plans, 20-week timeliness, requests ---
void ReadSen2(const std::string& dir, const SourceContext& ctx, Sink* sink, std::string* notes) {
  std::optional<CsvTable> t;
  LoadOrNote(dir + "/ehcp_sen2_la/sen2_mi.csv", notes, &t);
  if (!t) return;
  for (size_t r = 0; r < t->rows(); ++r) {
    auto geo = ctx.FromEes(*t, r);
    if (!geo) continue;
    OutcomeRow base;
    base.time_period = Cell(*t, r, "time_period");
    base.time_identifier = "Calendar year";
    base.place = std::make_shared<const GeographyRow>(*geo);
    base.source = "SEN2 EHC plans (sen2_mi.csv)";
    auto timeliness = [&](const char* measure, const char* num, const char* den, const char* rate) {
      OutcomeRow row = base;
      row.measure = measure;
      const double n = NumCell(*t, r, num), d = NumCell(*t, r, den);
      row.figure = Has(n) && Has(d) && d > 0 ? ProportionFigure(n, d) : FromText(Cell(*t, r, rate));
      sink->Add(std::move(row));
    };
    timeliness("pc_plans_issued_within_20_weeks", "inc_exc_20week_ehc", "tot_inc_exc_ehc",
               "inc_exc_20week_rate");
    timeliness("pc_plans_issued_20_weeks_ex", "no_exc_20week_ehc", "tot_no_exc_ehc",
               "no_exc_20week_rate");
    for (const char* count : {"new_all_ehc", "inreq_ehc"}) {
      OutcomeRow row = base;
      row.measure = count;
      row.figure = FromText(Cell(*t, r, count));
      sink->Add(std::move(row));
    }
  }
}

// --- In-year attendance, 2025/26 to date, and 2024/25 persistent absence by week ---
void ReadAttendanceYtd(const std::string& dir, const SourceContext& ctx, Sink* sink,
                       std::string* notes) {
  std::optional<CsvTable> t;
  LoadOrNote(dir + "/attendance_ytd_la/EES_ytd_data.csv", notes, &t);
  if (t) {
    for (size_t r = 0; r < t->rows(); ++r) {
      auto geo = ctx.FromEes(*t, r);
      if (!geo) continue;
      OutcomeRow base;
      base.time_period = Cell(*t, r, "time_period");
      base.time_identifier = "Academic year";
      base.place = std::make_shared<const GeographyRow>(*geo);
      base.school_type = SchoolTypeOfPhase(Cell(*t, r, "education_phase"));
      base.source = "DfE pupil attendance in schools, year to date (EES_ytd_data.csv)";
      const double possible = NumCell(*t, r, "possible_sessions");
      auto sessions = [&](const char* measure, const char* col) {
        OutcomeRow row = base;
        row.measure = measure;
        row.figure = SessionRatio(NumCell(*t, r, col), possible);
        sink->Add(std::move(row));
      };
      sessions("sess_overall_percent", "overall_absence");
      sessions("sess_authorised_percent", "authorised_absence");
      sessions("sess_unauthorised_percent", "unauthorised_absence");
      OutcomeRow pa = base;
      pa.measure = "enrolments_pa_10_exact_percent";
      pa.figure = PercentOfBase(Cell(*t, r, "pa_perc"), NumCell(*t, r, "enrolments"));
      sink->Add(std::move(pa));
    }
  }
  std::optional<CsvTable> w;
  LoadOrNote(dir + "/attendance_ytd_la/week_29_persistent_absence.csv", notes, &w);
  if (w) {
    for (size_t r = 0; r < w->rows(); ++r) {
      auto geo = ctx.FromEes(*w, r);
      if (!geo) continue;
      OutcomeRow row;
      row.time_period = AcademicPeriod(Cell(*w, r, "time_period"));
      row.time_identifier = Cell(*w, r, "time_identifier");  // "Week 29": year to date
      row.place = std::make_shared<const GeographyRow>(*geo);
      row.school_type = SchoolTypeOfPhase(Cell(*w, r, "education_phase"));
      row.source =
          "DfE pupil attendance in schools, year to date by week "
          "(week_29_persistent_absence.csv)";
      row.measure = "enrolments_pa_10_exact_percent";
      row.figure = FromText(Cell(*w, r, "persistent_absence_percent"));
      sink->Add(std::move(row));
    }
  }
}

// --- Absence in pupil referral units, autumn and spring terms ---
void ReadPruAbsence(const std::string& dir, const SourceContext& ctx, Sink* sink,
                    std::string* notes) {
  std::optional<CsvTable> t;
  LoadOrNote(dir + "/absence_ap_pru_la/4_absence_2term_pru.csv", notes, &t);
  if (!t) return;
  for (size_t r = 0; r < t->rows(); ++r) {
    auto geo = ctx.FromEes(*t, r);
    if (!geo) continue;
    OutcomeRow base;
    base.time_period = Cell(*t, r, "time_period");
    base.time_identifier = Cell(*t, r, "time_identifier");
    base.place = std::make_shared<const GeographyRow>(*geo);
    base.school_type = "Pupil referral unit";
    base.source = "DfE pupil absence in PRUs, autumn and spring terms (4_absence_2term_pru.csv)";
    const double possible = NumCell(*t, r, "sess_possible");
    const double enrolments = NumCell(*t, r, "enrolments");
    auto add = [&](const char* measure, Figure f) {
      OutcomeRow row = base;
      row.measure = measure;
      row.figure = f;
      sink->Add(std::move(row));
    };
    add("sess_overall_percent", SessionRatio(NumCell(*t, r, "sess_overall"), possible));
    add("sess_authorised_percent", SessionRatio(NumCell(*t, r, "sess_authorised"), possible));
    add("sess_unauthorised_percent", SessionRatio(NumCell(*t, r, "sess_unauthorised"), possible));
    add("enrolments_pa_10_exact_percent",
        ProportionFigure(NumCell(*t, r, "enrolments_pa_10_exact"), enrolments));
    add("enrolments_pa_50_exact_percent",
        ProportionFigure(NumCell(*t, r, "enrolments_pa_50_exact"), enrolments));
  }
}

// --- Exclusions by reason, 2006/07 to 2016/17 (SFR35/2017 and its 2016/17 update) ---
struct Reason {
  const char* column_suffix;
  const char* label;
};
constexpr Reason kReasons[] = {
    {"physical_pupils", "Physical assault against a pupil"},
    {"physical_adult", "Physical assault against an adult"},
    {"verbal_pupil", "Verbal abuse or threatening behaviour against a pupil"},
    {"verbal_adult", "Verbal abuse or threatening behaviour against an adult"},
    {"bullying", "Bullying"},
    {"racist_abuse", "Racist abuse"},
    {"sexual_misconduct", "Sexual misconduct"},
    {"drug_alcohol", "Drug and alcohol related"},
    {"damage", "Damage"},
    {"theft", "Theft"},
    {"persistent_disruptive", "Persistent disruptive behaviour"},
    {"other", "Other"},
};

// In the old SFR files "x" is a suppressed count (c today).
Figure OldSfrCount(const std::string& text) {
  const std::string t = text;
  if (t == "x") return SymbolFigure(GssSymbol::kSuppressed);
  if (t == ".") return SymbolFigure(GssSymbol::kNotApplicable);
  return FromText(t);
}

void AddExclusionRows(const CsvTable& t, size_t r, OutcomeRow base, Sink* sink) {
  for (const auto& [prefix, measure] :
       {std::pair{"perm_", "perm_excl"}, std::pair{"fixed_", "susp"}}) {
    double total = 0;
    bool complete = true;
    for (const Reason& reason : kReasons) {
      OutcomeRow row = base;
      row.measure = measure;
      row.breakdown_topic = "Reason for exclusion";
      row.breakdown = reason.label;
      row.figure = OldSfrCount(Cell(t, r, std::string(prefix) + reason.column_suffix));
      if (row.figure.ok()) {
        total += row.figure.value;
      } else {
        complete = false;
      }
      sink->Add(std::move(row));
    }
    OutcomeRow row = base;
    row.measure = measure;
    // The total is the sum of the reasons (one reason per exclusion before
    // 2020); where one was suppressed the total cannot be had.
    row.figure = complete ? PublishedFigure(total) : SymbolFigure(GssSymbol::kSuppressed);
    sink->Add(std::move(row));
  }
}

void ReadExclusions(const std::string& dir, const SourceContext& ctx, Sink* sink,
                    std::string* notes) {
  std::optional<CsvTable> t;
  LoadOrNote(dir + "/exclusions_la_2006_2017/SFR35_2017_reason_for_exclusion.csv", notes, &t);
  std::set<std::string> years_seen;
  if (t) {
    for (size_t r = 0; r < t->rows(); ++r) {
      auto geo = ctx.FromEes(*t, r);
      if (!geo) continue;
      OutcomeRow base;
      base.time_period = Cell(*t, r, "year");
      base.time_identifier = "Academic year";
      base.place = std::make_shared<const GeographyRow>(*geo);
      base.school_type = SchoolTypeOfPhase(Cell(*t, r, "school_type"));
      base.source = "DfE exclusions SFR35/2017 by reason (SFR35_2017_reason_for_exclusion.csv)";
      years_seen.insert(base.time_period);
      AddExclusionRows(*t, r, base, sink);
    }
  }
  // The dashboard's tidied file adds 2016/17, by LA name only.
  std::optional<CsvTable> c;
  LoadOrNote(dir + "/exclusions_la_2006_2017/clean_la_exclusions_data.csv", notes, &c);
  if (!c) return;
  std::set<std::string> unplaced;
  for (size_t r = 0; r < c->rows(); ++r) {
    const std::string year = Cell(*c, r, "year");
    if (years_seen.count(year)) continue;
    const std::string name = Cell(*c, r, "la_name");
    std::optional<GeographyRow> geo;
    if (name == "England") {
      geo = ctx.England();
    } else if (auto region = ctx.Region(name)) {
      geo = region;
    } else {
      geo = ctx.LaByName(name);
    }
    if (!geo) {
      unplaced.insert(name);
      continue;
    }
    OutcomeRow base;
    base.time_period = year;
    base.time_identifier = "Academic year";
    base.place = std::make_shared<const GeographyRow>(*geo);
    base.school_type = SchoolTypeOfPhase(Cell(*c, r, "school_type"));
    base.source = "DfE exclusions by reason, 2016/17 (clean_la_exclusions_data.csv)";
    AddExclusionRows(*c, r, base, sink);
  }
  if (!unplaced.empty()) {
    std::string names;
    for (const auto& n : unplaced) names += (names.empty() ? "" : "; ") + n;
    *notes +=
        fmt::format("  clean_la_exclusions_data.csv: {} area name(s) not matched to an LA: {}\n",
                    unplaced.size(), names);
  }
}

// --- School-arranged alternative provision, January 2023 ---
std::string ApGroup(std::string_view topic, std::string_view group) {
  if (topic == "SEN on entry") {
    if (group == "SEN Support") return "SEN support";
    if (group == "EHC plan") return "EHC plan";
    if (group == "No SEN") return "No SEN";
  }
  return std::string(group);
}

void ReadAp(const std::string& dir, const SourceContext& ctx, Sink* sink, std::string* notes) {
  std::optional<CsvTable> t;
  LoadOrNote(dir + "/ap_placements_la/spc_school_ap_placement.csv", notes, &t);
  if (t) {
    for (size_t r = 0; r < t->rows(); ++r) {
      auto geo = ctx.FromEes(*t, r);
      if (!geo) continue;
      const std::string grouping = Cell(*t, r, "characteristic_grouping");
      const std::string ch = Cell(*t, r, "pupil_characteristic");
      const std::string setting = Cell(*t, r, "setting_type");
      OutcomeRow row;
      row.time_period = Cell(*t, r, "time_period");
      row.time_identifier = Cell(*t, r, "time_identifier");
      row.place = std::make_shared<const GeographyRow>(*geo);
      row.measure = "ap_pupils";
      row.source = "DfE school-arranged AP, January 2023 census (spc_school_ap_placement.csv)";
      if (grouping == "Total" && setting == "Total") {
      } else if (grouping == "Total") {
        row.breakdown_topic = "AP setting";
        row.breakdown = setting;
      } else if (setting == "Total") {
        row.breakdown_topic = "AP placement reason";
        row.breakdown = ch;
      } else {
        continue;  // reason x setting: not carried (docs/local-outcomes.md)
      }
      row.figure = FromText(Cell(*t, r, "pupils"));
      sink->Add(std::move(row));
    }
  }
  std::optional<CsvTable> c;
  LoadOrNote(dir + "/ap_placements_la/spc_school_ap_characteristics.csv", notes, &c);
  if (c) {
    const std::set<std::string> kTopics = {"SEN on entry", "FSM eligibility", "Gender"};
    for (size_t r = 0; r < c->rows(); ++r) {
      const std::string grouping = Cell(*c, r, "characteristic_grouping");
      if (!kTopics.count(grouping) || Cell(*c, r, "setting_type") != "Total") continue;
      auto geo = ctx.FromEes(*c, r);
      if (!geo) continue;
      OutcomeRow row;
      row.time_period = Cell(*c, r, "time_period");
      row.time_identifier = Cell(*c, r, "time_identifier");
      row.place = std::make_shared<const GeographyRow>(*geo);
      row.measure = "ap_pupils";
      row.breakdown_topic = grouping == "SEN on entry" ? "SEN provision" : grouping;
      row.breakdown = ApGroup(grouping, Cell(*c, r, "pupil_characteristic"));
      row.source =
          "DfE school-arranged AP, January 2023 census (spc_school_ap_characteristics.csv)";
      row.figure = FromText(Cell(*c, r, "pupils"));
      sink->Add(std::move(row));
    }
  }
  std::optional<CsvTable> s;
  LoadOrNote(dir + "/ap_placements_la/spc_ap_setting.csv", notes, &s);
  if (s) {
    for (size_t r = 0; r < s->rows(); ++r) {
      auto geo = ctx.FromEes(*s, r);
      if (!geo) continue;
      OutcomeRow row;
      row.time_period = Cell(*s, r, "time_period");
      row.time_identifier = Cell(*s, r, "time_identifier");
      row.place = std::make_shared<const GeographyRow>(*geo);
      row.measure = "ap_placements";
      const std::string setting = Cell(*s, r, "setting_type");
      if (setting != "Total") {
        row.breakdown_topic = "AP setting";
        row.breakdown = setting;
      }
      row.source = "DfE school-arranged AP placements, January 2023 census (spc_ap_setting.csv)";
      row.figure = FromText(Cell(*s, r, "placements"));
      sink->Add(std::move(row));
    }
  }
}

// --- SEN of children in need (CIN census) ---
void ReadSenCin(const std::string& dir, const SourceContext& ctx, Sink* sink, std::string* notes) {
  std::optional<CsvTable> t;
  LoadOrNote(dir + "/sen_cin_la/sen_la.csv", notes, &t);
  if (!t) return;
  for (size_t r = 0; r < t->rows(); ++r) {
    auto geo = ctx.FromEes(*t, r);
    if (!geo) continue;
    OutcomeRow base;
    base.time_period = Cell(*t, r, "time_period");
    base.time_identifier = Cell(*t, r, "time_identifier");
    base.place = std::make_shared<const GeographyRow>(*geo);
    base.breakdown_topic = "Social care group";
    base.breakdown = Cell(*t, r, "social_care_group");
    base.source = "DfE outcomes for children in need, SEN (sen_la.csv)";
    const double pupils = NumCell(*t, r, "t_pupils");
    for (const auto& [measure, count, pct] :
         {std::tuple{"pt_statement_or_EHC_plan", "t_statement_or_EHC_plan",
                     "pt_statement_or_EHC_plan"},
          std::tuple{"pt_SEN_support", "t_SEN_support", "pt_SEN_support"}}) {
      OutcomeRow row = base;
      row.measure = measure;
      const double n = NumCell(*t, r, count);
      if (Has(n) && Has(pupils) && pupils > 0) {
        row.figure = ProportionFigure(n, pupils);
        row.figure.value = Num(Cell(*t, r, pct));  // as published (from unrounded counts)
        if (!Has(row.figure.value)) row.figure = FromText(Cell(*t, r, pct));
      } else {
        row.figure = FromText(Cell(*t, r, pct));
      }
      sink->Add(std::move(row));
    }
  }
}

// --- Area SEND inspections (Ofsted/CQC), winter 2022/23 ---
void ReadOfsted(const std::string& dir, const SourceContext& ctx, Sink* sink, std::string* notes) {
  std::optional<CsvTable> t;
  LoadOrNote(dir + "/ofsted_area_send_la/mi_ofsted_winter_2223.csv", notes, &t);
  if (!t) return;
  for (size_t r = 0; r < t->rows(); ++r) {
    const std::string name = Cell(*t, r, "Local.area.partnership");
    auto geo = ctx.LaByName(name);
    if (!geo) {
      *notes += fmt::format("  mi_ofsted_winter_2223.csv: '{}' not matched to an LA\n", name);
      continue;
    }
    OutcomeRow row;
    row.time_period = "202223";
    row.time_identifier = "Academic year";
    row.place = std::make_shared<const GeographyRow>(*geo);
    row.measure = "area_send_priority_actions";
    row.breakdown_topic = "Inspection outcome";
    row.breakdown = Cell(*t, r, "Inspection.outcome");
    row.source = "Ofsted area SEND inspection MI, winter 2022/23 (mi_ofsted_winter_2223.csv)";
    row.figure = FromText(Cell(*t, r, "Number.of.areas.for.priority.action"));
    sink->Add(std::move(row));
  }
}

// --- LAIT: the long series, filling what the sources with counts lack ---
struct LaitSpec {
  const char* code;
  const char* measure;
  const char* school_type;
  const char* topic;
  const char* group;
  bool calendar;  // labelled by calendar year (NEET, EHC plans) not academic year
};

constexpr LaitSpec kLait[] = {
    {"TotAbs", "sess_overall_percent", "Total", "Total", "Total", false},
    {"PriTotAbs", "sess_overall_percent", "State-funded primary", "Total", "Total", false},
    {"SecTotAbs", "sess_overall_percent", "State-funded secondary", "Total", "Total", false},
    {"total_absence_special", "sess_overall_percent", "Special", "Total", "Total", false},
    {"TotAuthAbs", "sess_authorised_percent", "Total", "Total", "Total", false},
    {"PriAuth", "sess_authorised_percent", "State-funded primary", "Total", "Total", false},
    {"SecAuth", "sess_authorised_percent", "State-funded secondary", "Total", "Total", false},
    {"authorised_absence_special", "sess_authorised_percent", "Special", "Total", "Total", false},
    {"TotUnAuthAbs", "sess_unauthorised_percent", "Total", "Total", "Total", false},
    {"PriUnauth", "sess_unauthorised_percent", "State-funded primary", "Total", "Total", false},
    {"SecUnauth", "sess_unauthorised_percent", "State-funded secondary", "Total", "Total", false},
    {"unauthorised_absence_special", "sess_unauthorised_percent", "Special", "Total", "Total",
     false},
    {"TotPerAbNew", "enrolments_pa_10_exact_percent", "Total", "Total", "Total", false},
    {"SFPriPerAbNew", "enrolments_pa_10_exact_percent", "State-funded primary", "Total", "Total",
     false},
    {"SFSecPerAbNew", "enrolments_pa_10_exact_percent", "State-funded secondary", "Total", "Total",
     false},
    {"SpecPerAbNew", "enrolments_pa_10_exact_percent", "Special", "Total", "Total", false},
    {"TotSevPerAbNew", "enrolments_pa_50_exact_percent", "Total", "Total", "Total", false},
    {"SFPriSevPerAbNew", "enrolments_pa_50_exact_percent", "State-funded primary", "Total", "Total",
     false},
    {"SFSecSevPerAbNew", "enrolments_pa_50_exact_percent", "State-funded secondary", "Total",
     "Total", false},
    {"SpecSevPerAbNew", "enrolments_pa_50_exact_percent", "Special", "Total", "Total", false},
    {"TotFixedEx", "susp_rate", "Total", "Total", "Total", false},
    {"PriFixedEx", "susp_rate", "State-funded primary", "Total", "Total", false},
    {"SecFixedEx", "susp_rate", "State-funded secondary", "Total", "Total", false},
    {"SpecFixedEx", "susp_rate", "Special", "Total", "Total", false},
    {"Total_ Pup_FixedEx", "one_plus_susp_rate", "Total", "Total", "Total", false},
    {"Pri_ Pup_FixedEx", "one_plus_susp_rate", "State-funded primary", "Total", "Total", false},
    {"Sec_ Pup_FixedEx", "one_plus_susp_rate", "State-funded secondary", "Total", "Total", false},
    {"Spec_ Pup_FixedEx", "one_plus_susp_rate", "Special", "Total", "Total", false},
    {"TotPermEx", "perm_excl_rate", "Total", "Total", "Total", false},
    {"PriPermEx", "perm_excl_rate", "State-funded primary", "Total", "Total", false},
    {"SecPermEx", "perm_excl_rate", "State-funded secondary", "Total", "Total", false},
    {"SpecPermEx", "perm_excl_rate", "Special", "Total", "Total", false},
    {"LAC_Over_Abs", "sess_overall_percent", "Total", "Looked after", "Looked after", false},
    {"LAC_Unauth", "sess_unauthorised_percent", "Total", "Looked after", "Looked after", false},
    {"LAC_Pers_Abs", "enrolments_pa_10_exact_percent", "Total", "Looked after", "Looked after",
     false},
    {"LAC_Fixed_ Ex", "one_plus_susp_rate", "Total", "Looked after", "Looked after", false},
    {"CINTotalAb_3Term", "sess_overall_percent", "Total", "Children in need", "Children in need",
     false},
    {"CINAuthAb_3Term", "sess_authorised_percent", "Total", "Children in need", "Children in need",
     false},
    {"CINUnauthAb_3Term", "sess_unauthorised_percent", "Total", "Children in need",
     "Children in need", false},
    {"CINPermAbsent_3Term", "enrolments_pa_10_exact_percent", "Total", "Children in need",
     "Children in need", false},
    {"CINFixedExclusion", "one_plus_susp_rate", "Total", "Children in need", "Children in need",
     false},
    {"SEN_EHC_All_20wks", "pc_plans_issued_within_20_weeks", "Total", "Total", "Total", true},
    {"SEN_EHC_Excpt_20wks", "pc_plans_issued_20_weeks_ex", "Total", "Total", "Total", true},
    {"16-17 NEET", "NEET_percent", "Total", "Total", "Total", true},
    {"16-17_not known", "Notknown_percent", "Total", "Total", "Total", true},
    {"16-17_not known_NEET", "NEET_not_known_percent", "Total", "Total", "Total", true},
    {"AVG_Attain8_Score", "avg_att8", "Total", "Total", "Total", false},
    {"FSM_AVG_Attain8_Score", "avg_att8", "Total", "FSM eligibility", "FSM eligible", false},
    {"NonFSM_AVG_Attain8_Score", "avg_att8", "Total", "FSM eligibility", "Not FSM eligible", false},
    {"DAP_KS4_ATT8", "avg_att8", "Total", "Disadvantage", "Disadvantaged", false},
    {"NonDAP_KS4_ATT8", "avg_att8", "Total", "Disadvantage", "Not disadvantaged", false},
    {"SEN_Stat_AVG_Attain8_Score", "avg_att8", "Total", "SEN provision", "EHC plan", false},
    {"SEN_WoStat_AVG_Attain8_Score", "avg_att8", "Total", "SEN provision", "SEN support", false},
    {"SEN_NoID_AVG_Attain8_Score", "avg_att8", "Total", "SEN provision", "No SEN", false},
    {"AVG_Prog8_Score", "avg_p8score", "Total", "Total", "Total", false},
    {"FSM_AVG_Prog8_Score", "avg_p8score", "Total", "FSM eligibility", "FSM eligible", false},
    {"NonFSM_AVG_Prog8_Score", "avg_p8score", "Total", "FSM eligibility", "Not FSM eligible",
     false},
    {"DAP_KS4_Prog8", "avg_p8score", "Total", "Disadvantage", "Disadvantaged", false},
    {"NonDAP_KS4_Prog8", "avg_p8score", "Total", "Disadvantage", "Not disadvantaged", false},
    {"SEN_Stat_AVG_Prog8_Score", "avg_p8score", "Total", "SEN provision", "EHC plan", false},
    {"SEN_WoStat_AVG_Prog8_Score", "avg_p8score", "Total", "SEN provision", "SEN support", false},
    {"SEN_NoID_AVG_Prog8_Score", "avg_p8score", "Total", "SEN provision", "No SEN", false},
};

void ReadLait(const std::string& dir, const SourceContext& ctx, Sink* sink, std::string* notes) {
  const std::string path = dir + "/lait_la_indicators/bds_long_full.csv.gz";
  auto text = ReadGzipFile(path);
  if (!text.ok()) {
    *notes += fmt::format("  not read: {} ({})\n", path, text.status().message());
    return;
  }
  std::map<std::string, const LaitSpec*, std::less<>> specs;
  for (const LaitSpec& s : kLait) specs[s.code] = &s;
  CsvReader reader(StripBom(*text));
  CsvRecord rec;
  if (!reader.Next(&rec)) return;
  auto col = [&](std::string_view name) {
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      if (rec.fields[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int c_code = col("Short Desc"), c_year = col("Years"), c_name = col("LA and Regions"),
            c_value = col("Values"), c_area = col("LA Number"), c_region = col("Region");
  if (c_code < 0 || c_year < 0 || c_name < 0 || c_value < 0 || c_area < 0 || c_region < 0) {
    *notes += "  bds_long_full.csv.gz: a LAIT column is missing; LAIT not read\n";
    return;
  }
  const size_t width = rec.fields.size();
  const std::set<std::string> before = sink->covered();
  std::set<std::string> unplaced;
  std::map<std::pair<int, std::string>, std::shared_ptr<const GeographyRow>> places;
  while (reader.Next(&rec)) {
    if (rec.error != CsvError::kNone || rec.fields.size() != width) continue;
    auto it = specs.find(rec.fields[static_cast<size_t>(c_code)]);
    if (it == specs.end()) continue;
    const LaitSpec& s = *it->second;
    auto field = [&](int c) { return rec.fields[static_cast<size_t>(c)]; };
    const double area = Num(field(c_area));
    if (!Has(area)) continue;
    const int code = static_cast<int>(area);
    if (code == 987 || code == 988) continue;  // Inner and Outer London: not EES regions
    const std::string name(field(c_name));
    auto place = places.find({code, name});
    if (place == places.end()) {
      std::optional<GeographyRow> geo;
      if (code == 970) {
        geo = ctx.England();
      } else if (code >= 980 && code <= 990) {
        geo = ctx.Region(name);
      } else {
        geo = ctx.La(code, name, field(c_region));
      }
      place = places
                  .emplace(std::pair{code, name},
                           geo ? std::make_shared<const GeographyRow>(std::move(*geo)) : nullptr)
                  .first;
    }
    if (!place->second) {
      unplaced.insert(name);
      continue;
    }
    OutcomeRow row;
    const std::string label(field(c_year));
    if (s.calendar) {
      row.time_period = label.substr(0, 4);
      row.time_identifier = "Calendar year";
    } else {
      row.time_period = AcademicPeriod(label);
      row.time_identifier = "Academic year";
    }
    if (row.time_period.empty()) continue;
    row.figure = FromText(field(c_value));
    if (row.figure.symbol == GssSymbol::kNotAvailable &&
        place->second->level == GeographicLevel::kLocalAuthority &&
        place->second->new_la_code.empty()) {
      continue;  // an LA that did not exist that year ("-"): no row rather than x
    }
    row.place = place->second;
    row.measure = s.measure;
    row.school_type = s.school_type;
    row.breakdown_topic = s.topic;
    row.breakdown = s.group;
    row.source = fmt::format("LAIT {}", s.code);
    sink->AddUnlessCovered(std::move(row), before);
  }
  if (!unplaced.empty()) {
    *notes += fmt::format("  LAIT: {} area name(s) not placed\n", unplaced.size());
  }
}

}  // namespace

Status ReadOpenDataSources(const std::string& dir, const SourceContext& ctx,
                           std::vector<OutcomeRow>* rows, std::string* notes) {
  Sink sink(rows);
  // LAIT, the largest file, is read beside the others (its own rows and
  // notes); it then fills only the series the others did not give, in the
  // same order as if it had been read last.
  std::vector<OutcomeRow> lait_rows;
  std::string lait_notes;
  const int threads = std::thread::hardware_concurrency() > 1 ? 2 : 1;
  ParallelInvoke(
      threads,
      [&] {
        ReadNccis(dir, ctx, &sink, notes);
        ReadSen2(dir, ctx, &sink, notes);
        ReadAttendanceYtd(dir, ctx, &sink, notes);
        ReadPruAbsence(dir, ctx, &sink, notes);
        ReadExclusions(dir, ctx, &sink, notes);
        ReadAp(dir, ctx, &sink, notes);
        ReadSenCin(dir, ctx, &sink, notes);
        ReadOfsted(dir, ctx, &sink, notes);
      },
      [&] {
        Sink lait(&lait_rows);
        ReadLait(dir, ctx, &lait, &lait_notes);
      });
  for (OutcomeRow& r : lait_rows) sink.AddUnlessCovered(std::move(r), sink.covered());
  *notes += lait_notes;
  if (rows->empty()) {
    return Status::NotFound(
        fmt::format("no published LA file could be read under {}:\n{}", dir, *notes));
  }
  return Status::Ok();
}

}  // namespace lantern::outcomes
