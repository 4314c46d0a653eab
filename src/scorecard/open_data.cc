// Open-data mode: fills a ScorecardInput from the Department's published
// files in the real-data folder (docs/scorecard.md, "Open-data mode"):
//   perf_tables_2019_census_school    context (January 2019 census)
//   perf_tables_2019_absence_school   overall and persistent absence 2018/19
//   perf_tables_2019_ks4_provisional  Attainment 8, Progress 8 (+ CI), basics
//   perf_tables_ks4_destinations      sustained destinations (+ disadvantaged)
//   lait_la_indicators                LA and England comparators for 2018/19
//   EES files (geography.h)           LA names, GSS codes and regions
// Published symbols are no value, so the indicator is x for that school,
// never zero. What the files do not hold at all is x with a reason.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "common/date.h"
#include "common/parallel.h"
#include "indicators/catalogue.h"
#include "lantern/scorecard.h"
#include "reference/geography.h"
#include "reference/lait.h"
#include "reference/school_frame.h"
#include "stats/distributions.h"
#include "suppress/disclosure.h"

namespace lantern {
namespace {

ScorecardPhase PhaseOf(SchoolPhase p) {
  switch (p) {
    case SchoolPhase::kPrimary:
      return ScorecardPhase::kPrimary;
    case SchoolPhase::kSecondary:
      return ScorecardPhase::kSecondary;
    case SchoolPhase::kSpecial:
      return ScorecardPhase::kSpecial;
    case SchoolPhase::kPupilReferralUnit:
      return ScorecardPhase::kAlternativeProvision;
    case SchoolPhase::kNursery:
      return ScorecardPhase::kNursery;
    default:
      return ScorecardPhase::kOther;
  }
}

// The pupil-level SD of absence rates implied by a phase's overall absence
// rate m (percent) and persistent-absence share pa (percent), if pupils'
// absence rates followed a gamma distribution: the shape k with
// P(X >= 10) = pa when the mean is m, and SD = m / sqrt(k). (2018/19: about
// 4 for primary, 4.3 for secondary, 18 for special schools.) The published
// files give no pupil-level spread, so this is the documented approximation
// behind the open-data absence interval (docs/scorecard.md).
double GammaImpliedSd(double m, double pa) {
  if (!(m > 0) || !(pa > 0 && pa < 100)) return std::nan("");
  const double target = pa / 100;
  auto share = [&](double k) { return stats::GammaQ(k, 10 * k / m); };
  // Where two shapes fit (the share at or above 10% first rises, then falls,
  // as k shrinks), take the larger k: the distribution with its bulk near the
  // mean rather than at zero. Scan down from k = 200, then bisect.
  double hi = 200, lo = hi;
  bool found = false;
  for (int i = 1; i <= 2000 && !found; ++i) {
    lo = 200 * std::pow(1e-4, i / 2000.0);
    if (share(lo) >= target)
      found = true;
    else
      hi = lo;
  }
  if (!found) return std::nan("");
  for (int i = 0; i < 60; ++i) {
    const double mid = std::sqrt(lo * hi);
    if (share(mid) >= target)
      lo = mid;
    else
      hi = mid;
  }
  return m / std::sqrt(lo);
}

struct LaitMeasure {
  const char* indicator;
  ScorecardPhase phase;
  const char* measure;
};

// LAIT measures that are the LA and England figure of an indicator for one
// phase, 2018/19 (lait_data_dictionary.csv).
const LaitMeasure kLaitMeasures[] = {
    {"sess_overall_percent", ScorecardPhase::kPrimary, "PriTotAbs"},
    {"sess_overall_percent", ScorecardPhase::kSecondary, "SecTotAbs"},
    {"sess_overall_percent", ScorecardPhase::kSpecial, "total_absence_special"},
    {"enrolments_pa_10_exact_percent", ScorecardPhase::kPrimary, "SFPriPerAbNew"},
    {"enrolments_pa_10_exact_percent", ScorecardPhase::kSecondary, "SFSecPerAbNew"},
    {"enrolments_pa_10_exact_percent", ScorecardPhase::kSpecial, "SpecPerAbNew"},
    {"susp_rate", ScorecardPhase::kPrimary, "PriFixedEx"},
    {"susp_rate", ScorecardPhase::kSecondary, "SecFixedEx"},
    {"susp_rate", ScorecardPhase::kSpecial, "SpecFixedEx"},
    {"one_plus_susp_rate", ScorecardPhase::kPrimary, "Pri_ Pup_FixedEx"},
    {"one_plus_susp_rate", ScorecardPhase::kSecondary, "Sec_ Pup_FixedEx"},
    {"one_plus_susp_rate", ScorecardPhase::kSpecial, "Spec_ Pup_FixedEx"},
    {"perm_excl_rate", ScorecardPhase::kPrimary, "PriPermEx"},
    {"perm_excl_rate", ScorecardPhase::kSecondary, "SecPermEx"},
    {"perm_excl_rate", ScorecardPhase::kSpecial, "SpecPermEx"},
    {"attainment8", ScorecardPhase::kSecondary, "AVG_Attain8_Score"},
    {"progress8", ScorecardPhase::kSecondary, "AVG_Prog8_Score"},
    {"basics_94_percent", ScorecardPhase::kSecondary, "EngMaths9-4"},
    {"sen_support_percent", ScorecardPhase::kPrimary, "PrimNoStatements"},
    {"sen_support_percent", ScorecardPhase::kSecondary, "SecNoStatements"},
    {"ehcp_percent", ScorecardPhase::kPrimary, "PrimStatements"},
    {"ehcp_percent", ScorecardPhase::kSecondary, "SecStatements"},
    {"fsm_percent", ScorecardPhase::kPrimary, "PriFSM"},
    {"fsm_percent", ScorecardPhase::kSecondary, "SecFSM"},
    {"disadvantaged_percent", ScorecardPhase::kPrimary, "Ever6_FSM_Prim"},
    {"disadvantaged_percent", ScorecardPhase::kSecondary, "Ever6_FSM_Sec"},
};

// Disclosure control of what this mode shows (definitions.md 9), with the
// policy's threshold: the Department's published counts are re-checked as
// Lantern checks its own. A count of pupils of 1 or 2 (a numerator or
// denominator, or a numerator reconstructed from a percentage, rounded) is c
// with what it reveals, and within each school a group's complement too, so
// a hidden group cannot be got from all pupils minus the others. The
// published files hold only the disadvantaged / not disadvantaged pair.
void ApplyPublishedDisclosure(ScorecardInput* in, int threshold) {
  const auto& reg = ScorecardIndicators();
  for (IndicatorObservation& o : in->observations) {
    if (o.availability != Availability::kAvailable) continue;
    const int64_t num = std::llround(o.numerator), den = std::llround(o.denominator);
    switch (CompareAsOf(reg[o.indicator].kind)) {
      case CompareAs::kCount:
        o.suppressed = o.denominator_suppressed = IsDisclosive(num, threshold);
        break;
      case CompareAs::kProportion:
      case CompareAs::kRate:
        o.denominator_suppressed = IsDisclosive(den, threshold);
        o.suppressed = o.denominator_suppressed || IsDisclosive(num, threshold);
        break;
      case CompareAs::kMean:
        o.suppressed = o.denominator_suppressed = IsDisclosive(den, threshold);
        break;
    }
  }
  // Complementary groups of one school, indicator and breakdown.
  std::map<std::tuple<uint32_t, uint16_t, uint16_t>, std::vector<IndicatorObservation*>> sets;
  for (IndicatorObservation& o : in->observations) {
    if (o.availability != Availability::kAvailable || o.group == kAllPupils) continue;
    sets[{o.school, o.indicator, o.breakdown}].push_back(&o);
  }
  for (auto& [key, members] : sets) {
    if (members.size() < 2) continue;
    std::vector<int64_t> dens, nums;
    for (auto* m : members) {
      dens.push_back(m->denominator_suppressed ? 1 : std::llround(m->denominator));
      nums.push_back(m->suppressed ? 1 : std::llround(m->numerator));
    }
    auto d = ChooseSuppression(dens, threshold, true);
    for (size_t k = 0; k < members.size(); ++k) {
      if (d[k]) members[k]->denominator_suppressed = members[k]->suppressed = true;
    }
    if (CompareAsOf(reg[std::get<1>(key)].kind) != CompareAs::kMean) {
      auto n = ChooseSuppression(nums, threshold, true);
      for (size_t k = 0; k < members.size(); ++k) {
        if (n[k]) members[k]->suppressed = true;
      }
    }
  }
}

}  // namespace

Result<ScorecardInput> LoadOpenDataScorecardInput(const std::string& dir, int threads,
                                                  int suppress_below) {
  const AcademicYear year(2018);
  std::vector<std::string> measures;
  for (const auto& m : kLaitMeasures) measures.emplace_back(m.measure);
  // LAIT is the slowest file to read: read it while the school files load.
  Result<LaitIndicators> lait = Status::NotFound("LAIT not read");
  Result<SchoolFrame> frame_r = Status::NotFound("school frame not read");
  Result<Geography> geo_r = Status::NotFound("geography not read");
  ParallelInvoke(
      threads, [&] { lait = LaitIndicators::Load(dir, measures); },
      [&] {
        frame_r = LoadSchoolFrame(dir);
        geo_r = LoadGeographyFromRealData(dir);
      });
  if (!frame_r.ok()) return frame_r.status();
  const SchoolFrame& frame = *frame_r;

  ScorecardInput in;
  in.mode = "open data";
  in.time_period = year.TimePeriod();
  in.sources =
      "Department for Education performance tables 2018/19 (January 2019 census, 2018/19 "
      "absence, key stage 4 2019 provisional, key stage 4 destinations) and the Local Authority "
      "Interactive Tool (LAIT); Open Government Licence v3.0. Contains public sector "
      "information licensed under the Open Government Licence v3.0.";
  if (geo_r.ok()) {
    for (const auto& [code, la] : geo_r->all()) {
      in.local_authorities.push_back(
          {code, la.new_la_code, la.la_name, la.region_code, la.region_name});
    }
  }

  const auto& reg = ScorecardIndicators();
  if (reg.empty()) return DefaultCatalogue().status();
  // Every indicator named here is looked up once, so a wrong id is an error
  // before anything is read, never a silent default.
  std::map<std::string_view, uint16_t> index;
  for (std::string_view id : {"pupils_on_roll",
                              "sen_support_percent",
                              "ehcp_percent",
                              "fsm_percent",
                              "disadvantaged_percent",
                              "eal_percent",
                              "looked_after_percent",
                              "mobility_percent",
                              "ks2_prior_attainment",
                              "sess_overall_percent",
                              "enrolments_pa_10_exact_percent",
                              "susp_rate",
                              "one_plus_susp_rate",
                              "perm_excl_rate",
                              "managed_move_rate",
                              "off_site_direction_rate",
                              "left_roll_percent",
                              "reintegration_percent",
                              "attainment8",
                              "progress8",
                              "basics_94_percent",
                              "sustained_destination_percent",
                              "ap_pupils_percent",
                              "ap_placements_rate",
                              "ap_hours_per_week",
                              "ap_reintegration_plan_percent",
                              "internal_unit_pupils_percent",
                              "internal_unit_sessions_rate",
                              "internal_unit_repeat_percent",
                              "recognition_rate",
                              "pupil_wellbeing_percent"}) {
    LANTERN_ASSIGN_OR_RETURN(index[id], ScorecardIndicatorIndex(id));
  }
  for (const auto& m : kLaitMeasures) {
    LANTERN_ASSIGN_OR_RETURN(index[m.indicator], ScorecardIndicatorIndex(m.indicator));
  }
  auto Ind = [&](std::string_view id) { return index.at(id); };
  const PupilGroup disadvantaged = *FindPupilGroup("disadvantaged");
  const PupilGroup not_disadvantaged = *FindPupilGroup("not_disadvantaged");
  in.unavailable_reason.assign(reg.size(), "");
  in.indicator_notes.assign(reg.size(), "");
  auto reason = [&](const char* id, const char* text) { in.unavailable_reason[Ind(id)] = text; };
  auto note = [&](const char* id, const char* text) { in.indicator_notes[Ind(id)] = text; };
  const char* kPupilLevel =
      "Not in any published school-level file; needs pupil-level records "
      "(pupil-level mode).";
  const char* kExclusions =
      "School-level suspensions and exclusions are not in the open files "
      "held here; the LA and England figures (LAIT 2018/19) are shown.";
  reason("looked_after_percent",
         "The census file published per school does not count "
         "looked-after pupils.");
  reason("mobility_percent", kPupilLevel);
  reason("ks2_prior_attainment",
         "The key stage 4 file held here has 25 headline columns and no "
         "prior attainment.");
  reason("susp_rate", kExclusions);
  reason("one_plus_susp_rate", kExclusions);
  reason("perm_excl_rate", kExclusions);
  reason("managed_move_rate", kPupilLevel);
  reason("off_site_direction_rate", kPupilLevel);
  reason("left_roll_percent", kPupilLevel);
  reason("reintegration_percent",
         "AP and internal-unit episodes are not collected nationally "
         "(capability C2); needs pupil-level records.");
  const char* kAp =
      "Alternative provision is published by LA only (January 2023), not by "
      "school; needs pupil-level AP records (C2).";
  reason("ap_pupils_percent", kAp);
  reason("ap_placements_rate", kAp);
  reason("ap_hours_per_week", kAp);
  reason("ap_reintegration_plan_percent", kAp);
  const char* kUnits =
      "Internal support units and suspension rooms are not recorded in any "
      "national data (C2).";
  reason("internal_unit_pupils_percent", kUnits);
  reason("internal_unit_sessions_rate", kUnits);
  reason("internal_unit_repeat_percent", kUnits);
  reason("recognition_rate", "Recognition and praise are recorded only in schools' own systems.");
  reason("pupil_wellbeing_percent",
         "No pupil-voice data yet: the Pupil Engagement Framework "
         "(C4) is not collected.");
  reason("attainment8", "Not published for this school (the file holds a symbol).");
  reason("progress8", "Not published for this school (the file holds a symbol).");
  reason("basics_94_percent", "Not published for this school (the file holds a symbol).");
  reason("sustained_destination_percent",
         "Not published for this school (suppressed or not in the destinations file).");
  reason("sess_overall_percent",
         "Not published for this school (suppressed or not in the "
         "absence file).");
  reason("enrolments_pa_10_exact_percent",
         "Not published for this school (suppressed or not in the "
         "absence file).");
  note("sess_overall_percent",
       "Open data give the rate but not the sessions: the interval uses the January headcount "
       "as n and a pupil-level SD implied by the phase's national absence and persistent-absence "
       "rates (a gamma distribution of pupils' absence rates).");
  note("enrolments_pa_10_exact_percent",
       "Open data give the percentage only: the count of persistent absentees is reconstructed "
       "from it and the January headcount (shown as x).");
  note("disadvantaged_percent",
       "Open data: pupils eligible for FSM at any time in the last six years; the denominator is "
       "recovered from the published count and percentage.");
  note("eal_percent",
       "Open data: the denominator is recovered from the published count and "
       "percentage.");
  note("fsm_percent", "Open data: FSM-eligible pupils over all pupils on roll.");
  note("attainment8",
       "The published file gives no pupil-level SD for Attainment 8, so there is "
       "no interval or funnel; the school is placed among similar schools.");
  note("progress8",
       "The interval is the Department's published 95% confidence interval; the "
       "funnel uses the national pupil SD implied by it.");
  note("basics_94_percent",
       "Open data give the percentage: the count is reconstructed from it and "
       "the number of pupils at the end of key stage 4 (shown as x).");
  note("sustained_destination_percent",
       "The most recent destination cohort in the 2018/19 download (pupils who finished key "
       "stage 4 two years earlier).");

  // Absence SD per phase from the national rows (PRI, SEC, SPE), else pooled.
  std::array<double, kScorecardPhaseCount> absence_sd;
  absence_sd.fill(std::nan(""));
  {
    std::array<double, kScorecardPhaseCount> m{}, pa{}, w{};
    for (const auto& s : frame.schools) {
      if (!IsStateFunded(s.phase) || !s.nor || !s.overall_absence_pct || !s.persistent_absence_pct)
        continue;
      size_t ph = static_cast<size_t>(PhaseOf(s.phase));
      m[ph] += *s.overall_absence_pct * *s.nor;
      pa[ph] += *s.persistent_absence_pct * *s.nor;
      w[ph] += *s.nor;
    }
    for (size_t ph = 0; ph < absence_sd.size(); ++ph) {
      if (w[ph] > 0) absence_sd[ph] = GammaImpliedSd(m[ph] / w[ph], pa[ph] / w[ph]);
    }
    const std::pair<const char*, ScorecardPhase> nat[] = {{"PRI", ScorecardPhase::kPrimary},
                                                          {"SEC", ScorecardPhase::kSecondary},
                                                          {"SPE", ScorecardPhase::kSpecial}};
    for (const auto& [key, ph] : nat) {
      auto it = frame.national_absence.find(key);
      if (it != frame.national_absence.end()) {
        absence_sd[static_cast<size_t>(ph)] = GammaImpliedSd(it->second.first, it->second.second);
      }
    }
  }

  auto add = [&](uint32_t school, const char* id, PupilGroup group = kAllPupils) {
    IndicatorObservation o;
    o.school = school;
    o.indicator = Ind(id);
    o.group = group;
    in.observations.push_back(o);
    return &in.observations.back();
  };
  auto proportion = [&](uint32_t school, const char* id, std::optional<double> num,
                        std::optional<double> den, bool estimated, PupilGroup group = kAllPupils) {
    if (!num || !den) return;
    IndicatorObservation* o = add(school, id, group);
    o->numerator = *num;
    o->denominator = *den;
    o->numerator_estimated = estimated;
  };
  auto denominator_from = [](std::optional<double> count, std::optional<double> pct,
                             std::optional<double> fallback) -> std::optional<double> {
    if (count && pct && *pct > 0) return std::round(*count * 100 / *pct);
    return fallback;
  };

  for (const auto& f : frame.schools) {
    if (!IsStateFunded(f.phase)) continue;
    const uint32_t si = static_cast<uint32_t>(in.schools.size());
    ScorecardSchool s;
    s.urn = f.urn;
    s.name = f.name;
    s.la_code = f.la_code;
    s.laestab = fmt::format("{:03d}{:04d}", f.la_code, f.estab);
    s.phase = PhaseOf(f.phase);
    s.type_label = std::string(SchoolTypeName(f.phase));
    if (!f.nftype.empty()) s.type_label += " (" + f.nftype + ")";
    in.schools.push_back(std::move(s));
    const ScorecardPhase ph = in.schools.back().phase;

    if (f.nor) {
      add(si, "pupils_on_roll")->numerator = *f.nor;
    }
    proportion(si, "sen_support_percent", f.sen_support, f.nor, false);
    proportion(si, "ehcp_percent", f.ehcp, f.nor, false);
    proportion(si, "fsm_percent", f.fsm, f.nor, false);
    proportion(si, "disadvantaged_percent", f.fsm_ever6,
               denominator_from(f.fsm_ever6, f.fsm_ever6_pct, f.nor), false);
    proportion(si, "eal_percent", f.eal, denominator_from(f.eal, f.eal_pct, f.nor), false);

    if (f.overall_absence_pct && f.nor && *f.nor > 0) {
      IndicatorObservation* o = add(si, "sess_overall_percent");
      o->mean = *f.overall_absence_pct;
      o->denominator = *f.nor;
      o->sd = static_cast<float>(absence_sd[static_cast<size_t>(ph)]);
    }
    if (f.persistent_absence_pct && f.nor) {
      proportion(si, "enrolments_pa_10_exact_percent", *f.persistent_absence_pct / 100 * *f.nor,
                 f.nor, true);
    }

    const bool ks4_phase = ph == ScorecardPhase::kSecondary || ph == ScorecardPhase::kSpecial ||
                           ph == ScorecardPhase::kAlternativeProvision ||
                           ph == ScorecardPhase::kOther;
    if (!ks4_phase) {
      for (const char* id : {"attainment8", "progress8", "basics_94_percent",
                             "sustained_destination_percent", "ks2_prior_attainment"}) {
        add(si, id)->availability = Availability::kNotApplicable;
      }
      continue;
    }
    if (f.att8 && f.ks4_pupils && *f.ks4_pupils > 0) {
      IndicatorObservation* o = add(si, "attainment8");
      o->mean = *f.att8;
      o->denominator = *f.ks4_pupils;
    }
    if (f.p8 && f.p8_pupils && *f.p8_pupils > 0) {
      IndicatorObservation* o = add(si, "progress8");
      o->mean = *f.p8;
      o->denominator = *f.p8_pupils;
      if (f.p8_ci_low && f.p8_ci_high) {
        o->published_lower = static_cast<float>(*f.p8_ci_low);
        o->published_upper = static_cast<float>(*f.p8_ci_high);
        // The SD the published CI implies (definitions.md 3.7: +/- 1.96 sd / sqrt(n)).
        o->sd = static_cast<float>((*f.p8_ci_high - *f.p8_ci_low) / 2 / stats::TwoSidedZ(0.95) *
                                   std::sqrt(*f.p8_pupils));
      }
    }
    if (f.basics_94_pct && f.ks4_pupils) {
      proportion(si, "basics_94_percent", *f.basics_94_pct / 100 * *f.ks4_pupils, f.ks4_pupils,
                 true);
    }
    proportion(si, "sustained_destination_percent", f.dest_overall, f.dest_cohort, false);
    proportion(si, "sustained_destination_percent", f.dest_overall_dis, f.dest_cohort_dis, false,
               disadvantaged);
    proportion(si, "sustained_destination_percent", f.dest_overall_nondis, f.dest_cohort_nondis,
               false, not_disadvantaged);
  }

  // LA and England comparators from LAIT.
  if (lait.ok()) {
    for (const auto& m : kLaitMeasures) {
      const uint16_t ind = Ind(m.indicator);
      for (int area : lait->Areas(m.measure, year)) {
        auto v = lait->Get(m.measure, area, year);
        if (!v) continue;
        const bool england = area == LaitIndicators::kEngland;
        if (!england && (area < 200 || area >= LaitIndicators::kEngland))
          continue;  // regions: 980+
        AreaValue av;
        av.indicator = ind;
        av.phase = m.phase;
        av.la_code = england ? 0 : area;
        av.value = *v;
        av.source = fmt::format("LAIT {} {}", m.measure, year.Label());
        in.area_values.push_back(std::move(av));
      }
    }
  }
  ApplyPublishedDisclosure(&in, suppress_below);
  return in;
}

}  // namespace lantern
