// Pupil-level mode of the Local Outcomes Framework (docs/local-outcomes.md):
// one computation (compute/compute.h) of the attendance, suspensions and
// movement families over the store, then
//
//   movement.csv            the movement family, by the one writer;
//   local_outcomes.csv      the framework's measures for England, regions,
//                           LAs (by school location and by residence) and
//                           user-defined places, by pupil group, with
//                           intervals, comparators and gaps (local_outcomes.h);
//   unexplained_exits.csv   per school and trust, against similar schools;
//   trust_contribution.csv  each trust's share of each LA's pupils against
//                           its share of vulnerable pupils, suspensions,
//                           exclusions and exits;
//   net_flows.csv           each school's and trust's joiners and leavers
//                           of each group, against its place's;
//   children_missing_education.csv  the pupil-level case list (home LA only).
//
// Every published number comes from the cube and its disclosure flags. Two
// outputs add school cells up into units the cube does not hold (places
// named by school or postcode district; a trust within one LA): such a cell
// is hidden when any school cell it adds is hidden, so nothing hidden can be
// had by subtraction, and a count of 1 or 2 is hidden too (the one rule,
// suppress/disclosure.h). docs/architecture.md says why these sit outside
// the cube.
#include "outcomes/pupil_level.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "aggregate/cube.h"
#include "aggregate/groups.h"
#include "common/csv_table.h"
#include "common/csv_writer.h"
#include "common/file_util.h"
#include "common/parallel.h"
#include "compute/compute.h"
#include "derive/exits.h"
#include "indicators/catalogue.h"
#include "lantern/outcomes.h"
#include "lantern/store.h"
#include "model/codes.h"
#include "model/register_codes.h"
#include "model/upn.h"
#include "outcomes/local_outcomes.h"
#include "outcomes/open_data_sources.h"
#include "publish/ees_metadata.h"
#include "publish/open_data_writer.h"
#include "stats/funnel.h"
#include "stats/intervals.h"
#include "store/loaded_store.h"
#include "suppress/disclosure.h"
#include "suppress/school_sums.h"
#include "voice/catalogue.h"
#include "voice/report.h"

namespace lantern {

namespace outcomes {

Result<UserPlaces> ReadPlacesFile(const std::string& path, const StoreState& s) {
  UserPlaces out;
  if (path.empty()) return out;
  LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(path));
  LANTERN_ASSIGN_OR_RETURN(int c_code, t.RequireColumn("place_code"));
  LANTERN_ASSIGN_OR_RETURN(int c_name, t.RequireColumn("place_name"));
  LANTERN_ASSIGN_OR_RETURN(int c_kind, t.RequireColumn("kind"));
  LANTERN_ASSIGN_OR_RETURN(int c_member, t.RequireColumn("member"));
  std::map<std::string, size_t> index;
  std::map<std::string, std::pair<std::set<int>, std::set<uint32_t>>> members;
  std::map<std::string, bool> only_las;
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string code = t.Cell(r, c_code), kind = t.Cell(r, c_kind),
                      member = t.Cell(r, c_member);
    auto bad = [&](const std::string& why) {
      return Status::InvalidInput(fmt::format("{}: line {}: {}", path, r + 2, why));
    };
    if (code.empty()) return bad("place_code is empty");
    if (!index.count(code)) {
      index[code] = out.names.size();
      out.names.push_back({code, t.Cell(r, c_name).empty() ? code : t.Cell(r, c_name)});
      only_las[code] = true;
    }
    auto& [las, schools] = members[code];
    if (kind == "la") {
      const double la = Num(member);
      if (!Has(la) || la < 100 || la > 999) return bad("an la member is a 3-digit LA code");
      las.insert(static_cast<int>(la));
    } else if (kind == "school") {
      const double urn = Num(member);
      bool found = false;
      for (uint32_t sc = 0; sc < s.schools.size(); ++sc) {
        if (Has(urn) && s.schools.urn[sc] == static_cast<int32_t>(urn)) {
          schools.insert(sc);
          found = true;
        }
      }
      if (!found) return bad("school " + member + " is not in the store");
      only_las[code] = false;
    } else if (kind == "postcode_district") {
      std::string want;
      for (char ch : member) {
        if (ch != ' ')
          want.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
      }
      if (want.empty()) return bad("a postcode_district member is empty");
      for (uint32_t sc = 0; sc < s.schools.size(); ++sc) {
        std::string pc = s.schools.postcode[sc];
        const size_t sp = pc.find(' ');
        std::string district = sp == std::string::npos ? pc : pc.substr(0, sp);
        for (char& ch : district)
          ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (district == want) schools.insert(sc);
      }
      only_las[code] = false;
    } else {
      return bad("kind is la, school or postcode_district, not '" + kind + "'");
    }
  }
  for (const auto& [code, name] : out.names) {
    auto& [las, schools] = members[code];
    if (only_las[code]) {
      Place p;
      p.code = code;
      p.name = name;
      for (int la : las) p.la_codes.push_back(static_cast<int16_t>(la));
      out.cube_places.push_back(std::move(p));
    } else {
      // LAs named beside schools add their schools (by school location).
      for (uint32_t sc = 0; sc < s.schools.size(); ++sc) {
        if (las.count(s.schools.la_code[sc])) schools.insert(sc);
      }
      out.school_places.push_back({code, name, {schools.begin(), schools.end()}});
    }
  }
  return out;
}

namespace {

// The local-outcomes measures read from the catalogue: (indicator id,
// measure name in local_outcomes.csv).
constexpr std::pair<std::string_view, std::string_view> kLocalMeasures[] = {
    {"headcount", "pupils"},
    {"sess_overall_percent", "sess_overall_percent"},
    {"sess_authorised_percent", "sess_authorised_percent"},
    {"sess_unauthorised_percent", "sess_unauthorised_percent"},
    {"enrolments_pa_10_exact_percent", "enrolments_pa_10_exact_percent"},
    {"enrolments_pa_50_exact_percent", "enrolments_pa_50_exact_percent"},
    {"susp", "susp"},
    {"susp_rate", "susp_rate"},
    {"one_plus_susp", "one_plus_susp"},
    {"one_plus_susp_rate", "one_plus_susp_rate"},
    {"perm_excl", "perm_excl"},
    {"perm_excl_rate", "perm_excl_rate"},
    {"ehe_exits", "ehe_exits"},
    {"ehe_exit_rate", "ehe_exit_rate"},
    {"cme_cases", "cme_cases"},
    {"cme_rate", "cme_rate"},
    {"moves", "moves"},
    {"exits_no_school", "exits_from_state_education"},
    {"unexplained_exits", "unexplained_exits"},
    {"unexplained_exit_rate", "unexplained_exit_rate"},
    {"employer_encounter_pupils", "employer_encounter_pupils"},
    {"employer_encounter_percent", "employer_encounter_percent"},
    {"work_placements", "work_placements"},
    {"neet_nk_16_percent", "NEET_not_known_16_percent"},
    {"participating_16_percent", "participating_16_percent"},
    {"neet_nk_17_percent", "NEET_not_known_17_percent"},
    {"participating_17_percent", "participating_17_percent"},
    {"ehcp_on_roll", "ehcp_pupils"},
    {"ehcp_special_percent", "ehcp_special_school_percent"},
    {"ehcp_other_la_percent", "ehcp_other_la_percent"},
};

// Why a measure of the framework has no figure in this store ("": it has):
// a measure from an input the store does not hold, or that the input does
// not reach, is x, never a silent zero.
std::string AbsentReason(const StoreState& st, std::string_view family, std::string_view id) {
  if (family == "employer_engagement" && st.employer_activities.size() == 0) {
    return "no employer encounters in the store (employer_encounters.csv)";
  }
  // Without destination records every young person would count as "not
  // known".
  if (family == "ks4_destinations" && st.destinations.size() == 0) {
    return "no destinations in the store (destinations.csv)";
  }
  // Nor at 17 when the records stop before the last month of the winter a
  // year and a half after Year 11.
  if (id.ends_with("_17_percent") && st.year) {
    const int year = st.year->start_year();
    const int february = (year + 3) * 100 + 2;
    const DestinationTable& d = st.destinations;
    bool reached = false;
    for (size_t r = 0; r < d.size() && !reached; ++r) {
      reached = d.ks4_year[r] == year && d.month[r] >= february;
    }
    if (!reached) {
      return fmt::format(
          "the destination records (destinations.csv) of the {} Year 11 leavers stop before "
          "February {}, the last month at 17",
          year + 1, year + 3);
    }
  }
  return {};
}

// The groups of the framework: all pupils, each vulnerable group and its peers.
constexpr std::string_view kGroups[] = {
    "all_pupils",    "sen_support",       "ehcp",         "no_sen",           "fsm", "not_fsm",
    "disadvantaged", "not_disadvantaged", "looked_after", "not_looked_after", "eal", "not_eal"};

struct Reader {
  const Indicator* ind = nullptr;
  std::string measure;
  int num = -1, den = -1, hidden_slot = -1, units = -1, sq = -1, cross = -1, den_sq = -1;
  int64_t multiplier = 1, scale = 1;
  Quantity num_quantity = Quantity::kPupils;
  std::string absent;  // AbsentReason: why every figure is x
};

// A row of a measure the store has no input for: x, and why.
void MarkAbsent(const Reader& r, outcomes::OutcomeRow* row) {
  if (r.absent.empty()) return;
  row->source = std::string(r.absent);
  row->figure = SymbolFigure(GssSymbol::kNotAvailable);
}

// A figure from one cube cell's values.
Figure FigureOf(const Reader& r, const int64_t* v, bool hidden) {
  if (hidden) return SymbolFigure(GssSymbol::kSuppressed);
  const double num = static_cast<double>(v[r.num]);
  if (r.den < 0) {
    Figure f = PublishedFigure(num / static_cast<double>(r.scale));
    f.numerator = num;
    return f;
  }
  const double den = static_cast<double>(v[r.den]) * static_cast<double>(r.scale);
  if (!(den > 0)) return SymbolFigure(GssSymbol::kNotApplicable);
  Figure f;
  f.numerator = num;
  f.denominator = den;
  f.value = num / den * static_cast<double>(r.multiplier);
  const IndicatorKind kind = r.ind->decl->kind;
  if (kind == IndicatorKind::kPercent &&
      (r.num_quantity == Quantity::kPupils || r.num_quantity == Quantity::kEnrolments)) {
    const stats::Interval ci = stats::WilsonInterval(num, den);
    f.lower = ci.lower * 100;
    f.upper = ci.upper * 100;
  } else if (kind == IndicatorKind::kRatePer100 || kind == IndicatorKind::kPercent ||
             kind == IndicatorKind::kRatio) {
    // A session rate (a ratio of sessions) with its sessions clustered by
    // enrolment where the family declares the sums: the scorecard's interval.
    // The session counts stay as numerator and denominator (published), but
    // a gap's interval comes from this one by MOVER, never from a binomial
    // on sessions (MeasureCounts::kSessions, GapInterval). Without the sums,
    // or with one enrolment (no spread between clusters: the standard error
    // is not zero but unknown), there is no interval, and no gap interval.
    if (r.num_quantity == Quantity::kSessions && r.units >= 0 && r.sq >= 0 && r.cross >= 0 &&
        r.den_sq >= 0 && v[r.units] >= 2) {
      const double se = stats::RatioStandardError(v[r.units], v[r.num], v[r.den], v[r.sq],
                                                  v[r.cross], v[r.den_sq]);
      f.lower = std::max(0.0, f.value - 1.959964 * se * 100);
      f.upper = f.value + 1.959964 * se * 100;
    } else if (r.num_quantity == Quantity::kEvents) {
      const stats::Interval ci = stats::PoissonExactInterval(num);
      f.lower = ci.lower / den * 100;
      f.upper = ci.upper / den * 100;
      // Events per pupil are not a proportion: no Newcombe gap (a gap's
      // interval is MOVER from the two figures' Poisson limits).
      f.numerator = kNoValue;
      f.numerator_published = false;
      f.denominator = kNoValue;
    }
  }
  return f;
}

// NEET or not known at 16-17 for one winter (definitions.md 4.2): this
// year's leavers at 16 (`v`, the cell of the NEET_not_known_16_percent
// reader `r16`) and the year before's at 17 in the same December to
// February, their young-person months added, as one figure counted the way
// each part is. Hidden where either part is: the sum and one published part
// would give the other. `source` says which.
Figure TwoCohortsNeet(const Reader& r16, const int64_t* v, bool hidden16,
                      const SeventeenCounts& year_before, const std::string& key, size_t measures,
                      std::string* source) {
  if (!r16.absent.empty()) {
    *source = std::string(r16.absent);
    return SymbolFigure(GssSymbol::kNotAvailable);
  }
  auto it = year_before.cells.find(key);
  if (it == year_before.cells.end()) {
    *source = fmt::format(
        "no {} leavers at 17 here in the year before's store (none, or records that stop before "
        "their February at 17)",
        year_before.time_period);
    return SymbolFigure(GssSymbol::kNotAvailable);
  }
  *source = fmt::format(
      "store: this year's Year 11 leavers at 16 and the {} leavers at 17 (the year before's "
      "store), December to February of the same winter",
      year_before.time_period);
  std::vector<int64_t> both(v, v + measures);
  both[static_cast<size_t>(r16.num)] += it->second.neet_nk;
  both[static_cast<size_t>(r16.den)] += it->second.cohort;
  return FigureOf(r16, both.data(), hidden16 || it->second.hidden);
}

// The framework's indicators, in kLocalMeasures order.
std::vector<Reader> FrameworkReaders(const Catalogue& catalogue) {
  std::vector<Reader> readers;
  for (const auto& [id, measure] : kLocalMeasures) {
    for (size_t i = 0; i < catalogue.indicators().size(); ++i) {
      if (catalogue.indicators()[i].decl->id == id) {
        Reader r;
        r.ind = &catalogue.indicators()[i];
        r.measure = std::string(measure);
        readers.push_back(r);
      }
    }
  }
  return readers;
}

}  // namespace

}  // namespace outcomes

namespace {

// EHC plans issued within 20 weeks, counted by the LA each request was made
// to: of the plans issued in the academic year with no statutory exception
// to the limit (the denominator), those issued within 140 days of the
// request (docs/local-outcomes.md).
struct EhcpTimeliness {
  struct La {
    int la = 0;
    std::string region_code;
    int64_t within = 0, issued = 0;
  };
  std::vector<La> las;
  size_t requests = 0;  // rows in the store, any year
  template <typename Pred>
  std::pair<int64_t, int64_t> Sum(Pred&& in) const {
    std::pair<int64_t, int64_t> s{0, 0};
    for (const La& l : las) {
      if (!in(l)) continue;
      s.first += l.within;
      s.second += l.issued;
    }
    return s;
  }
};

EhcpTimeliness CountEhcpTimeliness(const StoreState& st, const AcademicYear& year) {
  EhcpTimeliness out;
  const EhcpRequestTable& t = st.ehcp_requests;
  out.requests = t.size();
  std::map<int, EhcpTimeliness::La> by_la;
  for (size_t r = 0; r < t.size(); ++r) {
    const int32_t issued = t.plan_issued_date[r];
    if (issued == kNoDate || !year.Contains(Date{issued}) || t.exception[r] != 0) continue;
    EhcpTimeliness::La& l = by_la[t.la[r]];
    l.la = t.la[r];
    ++l.issued;
    l.within += issued - t.request_date[r] <= 140;
  }
  const LocalAuthorityTable& las = st.local_authorities;
  for (auto& [la, l] : by_la) {
    for (size_t i = 0; i < las.size(); ++i) {
      if (las.old_la_code[i] == la) l.region_code = las.region_code[i];
    }
    out.las.push_back(std::move(l));
  }
  return out;
}

Status AddWellbeingRows(const StoreState& st, const Policy& policy, int threads,
                        const std::string& period, std::vector<outcomes::OutcomeRow>* rows) {
  LANTERN_ASSIGN_OR_RETURN(voice::WellbeingShares wellbeing,
                           voice::MakeWellbeingShares(st, policy, threads));
  for (const voice::WellbeingShare& w : wellbeing.shares) {
    const voice::VoiceDistribution& d = wellbeing.report.distributions[w.distribution];
    const voice::VoiceUnit& u = wellbeing.report.units[d.unit];
    const GeographicLevel level = u.geography.level;
    if (level != GeographicLevel::kLocalAuthority && level != GeographicLevel::kRegional &&
        level != GeographicLevel::kNational) {
      continue;
    }
    outcomes::OutcomeRow row;
    row.time_period = period;
    row.time_identifier = "Academic year";
    row.place = std::make_shared<const GeographyRow>(u.geography);
    row.measure = "pupil_wellbeing_percent";
    row.location_basis = "School location";
    row.source = fmt::format("pupil voice {} version {}: often or always, of those who answered",
                             voice::kWellbeingItem, voice::kWellbeingItemVersion);
    row.figure = d.share_hidden || !d.withheld.empty()
                     ? outcomes::SymbolFigure(GssSymbol::kSuppressed)
                     : outcomes::ProportionFigure(static_cast<double>(w.positive),
                                                  static_cast<double>(w.answered));
    rows->push_back(std::move(row));
  }
  return Status::Ok();
}

// One store's framework, with what it takes from and gives to the runs
// beside it.
Status RunOne(const LoadedStore& loaded_store, const PupilLevelOutcomesOptions& options,
              const std::string& out_dir, OutcomesReport* report,
              const outcomes::FrameworkShared& shared) {
  const auto started = std::chrono::steady_clock::now();
  *report = OutcomesReport();
  LANTERN_ASSIGN_OR_RETURN(Policy policy, LoadPolicyOrDefault(options.policy_file));
  const StoreState& st = loaded_store.impl().state;
  if (!st.year) {
    return Status::FailedPrecondition("the store has no attendance marks yet, so no academic year");
  }
  LANTERN_ASSIGN_OR_RETURN(outcomes::UserPlaces places,
                           outcomes::ReadPlacesFile(options.places_file, st));
  LANTERN_ASSIGN_OR_RETURN(const Catalogue* catalogue, DefaultCatalogue());
  ComputeRequest request;
  request.state = &st;
  request.store = loaded_store.impl().store.get();
  request.policy = &policy;
  request.catalogue = catalogue;
  request.places = places.cube_places;
  request.threads = options.threads;
  LANTERN_RETURN_IF_ERROR(outcomes::AddFrameworkMeasures(*catalogue, &request));
  LANTERN_ASSIGN_OR_RETURN(Computation c, Compute(request));
  report->steps.emplace_back("facts and cube", c.seconds_aggregate);
  report->steps.emplace_back("suppress", c.seconds_suppress);
  Status status =
      outcomes::WriteFramework(st, policy, *catalogue, c, places, options, out_dir, report, shared);
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return status;
}

}  // namespace

namespace {

// The earlier years' rows of local_outcomes.csv (the trend), each run from
// its own store, and their leavers at 17.
struct EarlierYears {
  std::vector<std::string> rows;  // each earlier year's rows, without the header
  std::vector<outcomes::SeventeenCounts> seventeen;
  // The leavers at 17 of the year starting in `start`, if an earlier store
  // holds it.
  const outcomes::SeventeenCounts* Of(int start) const {
    const std::string period = AcademicYear(start).TimePeriod();
    for (const outcomes::SeventeenCounts& s : seventeen) {
      if (s.time_period == period) return &s;
    }
    return nullptr;
  }
};

Status RunEarlierYears(const PupilLevelOutcomesOptions& options, const std::string& out_dir,
                       EarlierYears* e) {
  // Each earlier year into a folder of its own beside OUT, so that one
  // that fails leaves OUT as it was.
  const size_t n_earlier = options.earlier_stores.size();
  e->rows.assign(n_earlier, std::string());
  // Each earlier year's leavers at 17: the year before's share this year's
  // winter at 16. The earlier stores run oldest first (their years read
  // from their manifests), so that each earlier year's winter has its year
  // before's leavers at 17 too when that store is given.
  e->seventeen.assign(n_earlier, outcomes::SeventeenCounts());
  std::vector<int> start_year(n_earlier, std::numeric_limits<int>::min());
  for (size_t i = 0; i < n_earlier; ++i) {
    auto opened = Store::Open(options.earlier_stores[i], Store::Mode::kRead);
    if (opened.ok() && (*opened)->year()) start_year[i] = (*opened)->year()->start_year();
  }
  std::vector<size_t> order(n_earlier);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return start_year[a] < start_year[b]; });
  for (const size_t i : order) {
    PupilLevelOutcomesOptions o = options;
    o.earlier_stores.clear();
    o.local_outcomes_only = true;
    const std::string dir = fmt::format("{}.earlier-{}", out_dir, i);
    OutcomesReport sub;
    auto earlier = LoadedStore::Open(options.earlier_stores[i], options.threads);
    const outcomes::SeventeenCounts* before =
        start_year[i] == std::numeric_limits<int>::min() ? nullptr : e->Of(start_year[i] - 1);
    Status st = earlier.ok() ? RunOne(**earlier, o, dir, &sub,
                                      {.year_before = before, .seventeen = &e->seventeen[i]})
                             : earlier.status();
    Result<std::string> text =
        st.ok() ? ReadFileToString(dir + "/local_outcomes.csv") : Result<std::string>(st);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (!text.ok()) {
      return Status(text.status().code(),
                    fmt::format("the earlier store {}: {}", options.earlier_stores[i],
                                text.status().message()));
    }
    const size_t eol = text->find('\n');
    e->rows[i] = eol == std::string::npos ? std::string() : text->substr(eol + 1);
  }
  return Status::Ok();
}

// This year's framework beside the earlier years'.
Status RunWithEarlierYears(const LoadedStore& loaded, const PupilLevelOutcomesOptions& options,
                           const std::string& out_dir, const EarlierYears& e,
                           OutcomesReport* report) {
  if (!loaded.impl().state.year) {
    return Status::FailedPrecondition(loaded.dir() +
                                      " has no attendance marks yet, so no academic year");
  }
  // One store a year: two of the same year would give each place two
  // figures for it.
  std::set<std::string> periods = {loaded.impl().state.year->TimePeriod()};
  for (size_t i = 0; i < e.rows.size(); ++i) {
    const std::string_view rows = e.rows[i];
    if (rows.empty()) continue;
    const std::string period(rows.substr(0, rows.find(',')));
    if (!periods.insert(period).second) {
      return Status::InvalidArgument(fmt::format(
          "the earlier store {} holds {}, a year the framework already has from another store",
          options.earlier_stores[i], period));
    }
  }
  outcomes::FrameworkShared shared;
  shared.year_before = e.Of(loaded.impl().state.year->start_year() - 1);
  shared.earlier_rows = &e.rows;
  return RunOne(loaded, options, out_dir, report, shared);
}

}  // namespace

Status RunPupilLevelOutcomes(const std::string& store_dir, const PupilLevelOutcomesOptions& options,
                             const std::string& out_dir, OutcomesReport* report) {
  const auto started = std::chrono::steady_clock::now();
  // The earlier years first, before this year's store is loaded.
  EarlierYears earlier;
  LANTERN_RETURN_IF_ERROR(RunEarlierYears(options, out_dir, &earlier));
  LANTERN_ASSIGN_OR_RETURN(auto loaded, LoadedStore::Open(store_dir, options.threads));
  Status st = RunWithEarlierYears(*loaded, options, out_dir, earlier, report);
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return st;
}

Status RunPupilLevelOutcomes(const LoadedStore& loaded_store,
                             const PupilLevelOutcomesOptions& options, const std::string& out_dir,
                             OutcomesReport* report) {
  const auto started = std::chrono::steady_clock::now();
  EarlierYears earlier;
  LANTERN_RETURN_IF_ERROR(RunEarlierYears(options, out_dir, &earlier));
  Status st = RunWithEarlierYears(loaded_store, options, out_dir, earlier, report);
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return st;
}

namespace outcomes {

std::string SeventeenKey(const AggregateUnit& unit, int category) {
  const GeographyRow& g = unit.geography;
  return fmt::format("{}|{}|{}|{}|{}", GeographicLevelName(g.level), LocationBasisLabel(unit.basis),
                     g.region_code, g.old_la_code, category);
}

Status AddFrameworkMeasures(const Catalogue& catalogue, ComputeRequest* request) {
  const Family* movement = catalogue.FindFamily("movement");
  if (movement == nullptr) return Status::Internal("the movement family is not declared");
  std::set<size_t> wanted(request->indicators.begin(), request->indicators.end());
  wanted.insert(movement->indicators.begin(), movement->indicators.end());
  for (const Reader& r : FrameworkReaders(catalogue)) {
    wanted.insert(static_cast<size_t>(r.ind - catalogue.indicators().data()));
  }
  request->indicators.assign(wanted.begin(), wanted.end());
  request->extra.push_back(movement->row_count);
  for (const char* m : {"roll_y7_11", "unexplained_exits", "headcount", "susp", "perm_excl",
                        "exits", "ehe_exits"}) {
    if (auto ref = catalogue.FindMeasure(m)) request->extra.push_back(*ref);
  }
  request->intervals = true;
  return Status::Ok();
}

}  // namespace outcomes

namespace outcomes {

Status WriteFramework(const StoreState& st, const Policy& policy, const Catalogue& catalogue,
                      const Computation& c, const UserPlaces& places,
                      const PupilLevelOutcomesOptions& options, const std::string& out_dir,
                      OutcomesReport* report, const FrameworkShared& shared) {
  // The build's movement.csv has no places named by schools.
  const WrittenFile* movement_written =
      places.school_places.empty() ? shared.movement_written : nullptr;
  // Each half below times its own steps.
  using Steps = std::vector<std::pair<std::string, double>>;
  auto timer = [](Steps* steps) {
    return [steps, lap = std::chrono::steady_clock::now()](const char* name) mutable {
      const auto now = std::chrono::steady_clock::now();
      steps->emplace_back(name, std::chrono::duration<double>(now - lap).count());
      lap = now;
    };
  };
  const Family* movement = catalogue.FindFamily("movement");
  if (movement == nullptr) return Status::Internal("the movement family is not declared");
  std::vector<Reader> readers = FrameworkReaders(catalogue);
  const Cube& cube = c.cube;
  const DisclosureFlags& flags = c.flags;
  for (Reader& r : readers) {
    r.num = c.Index(r.ind->numerator);
    r.den = c.Index(r.ind->denominator);
    r.units = c.Index(r.ind->units);
    r.sq = c.Index(r.ind->sum_squares);
    r.cross = c.Index(r.ind->cross_products);
    r.den_sq = c.Index(r.ind->denominator_squares);
    const int hidden = c.Index(r.ind->hidden_with);
    r.hidden_slot = hidden < 0 ? -1 : flags.SlotOf(static_cast<size_t>(hidden));
    r.multiplier = r.ind->multiplier();
    r.scale = r.ind->numerator.decl().scale;
    r.num_quantity = r.ind->numerator.decl().quantity;
    r.absent = AbsentReason(st, catalogue.families()[r.ind->family].decl->id, r.measure);
    if (r.num < 0 || r.hidden_slot < 0) {
      return Status::Internal("local outcomes: the cube lacks " + std::string(r.ind->decl->id));
    }
  }

  auto reader_of = [&](std::string_view measure) -> const Reader* {
    for (const Reader& r : readers) {
      if (r.measure == measure) return &r;
    }
    return nullptr;
  };
  const Reader* neet16 = reader_of("NEET_not_known_16_percent");
  const Reader* neet17 = reader_of("NEET_not_known_17_percent");
  if (shared.seventeen != nullptr) shared.seventeen->time_period = st.year->TimePeriod();

  // Written into a staging folder, then moved into place together: a run
  // that fails leaves OUT as it was.
  std::vector<std::string> recycled = {"local_outcomes.csv",    "movement_flows.csv",
                                       "net_flows.csv",         "children_missing_education.csv",
                                       "unexplained_exits.csv", "trust_contribution.csv"};
  if (movement_written == nullptr) recycled.emplace_back(movement->decl->file);
  LANTERN_ASSIGN_OR_RETURN(auto out, StagedFolder::Open(out_dir, recycled));
  const std::string& dir = out->dir();
  const std::string period = st.year->TimePeriod();

  const PupilLevelContext ctx{st, policy, cube, flags, c, catalogue, period, options.threads};
  // Two halves side by side: the framework's rows and local_outcomes.csv;
  // and movement.csv, its flows between trusts, the case list (each on every
  // worker but the flows, a small table) and the other smaller files.
  Steps movement_steps, rows_steps;
  Status movement_status, rows_status;
  auto movement_half = [&]() -> Status {
    if (options.local_outcomes_only) return Status::Ok();
    auto step = timer(&movement_steps);
    if (movement_written != nullptr) {
      // The same file from the same computation: a second name for it.
      const std::string& from = movement_written->path;
      LANTERN_RETURN_IF_ERROR(out->Link(from, std::string(movement->decl->file)));
      const std::string meta = MetadataFileName(movement->decl->file);
      LANTERN_RETURN_IF_ERROR(out->Link(from.substr(0, from.rfind('/') + 1) + meta, meta));
      report->movement_rows = movement_written->rows;
    } else {
      // movement.csv: the movement family, by the one writer.
      OpenDataInput in;
      in.catalogue = &catalogue;
      in.family = movement;
      in.cube = &cube;
      in.measures = c.where.get();
      in.flags = &flags;
      in.state = &st;
      in.policy = &policy;
      in.time_period = period;
      in.threads = options.threads;
      for (const SchoolPlace& sp : places.school_places) {
        in.school_places.push_back({PlaceGeography(sp.code, sp.name), sp.schools});
      }
      OpenDataStats stats;
      LANTERN_RETURN_IF_ERROR(WriteOpenDataFile(in, dir, &stats));
      report->movement_rows = stats.rows;
    }
    step(movement_written != nullptr ? "movement.csv (the build's)" : "movement.csv");
    LANTERN_RETURN_IF_ERROR(WriteMovementFlows(ctx, dir, &report->movement_flow_rows));
    step("movement_flows.csv");
    LANTERN_RETURN_IF_ERROR(WriteCmeCases(ctx, dir, &report->cme_cases, &report->cme_open));
    step("children_missing_education.csv");
    LANTERN_RETURN_IF_ERROR(WriteUnexplainedExits(ctx, dir, &report->unexplained_exit_rows));
    step("unexplained_exits.csv");
    LANTERN_RETURN_IF_ERROR(WriteTrustContribution(ctx, dir, &report->trust_rows));
    step("trust_contribution.csv");
    LANTERN_RETURN_IF_ERROR(WriteNetFlows(ctx, dir, &report->net_flow_rows));
    step("net_flows.csv");
    return Status::Ok();
  };
  auto rows_half = [&]() -> Status {
    auto step = timer(&rows_steps);
    std::vector<int> groups;
    for (std::string_view g : kGroups) {
      if (auto cat = FindCategory(g)) groups.push_back(*cat);
    }
    // local_outcomes.csv
    std::vector<OutcomeRow> rows;
    // A unit's geography, shared by its rows.
    auto place_of = [](const AggregateUnit& unit) {
      return std::make_shared<const GeographyRow>(unit.geography);
    };
    auto label_of = [](int cat) {
      return std::pair{std::string(GroupTopics()[TopicOfCategory(cat)].label),
                       std::string(Category(cat).label)};
    };
    // A row of the period: a measure of a place, counted by `basis`.
    auto row_of = [&](std::shared_ptr<const GeographyRow> place, std::string measure,
                      std::string_view basis) {
      OutcomeRow row;
      row.time_period = period;
      row.time_identifier = "Academic year";
      row.place = std::move(place);
      row.measure = std::move(measure);
      row.location_basis = std::string(basis);
      return row;
    };
    for (size_t u = 0; u < cube.units().size(); ++u) {
      const AggregateUnit& unit = cube.units()[u];
      if (unit.geography.level == GeographicLevel::kMat) continue;
      auto place = place_of(unit);
      for (int cat : groups) {
        const int64_t* v = cube.Aggregate(u, kTotalType, cat);
        const int64_t flag_row =
            flags.RowOf(CubeCell{false, static_cast<uint32_t>(u), static_cast<uint8_t>(kTotalType),
                                 static_cast<uint16_t>(cat)});
        const auto [topic, group] = label_of(cat);
        for (const Reader& r : readers) {
          OutcomeRow row = row_of(place, r.measure, LocationBasisLabel(unit.basis));
          row.breakdown_topic = topic;
          row.breakdown = group;
          row.source = "store";
          row.figure = FigureOf(r, v, flags.HiddenAt(r.hidden_slot, flag_row));
          MarkAbsent(r, &row);
          rows.push_back(std::move(row));
        }
        if (neet17 != nullptr && shared.seventeen != nullptr && neet17->absent.empty()) {
          shared.seventeen->cells[SeventeenKey(unit, cat)] = {
              v[neet17->num], v[neet17->den], flags.HiddenAt(neet17->hidden_slot, flag_row)};
        }
        if (neet16 != nullptr && shared.year_before != nullptr) {
          OutcomeRow row = row_of(place, "NEET_not_known_percent", LocationBasisLabel(unit.basis));
          row.breakdown_topic = topic;
          row.breakdown = group;
          row.figure = TwoCohortsNeet(*neet16, v, flags.HiddenAt(neet16->hidden_slot, flag_row),
                                      *shared.year_before, SeventeenKey(unit, cat), cube.measures(),
                                      &row.source);
          rows.push_back(std::move(row));
        }
      }
    }
    // Places of schools: their school cells added up (the Total school
    // type, as for every unit), hidden as one linked table with the school
    // cells (suppress/school_sums.h).
    std::optional<SchoolUnits> school_units;
    if (!places.school_places.empty()) school_units.emplace(cube);
    for (const auto& sp : places.school_places) {
      auto place = std::make_shared<const GeographyRow>(PlaceGeography(sp.code, sp.name));
      std::vector<std::vector<int64_t>> sums(cube.measures());
      for (size_t m = 0; m < sums.size(); ++m) sums[m] = SchoolSums(cube, policy, sp.schools, m);
      PlaceSumsHidden hidden_by(*school_units, flags, policy, sp.schools);
      std::vector<int64_t> sum(cube.measures());
      for (int cat : groups) {
        const auto at = static_cast<size_t>(cat);  // kTotalType's cells come first
        for (size_t m = 0; m < sum.size(); ++m) sum[m] = sums[m][at];
        const auto [topic, group] = label_of(cat);
        for (const Reader& r : readers) {
          OutcomeRow row = row_of(place, r.measure, "School location");
          row.breakdown_topic = topic;
          row.breakdown = group;
          row.source = "store (the place's schools added up)";
          row.figure = FigureOf(r, sum.data(),
                                hidden_by.Of(static_cast<size_t>(c.Index(r.ind->hidden_with)))[at]);
          MarkAbsent(r, &row);
          rows.push_back(std::move(row));
        }
      }
    }
    // SEND timeliness from ehcp_requests.csv, by the LA each request was made
    // to (the child's home LA: the pupil-residence rows), the regions and
    // England adding up their LAs, and places their member LAs.
    const EhcpTimeliness ehcp = CountEhcpTimeliness(st, *st.year);
    auto ehcp_figure =
        [&](const AggregateUnit& unit) -> std::optional<std::pair<int64_t, int64_t>> {
      const GeographyRow& g = unit.geography;
      if (g.level == GeographicLevel::kNational) return ehcp.Sum([](const auto&) { return true; });
      if (unit.basis != LocationBasis::kResidence) return std::nullopt;
      if (g.level == GeographicLevel::kLocalAuthority) {
        const int la = std::atoi(g.old_la_code.c_str());
        return ehcp.Sum([&](const EhcpTimeliness::La& l) { return l.la == la; });
      }
      if (g.level == GeographicLevel::kRegional) {
        return ehcp.Sum(
            [&](const EhcpTimeliness::La& l) { return l.region_code == g.region_code; });
      }
      if (g.level == GeographicLevel::kPlace) {
        std::set<int> las;
        for (int m : unit.members) {
          las.insert(std::atoi(cube.units()[static_cast<size_t>(m)].geography.old_la_code.c_str()));
        }
        return ehcp.Sum([&](const EhcpTimeliness::La& l) { return las.count(l.la) > 0; });
      }
      return std::nullopt;
    };
    // Measures the store cannot give (yet): x with the reason, never a silent
    // zero.
    for (size_t u = 0; u < cube.units().size(); ++u) {
      const AggregateUnit& unit = cube.units()[u];
      if (unit.geography.level == GeographicLevel::kMat) continue;
      auto place = place_of(unit);
      if (ehcp.requests > 0) {
        OutcomeRow row = row_of(place, "ehcp_20_week_pupil_level", LocationBasisLabel(unit.basis));
        if (auto f = ehcp_figure(unit)) {
          row.source =
              "ehcp_requests.csv: plans issued in the year within 20 weeks (140 days) of the "
              "request, of those issued in the year with no exception";
          row.figure =
              ProportionFigure(static_cast<double>(f->first), static_cast<double>(f->second));
          if (IsDisclosive(f->first, policy.suppress_below) ||
              IsDisclosive(f->second, policy.suppress_below)) {
            row.figure = SymbolFigure(GssSymbol::kSuppressed);
          }
        } else {
          row.source = "by the LA the request was made to: see the pupil-residence rows";
          row.figure = SymbolFigure(GssSymbol::kNotApplicable);
        }
        rows.push_back(std::move(row));
      }
      std::vector<std::pair<const char*, const char*>> missing;
      if (shared.year_before == nullptr) {
        missing.push_back(
            {"NEET_not_known_percent",
             "the winter's 16 and 17 year olds are two years' leavers: this store's at 16 "
             "(NEET_not_known_16_percent) and the year before's at 17; add the year before's "
             "store (--earlier-store, or lantern serve --previous-store) for this figure"});
      }
      if (ehcp.requests == 0) {
        missing.push_back({"ehcp_20_week_pupil_level",
                           "no EHC needs assessment requests in the store (ehcp_requests.csv)"});
      }
      if (st.voice_respondents.size() == 0) {
        missing.push_back({"pupil_wellbeing_percent", "no pupil voice in the store"});
      }
      for (const auto& [measure, why] : missing) {
        OutcomeRow row = row_of(place, measure, LocationBasisLabel(unit.basis));
        row.source = why;
        row.figure = SymbolFigure(GssSymbol::kNotAvailable);
        rows.push_back(std::move(row));
      }
    }
    // Wellbeing from the store's pupil voice (docs/pupil-voice.md): each LA's,
    // region's and England's share on the declared item, as the voice report
    // publishes it (c where its disclosure pass hides the share: fewer than 30
    // respondents or 3 schools, or a share that would give a small count).
    std::string notes;
    if (st.voice_respondents.size() > 0) {
      Status vs = AddWellbeingRows(st, policy, options.threads, period, &rows);
      if (!vs.ok()) notes += "pupil wellbeing not computed: " + vs.ToString() + "\n";
    }
    // England only from a store that covers it (voice::StoreCoversEngland, as
    // the voice report): the whole of a store of one LA or one region is not
    // England, so it has no England row and its places no England
    // comparator (x), rather than being set beside themselves.
    if (!voice::StoreCoversEngland(st)) {
      std::erase_if(rows, [](const OutcomeRow& r) {
        return r.geography().level == GeographicLevel::kNational;
      });
      notes +=
          "no England rows or comparators: the store does not cover England's nine regions (the "
          "published England figures are in lantern outcomes --open-data)\n";
    }
    NeighbourMap neighbours;
    if (!options.real_data_dir.empty())
      CollectNeighbours(options.real_data_dir, &neighbours, &notes);
    AddComparators(rows, neighbours);
    {
      std::set<std::string> place_ids, measures;
      for (const OutcomeRow& r : rows) {
        place_ids.insert(std::string(GeographicLevelName(r.geography().level)) + r.location_basis +
                         r.geography().region_code + r.geography().old_la_code);
        measures.insert(r.measure);
      }
      report->rows = rows.size();
      report->places = place_ids.size();
      report->periods = 1;
      report->measures = measures.size();
    }
    step("local_outcomes rows");
    LANTERN_RETURN_IF_ERROR(WriteLocalOutcomes(rows, dir));
    // The earlier years' rows after this year's (each year's file has the
    // same columns: one writer), in the same staged file.
    if (shared.earlier_rows != nullptr) {
      for (const std::string& text : *shared.earlier_rows) {
        LANTERN_RETURN_IF_ERROR(AppendToFile(dir + "/local_outcomes.csv", text));
        report->rows += static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
        if (!text.empty()) ++report->periods;
      }
    }
    step("local_outcomes.csv");
    report->notes = notes;
    return Status::Ok();
  };
  Steps files;
  auto step = timer(&files);
  ParallelInvoke(
      ResolveThreads(options.threads), [&] { movement_status = movement_half(); },
      [&] { rows_status = rows_half(); });
  LANTERN_RETURN_IF_ERROR(movement_status);
  LANTERN_RETURN_IF_ERROR(rows_status);
  LANTERN_RETURN_IF_ERROR(out->Commit());
  step("files");
  report->steps.push_back(files.front());
  report->lanes = {std::move(movement_steps), std::move(rows_steps)};
  return Status::Ok();
}

}  // namespace outcomes

}  // namespace lantern
