// OUT/measures.csv and OUT/destinations.csv, through the publisher's table
// entry (publish/open_data_table.h) and the one disclosure rule
// (suppress/disclosure.h).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "common/parallel.h"
#include "lantern/measures.h"
#include "measures/measures_internal.h"
#include "model/codes.h"
#include "publish/ees_metadata.h"
#include "publish/open_data_table.h"
#include "stats/intervals.h"
#include "store/loaded_store.h"
#include "suppress/disclosure.h"

namespace lantern {

namespace fs = std::filesystem;

namespace {

PublishedCell C() { return PublishedCell::Symbol(GssSymbol::kSuppressed); }
PublishedCell Z() { return PublishedCell::Symbol(GssSymbol::kNotApplicable); }

// Geography of a school row: its LA (and region) from the store, its trust;
// the LAs and trusts indexed once.
class SchoolGeographies {
 public:
  explicit SchoolGeographies(const StoreState& s) : s_(s) {
    for (size_t i = 0; i < s.local_authorities.size(); ++i) {
      la_row_[s.local_authorities.old_la_code[i]] = i;  // the last row of a code, as before
    }
    for (size_t i = 0; i < s.trusts.size(); ++i) trust_row_[s.trusts.trust_id[i]] = i;
  }

  GeographyRow Of(size_t school) const {
    GeographyRow g;
    g.level = GeographicLevel::kSchool;
    const int16_t la = s_.schools.la_code[school];
    g.old_la_code = fmt::format("{}", la);
    if (auto it = la_row_.find(la); it != la_row_.end()) {
      const size_t i = it->second;
      g.new_la_code = s_.local_authorities.new_la_code[i];
      g.la_name = s_.local_authorities.la_name[i];
      g.region_code = s_.local_authorities.region_code[i];
      g.region_name = s_.local_authorities.region_name[i];
    }
    g.school_urn = fmt::format("{}", s_.schools.urn[school]);
    g.school_laestab = fmt::format("{}{:04d}", la, s_.schools.estab[school]);
    g.school_name = s_.schools.name[school];
    const std::string& trust = s_.schools.trust_id[school];
    if (!trust.empty()) {
      g.trust_id = trust;
      if (auto it = trust_row_.find(trust); it != trust_row_.end()) {
        g.trust_name = s_.trusts.trust_name[it->second];
      }
    }
    return g;
  }

 private:
  const StoreState& s_;
  std::unordered_map<int16_t, size_t> la_row_;
  std::unordered_map<std::string_view, size_t> trust_row_;
};

PublishedCell Num(double v, int dp) { return PublishedCell::Number(v, dp); }

}  // namespace

// measures.csv: one row per school with pupils at the end of KS4.
OpenDataTable MeasuresTable(const MeasuresResult& r, const Policy& policy,
                            const std::vector<GeographyRow>& geography) {
  OpenDataTable t;
  t.time_period = fmt::format("{}{:02d}", r.ks4_year, (r.ks4_year + 1) % 100);
  const std::string kA = "Attainment", kP8 = "Progress 8", kP5 = "Progress 5", kC = "Comparison";
  t.columns = {
      EesFilter("p8_band", "Progress 8 band", "Against zero, with its 95% interval", "average"),
      EesFilter("p5_band", "Progress 5 band", "Against zero, with its 95% interval", "average"),
      EesFilter("band_change", "Band from Progress 8 to Progress 5",
                "below / in line / above under each measure", "no change"),
      EesIndicator("ks4_pupils", "Pupils at the end of key stage 4", kA, 0),
      EesIndicator("att8", "Average Attainment 8 score", kA, 1),
      EesIndicator("att8_percentile_band", "Attainment 8 percentile band (tenths of schools)", kA,
                   0),
      EesIndicator("broader", "Average broader attainment score", kA, 1),
      EesIndicator("p5_attainment", "Average Progress 5 attainment score", kA, 1),
      EesIndicator("p8_pupils", "Pupils in the Progress 8 measure", kP8, 0),
      EesIndicator("p8", "Progress 8 score", kP8, 2),
      EesIndicator("p8_lower", "Progress 8 lower 95% confidence limit", kP8, 2),
      EesIndicator("p8_upper", "Progress 8 upper 95% confidence limit", kP8, 2),
      EesIndicator("p8_unadjusted", "Progress 8 score before capping extreme scores", kP8, 2),
      EesIndicator("p8_english", "Progress 8 English element", kP8, 2),
      EesIndicator("p8_maths", "Progress 8 maths element", kP8, 2),
      EesIndicator("p8_ebacc", "Progress 8 EBacc element", kP8, 2),
      EesIndicator("p8_open", "Progress 8 open element", kP8, 2),
      EesIndicator("p8_percentile_band", "Progress 8 percentile band (tenths of schools)", kP8, 0),
      EesIndicator("p5_pupils", "Pupils in the Progress 5 measure", kP5, 0),
      EesIndicator("p5", "Progress 5 score", kP5, 2),
      EesIndicator("p5_lower", "Progress 5 lower 95% confidence limit", kP5, 2),
      EesIndicator("p5_upper", "Progress 5 upper 95% confidence limit", kP5, 2),
      EesIndicator("p5_percentile_band", "Progress 5 percentile band (tenths of schools)", kP5, 0),
      EesIndicator("pt_sen", "Percentage of KS4 pupils with SEN", kC, 1, "%"),
      EesIndicator("pt_disadvantaged", "Percentage of KS4 pupils disadvantaged", kC, 1, "%"),
      EesIndicator("pt_vocational", "Percentage of KS4 pupils entered for a technical award or VRQ",
                   kC, 1, "%"),
      EesIndicator("pt_sustained", "Percentage in a sustained destination after KS4", kC, 1, "%"),
  };
  const int min_pupils = policy.ks4_school_min_pupils;
  for (size_t i = 0; i < r.schools.size(); ++i) {
    const SchoolMeasures& m = r.schools[i];
    OpenDataTableRow row;
    row.geography = geography[i];
    const bool withheld = m.ks4_pupils < min_pupils;
    const bool p8_ok = m.p8.available && m.p8.pupils >= min_pupils && !withheld;
    const bool p5_ok = m.p5.available && m.p5.pupils >= min_pupils && !withheld;
    auto band = [](bool ok, ProgressBand b) { return ok ? std::string(ProgressBandName(b)) : "z"; };
    row.filters = {band(p8_ok, m.p8.band), band(p5_ok, m.p5.band),
                   p8_ok && p5_ok
                       ? (m.band_moves ? fmt::format("{} to {}", ProgressBand3Name(m.p8.band),
                                                     ProgressBand3Name(m.p5.band))
                                       : std::string("no change"))
                       : std::string("z")};
    const PublishedCell x = PublishedCell::Symbol(GssSymbol::kNotAvailable);
    // A negative count: not published (the open-data mode's NE and NA).
    auto count = [&](int64_t n) {
      if (n < 0) return x;
      return IsDisclosive(n, policy.suppress_below) ? C() : PublishedCell::Count(n);
    };
    const bool att8_known = !std::isnan(m.att8);
    auto or_c = [&](bool ok, PublishedCell cell) { return ok ? cell : C(); };
    auto prog = [&](bool ok, const ProgressFigure& f, double v) {
      if (!f.available) return Z();
      return ok ? Num(v, 2) : C();
    };
    auto element = [&](size_t k) {
      return p8_ok && k < m.p8.elements.size() ? Num(m.p8.elements[k], 2)
                                               : (m.p8.available ? C() : Z());
    };
    // The A8 declaration's element order is maths, english, ebacc, open.
    row.cells = {count(m.ks4_pupils),
                 att8_known ? or_c(!withheld, Num(m.att8, 1)) : x,
                 att8_known ? or_c(!withheld, PublishedCell::Count(m.att8_percentile_band)) : x,
                 or_c(!withheld, Num(m.broader, 1)),
                 or_c(!withheld, Num(m.p5_attainment, 1)),
                 count(m.p8.pupils),
                 prog(p8_ok, m.p8, m.p8.score),
                 prog(p8_ok, m.p8, m.p8.lower),
                 prog(p8_ok, m.p8, m.p8.upper),
                 prog(p8_ok, m.p8, m.p8.unadjusted),
                 element(1),
                 element(0),
                 element(2),
                 element(3),
                 p8_ok ? PublishedCell::Count(m.p8.percentile_band) : (m.p8.available ? C() : Z()),
                 count(m.p5.pupils),
                 prog(p5_ok, m.p5, m.p5.score),
                 prog(p5_ok, m.p5, m.p5.lower),
                 prog(p5_ok, m.p5, m.p5.upper),
                 p5_ok ? PublishedCell::Count(m.p5.percentile_band) : (m.p5.available ? C() : Z()),
                 or_c(!withheld, Num(100 * m.share_sen, 1)),
                 or_c(!withheld, Num(100 * m.share_disadvantaged, 1)),
                 or_c(!withheld, Num(100 * m.share_vocational, 1)),
                 m.sustained_destination < 0
                     ? PublishedCell::Symbol(GssSymbol::kNotAvailable)
                     : or_c(!withheld, Num(100 * m.sustained_destination, 1))};
    t.rows.push_back(std::move(row));
  }
  return t;
}

namespace {

// Counts of one row of destinations.csv.
struct DestCounts {
  int64_t cohort = 0;
  int64_t sustained[5] = {};   // SustainedDestination
  int64_t horizon[3][4] = {};  // 6/12/24 months: participating, employment, neet, not known
};

constexpr int kHorizons[3] = {6, 12, 24};

// One pupil's outcome, worked out once: the sustained category and the
// activity slot at each horizon (participating, employment, NEET, not known).
struct PupilOutcome {
  uint8_t sustained = static_cast<uint8_t>(SustainedDestination::kUnknown);
  uint8_t horizon[3] = {3, 3, 3};
};

PupilOutcome OutcomeOf(const MonthlyActivity* months) {
  PupilOutcome o;
  if (months == nullptr) return o;
  o.sustained = static_cast<uint8_t>(ClassifyDestination(*months).sustained);
  for (int k = 0; k < 3; ++k) {
    const DestinationActivity a = ActivityAfter(*months, kHorizons[k]);
    o.horizon[k] = IsParticipation(a)                      ? 0
                   : a == DestinationActivity::kEmployment ? 1
                   : a == DestinationActivity::kNeet       ? 2
                                                           : 3;
  }
  return o;
}

void AddPupil(DestCounts* c, const PupilOutcome& o) {
  ++c->cohort;
  ++c->sustained[o.sustained];
  for (int k = 0; k < 3; ++k) ++c->horizon[k][o.horizon[k]];
}

}  // namespace

namespace {

// By pupil row: 1 when an AP placement of the pupil overlaps the academic
// year starting in September of `year` (the pupil's KS4 year).
std::vector<uint8_t> PlacedInApInYear(const StoreState& s, int year) {
  std::vector<uint8_t> in(s.pupils.size(), 0);
  const int32_t first = Date::FromCivil(year, 9, 1).days,
                last = Date::FromCivil(year + 1, 7, 31).days;
  const ApPlacementTable& ap = s.ap_placements;
  for (size_t r = 0; r < ap.size(); ++r) {
    const int32_t end = ap.end_date[r] == kNoDate ? last : ap.end_date[r];
    if (ap.pupil[r] < in.size() && ap.start_date[r] <= last && end >= first) in[ap.pupil[r]] = 1;
  }
  return in;
}

std::string SettingCode(uint8_t setting) {
  const CodeEntry<ApSetting>* e = FindEntry(ApSettingCodes(), static_cast<ApSetting>(setting));
  return e == nullptr ? std::string("not given") : std::string(e->code);
}

}  // namespace

// ap_settings.csv: each AP provider measured on reintegration (its ended
// placements that ended with the pupil back on a full mainstream
// timetable) and on the destinations of the Year 11 pupils placed with it.
OpenDataTable ApSettingsTable(const StoreState& s, const MeasuresRun& run) {
  OpenDataTable t;
  t.time_period = fmt::format("{}{:02d}", run.year, (run.year + 1) % 100);
  const std::string kR = "Reintegration", kD = "Destinations of Year 11 pupils placed";
  t.columns = {
      EesFilter("ap_provider_id", "AP provider", "The provider's URN, UKPRN or local id",
                "not given"),
      EesFilter("ap_provider_name", "AP provider name", "As sent in ap_placements.csv",
                "not given"),
      EesFilter("ap_setting", "AP setting", "registered, unregistered or internal", "registered"),
      EesIndicator("placements", "Placements in the year", kR, 0),
      EesIndicator("placements_ended", "Placements that ended in the year", kR, 0),
      EesIndicator("reintegrated", "Ended placements with the pupil reintegrated", kR, 0),
      EesIndicator("reintegrated_pct", "Percentage of ended placements reintegrated", kR, 1, "%"),
      EesIndicator("reintegrated_lower", "Reintegrated: lower 95% limit (Wilson)", kR, 1, "%"),
      EesIndicator("reintegrated_upper", "Reintegrated: upper 95% limit (Wilson)", kR, 1, "%"),
      EesIndicator("year11_placed", "Pupils at the end of KS4 placed here in Year 11", kD, 0),
      EesIndicator("overall_dest", "Of those, in a sustained destination", kD, 0),
      EesIndicator("overall_dest_pct", "Percentage in a sustained destination", kD, 1, "%"),
  };
  // Placements overlapping the year, by provider; the KS4 pupils placed.
  const int32_t first = Date::FromCivil(run.year, 9, 1).days,
                last = Date::FromCivil(run.year + 1, 7, 31).days;
  struct Provider {
    std::string name;
    uint8_t setting = 0;
    int64_t placements = 0, ended = 0, reintegrated = 0;
    std::set<uint32_t> pupils;
  };
  std::map<std::string, Provider> providers;
  const ApPlacementTable& ap = s.ap_placements;
  for (size_t r = 0; r < ap.size(); ++r) {
    const bool ended = ap.end_date[r] != kNoDate && ap.end_date[r] <= last;
    const int32_t end = ended ? ap.end_date[r] : last;
    if (ap.start_date[r] > last || end < first) continue;
    Provider& p = providers[ap.provider_id[r]];
    if (p.name.empty()) p.name = ap.provider_name[r];
    p.setting = ap.setting[r];
    ++p.placements;
    if (ended) {
      ++p.ended;
      p.reintegrated += ap.outcome[r] == static_cast<uint8_t>(PlacementOutcome::kReintegrated);
    }
    p.pupils.insert(ap.pupil[r]);
  }
  std::vector<uint8_t> in_cohort(s.pupils.size(), 0);
  for (const MeasuresPupil& m : run.pupils) in_cohort[m.pupil] = 1;
  for (const PupilDestination& d : run.destinations) in_cohort[d.pupil] = 1;
  const int threshold = run.policy.suppress_below;
  for (const auto& [id, p] : providers) {
    int64_t placed = 0, sustained = 0;
    for (uint32_t pupil : p.pupils) {
      if (pupil >= in_cohort.size() || !in_cohort[pupil]) continue;
      ++placed;
      const PupilDestination* d = run.DestinationOf(pupil);
      if (d != nullptr &&
          ClassifyDestination(d->months).sustained <= SustainedDestination::kEmployment) {
        ++sustained;
      }
    }
    OpenDataTableRow row;
    row.geography.level = GeographicLevel::kNational;
    row.filters = {id, p.name.empty() ? std::string("not given") : p.name, SettingCode(p.setting)};
    auto count = [&](int64_t n) {
      return IsDisclosive(n, threshold) ? C() : PublishedCell::Count(n);
    };
    // A share is c with either of its counts, or when the rest of the
    // denominator is a small count (it would give the hidden complement).
    auto share = [&](int64_t n, int64_t of) {
      if (of == 0) return Z();
      if (IsDisclosive(n, threshold) || IsDisclosive(of, threshold)) return C();
      return PublishedCell::Ratio(n, of, 100, 1);
    };
    row.cells = {count(p.placements), count(p.ended), count(p.reintegrated),
                 share(p.reintegrated, p.ended)};
    if (p.ended == 0) {
      row.cells.push_back(Z());
      row.cells.push_back(Z());
    } else if (IsDisclosive(p.reintegrated, threshold) || IsDisclosive(p.ended, threshold)) {
      row.cells.push_back(C());
      row.cells.push_back(C());
    } else {
      const stats::Interval w =
          stats::WilsonInterval(static_cast<double>(p.reintegrated), static_cast<double>(p.ended));
      row.cells.push_back(Num(100 * w.lower, 1));
      row.cells.push_back(Num(100 * w.upper, 1));
    }
    row.cells.push_back(count(placed));
    row.cells.push_back(count(sustained));
    row.cells.push_back(share(sustained, placed));
    t.rows.push_back(std::move(row));
  }
  return t;
}

OpenDataTable DestinationsTable(const StoreState& s, const MeasuresRun& run, int threads) {
  OpenDataTable t;
  t.time_period = fmt::format("{}{:02d}", run.year, (run.year + 1) % 100);
  const std::string kS = "Sustained destination in the year after KS4";
  t.columns = {EesFilter("breakdown_topic", "Breakdown topic", "Pupil group", "Total"),
               EesFilter("breakdown", "Breakdown", "Pupil group", "Total")};
  t.columns.push_back(EesIndicator("cohort", "Pupils at the end of KS4", kS, 0));
  const char* names[5] = {"apprenticeship", "education", "employment", "not_sustained", "unknown"};
  const char* labels[5] = {"sustained apprenticeship", "sustained education",
                           "sustained employment", "not recorded as sustained",
                           "activity not captured"};
  t.columns.push_back(EesIndicator("overall_dest", "Pupils in a sustained destination", kS, 0));
  t.columns.push_back(
      EesIndicator("overall_dest_pct", "Percentage in a sustained destination", kS, 1, "%"));
  for (int k = 0; k < 5; ++k) {
    t.columns.push_back(EesIndicator(names[k], fmt::format("Pupils: {}", labels[k]), kS, 0));
    t.columns.push_back(EesIndicator(fmt::format("{}_pct", names[k]),
                                     fmt::format("Percentage: {}", labels[k]), kS, 1, "%"));
  }
  const char* hn[4] = {"participating", "employment_no_training", "neet", "not_known"};
  const char* hl[4] = {"in education, an apprenticeship or employment with training",
                       "in employment without training", "NEET", "activity not known"};
  for (int h : kHorizons) {
    const std::string g = fmt::format("{} months after Year 11", h);
    for (int k = 0; k < 4; ++k) {
      t.columns.push_back(EesIndicator(fmt::format("{}_{}m", hn[k], h),
                                       fmt::format("Pupils {} at {} months", hl[k], h), g, 0));
      t.columns.push_back(EesIndicator(fmt::format("{}_{}m_pct", hn[k], h),
                                       fmt::format("Percentage {} at {} months", hl[k], h), g, 1,
                                       "%"));
      if (k >= 2) {
        t.columns.push_back(EesIndicator(
            fmt::format("{}_{}m_lower", hn[k], h),
            fmt::format("{} at {} months: lower 95% limit (Wilson)", hl[k], h), g, 1, "%"));
        t.columns.push_back(EesIndicator(
            fmt::format("{}_{}m_upper", hn[k], h),
            fmt::format("{} at {} months: upper 95% limit (Wilson)", hl[k], h), g, 1, "%"));
      }
    }
  }
  // Pupils placed in alternative provision in their Year 11: an AP
  // placement that overlaps the KS4 year (1 September to 31 July).
  const std::vector<uint8_t> in_ap = PlacedInApInYear(s, run.year);
  // Pupil groups and units: England, each LA, each trust, each school.
  struct Group {
    const char* topic;
    const char* label;
    std::function<bool(uint32_t pupil, const MeasuresPupil*)> in;
  };
  const std::vector<Group> groups = {
      {"Total", "Total", [](uint32_t, const MeasuresPupil*) { return true; }},
      {"Disadvantage", "Disadvantaged",
       [&](uint32_t p, const MeasuresPupil*) { return s.pupils.disadvantaged[p] != 0; }},
      {"Disadvantage", "Not disadvantaged",
       [&](uint32_t p, const MeasuresPupil*) { return s.pupils.disadvantaged[p] == 0; }},
      {"SEN provision", "No SEN",
       [&](uint32_t p, const MeasuresPupil*) {
         return s.pupils.sen_provision[p] == static_cast<uint8_t>(SenProvision::kNone);
       }},
      {"SEN provision", "SEN support",
       [&](uint32_t p, const MeasuresPupil*) {
         return s.pupils.sen_provision[p] == static_cast<uint8_t>(SenProvision::kSupport);
       }},
      {"SEN provision", "EHC plan",
       [&](uint32_t p, const MeasuresPupil*) {
         return s.pupils.sen_provision[p] == static_cast<uint8_t>(SenProvision::kEhcPlan);
       }},
      // The pupil's pathway by the share of technical or vocational entries
      // (PathwayOf, docs/measures.md).
      {"Pathway", PathwayLabel(Pathway::kAcademic),
       [](uint32_t, const MeasuresPupil* m) {
         return m != nullptr && PathwayOf(m->entries, m->technical_entries) == Pathway::kAcademic;
       }},
      {"Pathway", PathwayLabel(Pathway::kMixed),
       [](uint32_t, const MeasuresPupil* m) {
         return m != nullptr && PathwayOf(m->entries, m->technical_entries) == Pathway::kMixed;
       }},
      {"Pathway", PathwayLabel(Pathway::kTechnical),
       [](uint32_t, const MeasuresPupil* m) {
         return m != nullptr && PathwayOf(m->entries, m->technical_entries) == Pathway::kTechnical;
       }},
      // Only the pupils placed: their complement is not published, so a
      // small AP group cannot be had from the total by subtraction.
      {"Alternative provision", "Placed in AP in Year 11",
       [&](uint32_t p, const MeasuresPupil*) { return in_ap[p] != 0; }},
  };
  // The cohort: pupils at the end of KS4 this year, and pupils with
  // destination records for it but no results (at the school they name).
  struct Member {
    uint32_t pupil, school;
    const MeasuresPupil* ks4;
    const MonthlyActivity* months;
    PupilOutcome outcome;
  };
  // Both lists are in the order of the pupils table: merged, the members
  // are too.
  std::vector<Member> members;
  members.reserve(run.pupils.size() + run.destinations.size() / 8);
  {
    size_t d = 0;
    for (const MeasuresPupil& p : run.pupils) {
      for (; d < run.destinations.size() && run.destinations[d].pupil < p.pupil; ++d) {
        if (run.destinations[d].school < s.schools.size()) {
          members.push_back({run.destinations[d].pupil,
                             run.destinations[d].school,
                             nullptr,
                             &run.destinations[d].months,
                             {}});
        }
      }
      const PupilDestination* pd = run.DestinationOf(p.pupil);
      members.push_back({p.pupil, p.school, &p, pd == nullptr ? nullptr : &pd->months, {}});
      if (d < run.destinations.size() && run.destinations[d].pupil == p.pupil) ++d;
    }
    for (; d < run.destinations.size(); ++d) {
      if (run.destinations[d].school < s.schools.size()) {
        members.push_back({run.destinations[d].pupil,
                           run.destinations[d].school,
                           nullptr,
                           &run.destinations[d].months,
                           {}});
      }
    }
  }
  ParallelFor(members.size(), ResolveThreads(threads), 4096, [&](size_t b, size_t e, int) {
    for (size_t i = b; i < e; ++i) members[i].outcome = OutcomeOf(members[i].months);
  });
  // Units: England, the LAs (by code), the trusts (by id), the schools (by
  // URN); each school's unit at each level, and the school whose geography
  // a unit takes (its first member's).
  const size_t school_count = s.schools.size();
  std::vector<uint8_t> school_used(school_count, 0);
  for (const Member& m : members) school_used[m.school] = 1;
  std::vector<int16_t> las;
  std::vector<std::string_view> trusts;
  std::vector<uint32_t> schools;
  for (uint32_t sc = 0; sc < school_count; ++sc) {
    if (!school_used[sc]) continue;
    las.push_back(s.schools.la_code[sc]);
    if (!s.schools.trust_id[sc].empty()) trusts.push_back(s.schools.trust_id[sc]);
    schools.push_back(sc);
  }
  auto unique = [](auto& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  unique(las);
  unique(trusts);
  std::sort(schools.begin(), schools.end(),
            [&](uint32_t a, uint32_t b) { return s.schools.urn[a] < s.schools.urn[b]; });
  const size_t la0 = 1, trust0 = la0 + las.size(), school0 = trust0 + trusts.size(),
               unit_count = school0 + schools.size();
  std::vector<std::array<uint32_t, 4>> units_of_school(school_count, {0, 0, 0, 0});
  for (size_t k = 0; k < schools.size(); ++k) {
    const uint32_t sc = schools[k];
    auto& u = units_of_school[sc];
    u[1] = static_cast<uint32_t>(
        la0 + (std::lower_bound(las.begin(), las.end(), s.schools.la_code[sc]) - las.begin()));
    u[2] = s.schools.trust_id[sc].empty()
               ? kNoIndex
               : static_cast<uint32_t>(trust0 +
                                       (std::lower_bound(trusts.begin(), trusts.end(),
                                                         std::string_view(s.schools.trust_id[sc])) -
                                        trusts.begin()));
    u[3] = static_cast<uint32_t>(school0 + k);
  }
  // Counts by unit and group, in one pass over the members.
  const size_t group_count = groups.size();
  std::vector<DestCounts> counts(unit_count * group_count);
  std::vector<uint32_t> unit_school(unit_count, kNoIndex);
  for (const Member& m : members) {
    uint32_t mask = 0;
    for (size_t g = 0; g < group_count; ++g) {
      if (groups[g].in(m.pupil, m.ks4)) mask |= 1u << g;
    }
    for (uint32_t u : units_of_school[m.school]) {
      if (u == kNoIndex) continue;
      if (unit_school[u] == kNoIndex) unit_school[u] = m.school;
      for (size_t g = 0; g < group_count; ++g) {
        if (mask & (1u << g)) AddPupil(&counts[u * group_count + g], m.outcome);
      }
    }
  }
  const int threshold = run.policy.suppress_below;
  const SchoolGeographies geographies(s);
  for (size_t unit = 0; unit < unit_count; ++unit) {
    if (unit_school[unit] == kNoIndex) continue;
    const int level = unit < la0 ? 0 : unit < trust0 ? 1 : unit < school0 ? 2 : 3;
    const uint32_t sc = unit_school[unit];
    GeographyRow school_geo = geographies.Of(sc);
    GeographyRow g;
    if (level == 0) {
      g.level = GeographicLevel::kNational;
    } else if (level == 1) {
      g.level = GeographicLevel::kLocalAuthority;
      g.old_la_code = school_geo.old_la_code;
      g.new_la_code = school_geo.new_la_code;
      g.la_name = school_geo.la_name;
      g.region_code = school_geo.region_code;
      g.region_name = school_geo.region_name;
    } else if (level == 2) {
      g.level = GeographicLevel::kMat;
      g.trust_id = school_geo.trust_id;
      g.trust_name = school_geo.trust_name;
    } else {
      g = school_geo;
    }
    for (size_t gi = 0; gi < group_count; ++gi) {
      const Group& grp = groups[gi];
      const DestCounts& c = counts[unit * group_count + gi];
      if (c.cohort == 0 && std::string_view(grp.topic) != "Total") continue;
      OpenDataTableRow row;
      row.geography = g;
      row.filters = {grp.topic, grp.label};
      const bool hide_all = IsDisclosive(c.cohort, threshold);
      auto count = [&](int64_t n, bool hidden) {
        return hide_all || hidden ? C() : PublishedCell::Count(n);
      };
      auto pct = [&](int64_t n, bool hidden) {
        return hide_all || hidden ? C() : PublishedCell::Ratio(n, c.cohort, 100, 1);
      };
      row.cells.push_back(count(c.cohort, false));
      const std::vector<bool> hide_s = ChooseSuppression(
          std::span<const int64_t>(c.sustained, 5), threshold, run.policy.secondary_suppression);
      const int64_t sustained = c.sustained[0] + c.sustained[1] + c.sustained[2];
      const bool hide_sum =
          IsDisclosive(sustained, threshold) || IsDisclosive(c.cohort - sustained, threshold);
      row.cells.push_back(count(sustained, hide_sum));
      row.cells.push_back(pct(sustained, hide_sum));
      for (int k = 0; k < 5; ++k) {
        row.cells.push_back(count(c.sustained[k], hide_s[static_cast<size_t>(k)]));
        row.cells.push_back(pct(c.sustained[k], hide_s[static_cast<size_t>(k)]));
      }
      for (int h = 0; h < 3; ++h) {
        const std::vector<bool> hide_h = ChooseSuppression(
            std::span<const int64_t>(c.horizon[h], 4), threshold, run.policy.secondary_suppression);
        for (int k = 0; k < 4; ++k) {
          const bool hidden = hide_h[static_cast<size_t>(k)];
          row.cells.push_back(count(c.horizon[h][k], hidden));
          row.cells.push_back(pct(c.horizon[h][k], hidden));
          if (k >= 2) {
            if (hide_all || hidden || c.cohort == 0) {
              row.cells.push_back(hide_all || hidden ? C() : Z());
              row.cells.push_back(hide_all || hidden ? C() : Z());
            } else {
              const stats::Interval w = stats::WilsonInterval(static_cast<double>(c.horizon[h][k]),
                                                              static_cast<double>(c.cohort));
              row.cells.push_back(Num(100 * w.lower, 1));
              row.cells.push_back(Num(100 * w.upper, 1));
            }
          }
        }
      }
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

// measures_comparison.csv: the schools that move between P8 and P5 bands,
// what they are like, and how destinations relate to both measures.
OpenDataTable ComparisonTable(const MeasuresResult& r, const Policy& policy) {
  OpenDataTable t;
  t.time_period = fmt::format("{}{:02d}", r.ks4_year, (r.ks4_year + 1) % 100);
  const std::string kG = "Schools", kC = "Characteristics", kD = "Destinations";
  t.columns = {
      EesFilter("band_change", "Band from Progress 8 to Progress 5",
                "below / in line / above under each measure", "All schools"),
      EesIndicator("schools", "Number of schools", kG, 0),
      EesIndicator("p8_mean", "Mean school Progress 8 score", kG, 2),
      EesIndicator("p5_mean", "Mean school Progress 5 score", kG, 2),
      EesIndicator("pt_sen_mean", "Mean percentage of KS4 pupils with SEN", kC, 1, "%"),
      EesIndicator("pt_disadvantaged_mean", "Mean percentage of KS4 pupils disadvantaged", kC, 1,
                   "%"),
      EesIndicator("pt_vocational_mean", "Mean percentage entered for a technical award or VRQ", kC,
                   1, "%"),
      EesIndicator("pt_sustained_mean", "Mean percentage in a sustained destination", kD, 1, "%"),
      EesIndicator("corr_sustained_p8", "Correlation of sustained destinations with Progress 8", kD,
                   2),
      EesIndicator("corr_sustained_p5", "Correlation of sustained destinations with Progress 5", kD,
                   2),
  };
  const int min_pupils = policy.ks4_school_min_pupils;
  std::map<std::string, std::vector<const SchoolMeasures*>> groups;
  for (const auto& m : r.schools) {
    if (!m.p8.available || !m.p5.available || m.p8.pupils < min_pupils ||
        m.p5.pupils < min_pupils) {
      continue;
    }
    groups["All schools"].push_back(&m);
    groups[m.band_moves
               ? fmt::format("{} to {}", ProgressBand3Name(m.p8.band), ProgressBand3Name(m.p5.band))
               : std::string("no change")]
        .push_back(&m);
  }
  auto corr = [](const std::vector<const SchoolMeasures*>& ms, bool p5) -> PublishedCell {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int n = 0;
    for (const SchoolMeasures* m : ms) {
      if (m->sustained_destination < 0) continue;
      const double x = m->sustained_destination, y = p5 ? m->p5.score : m->p8.score;
      sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
      ++n;
    }
    if (n < 3) return Z();
    const double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
    if (vx <= 0 || vy <= 0) return Z();
    return Num(cov / std::sqrt(vx * vy), 2);
  };
  for (const auto& [label, ms] : groups) {
    OpenDataTableRow row;
    row.geography.level = GeographicLevel::kNational;
    row.filters = {label};
    double p8 = 0, p5 = 0, sen = 0, dis = 0, voc = 0, sus = 0;
    int with_dest = 0;
    for (const SchoolMeasures* m : ms) {
      p8 += m->p8.score;
      p5 += m->p5.score;
      sen += m->share_sen;
      dis += m->share_disadvantaged;
      voc += m->share_vocational;
      if (m->sustained_destination >= 0) {
        sus += m->sustained_destination;
        ++with_dest;
      }
    }
    const double n = static_cast<double>(ms.size());
    row.cells = {PublishedCell::Count(static_cast<int64_t>(ms.size())),
                 Num(p8 / n, 2),
                 Num(p5 / n, 2),
                 Num(100 * sen / n, 1),
                 Num(100 * dis / n, 1),
                 Num(100 * voc / n, 1),
                 with_dest > 0 ? Num(100 * sus / with_dest, 1)
                               : PublishedCell::Symbol(GssSymbol::kNotAvailable),
                 corr(ms, false),
                 corr(ms, true)};
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string MeasuresReport::Summary() const {
  const MeasuresResult& r = result;
  std::string s = fmt::format(
      "  KS4 {}/{:02d}: {} pupils ({} with KS2 prior attainment) at {} schools\n", r.ks4_year,
      (r.ks4_year + 1) % 100, r.pupils, r.pupils_with_prior, r.schools.size());
  if (r.pupils_with_prior > 0) {
    s += fmt::format(
        "  national: A8 {:.2f}, P8 {:+.3f} (capped at z* {:.3f}, SD {:.3f}), P5 {:+.3f} (z* "
        "{:.3f}, SD {:.3f}); estimates: {}\n",
        r.national_att8, r.national_p8, r.z_star_p8, r.sd_p8, r.national_p5, r.z_star_p5, r.sd_p5,
        r.estimates_source);
  } else {
    s += fmt::format("  national: A8 {:.2f}; {}\n", r.national_att8, r.estimates_source);
  }
  int moves = 0;
  for (const auto& m : r.schools) moves += m.band_moves;
  s += fmt::format("  {} schools change band between P8 and P5\n", moves);
  for (const auto& f : files) s += "  wrote " + f + "\n";
  s += fmt::format("  {:.2f} s\n", seconds);
  return s;
}

// In measures.cc.
MeasuresResult SummariseRun(const StoreState& s, const MeasuresRun& run);

Status WriteMeasures(const LoadedStore& store, const MeasuresOptions& options,
                     MeasuresReport* report) {
  const auto started = std::chrono::steady_clock::now();
  *report = MeasuresReport();
  const StoreState& s = store.impl().state;
  LANTERN_ASSIGN_OR_RETURN(MeasuresRun run, RunMeasures(s, options));
  report->result = SummariseRun(s, run);
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec)
    return Status::IoError(fmt::format("cannot create {}: {}", options.out_dir, ec.message()));
  std::unordered_map<int32_t, size_t> school_of_urn;
  for (size_t i = 0; i < s.schools.size(); ++i) school_of_urn[s.schools.urn[i]] = i;
  std::vector<GeographyRow> geo;
  const SchoolGeographies geographies(s);
  for (const auto& m : report->result.schools) geo.push_back(geographies.Of(school_of_urn[m.urn]));
  LANTERN_RETURN_IF_ERROR(WriteOpenDataTable(MeasuresTable(report->result, run.policy, geo),
                                             options.out_dir, "measures.csv"));
  report->files.push_back("measures.csv");
  report->files.push_back("measures.meta.csv");
  LANTERN_RETURN_IF_ERROR(WriteOpenDataTable(DestinationsTable(s, run, options.threads),
                                             options.out_dir, "destinations.csv"));
  LANTERN_RETURN_IF_ERROR(WriteOpenDataTable(ComparisonTable(report->result, run.policy),
                                             options.out_dir, "measures_comparison.csv"));
  report->files.push_back("destinations.csv");
  report->files.push_back("destinations.meta.csv");
  report->files.push_back("measures_comparison.csv");
  report->files.push_back("measures_comparison.meta.csv");
  LANTERN_RETURN_IF_ERROR(
      WriteOpenDataTable(ApSettingsTable(s, run), options.out_dir, "ap_settings.csv"));
  report->files.push_back("ap_settings.csv");
  report->files.push_back("ap_settings.meta.csv");
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Status::Ok();
}

Status WriteMeasures(const MeasuresOptions& options, MeasuresReport* report) {
  // Only the tables the measures read (a national store also holds a year's
  // enrolments, marks and the rest, which they do not).
  LANTERN_ASSIGN_OR_RETURN(auto opened, Store::Open(options.store_dir, Store::Mode::kRead));
  if (opened->empty()) return Status::NotFound(options.store_dir + " holds no data yet");
  const TableId tables[] = {TableId::kLocalAuthorities, TableId::kTrusts,
                            TableId::kSchools,          TableId::kPupils,
                            TableId::kApPlacements,     TableId::kKs2Results,
                            TableId::kKs4Results,       TableId::kDestinations};
  LANTERN_ASSIGN_OR_RETURN(StoreState state, opened->LoadTables(tables, options.threads));
  auto store = MakeLoadedStore(std::move(opened), std::move(state));
  return WriteMeasures(*store, options, report);
}

}  // namespace lantern
