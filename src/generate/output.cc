#include "generate/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <tuple>

#include "common/csv_writer.h"
#include "generate/random.h"

namespace lantern::gen {

void Generated::IndexSchools() {
  plan_of_school.assign(world.schools.size(), kNone);
  enrolments_of_school.assign(world.schools.size(), {0, 0});
  for (uint32_t p = 0; p < plans.size(); ++p) {
    const auto& en = plans[p].enrolments;
    for (uint32_t i = 0; i < en.size();) {
      uint32_t j = i;
      while (j < en.size() && en[j].school == en[i].school) ++j;
      plan_of_school[en[i].school] = p;
      enrolments_of_school[en[i].school] = {i, j};
      i = j;
    }
  }
}

namespace {

std::string_view Upn(const GenPupil& p) { return {p.upn, 13}; }
std::string_view YesNo(bool b) { return b ? "Y" : "N"; }

// Opens a CSV file and writes its header.
Result<std::unique_ptr<CsvWriter>> OpenCsv(const std::string& dir, const std::string& file,
                                           const std::vector<std::string_view>& header) {
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(dir + "/" + file));
  w->Row(header);
  return w;
}

// A pupil by plan and index.
struct PupilRef {
  uint32_t plan, pupil;
  auto operator<=>(const PupilRef&) const = default;
};

// Calls fn(plan, enrolment index) for every enrolment, schools in URN order.
template <typename Fn>
void ForEachEnrolment(const Generated& g, Fn&& fn) {
  for (uint32_t s = 0; s < g.world.schools.size(); ++s) {
    if (g.plan_of_school[s] == kNone) continue;
    auto [b, e] = g.enrolments_of_school[s];
    for (uint32_t i = b; i < e; ++i) fn(g.plan_of_school[s], i);
  }
}

void WritePupilRow(CsvWriter& w, const GenPupil& p) {
  w.Raw(Upn(p)).Raw(DateText(p.birth_date)).Raw(CodeOf(SexCodes(), p.sex));
  w.Raw(YesNo(p.fsm)).Raw(YesNo(p.disadvantaged)).Raw(CodeOf(SenProvisionCodes(), p.sen));
  if (p.need == SenNeed::kNone) {
    w.Empty();
  } else {
    w.Raw(CodeOf(SenNeedCodes(), p.need));
  }
  w.Raw(YesNo(p.eal)).Raw(YesNo(p.looked_after)).Raw(fmt::format("{:03d}", p.home_la));
  w.Raw(YearGroupCode(p.year_group)).Empty();
  if (p.ks2_reading)
    w.Int(p.ks2_reading);
  else
    w.Empty();
  if (p.ks2_maths)
    w.Int(p.ks2_maths);
  else
    w.Empty();
  w.EndRow();
}

void WriteEnrolmentRow(CsvWriter& w, const GenPupil& p, const GenSchool& s, const GenEnrolment& e,
                       Date through) {
  w.Raw(Upn(p)).Int(s.urn).Raw(DateText(e.entry));
  if (e.leaving != kOpenEnded && e.leaving <= through.days) {
    w.Raw(DateText(e.leaving));
    if (e.reason == LeavingReason::kNone) {
      w.Empty();
    } else {
      w.Raw(CodeOf(LeavingReasonCodes(), e.reason));
    }
  } else {
    w.Empty().Empty();
  }
  w.Raw(CodeOf(EnrolStatusCodes(), e.status)).Raw("N");
  w.EndRow();
}

const std::vector<std::string_view> kPupilHeader = {"upn",
                                                    "birth_date",
                                                    "sex",
                                                    "fsm_eligible",
                                                    "disadvantaged",
                                                    "sen_provision",
                                                    "sen_primary_need",
                                                    "eal",
                                                    "looked_after",
                                                    "home_la_code",
                                                    "year_group",
                                                    "ethnicity",
                                                    "ks2_reading_ss",
                                                    "ks2_maths_ss"};
const std::vector<std::string_view> kEnrolmentHeader = {
    "upn", "urn", "entry_date", "leaving_date", "leaving_reason", "enrol_status", "boarder"};

Status WriteLocalAuthorities(const Generated& g, const std::set<int>& codes, const std::string& dir,
                             FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(
      auto w, OpenCsv(dir, "local_authorities.csv",
                      {"old_la_code", "new_la_code", "la_name", "region_code", "region_name"}));
  uint64_t n = 0;
  for (int code : codes) {
    const LocalAuthority* la = FindLocalAuthority(g.world.inputs->geography, code);
    if (la == nullptr) continue;
    w->Raw(fmt::format("{:03d}", code)).Field(la->new_la_code).Field(la->la_name);
    w->Field(la->region_code).Field(la->region_name);
    w->EndRow();
    ++n;
  }
  (*rows)["local_authorities.csv"] = n;
  return w->Close();
}

Status WriteTrusts(const Generated& g, const std::string& dir, FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(auto w,
                           OpenCsv(dir, "trusts.csv", {"trust_id", "trust_name", "trust_type"}));
  for (const GenTrust& t : g.world.trusts) {
    w->Field(t.id).Field(t.name).Raw(t.multi ? "MAT" : "SAT");
    w->EndRow();
  }
  (*rows)["trusts.csv"] = g.world.trusts.size();
  return w->Close();
}

Status WriteSchools(const Generated& g, const std::string& dir, FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(auto w, OpenCsv(dir, "schools.csv",
                                           {"urn", "la_code", "estab", "name", "phase", "type",
                                            "trust_id", "postcode", "open_date", "close_date"}));
  for (const GenSchool& s : g.world.schools) {
    w->Int(s.urn).Raw(fmt::format("{:03d}", s.la)).Raw(fmt::format("{:04d}", s.estab));
    w->Field(s.name).Raw(CodeOf(SchoolPhaseCodes(), s.phase)).Field(s.type);
    if (s.trust >= 0) {
      w->Field(g.world.trusts[static_cast<size_t>(s.trust)].id);
    } else {
      w->Empty();
    }
    w->Empty().Empty().Empty();
    w->EndRow();
  }
  (*rows)["schools.csv"] = g.world.schools.size();
  return w->Close();
}

// Suspensions, placements or unit spells of every plan, in school, pupil
// and start order.
template <typename T>
std::vector<std::pair<uint32_t, const T*>> Sorted(const Generated& g,
                                                  std::vector<T> LaPlan::*member,
                                                  uint32_t T::*school) {
  std::vector<std::pair<uint32_t, const T*>> out;
  for (uint32_t p = 0; p < g.plans.size(); ++p) {
    for (const T& x : g.plans[p].*member) out.push_back({p, &x});
  }
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return std::make_tuple(a.second->*school, a.first, a.second->pupil, a.second->start) <
           std::make_tuple(b.second->*school, b.first, b.second->pupil, b.second->start);
  });
  return out;
}

Status WriteSuspensions(const Generated& g, Date through, const std::string& dir, FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(auto w, OpenCsv(dir, "suspensions.csv",
                                           {"upn", "urn", "start_date", "category", "sessions",
                                            "reason", "reason_2", "reason_3", "outcome"}));
  uint64_t n = 0;
  for (auto [p, x] : Sorted(g, &LaPlan::suspensions, &GenSuspension::school)) {
    if (x->start > through.days) continue;
    w->Raw(Upn(g.plans[p].pupils[x->pupil])).Int(g.world.schools[x->school].urn);
    w->Raw(DateText(x->start));
    w->Raw(x->permanent ? "permanent_exclusion" : "suspension").Int(x->sessions);
    for (ExclusionReason r : x->reasons) {
      if (r == ExclusionReason::kNone) {
        w->Empty();
      } else {
        w->Raw(CodeOf(ExclusionReasonCodes(), r));
      }
    }
    if (x->permanent) {
      w->Raw("upheld");
    } else {
      w->Empty();
    }
    w->EndRow();
    ++n;
  }
  (*rows)["suspensions.csv"] = n;
  return w->Close();
}

Status WritePlacements(const Generated& g, Date through, const std::string& dir, FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(
      auto w, OpenCsv(dir, "ap_placements.csv",
                      {"upn", "commissioner_urn", "provider_id", "provider_name", "setting",
                       "setting_type", "basis", "hours_per_week", "reason", "start_date",
                       "end_date", "reintegration_plan", "outcome"}));
  uint64_t n = 0;
  for (auto [p, x] : Sorted(g, &LaPlan::placements, &GenApPlacement::school)) {
    if (x->start > through.days) continue;
    const bool ended = x->end != kOpenEnded && x->end <= through.days;
    w->Raw(Upn(g.plans[p].pupils[x->pupil])).Int(g.world.schools[x->school].urn);
    w->Field(x->provider_id).Field(x->provider_name);
    w->Raw(CodeOf(ApSettingCodes(), x->setting)).Raw(CodeOf(ApSettingTypeCodes(), x->setting_type));
    w->Raw(CodeOf(ApBasisCodes(), x->basis)).Decimal(x->hours, 1);
    w->Raw(CodeOf(ApReasonCodes(), x->reason)).Raw(DateText(x->start));
    if (ended) {
      w->Raw(DateText(x->end));
    } else {
      w->Empty();
    }
    w->Raw(YesNo(x->plan));
    if (ended && x->outcome != PlacementOutcome::kNone) {
      w->Raw(CodeOf(PlacementOutcomeCodes(), x->outcome));
    } else {
      w->Empty();
    }
    w->EndRow();
    ++n;
  }
  (*rows)["ap_placements.csv"] = n;
  return w->Close();
}

Status WriteUnits(const Generated& g, Date through, const std::string& dir, FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(
      auto w, OpenCsv(dir, "internal_units.csv",
                      {"upn", "urn", "unit", "start_date", "end_date", "sessions", "reason",
                       "reintegration_plan", "outcome"}));
  uint64_t n = 0;
  for (auto [p, x] : Sorted(g, &LaPlan::units, &GenUnitSpell::school)) {
    if (x->start > through.days) continue;
    const GenSchool& school = g.world.schools[x->school];
    const bool ended = !x->continuing && x->end <= through.days;
    int sessions = x->sessions;
    if (!ended) {
      // Sessions so far, spread evenly over the spell's open days.
      const SchoolCalendar& cal = school.calendar;
      const int first = cal.FirstOnOrAfter(Date{x->start});
      const int last = cal.LastOnOrBefore(Date{x->end});
      const int upto = cal.LastOnOrBefore(through);
      if (last >= first) {
        const double share =
            static_cast<double>(std::min(upto, last) - first + 1) / (last - first + 1);
        sessions = std::max(1, static_cast<int>(sessions * std::clamp(share, 0.0, 1.0) + 0.5));
      }
    }
    w->Raw(Upn(g.plans[p].pupils[x->pupil])).Int(school.urn);
    w->Raw(CodeOf(UnitKindCodes(), x->unit)).Raw(DateText(x->start));
    if (ended) {
      w->Raw(DateText(x->end));
    } else {
      w->Empty();
    }
    w->Int(sessions).Raw(CodeOf(ExclusionReasonCodes(), x->reason)).Raw(YesNo(x->plan));
    if (ended && x->outcome != PlacementOutcome::kNone) {
      w->Raw(CodeOf(PlacementOutcomeCodes(), x->outcome));
    } else {
      w->Empty();
    }
    w->EndRow();
    ++n;
  }
  (*rows)["internal_units.csv"] = n;
  return w->Close();
}

// EHC needs assessment requests (docs/generator.md, "EHC requests"): a
// request for about 3.5% of pupils on SEN support and 0.25% with no SEN
// recorded in a year (England, 2018: about 0.8% of pupils); the LA decides
// within 6 weeks in about 4 cases of 5, refuses about 1 in 4, and issues a
// plan within 20 weeks for about 3 in 5 of those it assesses (SEN2 2019);
// about 1 in 17 assessed get no plan (decision no_plan).
// Requests start up to 20 weeks before the year, so some are open on its
// first day; dates after `through` are blanked.
Status WriteEhcpRequests(const Generated& g, const std::vector<std::vector<uint8_t>>& written,
                         Date through, const std::string& dir, FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(auto w,
                           OpenCsv(dir, "ehcp_requests.csv",
                                   {"upn", "la_code", "request_date", "decision_date", "decision",
                                    "plan_issued_date", "exception", "exception_reason"}));
  const int32_t first = g.world.year.FirstDay().days - 140;
  const int32_t last = g.world.year.LastDay().days - 30;
  uint64_t n = 0;
  for (uint32_t p = 0; p < g.plans.size(); ++p) {
    for (uint32_t i = 0; i < g.plans[p].pupils.size(); ++i) {
      if (!written[p][i]) continue;
      const GenPupil& pupil = g.plans[p].pupils[i];
      if (pupil.sen == SenProvision::kEhcPlan) continue;
      Rng rng(StreamKey(g.seed, Purpose::kEhcpRequests, pupil.key));
      // Requests follow need and behaviour: the latent behaviour propensity
      // raises the chance, as it raises suspensions.
      const double base = pupil.sen == SenProvision::kSupport ? 0.035 : 0.0025;
      const double p_request = std::min(0.5, base * std::exp(0.4 * pupil.behaviour_z));
      if (!rng.Bernoulli(p_request)) continue;
      const int32_t request = rng.Between(first, last);
      if (request > through.days) continue;
      const bool on_time_decision = rng.Bernoulli(0.8);
      const int32_t decision =
          request + (on_time_decision ? rng.Between(21, 42) : rng.Between(43, 90));
      const bool refuse = rng.Bernoulli(0.25);
      const bool on_time_plan = rng.Bernoulli(0.6);
      const bool no_plan = !refuse && rng.Bernoulli(0.06);
      const int32_t plan = std::max(
          decision + 28, request + (on_time_plan ? rng.Between(84, 140) : rng.Between(141, 300)));
      const bool exception = !refuse && !on_time_plan && rng.Bernoulli(0.1);
      w->Raw(Upn(pupil)).Raw(fmt::format("{:03d}", pupil.home_la)).Raw(DateText(request));
      // A request assessed and then closed with no plan is written as the
      // LA's decision not to issue one, on the day the plan would have been
      // due, once that day has come; until then it is assessed.
      if (no_plan && plan <= through.days && decision <= through.days) {
        w->Raw(DateText(plan)).Raw("no_plan");
      } else if (decision <= through.days) {
        w->Raw(DateText(decision)).Raw(refuse ? "refuse" : "assess");
      } else {
        w->Empty().Empty();
      }
      if (!refuse && !no_plan && plan <= through.days && decision <= through.days) {
        w->Raw(DateText(plan));
      } else {
        w->Empty();
      }
      if (exception) {
        w->Raw("Y").Raw(rng.Bernoulli(0.5) ? "school holiday" : "pupil absent for 4 weeks");
      } else {
        w->Raw("N").Empty();
      }
      w->EndRow();
      ++n;
    }
  }
  (*rows)["ehcp_requests.csv"] = n;
  return w->Close();
}

// Later outcomes for the early-warning evaluation (docs/early-warning.md,
// "Does it work?"), in DIR/evaluation/later_outcomes.csv: not an input
// file. Each pupil has a latent risk R, of which the generator's behaviour
// and absence propensities (which drive the suspensions, internal units, AP
// and marks the triggers read) are only a part:
//   R = 0.6 behaviour_z + 0.4 absence_z + 0.5 behaviour_shift
//       + 0.3 absence_shift + 0.7 e,   e ~ N(0, 1) (what the records never see)
// and each outcome happens with probability logistic(a + b R):
//   permanent exclusion in the two years after the store's year (Years 1 to
//   10): a = -8.6, b = 1.7; a move off every roll to no school or home
//   education in those two years (Years 1 to 10): a = -6.0, b = 1.1; NEET at
//   16 to 18 (Years 9 to 11, counted in the October after Year 11): a =
//   -3.6, b = 1.0. The dates of the first two are uniform over the two
//   years.
Status WriteLaterOutcomes(const Generated& g, const std::vector<std::vector<uint8_t>>& written,
                          const std::string& dir, FileRows* rows) {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/evaluation", ec);
  LANTERN_ASSIGN_OR_RETURN(auto w, OpenCsv(dir + "/evaluation", "later_outcomes.csv",
                                           {"upn", "outcome", "date", "latent_risk"}));
  const int y = g.world.year.start_year();
  const int32_t first = Date::FromCivil(y + 1, 9, 1).days;
  const int32_t last = Date::FromCivil(y + 3, 7, 31).days;
  auto logistic = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  uint64_t n = 0;
  for (uint32_t p = 0; p < g.plans.size(); ++p) {
    for (uint32_t i = 0; i < g.plans[p].pupils.size(); ++i) {
      if (!written[p][i]) continue;
      const GenPupil& pupil = g.plans[p].pupils[i];
      Rng rng(StreamKey(g.seed, Purpose::kLaterOutcomes, pupil.key));
      const double risk = 0.6 * pupil.behaviour_z + 0.4 * pupil.absence_z +
                          0.5 * pupil.behaviour_shift + 0.3 * pupil.absence_shift +
                          0.7 * rng.Normal();
      const int yg = pupil.year_group;
      auto row = [&](std::string_view outcome, int32_t date) {
        w->Raw(Upn(pupil)).Raw(outcome).Raw(DateText(date)).Decimal(risk, 3);
        w->EndRow();
        ++n;
      };
      if (yg >= 1 && yg <= 10) {
        if (rng.Bernoulli(logistic(-8.6 + 1.7 * risk))) {
          row("permanent_exclusion", rng.Between(first, last));
        }
        if (rng.Bernoulli(logistic(-6.0 + 1.1 * risk))) {
          row("no_school", rng.Between(first, last));
        }
      }
      if (yg >= 9 && yg <= 11 && rng.Bernoulli(logistic(-3.6 + 1.0 * risk))) {
        row("neet", Date::FromCivil(y + 1 + (11 - yg), 10, 1).days);
      }
    }
  }
  (*rows)["evaluation/later_outcomes.csv"] = n;
  return w->Close();
}

// Employer encounters and workplace experiences (docs/generator.md,
// "Employer encounters"): each secondary school has a careers programme of
// its own strength, the share of its Year 7 to 11 pupils it gives an
// encounter with an employer in a year, drawn between 55% and 95%; a pupil
// with higher latent absence is less often reached (the odds fall by a
// quarter for each standard deviation), so the vulnerable groups' gap shows.
// One in five reached has a second encounter, with another employer. A Year
// 10 pupil is offered a week's work experience (Monday to Friday of one of
// the first four weeks after the May half term) with probability the
// school's strength less a quarter, and goes when the five days are open.
// Every date is an open day of the school on which the pupil is on its
// roll, up to `through`.
Status WriteEmployerEncounters(const Generated& g, Date through, const std::string& dir,
                               FileRows* rows) {
  static constexpr const char* kEmployers[] = {
      "Riverside Engineering Ltd", "County Hospital NHS Trust", "Harbour Logistics",
      "Greenfield Builders",       "the borough council",       "Market Street Pharmacy",
      "Coastline Hotels",          "Brightwater Software",      "Northgate Garage",
      "St Mary's Primary School"};
  static constexpr const char* kRoles[] = {
      "Engineering assistant", "Ward support",       "Warehouse assistant", "Site assistant",
      "Office assistant",      "Pharmacy assistant", "Hotel reception",     "Junior developer",
      "Vehicle technician",    "Classroom assistant"};
  LANTERN_ASSIGN_OR_RETURN(auto w, OpenCsv(dir, "employer_encounters.csv",
                                           {"upn", "urn", "activity", "start_date", "end_date",
                                            "employer", "role", "hours"}));
  const int32_t first_day = g.world.year.FirstDay().days;
  const int32_t last_day = std::min(g.world.year.LastDay().days, through.days);
  uint64_t n = 0;
  ForEachEnrolment(g, [&](uint32_t plan, uint32_t i) {
    const GenEnrolment& e = g.plans[plan].enrolments[i];
    if (e.status != EnrolStatus::kCurrent && e.status != EnrolStatus::kMain) return;
    const GenPupil& pupil = g.plans[plan].pupils[e.pupil];
    if (pupil.year_group < 7 || pupil.year_group > 11) return;
    const GenSchool& school = g.world.schools[e.school];
    const SchoolCalendar& cal = school.calendar;
    const int from = cal.FirstOnOrAfter(Date{std::max(e.entry, first_day)});
    const int to = cal.LastOnOrBefore(
        Date{std::min(e.leaving == kOpenEnded ? last_day : e.leaving, last_day)});
    if (from > to) return;
    Rng school_rng(StreamKey(g.seed, Purpose::kEmployers, static_cast<uint64_t>(school.urn)));
    const double strength = 0.55 + 0.40 * school_rng.Uniform();
    Rng rng(StreamKey(g.seed, Purpose::kEmployers, pupil.key, static_cast<uint64_t>(school.urn)));
    const double odds = strength / (1 - strength) * std::pow(0.75, pupil.absence_z);
    // A second encounter is with another employer (so never the same row).
    constexpr int kChoices = static_cast<int>(std::size(kEmployers));
    const int first_employer = rng.Below(kChoices);
    const int encounters = rng.Bernoulli(odds / (1 + odds)) ? 1 + rng.Bernoulli(0.2) : 0;
    for (int k = 0; k < encounters; ++k) {
      const Date day = cal.day(rng.Between(from, to));
      const int which =
          k == 0 ? first_employer : (first_employer + 1 + rng.Below(kChoices - 1)) % kChoices;
      w->Raw(Upn(pupil)).Int(school.urn).Raw("encounter").Raw(DateText(day.days)).Empty();
      w->Field(kEmployers[which]).Empty().Decimal(rng.Bernoulli(0.5) ? 1.0 : 2.0, 1);
      w->EndRow();
      ++n;
    }
    if (pupil.year_group != 10 || !rng.Bernoulli(std::max(0.0, strength - 0.25))) return;
    // A week from the second half of the summer term, Monday to Friday, all
    // five days open and on roll.
    const Date monday{cal.summer_second_half().days + 7 * rng.Between(0, 3)};
    const int start = cal.OpenIndex(monday);
    if (start < from || start + 4 > to) return;
    const Date friday = cal.day(start + 4);
    if (friday.days - monday.days != 4) return;
    const int which = rng.Below(static_cast<int>(std::size(kEmployers)));
    w->Raw(Upn(pupil)).Int(school.urn).Raw("placement").Raw(DateText(monday.days));
    w->Raw(DateText(friday.days)).Field(kEmployers[which]).Field(kRoles[which]).Decimal(30.0, 1);
    w->EndRow();
    ++n;
  });
  (*rows)["employer_encounters.csv"] = n;
  return w->Close();
}

}  // namespace

Status WriteRecordFiles(const Generated& g, const DayWindow& window, const std::string& dir,
                        FileRows* rows) {
  const Date through = window.through;
  // Pupils in order of their first enrolment row, and the enrolments.
  LANTERN_ASSIGN_OR_RETURN(auto pupils, OpenCsv(dir, "pupils.csv", kPupilHeader));
  LANTERN_ASSIGN_OR_RETURN(auto enrolments, OpenCsv(dir, "enrolments.csv", kEnrolmentHeader));
  std::vector<std::vector<uint8_t>> written(g.plans.size());
  for (size_t p = 0; p < g.plans.size(); ++p) written[p].assign(g.plans[p].pupils.size(), 0);
  std::set<int> la_codes;
  for (const GenSchool& s : g.world.schools) la_codes.insert(s.la);
  uint64_t n_pupils = 0, n_enrolments = 0;
  ForEachEnrolment(g, [&](uint32_t plan, uint32_t i) {
    const GenEnrolment& e = g.plans[plan].enrolments[i];
    if (e.entry > through.days) return;
    const GenPupil& pupil = g.plans[plan].pupils[e.pupil];
    if (!written[plan][e.pupil]) {
      written[plan][e.pupil] = 1;
      WritePupilRow(*pupils, pupil);
      la_codes.insert(pupil.home_la);
      ++n_pupils;
    }
    WriteEnrolmentRow(*enrolments, pupil, g.world.schools[e.school], e, through);
    ++n_enrolments;
  });
  (*rows)["pupils.csv"] = n_pupils;
  (*rows)["enrolments.csv"] = n_enrolments;
  LANTERN_RETURN_IF_ERROR(pupils->Close());
  LANTERN_RETURN_IF_ERROR(enrolments->Close());
  LANTERN_RETURN_IF_ERROR(WriteLocalAuthorities(g, la_codes, dir, rows));
  LANTERN_RETURN_IF_ERROR(WriteTrusts(g, dir, rows));
  LANTERN_RETURN_IF_ERROR(WriteSchools(g, dir, rows));
  LANTERN_RETURN_IF_ERROR(WriteSuspensions(g, through, dir, rows));
  LANTERN_RETURN_IF_ERROR(WritePlacements(g, through, dir, rows));
  LANTERN_RETURN_IF_ERROR(WriteEhcpRequests(g, written, through, dir, rows));
  LANTERN_RETURN_IF_ERROR(WriteEmployerEncounters(g, through, dir, rows));
  LANTERN_RETURN_IF_ERROR(WriteLaterOutcomes(g, written, dir, rows));
  LANTERN_RETURN_IF_ERROR(WriteMovementTruth(g, through, dir, rows));
  return WriteUnits(g, through, dir, rows);
}

Status WriteDayRecordFiles(const Generated& g, Date day, const std::string& dir, FileRows* rows) {
  LANTERN_ASSIGN_OR_RETURN(auto pupils, OpenCsv(dir, "pupils.csv", kPupilHeader));
  LANTERN_ASSIGN_OR_RETURN(auto enrolments, OpenCsv(dir, "enrolments.csv", kEnrolmentHeader));
  std::set<PupilRef> written;
  uint64_t n_pupils = 0, n_enrolments = 0;
  ForEachEnrolment(g, [&](uint32_t plan, uint32_t i) {
    const GenEnrolment& e = g.plans[plan].enrolments[i];
    if (e.entry != day.days && e.leaving != day.days) return;
    const GenPupil& pupil = g.plans[plan].pupils[e.pupil];
    // A joiner's pupil row goes with the new enrolment (re-sending a known
    // pupil changes nothing).
    if (e.entry == day.days && written.insert({plan, e.pupil}).second) {
      WritePupilRow(*pupils, pupil);
      ++n_pupils;
    }
    WriteEnrolmentRow(*enrolments, pupil, g.world.schools[e.school], e, day);
    ++n_enrolments;
  });
  (*rows)["pupils.csv"] = n_pupils;
  (*rows)["enrolments.csv"] = n_enrolments;
  LANTERN_RETURN_IF_ERROR(pupils->Close());
  return enrolments->Close();
}

}  // namespace lantern::gen
