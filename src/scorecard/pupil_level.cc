// Pupil-level mode of the scorecard: a ScorecardInput from a store, read
// from the engine's one computation (compute/compute.h: the fact grains,
// the cube and the disclosure pass) for the scorecard's indicators of the
// catalogue, so every figure is the same figure the build publishes (absence
// and suspensions are the attendance and suspensions families' own), and is
// hidden where the build's files hide it. docs/scorecard.md ("Pupil-level
// mode") states every definition; the measures are declared in
// derive/*_facts.cc.
//
// Comparators are honest about what the store holds: when the store does not
// cover England, the England figures and the similar-school groups are the
// Department's published figures for the same year (the open-data mode's),
// labelled as published; where none is published the comparator is absent
// with the reason, never the store's own schools under a bigger name.
#include "scorecard/pupil_level.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "aggregate/groups.h"
#include "common/parallel.h"
#include "compute/compute.h"
#include "reference/real_data.h"
#include "stats/intervals.h"
#include "store/loaded_store.h"
#include "voice/catalogue.h"
#include "voice/report.h"

namespace lantern {
namespace {

ScorecardPhase PhaseOf(SchoolPhaseCode p) {
  switch (SchoolTypeOf(p)) {
    case SchoolType::kPrimary:
      return ScorecardPhase::kPrimary;
    case SchoolType::kSecondary:
      return ScorecardPhase::kSecondary;
    case SchoolType::kSpecial:
      return ScorecardPhase::kSpecial;
    case SchoolType::kPupilReferralUnit:
      return ScorecardPhase::kAlternativeProvision;
    case SchoolType::kNursery:
      return ScorecardPhase::kNursery;
  }
  return ScorecardPhase::kOther;
}

Status SetReasonsAndNotes(ScorecardInput* in) {
  const auto& reg = ScorecardIndicators();
  in->unavailable_reason.assign(reg.size(), "");
  in->indicator_notes.assign(reg.size(), "");
  Status status;
  auto set = [&](std::vector<std::string>& list, const char* id, const char* text) {
    auto i = ScorecardIndicatorIndex(id);
    if (!i.ok()) {
      if (status.ok()) status = i.status();
      return;
    }
    list[*i] = text;
  };
  auto reason = [&](const char* id, const char* text) { set(in->unavailable_reason, id, text); };
  auto note = [&](const char* id, const char* text) { set(in->indicator_notes, id, text); };
  const char* kKs4 =
      "Key stage 4 results are not held in the pupil-level store (it holds no "
      "examination entries or grades).";
  reason("attainment8", kKs4);
  reason("progress8", kKs4);
  reason("basics_94_percent", kKs4);
  reason("sustained_destination_percent",
         "Destinations come from matched post-16 data (NPD, ILR, HMRC/DWP) that the "
         "pupil-level store does not hold.");
  reason("recognition_rate",
         "Recognition and praise are recorded only in schools' own systems; the store holds "
         "no such records.");
  reason("pupil_wellbeing_percent",
         "No pupil voice answers to the wellbeing item (calm, version 1: \"I feel calm and "
         "settled\") from this school in the store (docs/pupil-voice.md).");
  reason("ks2_prior_attainment", "No pupil on roll on census day has a KS2 scaled score.");
  reason("sess_overall_percent", "No enrolment of a pupil aged 5 to 15 with a possible session.");
  reason("enrolments_pa_10_exact_percent",
         "No enrolment of a pupil aged 5 to 15 with a possible session.");

  note("pupils_on_roll",
       "Pupil-level: current and main registrations on roll on the January census day.");
  note("mobility_percent",
       "Pupil-level: pupils with a registration that began in the year after the usual entry "
       "window (by 30 September) or ended in the year other than at the end of a phase or of "
       "the summer term.");
  note("ks2_prior_attainment",
       "Pupil-level: mean of each pupil's KS2 reading and maths scaled scores (the one present "
       "when only one is), pupils on roll on census day; SD over those pupils.");
  note("sess_overall_percent",
       "Pupil-level: the attendance family's figure (as `lantern build`); n is the number of "
       "enrolments and the interval uses the enrolment-clustered (linearised ratio) standard "
       "error.");
  note("enrolments_pa_10_exact_percent",
       "Pupil-level: the attendance family's figure (enrolments).");
  note("one_plus_susp_rate",
       "Pupil-level: pupils suspended at least once in the year at the school over the census "
       "headcount (as the Department), capped at the headcount for the comparison.");
  note("managed_move_rate",
       "Pupil-level: registrations that ended in the year with leaving reason managed_move.");
  note("off_site_direction_rate",
       "Pupil-level: AP placements started in the year on the basis off_site_direction.");
  note("left_roll_percent",
       "Pupil-level: pupils whose latest registration at the school ended in the year other "
       "than at the end of a phase or of the summer term, to any destination.");
  note("reintegration_percent",
       "Pupil-level: an ended AP placement or unit spell counts as a return when the pupil is on "
       "the school's roll the next day, is in no other placement or spell of the school that "
       "day, and no other outcome than reintegrated was recorded.");
  note("ap_hours_per_week",
       "Pupil-level: per placed pupil, the mean hours per week over their placements running in "
       "the year.");
  return status;
}

// One scorecard indicator as the loader reads it from the cube.
struct Reading {
  const Indicator* ind = nullptr;
  uint16_t index = 0;  // into ScorecardIndicators()
  int num = -1, den = -1, units = -1, sq = -1, cross = -1, den_sq = -1;
  int num_category = -1;
  int hidden_slot = -1, den_slot = -1;  // disclosure slots
  std::vector<int> breakdowns;          // cube indices
  std::vector<int> breakdown_slots;     // their disclosure slots
};

// The published figures the store's schools are compared with when it does
// not cover England: the open-data input's schools as references, LAIT's LA
// and England figures. Returns the note saying so, or the reason there are
// none ("" when the store covers England).
std::string AddPublishedComparators(const StoreState& st, const std::string& real_data_dir,
                                    int threads, const Policy& policy, ScorecardInput* in) {
  std::set<int> store_las;
  for (int16_t la : st.schools.la_code) store_las.insert(la);
  auto dir = FindRealDataDir(real_data_dir);
  if (!dir.ok()) {
    in->pool_england = in->pool_similar = in->pool_la = false;
    return fmt::format(
        "the store covers {} local authorities, not England, and the published figures "
        "(../shared/data/real) were not found",
        store_las.size());
  }
  auto published = LoadOpenDataScorecardInput(*dir, threads, policy.suppress_below);
  if (!published.ok()) {
    in->pool_england = in->pool_similar = in->pool_la = false;
    return "the published figures could not be read: " + published.status().ToString();
  }
  size_t england_las = 0, covered = 0;
  for (const auto& la : published->local_authorities) {
    if (la.new_la_code.rfind("E", 0) != 0) continue;
    ++england_las;
    covered += store_las.count(la.la_code);
  }
  if (england_las > 0 && covered == england_las) return "";  // the store covers England
  if (published->time_period != in->time_period) {
    in->pool_england = in->pool_similar = in->pool_la = false;
    return fmt::format(
        "the store covers {} of {} local authorities, and the published figures are for {}, "
        "not the store's year",
        covered, england_las, AcademicYear::Parse(published->time_period)->Label());
  }
  // The published schools join as references: compared with, never scored.
  const uint32_t offset = static_cast<uint32_t>(in->schools.size());
  for (ScorecardSchool& s : published->schools) {
    s.reference = true;
    in->schools.push_back(std::move(s));
  }
  for (IndicatorObservation& o : published->observations) {
    o.school += offset;
    in->observations.push_back(o);
  }
  in->area_values = std::move(published->area_values);
  std::map<int, ScorecardLocalAuthority> las;
  for (auto& la : in->local_authorities) las[la.la_code] = la;
  for (auto& la : published->local_authorities) las.emplace(la.la_code, la);
  in->local_authorities.clear();
  for (auto& [code, la] : las) in->local_authorities.push_back(la);
  return fmt::format(
      "the store covers {} of {} local authorities, so similar schools and England are the "
      "Department's published {} figures",
      covered, england_las, AcademicYear::Parse(in->time_period)->Label());
}

// The wellbeing slot from the store's pupil voice (docs/pupil-voice.md):
// at each school, the share of the latest wave's answers to the declared
// wellbeing item in its declared positive categories, of those who gave an
// answer ("prefer not to say" and "not answered" apart), as the one voice
// report publishes it after its disclosure pass (a school's base under the
// policy's threshold, or a hidden share, is c). No voice in the store leaves
// the slot x with its reason.
Status AddWellbeingFromVoice(const StoreState& st, const Policy& policy, int threads,
                             ScorecardInput* in) {
  if (st.voice_respondents.size() == 0) return Status::Ok();
  LANTERN_ASSIGN_OR_RETURN(const size_t slot, ScorecardIndicatorIndex("pupil_wellbeing_percent"));
  LANTERN_ASSIGN_OR_RETURN(voice::WellbeingShares wellbeing,
                           voice::MakeWellbeingShares(st, policy, threads));
  std::map<int32_t, uint32_t> school_of_urn;
  for (size_t i = 0; i < in->schools.size(); ++i) {
    school_of_urn[in->schools[i].urn] = static_cast<uint32_t>(i);
  }
  for (const voice::WellbeingShare& w : wellbeing.shares) {
    const voice::VoiceDistribution& d = wellbeing.report.distributions[w.distribution];
    const voice::VoiceUnit& u = wellbeing.report.units[d.unit];
    if (!u.school) continue;
    auto it = school_of_urn.find(std::atoi(u.geography.school_urn.c_str()));
    if (it == school_of_urn.end()) continue;
    IndicatorObservation o;
    o.school = it->second;
    o.indicator = static_cast<uint16_t>(slot);
    o.numerator = static_cast<double>(w.positive);
    o.denominator = static_cast<double>(w.answered);
    o.suppressed = d.base_hidden || d.share_hidden || !d.withheld.empty();
    o.denominator_suppressed = d.base_hidden || !d.withheld.empty();
    in->observations.push_back(o);
  }
  return Status::Ok();
}

}  // namespace

Result<ScorecardInput> PupilLevelScorecardInputFromState(const StoreState& st, const Store* store,
                                                         const Policy& policy, int threads,
                                                         const std::string& real_data_dir) {
  if (!st.year) {
    return Status::FailedPrecondition("the store has no attendance marks yet, so no academic year");
  }
  threads = ResolveThreads(threads);
  LANTERN_ASSIGN_OR_RETURN(const Catalogue* catalogue, DefaultCatalogue());
  const AcademicYear year = *st.year;

  // The computation for every scorecard indicator the store holds.
  ComputeRequest request;
  request.state = &st;
  request.store = store;
  request.policy = &policy;
  request.catalogue = catalogue;
  request.threads = threads;
  for (size_t i : catalogue->scorecard()) {
    if (catalogue->indicators()[i].numerator.ok()) request.indicators.push_back(i);
  }
  const MeasureRef on_roll = *catalogue->FindMeasure("on_roll_year");
  const MeasureRef enrolments = *catalogue->FindMeasure("enrolments");
  request.extra = {on_roll, enrolments};
  LANTERN_ASSIGN_OR_RETURN(Computation c, Compute(request));
  const Cube& cube = c.cube;
  const DisclosureFlags& flags = c.flags;

  std::vector<Reading> readings;
  for (size_t k = 0; k < catalogue->scorecard().size(); ++k) {
    const Indicator& ind = catalogue->indicators()[catalogue->scorecard()[k]];
    Reading r;
    r.ind = &ind;
    r.index = static_cast<uint16_t>(k);
    if (ind.numerator.ok()) {
      r.num = c.Index(ind.numerator);
      r.num_category = ind.numerator.category;
      r.den = c.Index(ind.denominator);
      r.units = c.Index(ind.units);
      r.sq = c.Index(ind.sum_squares);
      r.cross = c.Index(ind.cross_products);
      r.den_sq = c.Index(ind.denominator_squares);
      r.hidden_slot = flags.SlotOf(static_cast<size_t>(c.Index(ind.hidden_with)));
      // The denominator as people: the units of a ratio, or the denominator.
      const MeasureRef& people = ind.units.ok() ? ind.units : ind.denominator;
      if (people.ok() && people.decl().disclosure_controlled()) {
        r.den_slot = flags.SlotOf(static_cast<size_t>(c.Index(people)));
      }
      for (const MeasureRef& b : ind.breakdowns) {
        r.breakdowns.push_back(c.Index(b));
        r.breakdown_slots.push_back(flags.SlotOf(static_cast<size_t>(c.Index(b))));
      }
    }
    readings.push_back(std::move(r));
  }
  const int m_on_roll = c.Index(on_roll), m_enrolments = c.Index(enrolments);

  ScorecardInput in;
  in.mode = "pupil-level";
  in.time_period = year.TimePeriod();
  in.sources = fmt::format(
      "Pupil-level records in a Lantern store, academic year {} (roll, attendance marks, "
      "suspensions and exclusions, alternative provision placements and internal-unit spells); "
      "census day {}.",
      year.Label(), FormatIsoDate(policy.JanuaryCensusDay(year)));
  LANTERN_RETURN_IF_ERROR(SetReasonsAndNotes(&in));
  for (size_t i = 0; i < st.local_authorities.size(); ++i) {
    in.local_authorities.push_back(
        {st.local_authorities.old_la_code[i], st.local_authorities.new_la_code[i],
         st.local_authorities.la_name[i], st.local_authorities.region_code[i],
         st.local_authorities.region_name[i]});
  }
  std::map<std::string, std::string> trust_names;
  for (size_t i = 0; i < st.trusts.size(); ++i) {
    trust_names[st.trusts.trust_id[i]] = st.trusts.trust_name[i];
  }
  in.breakdowns = {"Total"};
  for (const Reading& r : readings) {
    for (const ScorecardBreakdown& b : r.ind->decl->scorecard->breakdowns) {
      if (std::find(in.breakdowns.begin(), in.breakdowns.end(), b.label) == in.breakdowns.end()) {
        in.breakdowns.push_back(b.label);
      }
    }
  }
  auto breakdown_index = [&](const std::string& label) {
    return static_cast<uint16_t>(std::find(in.breakdowns.begin(), in.breakdowns.end(), label) -
                                 in.breakdowns.begin());
  };

  // Schools in URN order; those with nobody on roll in the year are left out.
  const SchoolTable& schools = st.schools;
  std::vector<uint32_t> order(schools.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return schools.urn[a] < schools.urn[b]; });
  std::vector<int64_t> v(cube.measures()), fixed(cube.measures());
  const auto& groups = ScorecardPupilGroups();
  for (uint32_t s : order) {
    if (cube.SchoolValue(s, kTotalCategory, static_cast<size_t>(m_on_roll)) == 0 &&
        cube.SchoolValue(s, kTotalCategory, static_cast<size_t>(m_enrolments)) == 0) {
      continue;
    }
    const uint32_t si = static_cast<uint32_t>(in.schools.size());
    const auto phase_code = static_cast<SchoolPhaseCode>(schools.phase[s]);
    ScorecardSchool sc;
    sc.urn = schools.urn[s];
    sc.name = schools.name[s];
    sc.la_code = schools.la_code[s];
    sc.laestab = fmt::format("{:03d}{:04d}", schools.la_code[s], schools.estab[s]);
    sc.trust_id = schools.trust_id[s];
    if (auto it = trust_names.find(sc.trust_id); it != trust_names.end()) {
      sc.trust_name = it->second;
    }
    sc.phase = PhaseOf(phase_code);
    sc.type_label = std::string(SchoolTypeLabel(SchoolTypeOf(phase_code)));
    if (!schools.type[s].empty()) sc.type_label += " (" + schools.type[s] + ")";
    const ScorecardPhase ph = sc.phase;
    in.schools.push_back(std::move(sc));
    const bool primary_like = ph == ScorecardPhase::kPrimary || ph == ScorecardPhase::kNursery;
    const bool absence_school = cube.school_type(s) >= 0;

    for (const Reading& r : readings) {
      const IndicatorDecl& d = *r.ind->decl;
      auto obs = [&](PupilGroup group, uint16_t breakdown) {
        IndicatorObservation o;
        o.school = si;
        o.indicator = r.index;
        o.group = group;
        o.breakdown = breakdown;
        in.observations.push_back(o);
        return &in.observations.back();
      };
      // What a phase does not have (declared beside the indicator): KS2
      // intake and KS4 at primary and nursery schools, absence at nursery
      // schools (outside the absence statistics).
      if ((primary_like && d.scorecard->not_at_primary) ||
          (!absence_school && d.scorecard->not_at_nursery)) {
        obs(kAllPupils, 0)->availability = Availability::kNotApplicable;
        continue;
      }
      if (r.num < 0) continue;  // not held in the store: x, with the reason
      for (PupilGroup g : groups) {
        const bool all = g == kAllPupils;
        // A count, and a share of the school's pupils in a group (the share
        // of FSM pupils among FSM pupils says nothing), for all pupils only.
        if ((r.num_category >= 0 || d.kind == IndicatorKind::kCount) && !all) continue;
        cube.SchoolValues(s, g.category, v.data());
        const int64_t* nv = v.data();
        if (r.num_category >= 0) {
          cube.SchoolValues(s, r.num_category, fixed.data());
          nv = fixed.data();
        }
        const int64_t row = flags.RowOf({true, s, 0, g.category});
        const int64_t num_row =
            r.num_category >= 0 ? flags.RowOf({true, s, 0, static_cast<uint16_t>(r.num_category)})
                                : row;
        const bool den_hidden = flags.HiddenAt(r.den_slot, row);
        const bool hidden = flags.HiddenAt(r.hidden_slot, num_row) || den_hidden;
        const int64_t num = nv[r.num];
        const int64_t den = r.den >= 0 ? v[r.den] : 0;
        const int64_t units = r.units >= 0 ? v[r.units] : den;
        const int64_t scale = r.ind->numerator.decl().scale;
        switch (CompareAsOf(d.kind)) {
          case CompareAs::kCount: {
            IndicatorObservation* o = obs(g, 0);
            o->numerator = static_cast<double>(num);
            o->suppressed = o->denominator_suppressed = hidden;
            break;
          }
          case CompareAs::kProportion:
          case CompareAs::kRate: {
            if (!all && den <= 0) break;  // nobody in the group
            IndicatorObservation* o = obs(g, 0);
            // A pupil suspended before leaving counts, so pupils suspended
            // can exceed the census headcount in a tiny group: capped for
            // the comparison (a proportion).
            o->numerator =
                static_cast<double>(d.kind == IndicatorKind::kPercent && num > den ? den : num);
            o->denominator = static_cast<double>(den);
            o->suppressed = hidden;
            o->denominator_suppressed = den_hidden;
            for (size_t b = 0; all && b < r.breakdowns.size(); ++b) {
              IndicatorObservation* ob = obs(g, breakdown_index(d.scorecard->breakdowns[b].label));
              ob->numerator = static_cast<double>(v[r.breakdowns[b]]);
              ob->denominator = static_cast<double>(den);
              ob->suppressed = flags.HiddenAt(r.breakdown_slots[b], row) || den_hidden;
              ob->denominator_suppressed = den_hidden;
            }
            break;
          }
          case CompareAs::kMean: {
            if (units <= 0) {
              // Nobody to average over: z for all pupils (as the build
              // writes a zero denominator), no row for a group.
              if (all) obs(g, 0)->denominator = 0;
              break;
            }
            IndicatorObservation* o = obs(g, 0);
            o->denominator = static_cast<double>(units);
            o->suppressed = hidden;
            o->denominator_suppressed = den_hidden;
            if (d.kind == IndicatorKind::kRatio) {
              // 100 x sum / sum, with the linearised (enrolment-clustered)
              // standard error; sd is chosen so that sd / sqrt(n) is it.
              o->mean = den > 0 ? 100.0 * static_cast<double>(num) / static_cast<double>(den) : 0;
              if (units > 1 && den > 0 && r.sq >= 0) {
                const double se = 100 * stats::RatioStandardError(units, num, den, v[r.sq],
                                                                  v[r.cross], v[r.den_sq]);
                o->sd = static_cast<float>(se * std::sqrt(static_cast<double>(units)));
              }
            } else {
              const double n = static_cast<double>(units), sum = static_cast<double>(num);
              const double sc = static_cast<double>(scale);
              o->mean = sum / n / sc;
              if (units > 1 && r.sq >= 0) {
                const double sum2 = static_cast<double>(v[r.sq]);
                const double var = std::max(0.0, (sum2 - sum * sum / n) / (n - 1));
                o->sd = static_cast<float>(std::sqrt(var) / sc);
              }
            }
            break;
          }
        }
      }
    }
  }
  if (Status vs = AddWellbeingFromVoice(st, policy, threads, &in); !vs.ok()) {
    // The rest of the scorecard stands; the slot says why it is x.
    if (auto slot = ScorecardIndicatorIndex("pupil_wellbeing_percent"); slot.ok()) {
      in.unavailable_reason[*slot] =
          "The pupil voice figures could not be computed: " + vs.ToString();
    }
  }
  in.comparator_note = AddPublishedComparators(st, real_data_dir, threads, policy, &in);
  return in;
}

Result<ScorecardInput> LoadPupilLevelScorecardInput(const std::string& store_dir,
                                                    const PupilLevelOptions& options) {
  LANTERN_ASSIGN_OR_RETURN(auto loaded, LoadedStore::Open(store_dir, options.threads));
  return LoadPupilLevelScorecardInput(*loaded, options);
}

Result<ScorecardInput> LoadPupilLevelScorecardInput(const LoadedStore& store,
                                                    const PupilLevelOptions& options) {
  LANTERN_ASSIGN_OR_RETURN(Policy policy, LoadPolicyOrDefault(options.policy_file));
  return PupilLevelScorecardInputFromState(store.impl().state, store.impl().store.get(), policy,
                                           options.threads, options.real_data_dir);
}

Status RunPupilLevelScorecard(const std::string& store_dir, const PupilLevelOptions& pupil_level,
                              const ScorecardRunOptions& options, ScorecardReport* report) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  const auto t0 = Clock::now();
  PupilLevelOptions pl = pupil_level;
  if (pl.threads == 0) pl.threads = options.output.threads;
  LANTERN_ASSIGN_OR_RETURN(ScorecardInput input, LoadPupilLevelScorecardInput(store_dir, pl));
  const auto t1 = Clock::now();
  ScorecardOptions engine = options.engine;
  if (engine.threads == 0) engine.threads = options.output.threads;
  LANTERN_ASSIGN_OR_RETURN(Scorecard sc, Scorecard::Build(input, engine));
  const auto t2 = Clock::now();
  ScorecardReport local;
  ScorecardReport* r = report != nullptr ? report : &local;
  LANTERN_RETURN_IF_ERROR(WriteScorecardOutputs(sc, options.output, r));
  r->seconds_load = seconds(t0, t1);
  r->seconds_build = seconds(t1, t2);
  r->seconds = seconds(t0, Clock::now());
  return Status::Ok();
}

}  // namespace lantern
