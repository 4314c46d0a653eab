#include "generate/la_plan.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "generate/absence_model.h"

namespace lantern::gen {

namespace {

std::vector<int> PrimaryEstabs(const World& w, int la) {
  std::vector<int> out;
  for (const GenSchool& s : w.schools) {
    if (s.la == la && s.phase == SchoolPhaseCode::kPrimary) out.push_back(s.estab);
  }
  return out;
}

// Rules that set the same session are applied in this order, later winning:
// study leave, then part-time timetables and attendance days, then AP days,
// then exclusions.
int RulePriority(const MarkRule& r) {
  if (r.code == kAttendDays) return 1;
  const std::string_view code = CodeInfo(r.code).code;
  if (code == "S") return 0;
  if (code == "C2") return 1;
  if (code == "E") return 3;
  return 2;
}

// Sessions a rule fixes within open days [first, last] of a calendar.
int RuleSessions(const MarkRule& r, const SchoolCalendar& cal, int first, int last) {
  int n = 0;
  for (int i = std::max(first, cal.FirstOnOrAfter(Date{r.first}));
       i <= last && cal.day(i).days <= r.last; ++i) {
    if (r.weekdays & (1 << cal.day(i).Weekday())) n += (r.am ? 1 : 0) + (r.pm ? 1 : 0);
  }
  return n;
}

}  // namespace

LaPlanner::LaPlanner(World* world, int la, const ShareFallbacks& shares, uint64_t seed)
    : world_(world),
      la_(la),
      shares_(shares),
      seed_(seed),
      pupil_ctx_{world, &shares, seed},
      upns_(la, PrimaryEstabs(*world, la)) {
  plan_.la = la;
  for (uint32_t i = 0; i < world->schools.size(); ++i) {
    if (world->schools[i].la != la) continue;
    plan_.schools.push_back(i);
    if (world->schools[i].phase == SchoolPhaseCode::kAlternativeProvision) prus_.push_back(i);
  }
}

LaPlan LaPlanner::Run() {
  AddStartPupils();
  AddJoiners();
  FitBehaviour();
  AddPermanentExclusions();
  AddApPlacements();
  AddExits();
  AddEndOfPhaseLeavers();
  AddSuspensions();
  AddPartTimeTimetables();
  AddUnitSpells();
  AddStudyLeave();
  CalibrateAbsence();
  SortEnrolments();
  return std::move(plan_);
}

void LaPlanner::CalibrateAbsence() {
  // Rules by enrolment.
  std::vector<std::vector<uint32_t>> rules_of(plan_.enrolments.size());
  for (uint32_t r = 0; r < plan_.rules.size(); ++r) rules_of[plan_.rules[r].enrolment].push_back(r);
  const AcademicYear year = world_->year;
  const double unauthorised = world_->inputs->UnauthorisedFactor(la_);
  for (uint32_t s : plan_.schools) {
    GenSchool& school = School(s);
    const SchoolCalendar& cal = school.calendar;
    // The published figures are for pupils aged 5 to 15: calibrate on them.
    std::map<std::pair<double, int>, double> shifts;  // (shift, fixed absence) -> pupils
    double possible = 0, fixed_absent = 0, fixed_present = 0;
    for (uint32_t p = school.first_pupil; p < school.first_pupil + school.start_pupils; ++p) {
      const GenPupil& pupil = plan_.pupils[p];
      const int age = year.AgeAtStart(Date{pupil.birth_date});
      if (age < 5 || age > 15) continue;
      const uint32_t e = first_enrolment_[p];
      int first = 0, last = 0;
      if (!OpenRange(e, &first, &last)) continue;
      possible += 2.0 * (last - first + 1);
      int pupil_absent = 0;
      for (uint32_t r : rules_of[e]) {
        const MarkRule& rule = plan_.rules[r];
        if (rule.code == kAttendDays) continue;
        const std::string_view code = CodeInfo(rule.code).code;
        const int n = RuleSessions(rule, cal, first, last);
        if (code == "E" || code == "C2") pupil_absent += n;
        if (code == "B" || code == "K") fixed_present += n;
        if (code == "D") possible -= n;
      }
      fixed_absent += pupil_absent;
      // Suspensions and part-time timetables push a pupil towards 10% too.
      shifts[{pupil.absence_shift, pupil_absent}] += 1;
    }
    std::vector<ShiftGroup> groups;
    for (auto [key, n] : shifts) groups.push_back({key.first, n, key.second});
    const double free_sessions = possible - fixed_absent - fixed_present;
    double target = school.target.overall;
    if (free_sessions > 0) {
      target = (school.target.overall * possible - fixed_absent) / free_sessions;
    }
    school.fit = FitAbsence(groups, std::max(target, 0.002), school.target.persistent,
                            PersistenceTableFor(school.phase, 2 * cal.size(), unauthorised));
  }
}

void LaPlanner::SortEnrolments() {
  std::vector<uint32_t> order(plan_.enrolments.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const GenEnrolment &x = plan_.enrolments[a], &y = plan_.enrolments[b];
    if (x.school != y.school) return x.school < y.school;
    if (x.pupil != y.pupil) return x.pupil < y.pupil;
    return x.entry < y.entry;
  });
  std::vector<uint32_t> new_index(order.size());
  std::vector<GenEnrolment> sorted;
  sorted.reserve(order.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    new_index[order[i]] = i;
    sorted.push_back(plan_.enrolments[order[i]]);
  }
  plan_.enrolments = std::move(sorted);
  for (MarkRule& r : plan_.rules) r.enrolment = new_index[r.enrolment];
  std::stable_sort(plan_.rules.begin(), plan_.rules.end(),
                   [](const MarkRule& a, const MarkRule& b) {
                     if (a.enrolment != b.enrolment) return a.enrolment < b.enrolment;
                     return RulePriority(a) < RulePriority(b);
                   });
}

LaPlan PlanLocalAuthority(World* world, int la, const ShareFallbacks& shares, uint64_t seed) {
  return LaPlanner(world, la, shares, seed).Run();
}

}  // namespace lantern::gen
