#include "outcomes/local_outcomes.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <unordered_map>

#include "lantern/outcomes.h"
#include "publish/ees_metadata.h"
#include "stats/intervals.h"
#include "suppress/disclosure.h"

namespace lantern::outcomes {

std::string_view PolarityText(Polarity p) {
  switch (p) {
    case Polarity::kHigherBetter:
      return "higher is better";
    case Polarity::kLowerBetter:
      return "lower is better";
    case Polarity::kNeither:
      return "neither";
  }
  return "neither";
}

const std::vector<MeasureInfo>& Measures() {
  using U = MeasureUnit;
  using P = Polarity;
  constexpr bool kStoreOnly = true;
  using C = MeasureCounts;
  static const std::vector<MeasureInfo> kMeasures = {
      // The roll: the denominator of the rates (pupil-level mode).
      {"pupils", "Pupils on roll on the January census day", U::kCount, P::kNeither, "roll",
       "Pupils on roll on the January census day: the denominator of the rates.", kStoreOnly},
      // Attendance and absence (definitions.md 1).
      {"sess_overall_percent", "Overall absence rate (% of possible sessions)", U::kPercent,
       P::kLowerBetter, "attendance", "Overall absence sessions as a share of possible sessions.",
       false, C::kSessions},
      {"sess_authorised_percent", "Authorised absence rate (% of possible sessions)", U::kPercent,
       P::kLowerBetter, "attendance",
       "Authorised absence sessions as a share of possible sessions.", false, C::kSessions},
      {"sess_unauthorised_percent", "Unauthorised absence rate (% of possible sessions)",
       U::kPercent, P::kLowerBetter, "attendance",
       "Unauthorised absence sessions as a share of possible sessions.", false, C::kSessions},
      {"enrolments_pa_10_exact_percent", "Persistent absence (% of enrolments missing 10%+)",
       U::kPercent, P::kLowerBetter, "attendance",
       "Enrolments missing 10% or more of their own possible sessions, as a share of enrolments."},
      {"enrolments_pa_50_exact_percent", "Severe absence (% of enrolments missing 50%+)",
       U::kPercent, P::kLowerBetter, "attendance",
       "Enrolments missing 50% or more of their own possible sessions, as a share of enrolments."},
      // Suspensions and permanent exclusions (definitions.md 2).
      {"susp", "Suspensions", U::kCount, P::kNeither, "behaviour", "Suspensions in the year."},
      {"susp_rate", "Suspensions per 100 pupils", U::kRatePer100, P::kLowerBetter, "behaviour",
       "Suspensions per 100 pupils on roll at the January census.", false, C::kEvents},
      {"one_plus_susp", "Pupils with one or more suspensions", U::kCount, P::kNeither, "behaviour",
       "Pupils with one or more suspensions in the year."},
      {"one_plus_susp_rate", "Pupils with one or more suspensions per 100 pupils", U::kRatePer100,
       P::kLowerBetter, "behaviour",
       "Pupils with one or more suspensions per 100 pupils on roll at the January census."},
      {"perm_excl", "Permanent exclusions", U::kCount, P::kNeither, "behaviour",
       "Upheld permanent exclusions in the year."},
      {"perm_excl_rate", "Permanent exclusions per 100 pupils", U::kRatePer100, P::kLowerBetter,
       "behaviour", "Upheld permanent exclusions per 100 pupils on roll at the January census.",
       false, C::kEvents},
      // Pupil-level mode: movement, EHE and CME (docs/local-outcomes.md).
      {"ehe_exits", "Exits to elective home education", U::kCount, P::kNeither, "movement",
       "Registrations ended for elective home education: a parent's right, so context, not a "
       "judgement.",
       kStoreOnly},
      {"ehe_exit_rate", "Exits to elective home education per 100 pupils", U::kRatePer100,
       P::kNeither, "movement",
       "Exits to elective home education per 100 pupils on roll at the January census.", kStoreOnly,
       C::kEvents},
      {"cme_cases", "Children missing education: cases opened", U::kCount, P::kNeither, "movement",
       "Children of compulsory school age who left a roll with no destination that accounts for "
       "them and were on no roll for the whole window of school days; cases of their home LA.",
       kStoreOnly},
      {"cme_rate", "Children missing education: cases per 100 pupils", U::kRatePer100,
       P::kLowerBetter, "movement",
       "Children missing education cases per 100 pupils on roll at the January census.", kStoreOnly,
       C::kEvents},
      {"moves", "Moves between schools (exits followed by a new enrolment)", U::kCount, P::kNeither,
       "movement", "Exits followed by a registration at another school.", kStoreOnly},
      {"exits_from_state_education", "Exits to no state school", U::kCount, P::kNeither, "movement",
       "Exits after which the pupil is on no roll in the records, including leavers at the end of "
       "Years 6 and 11 whose next school is not yet recorded.",
       kStoreOnly},
      {"unexplained_exits", "Unexplained exits, Years 7-11 (not 'off-rolled')", U::kCount,
       P::kNeither, "movement",
       "Exits in Years 7 to 11 that no recorded reason explains (after EPI). Unexplained is not "
       "off-rolled.",
       kStoreOnly},
      {"unexplained_exit_rate", "Unexplained exits per 100 pupils in Years 7-11", U::kRatePer100,
       P::kLowerBetter, "movement",
       "Unexplained exits per 100 pupils on roll in Years 7 to 11 during the year.", kStoreOnly,
       C::kEvents},
      // SEND (definitions.md 5): timeliness (SEN2; ehcp_requests.csv), need, inspections and
      // sufficiency (where children with an EHC plan are taught).
      {"pc_plans_issued_within_20_weeks", "New EHC plans issued within 20 weeks (%)", U::kPercent,
       P::kHigherBetter, "send",
       "New EHC plans issued within 20 weeks of the request, including exceptions, as a share of "
       "new plans."},
      {"pc_plans_issued_20_weeks_ex",
       "New EHC plans issued within 20 weeks, excluding exceptions (%)", U::kPercent,
       P::kHigherBetter, "send",
       "New EHC plans issued within 20 weeks, leaving out the plans with an exception, as a share "
       "of those plans."},
      {"ehcp_20_week_pupil_level",
       "EHC plans issued within 20 weeks, excluding exceptions (from requests, %)", U::kPercent,
       P::kHigherBetter, "send",
       "Of the EHC plans issued in the year with no exception to the 20-week limit, the share "
       "issued within 20 weeks of the request; by the LA the request was made to "
       "(ehcp_requests.csv).",
       kStoreOnly},
      {"new_all_ehc", "New EHC plans issued in the calendar year", U::kCount, P::kNeither, "send",
       "New EHC plans issued in the calendar year (ages 0 to 25, not only pupils)."},
      {"inreq_ehc", "Initial requests for an EHC needs assessment", U::kCount, P::kNeither, "send",
       "Initial requests for an EHC needs assessment in the calendar year."},
      {"pt_statement_or_EHC_plan", "Children in need with an EHC plan or statement (%)",
       U::kPercent, P::kNeither, "send",
       "Children in need with an EHC plan or statement, as a share of children in need."},
      {"pt_SEN_support", "Children in need on SEN support (%)", U::kPercent, P::kNeither, "send",
       "Children in need on SEN support, as a share of children in need."},
      {"area_send_priority_actions", "Areas for priority action (area SEND inspection)", U::kCount,
       P::kLowerBetter, "inspection",
       "Areas for priority action found by the area SEND inspection: an inspection's findings, not "
       "a count of children."},
      {"ehcp_pupils", "Pupils with an EHC plan on roll at the January census", U::kCount,
       P::kNeither, "send",
       "Pupils with an EHC plan on roll on the January census day in state-funded primary, "
       "secondary and special schools.",
       kStoreOnly},
      {"ehcp_special_school_percent", "Pupils with an EHC plan taught in special schools (%)",
       U::kPercent, P::kNeither, "send",
       "Of the pupils with an EHC plan on roll at the census, the share at special schools: "
       "context for the sufficiency of specialist and mainstream provision, not a judgement.",
       kStoreOnly},
      {"ehcp_other_la_percent", "Pupils with an EHC plan taught in another local authority (%)",
       U::kPercent, P::kNeither, "send",
       "Of the pupils with an EHC plan on roll at the census, the share at a school in another "
       "local authority than the one they live in: by residence, the children a place sends "
       "elsewhere.",
       kStoreOnly},
      // Alternative provision (published).
      {"ap_pupils", "Pupils in school-arranged alternative provision (January census)", U::kCount,
       P::kNeither, "ap",
       "Pupils in alternative provision arranged by their school, at the January census."},
      {"ap_placements", "School-arranged AP placements", U::kCount, P::kNeither, "ap",
       "Placements in alternative provision arranged by schools, by setting."},
      // NEET and participation (definitions.md 4.2): 16-17 year olds (NCCIS) and the year's Year 11
      // leavers at 16 (destinations.csv).
      {"NEET_percent", "16-17 year olds not in education, employment or training (%)", U::kPercent,
       P::kLowerBetter, "participation",
       "16 and 17 year olds not in education, employment or training, as a share of the cohort "
       "(December to February)."},
      {"Notknown_percent", "16-17 year olds whose activity is not known (%)", U::kPercent,
       P::kLowerBetter, "participation",
       "16 and 17 year olds whose activity is not known, as a share of the cohort."},
      {"NEET_not_known_percent", "16-17 year olds NEET or activity not known (%)", U::kPercent,
       P::kLowerBetter, "participation",
       "16 and 17 year olds NEET or whose activity is not known, as a share of the cohort."},
      {"TOTAL_participating_in_education_and_training_percent",
       "16-17 year olds participating in education and training (%)", U::kPercent, P::kHigherBetter,
       "participation",
       "16 and 17 year olds in education or training, as a share of the March cohort."},
      {"NEET_not_known_16_percent",
       "Year 11 leavers NEET or activity not known at 16 (December-February, %)", U::kPercent,
       P::kLowerBetter, "participation",
       "The year's Year 11 leavers' months of December, January and February after Year 11 in "
       "which they were NEET or their activity was not known (the Department's three month "
       "ends averaged), at academic age 16.",
       kStoreOnly},
      {"participating_16_percent",
       "Year 11 leavers in education or training at 16 (December-February, %)", U::kPercent,
       P::kHigherBetter, "participation",
       "The year's Year 11 leavers' months of December, January and February after Year 11 in "
       "education, an apprenticeship or employment with training.",
       kStoreOnly},
      {"NEET_not_known_17_percent",
       "Year 11 leavers NEET or activity not known at 17 (December-February, %)", U::kPercent,
       P::kLowerBetter, "participation",
       "The same Year 11 leavers a year on: their months of December, January and February at "
       "academic age 17 (months 16 to 18 after Year 11) in which they were NEET or their "
       "activity was not known.",
       kStoreOnly},
      {"participating_17_percent",
       "Year 11 leavers in education or training at 17 (December-February, %)", U::kPercent,
       P::kHigherBetter, "participation",
       "The same Year 11 leavers a year on: their months of December, January and February at "
       "academic age 17 in education, an apprenticeship or employment with training.",
       kStoreOnly},
      // KS4 attainment (context for the gaps).
      {"avg_att8", "Average Attainment 8 score", U::kMean, P::kHigherBetter, "attainment",
       "Average Attainment 8 score at the end of Key Stage 4 (context for the gaps)."},
      {"avg_p8score", "Average Progress 8 score", U::kMean, P::kHigherBetter, "attainment",
       "Average Progress 8 score at the end of Key Stage 4 (context for the gaps)."},
      // Employer engagement (employer_encounters.csv; after the Gatsby
      // Benchmarks 5 and 6).
      {"employer_encounter_pupils", "Pupils in Years 7-11 with an employer encounter", U::kCount,
       P::kNeither, "employer engagement",
       "Pupils in Years 7 to 11 with at least one encounter with an employer or experience of a "
       "workplace in the year.",
       kStoreOnly},
      {"employer_encounter_percent",
       "Pupils in Years 7-11 with an employer encounter in the year (%)", U::kPercent,
       P::kHigherBetter, "employer engagement",
       "Pupils in Years 7 to 11 with at least one encounter with an employer or experience of a "
       "workplace in the year, as a share of pupils on roll in Years 7 to 11 (Gatsby Benchmark "
       "5).",
       kStoreOnly},
      {"work_placements", "Experiences of a workplace", U::kCount, P::kNeither,
       "employer engagement",
       "Work experience, shadowing and placements starting in the year, all year groups (Gatsby "
       "Benchmark 6).",
       kStoreOnly},
      // Pupil voice (docs/pupil-voice.md): one declared item's positive share.
      {"pupil_wellbeing_percent",
       "Pupils feeling calm and settled often or always (pupil voice item calm, %)", U::kPercent,
       P::kHigherBetter, "wellbeing",
       "Of the pupils who answered the core item calm (v1, \"I feel calm and settled\"), the share "
       "answering often or always; areas need 30 respondents from 3 schools.",
       kStoreOnly},
  };
  return kMeasures;
}

}  // namespace lantern::outcomes

namespace lantern {

std::vector<OutcomeMeasureText> OutcomeMeasureCatalogue() {
  static constexpr const char* kUnits[] = {"percent", "rate per 100", "count", "mean"};
  std::vector<OutcomeMeasureText> out;
  for (const outcomes::MeasureInfo& m : outcomes::Measures()) {
    out.push_back({std::string(m.id), std::string(m.label), std::string(m.definition),
                   std::string(outcomes::PolarityText(m.polarity)),
                   kUnits[static_cast<int>(m.unit)], std::string(m.domain)});
  }
  return out;
}

}  // namespace lantern

namespace lantern::outcomes {

const MeasureInfo* FindMeasure(std::string_view id) {
  for (const auto& m : Measures()) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

int FilePrecision(const MeasureInfo* m) {
  return m != nullptr && m->unit == MeasureUnit::kCount ? 0 : 5;
}

Figure ProportionFigure(double numerator, double denominator, bool numerator_published) {
  Figure f;
  f.numerator = numerator;
  f.denominator = denominator;
  f.numerator_published = numerator_published;
  if (!Has(numerator) || !Has(denominator)) {
    f.symbol = GssSymbol::kNotAvailable;
    return f;
  }
  if (!(denominator > 0)) {
    f.symbol = GssSymbol::kNotApplicable;
    return f;
  }
  f.value = numerator / denominator * 100.0;
  const stats::Interval ci = stats::WilsonInterval(numerator, denominator);
  f.lower = ci.lower * 100.0;
  f.upper = ci.upper * 100.0;
  return f;
}

Figure PublishedFigure(double value) {
  Figure f;
  f.value = value;
  if (!Has(value)) f.symbol = GssSymbol::kNotAvailable;
  return f;
}

Figure SymbolFigure(GssSymbol s) {
  Figure f;
  f.symbol = s;
  return f;
}

std::string PeerOf(std::string_view topic, std::string_view b) {
  static const std::map<std::string_view, std::string_view> kPeers = {
      {"FSM eligible", "Not FSM eligible"},
      {"Disadvantaged", "Not disadvantaged"},
      {"SEN support", "No SEN"},
      {"EHC plan", "No SEN"},
      {"SEN (EHC plan or SEN support)", "No SEN"},
      {"Looked after", "Total"},
      {"Children in need", "Total"},
      {"English as an additional language", "English as first language"},
      {"First language other than English", "First language English"},
      {"Vulnerable group", "Total"},
  };
  (void)topic;
  auto it = kPeers.find(b);
  return it == kPeers.end() ? std::string() : std::string(it->second);
}

namespace {

std::string AreaId(const GeographyRow& g) {
  switch (g.level) {
    case GeographicLevel::kNational:
      return "N";
    case GeographicLevel::kRegional:
      return "R" + g.region_code;
    case GeographicLevel::kLocalAuthority:
      return "L" + g.old_la_code;
    case GeographicLevel::kMat:
      return "T" + g.trust_id;
    case GeographicLevel::kPlace:
      return "P" + g.place_code;
    case GeographicLevel::kSchool:
      return "S" + g.school_urn;
  }
  return "?";
}

// A row's series without its group: period, measure, school type, basis.
std::string SeriesKey(const OutcomeRow& r) {
  std::string k;
  for (const std::string* s :
       {&r.time_period, &r.time_identifier, &r.measure, &r.school_type, &r.location_basis}) {
    k += *s;
    k += '\x1f';
  }
  return k;
}

std::string GroupKey(const OutcomeRow& r, std::string_view breakdown) {
  return SeriesKey(r) + r.breakdown_topic + '\x1f' + std::string(breakdown);
}

int LaCode(const GeographyRow& g) {
  int code = 0;
  std::from_chars(g.old_la_code.data(), g.old_la_code.data() + g.old_la_code.size(), code);
  return code;
}

}  // namespace

stats::Interval GapInterval(const MeasureInfo* m, const Figure& f, const Figure& p) {
  constexpr stats::Interval kNone{kNoValue, kNoValue};
  if (m == nullptr || (m->unit != MeasureUnit::kPercent && m->unit != MeasureUnit::kRatePer100) ||
      !f.ok() || !p.ok()) {
    return kNone;
  }
  if (m->counts == MeasureCounts::kPeople && Has(f.numerator) && Has(f.denominator) &&
      Has(p.numerator) && Has(p.denominator) && f.numerator <= f.denominator &&
      p.numerator <= p.denominator) {
    const stats::Interval d =
        stats::NewcombeDifference(f.numerator, f.denominator, p.numerator, p.denominator);
    return {d.lower * 100.0, d.upper * 100.0};
  }
  // Sessions and events are not binomial counts of people: only each
  // figure's own interval (clustered by pupil, exact Poisson) says how
  // uncertain it is, and MOVER combines the two.
  return stats::MoverDifference(f.value, {f.lower, f.upper}, p.value, {p.lower, p.upper});
}

void AddComparators(std::vector<OutcomeRow>& rows, const NeighbourMap& neighbours) {
  // Every row's group (period, measure, school type, basis, pupil group) and
  // area as small integers, so each comparator is one hash lookup.
  std::unordered_map<std::string, uint32_t> groups, areas;
  auto intern = [](std::unordered_map<std::string, uint32_t>& map, std::string key) {
    return map.emplace(std::move(key), static_cast<uint32_t>(map.size())).first->second;
  };
  const size_t n = rows.size();
  std::vector<uint32_t> row_group(n), row_area(n);
  std::unordered_map<int, uint32_t> la_area;
  std::unordered_map<std::string, uint32_t> region_area;
  for (size_t i = 0; i < n; ++i) {
    const OutcomeRow& r = rows[i];
    row_group[i] = intern(groups, GroupKey(r, r.breakdown));
    row_area[i] = intern(areas, AreaId(r.geography()));
    if (r.geography().level == GeographicLevel::kLocalAuthority) {
      la_area.emplace(LaCode(r.geography()), row_area[i]);
    } else if (r.geography().level == GeographicLevel::kRegional) {
      region_area.emplace(r.geography().region_code, row_area[i]);
    }
  }
  auto key = [](uint32_t area, uint32_t group) {
    return (static_cast<uint64_t>(area) << 32) | group;
  };
  std::unordered_map<uint64_t, uint32_t> index;
  index.reserve(n);
  for (size_t i = 0; i < n; ++i) index.emplace(key(row_area[i], row_group[i]), i);
  auto figure = [&](uint32_t area, uint32_t group) -> const Figure* {
    auto it = index.find(key(area, group));
    if (it == index.end() || !rows[it->second].figure.ok()) return nullptr;
    return &rows[it->second].figure;
  };
  auto value = [&](uint32_t area, uint32_t group) {
    const Figure* f = figure(area, group);
    return f == nullptr ? kNoValue : f->value;
  };
  const auto england = areas.find("N");
  constexpr uint32_t kNone = UINT32_MAX;
  const uint32_t england_area = england == areas.end() ? kNone : england->second;

  // Values of LAs by group, sorted, for the quarters.
  std::vector<std::vector<double>> la_values(groups.size());
  for (size_t i = 0; i < n; ++i) {
    if (rows[i].geography().level == GeographicLevel::kLocalAuthority && rows[i].figure.ok()) {
      la_values[row_group[i]].push_back(rows[i].figure.value);
    }
  }
  for (auto& v : la_values) std::sort(v.begin(), v.end());

  for (size_t i = 0; i < n; ++i) {
    OutcomeRow& r = rows[i];
    const uint32_t group = row_group[i];
    const GeographicLevel level = r.geography().level;
    if (level != GeographicLevel::kNational && england_area != kNone) {
      r.england_value = value(england_area, group);
    }
    if (level != GeographicLevel::kNational && level != GeographicLevel::kRegional) {
      auto reg = region_area.find(r.geography().region_code);
      if (reg != region_area.end()) r.region_value = value(reg->second, group);
    }
    if (level == GeographicLevel::kLocalAuthority) {
      auto it = neighbours.find(LaCode(r.geography()));
      if (it != neighbours.end()) {
        double sum = 0;
        int count = 0;
        for (int sn : it->second) {
          auto a = la_area.find(sn);
          if (a == la_area.end()) continue;
          const double v = value(a->second, group);
          if (Has(v)) {
            sum += v;
            ++count;
          }
        }
        r.sn_count = count;
        if (count > 0) r.sn_mean = sum / count;
      }
      const auto& v = la_values[group];
      if (r.figure.ok() && v.size() >= 4) {
        const double below =
            static_cast<double>(std::lower_bound(v.begin(), v.end(), r.figure.value) - v.begin());
        const double equal =
            static_cast<double>(std::upper_bound(v.begin(), v.end(), r.figure.value) - v.begin()) -
            below;
        const double p = (below + 0.5 * equal) / static_cast<double>(v.size());
        r.quartile = p < 0.25   ? "lowest quarter of LAs"
                     : p < 0.5  ? "second quarter of LAs"
                     : p < 0.75 ? "third quarter of LAs"
                                : "highest quarter of LAs";
      }
    }
    const std::string peer = PeerOf(r.breakdown_topic, r.breakdown);
    if (peer.empty()) continue;
    r.peer_breakdown = peer;
    std::string peer_key = SeriesKey(r);
    peer_key += peer == "Total" ? std::string("Total") : r.breakdown_topic;
    peer_key += '\x1f';
    peer_key += peer;
    auto pg = groups.find(peer_key);
    if (pg == groups.end()) continue;
    const MeasureInfo* m = FindMeasure(r.measure);
    if (const Figure* p = figure(row_area[i], pg->second)) {
      r.peer_value = p->value;
      if (r.figure.ok()) {
        r.gap = r.figure.value - p->value;
        const stats::Interval d = GapInterval(m, r.figure, *p);
        r.gap_lower = d.lower;
        r.gap_upper = d.upper;
      }
    }
    if (level != GeographicLevel::kNational && england_area != kNone) {
      if (const Figure* p = figure(england_area, pg->second)) {
        r.england_peer_value = p->value;
        if (r.figure.ok()) {
          r.gap_to_england_peers = r.figure.value - p->value;
          // The place's pupils are among England's, so the two figures are
          // not independent; the covariance is positive, so the interval
          // errs wide, by little where England is many times the place.
          const stats::Interval d = GapInterval(m, r.figure, *p);
          r.gap_to_england_lower = d.lower;
          r.gap_to_england_upper = d.upper;
        }
      }
    }
  }
}

bool SchoolSumHidden(int64_t sum, int hidden_cells, int64_t hidden_total, int threshold) {
  if (IsDisclosive(sum, threshold)) return true;
  if (hidden_cells == 0) return false;
  return hidden_cells == 1 || hidden_total < threshold;
}

void ApplyDisclosure(std::vector<OutcomeRow>& rows, int threshold) {
  auto disclosive = [&](double v) {
    return Has(v) && IsDisclosive(static_cast<int64_t>(std::llround(v)), threshold);
  };
  for (OutcomeRow& r : rows) {
    Figure& f = r.figure;
    if (f.symbol != GssSymbol::kNone) continue;
    const MeasureInfo* m = FindMeasure(r.measure);
    // An inspection's findings are not counts of children.
    if (m != nullptr && m->domain == "inspection") continue;
    const bool count = m != nullptr && m->unit == MeasureUnit::kCount;
    if ((count && disclosive(f.value)) || (f.numerator_published && disclosive(f.numerator)) ||
        disclosive(f.denominator)) {
      f = SymbolFigure(GssSymbol::kSuppressed);
    }
  }
}

namespace {

EesColumnMeta Indicator(const char* name, const char* label, const char* grouping,
                        bool count = false) {
  EesColumnMeta m;
  m.col_name = name;
  m.label = label;
  m.indicator_grouping = grouping;
  if (count) {
    m.indicator_dp = 0;
  } else {
    m.dp_varies = true;  // the row's measure says: a count, a percentage, a mean
  }
  return m;
}

PublishedCell Number(double v, int dp) {
  if (!Has(v)) return PublishedCell::Symbol(GssSymbol::kNotAvailable);
  return PublishedCell::Number(v, dp);
}

bool Integral(double v) { return Has(v) && v >= 0 && v < 9e15 && std::floor(v) == v; }

}  // namespace

Status WriteLocalOutcomes(const std::vector<OutcomeRow>& rows, const std::string& dir) {
  TidyFile t;
  t.file = "local_outcomes.csv";
  t.filters = {
      EesFilter("measure", "Measure", "Named as the Department names it; docs/local-outcomes.md",
                "sess_overall_percent"),
      EesFilter("school_type", "School type", "Total, a phase, or a kind of school", "Total"),
      EesFilter("location_basis", "Counted by",
                "School location or Pupil residence (pupil-level mode); Not applicable where the "
                "source counts one way",
                "Not applicable"),
      EesFilter("breakdown_topic", "Pupil characteristic", "", "Total"),
      EesFilter("breakdown", "Pupil group", "", "Total"),
      EesFilter("source", "Source of the figure", "The published file or the store", "store"),
      EesFilter("polarity", "Which way is better",
                "As the Department's LAIT says; neither for counts", "neither"),
      EesFilter("quartile_among_las", "Where the LA's value sits among all LAs",
                "A quarter of LAs, as context: never a rank", "not assessed"),
      EesFilter("peer_breakdown", "The group's peers", "The group the gap is measured against",
                "Total"),
  };
  t.filters[3].filter_grouping_column = "";
  t.filters[4].filter_grouping_column = "breakdown_topic";
  t.indicators = {
      Indicator("value", "Value (percent, rate per 100, mean or count: see measure)", "Place"),
      Indicator("lower_95", "Lower bound of the 95% interval (Wilson; x where none can be had)",
                "Place"),
      Indicator("upper_95", "Upper bound of the 95% interval", "Place"),
      Indicator("numerator", "Numerator (x when reconstructed from a published percentage)",
                "Place"),
      Indicator("denominator", "Denominator (pupils, enrolments, plans or young people)", "Place"),
      Indicator("england_value", "England: the same measure and group", "England"),
      Indicator("region_value", "The region: the same measure and group", "Region"),
      Indicator("sn_mean", "Mean of the LA's ten statistical neighbours that have a value",
                "Statistical neighbours"),
      Indicator("sn_count", "How many of the ten statistical neighbours have a value",
                "Statistical neighbours", true),
      Indicator("peer_value", "The group's peers in the same place", "Gap"),
      Indicator("gap_to_peers", "Value minus the peers' value in the same place", "Gap"),
      Indicator("gap_lower_95",
                "Gap: lower bound (Newcombe; MOVER for sessions and events; x without)", "Gap"),
      Indicator("gap_upper_95", "Gap: upper bound", "Gap"),
      Indicator("england_peer_value", "The group's peers in England", "Gap"),
      Indicator("gap_to_england_peers", "Value minus the peers' value in England", "Gap"),
      Indicator("gap_to_england_lower_95", "Gap to England's peers: lower bound (as gap_lower_95)",
                "Gap"),
      Indicator("gap_to_england_upper_95", "Gap to England's peers: upper bound", "Gap"),
  };
  t.row_count = rows.size();
  Status bad;
  t.fill = [&](size_t i, TidyRow* out) {
    const OutcomeRow& r = rows[i];
    const MeasureInfo* m = FindMeasure(r.measure);
    if (m == nullptr) {
      bad = Status::Internal("local outcomes: unknown measure " + r.measure);
      m = &Measures().front();
    }
    const int dp = FilePrecision(m);
    TidyRow& row = *out;
    row.time_period = r.time_period;
    row.time_identifier = r.time_identifier;
    row.geography = r.geography();
    row.filters.resize(9);
    row.filters[0] = r.measure;
    row.filters[1] = r.school_type;
    row.filters[2] = r.location_basis;
    row.filters[3] = r.breakdown_topic;
    row.filters[4] = r.breakdown;
    row.filters[5] = r.source;
    row.filters[6] = PolarityText(m->polarity);
    row.filters[7] = r.quartile;
    row.filters[8] = r.peer_breakdown.empty() ? std::string("none") : r.peer_breakdown;
    row.indicators.clear();
    const Figure& f = r.figure;
    const bool shown = f.symbol == GssSymbol::kNone && Has(f.value);
    const GssSymbol hidden = f.symbol == GssSymbol::kNone ? GssSymbol::kNotAvailable : f.symbol;
    auto own = [&](double v, int places) {
      return shown ? Number(v, places) : PublishedCell::Symbol(hidden);
    };
    PublishedCell value = own(f.value, dp);
    if (shown && Integral(f.numerator) && Integral(f.denominator) && f.denominator > 0 &&
        (m->unit == MeasureUnit::kPercent || m->unit == MeasureUnit::kRatePer100)) {
      value = PublishedCell::Ratio(static_cast<int64_t>(f.numerator),
                                   static_cast<int64_t>(f.denominator), 100, dp);
    }
    row.indicators.push_back(value);
    row.indicators.push_back(own(f.lower, 5));
    row.indicators.push_back(own(f.upper, 5));
    row.indicators.push_back(f.numerator_published
                                 ? own(f.numerator, Integral(f.numerator) ? 0 : 2)
                                 : PublishedCell::Symbol(GssSymbol::kNotAvailable));
    row.indicators.push_back(own(f.denominator, Integral(f.denominator) ? 0 : 2));
    // Comparators are other places' published figures, shown whatever this
    // row's own symbol; the gaps need this row's value.
    row.indicators.push_back(Number(r.england_value, dp));
    row.indicators.push_back(Number(r.region_value, dp));
    row.indicators.push_back(Number(r.sn_mean, dp));
    row.indicators.push_back(r.sn_count < 0 ? PublishedCell::Symbol(GssSymbol::kNotApplicable)
                                            : PublishedCell::Count(r.sn_count));
    const bool has_peer = !r.peer_breakdown.empty();
    auto peer = [&](double v) {
      return has_peer ? Number(v, dp) : PublishedCell::Symbol(GssSymbol::kNotApplicable);
    };
    row.indicators.push_back(peer(r.peer_value));
    row.indicators.push_back(peer(r.gap));
    row.indicators.push_back(peer(r.gap_lower));
    row.indicators.push_back(peer(r.gap_upper));
    row.indicators.push_back(peer(r.england_peer_value));
    row.indicators.push_back(peer(r.gap_to_england_peers));
    row.indicators.push_back(peer(r.gap_to_england_lower));
    row.indicators.push_back(peer(r.gap_to_england_upper));
  };
  LANTERN_RETURN_IF_ERROR(WriteTidyOpenDataFile(t, dir));
  return bad;
}

}  // namespace lantern::outcomes
