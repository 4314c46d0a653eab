// The roll: who is on each school's roll at the start of the year, who
// joins and leaves during it, and where leavers go (docs/generator.md,
// "Roll movement"). Rates are assumptions, documented there.
#include <algorithm>

#include "generate/la_plan.h"

namespace lantern::gen {

namespace {

// The first weekday on or after 3 September of a year: when a new Reception
// or Year 7 class starts.
Date AutumnStart(int year) {
  Date d = Date::FromCivil(year, 9, 3);
  while (!d.IsWeekday()) d = d + 1;
  return d;
}

Date WeekdayOnOrBefore(Date d) {
  while (!d.IsWeekday()) d = d - 1;
  return d;
}

// When a pupil on roll at the start of the year first joined this school.
Date StartEntryDate(const GenSchool& s, const GenPupil& p, AcademicYear year, Rng& rng) {
  const int y0 = year.start_year();
  const Date year_start = year.FirstDay();
  int years_here = 0;  // whole years since the pupil's normal start at this school
  switch (s.phase) {
    case SchoolPhaseCode::kPrimary:
      years_here = std::max<int>(p.year_group, 0);
      break;
    case SchoolPhaseCode::kSecondary:
      years_here = std::max(p.year_group - 7, 0);
      break;
    case SchoolPhaseCode::kSpecial:
      years_here = rng.Between(0, std::clamp<int>(p.year_group, 0, 6));
      break;
    default: {  // PRU: placed within the last fifteen months
      return WeekdayOnOrBefore(year_start + 30 - rng.Between(3, 450));
    }
  }
  const Date normal = AutumnStart(y0 - years_here);
  // About one pupil in eight joined later than the normal start.
  if (years_here > 0 && rng.Bernoulli(0.12)) {
    const int span = year_start - normal;
    return WeekdayOnOrBefore(normal + rng.Between(1, span - 1));
  }
  return normal;
}

// Annual chance of each way of leaving a school mid-year (assumptions).
struct ExitRates {
  double transfer_la, transfer_away, managed, ehe, cme, emigrated, independent, other;
};
ExitRates BaseExitRates(SchoolPhaseCode phase) {
  switch (phase) {
    case SchoolPhaseCode::kPrimary:
      return {.020, .012, .0002, .0025, .0010, .0040, .0030, .0005};
    case SchoolPhaseCode::kSpecial:
      return {.020, .010, .0005, .0020, .0010, .0020, .0020, .0010};
    case SchoolPhaseCode::kAlternativeProvision:
      return {.250, .030, .0000, .0200, .0200, .0050, .0000, .0200};
    default:
      return {.013, .008, .0030, .0050, .0015, .0040, .0020, .0008};
  }
}

// Annual in-year joiners per pupil on roll (new arrivals, from other LAs,
// from independent schools or home education; PRUs take referrals all year).
double JoinerRate(SchoolPhaseCode phase) {
  switch (phase) {
    case SchoolPhaseCode::kPrimary:
      return 0.030;
    case SchoolPhaseCode::kSpecial:
      return 0.020;
    case SchoolPhaseCode::kAlternativeProvision:
      return 0.80;
    default:
      return 0.025;
  }
}

}  // namespace

uint32_t LaPlanner::AddPupil(const GenPupil& pupil) {
  plan_.pupils.push_back(pupil);
  first_enrolment_.push_back(kNone);
  last_enrolment_.push_back(kNone);
  has_event_.push_back(0);
  pex_start_.push_back(-1);
  return static_cast<uint32_t>(plan_.pupils.size() - 1);
}

uint32_t LaPlanner::AddEnrolment(uint32_t pupil, uint32_t school, Date entry, EnrolStatus status) {
  GenEnrolment e;
  e.pupil = pupil;
  e.school = school;
  e.entry = entry.days;
  e.status = status;
  plan_.enrolments.push_back(e);
  const uint32_t index = static_cast<uint32_t>(plan_.enrolments.size() - 1);
  if (status != EnrolStatus::kSubsidiary) {
    if (first_enrolment_[pupil] == kNone) first_enrolment_[pupil] = index;
    last_enrolment_[pupil] = index;
  }
  return index;
}

void LaPlanner::EndEnrolment(uint32_t enrolment, Date last_day, LeavingReason reason) {
  GenEnrolment& e = plan_.enrolments[enrolment];
  e.leaving = std::max(last_day.days, e.entry);
  e.reason = reason;
}

bool LaPlanner::OpenRange(uint32_t enrolment, int* first, int* last) {
  const GenEnrolment& e = plan_.enrolments[enrolment];
  const SchoolCalendar& cal = CalendarOf(enrolment);
  *first = cal.FirstOnOrAfter(Date{e.entry});
  *last = cal.LastOnOrBefore(Date{std::min(e.leaving, cal.last_day().days)});
  return *first <= *last;
}

std::vector<uint32_t> LaPlanner::DestinationsFor(const GenPupil& p, uint32_t from, Rng& rng) {
  const bool special = School(from).phase == SchoolPhaseCode::kSpecial && rng.Bernoulli(0.6);
  const SchoolPhaseCode want = special             ? SchoolPhaseCode::kSpecial
                               : p.year_group <= 6 ? SchoolPhaseCode::kPrimary
                                                   : SchoolPhaseCode::kSecondary;
  std::vector<uint32_t> out;
  for (uint32_t s : plan_.schools) {
    if (s != from && School(s).phase == want) out.push_back(s);
  }
  return out;
}

uint32_t LaPlanner::PickByRoll(const std::vector<uint32_t>& schools, Rng& rng) {
  std::vector<double> w;
  for (uint32_t s : schools) w.push_back(std::max(1, School(s).nor));
  return schools[rng.Pick(w)];
}

void LaPlanner::AddStartPupils() {
  const AcademicYear year = world_->year;
  for (uint32_t s : plan_.schools) {
    GenSchool& school = School(s);
    std::vector<GenPupil> pupils = GenerateStartPupils(school, pupil_ctx_);
    school.first_pupil = static_cast<uint32_t>(plan_.pupils.size());
    school.start_pupils = static_cast<uint32_t>(pupils.size());
    for (GenPupil& p : pupils) {
      Rng rng(StreamKey(seed_, Purpose::kUpn, p.key));
      // Most primary pupils were given their UPN by this school in Reception;
      // everyone else by some primary school of the LA.
      const int estab = school.phase == SchoolPhaseCode::kPrimary && rng.Bernoulli(0.85)
                            ? school.estab
                            : upns_.RandomPrimary(rng);
      AssignUpn(&p, estab, ReceptionYear2(year, p.year_group), upns_, rng);
      const Date entry = StartEntryDate(school, p, year, rng);
      AddEnrolment(AddPupil(p), s, entry, EnrolStatus::kCurrent);
    }
  }
}

void LaPlanner::AddJoiners() {
  const AcademicYear year = world_->year;
  for (uint32_t s : plan_.schools) {
    GenSchool& school = School(s);
    const SchoolCalendar& cal = school.calendar;
    if (cal.size() < 20) continue;
    Rng rng(StreamKey(seed_, Purpose::kJoiners, static_cast<uint64_t>(school.urn)));
    const int n = rng.Poisson(JoinerRate(school.phase) * school.start_pupils);
    const double abroad = IsLondon(school.la) ? 0.4 : 0.25;
    for (int j = 0; j < n; ++j) {
      const bool from_abroad = rng.Bernoulli(abroad);
      const int day = rng.Between(3, cal.size() - 10);
      GenPupil p = GenerateJoiner(school, pupil_ctx_,
                                  school.start_pupils + static_cast<uint32_t>(j), from_abroad);
      Rng upn_rng(StreamKey(seed_, Purpose::kUpn, p.key));
      if (from_abroad) {
        AssignUpn(&p, school.estab, year.start_year() % 100, upns_, upn_rng);
      } else {
        AssignUpn(&p, upns_.RandomPrimary(upn_rng), ReceptionYear2(year, p.year_group), upns_,
                  upn_rng);
      }
      AddEnrolment(AddPupil(p), s, cal.day(day), EnrolStatus::kCurrent);
    }
  }
}

void LaPlanner::AddExits() {
  // The share of pupils moved inside the LA who move again within the year
  // (half as many again for disadvantaged pupils).
  constexpr double kMoveAgain = 0.10;
  enum Kind { kTransferLa, kTransferAway, kManaged, kEhe, kCme, kEmigrated, kIndependent, kOther };
  for (uint32_t s : plan_.schools) {
    const GenSchool& school = School(s);
    for (uint32_t p = school.first_pupil; p < school.first_pupil + school.start_pupils; ++p) {
      if (has_event_[p]) continue;
      const GenPupil& pupil = plan_.pupils[p];
      Rng rng = PupilRng(p, Purpose::kMoves);
      const ExitRates base = BaseExitRates(school.phase);
      const bool sen = pupil.sen != SenProvision::kNone;
      const bool ks4 = pupil.year_group >= 9 && pupil.year_group <= 11;
      const double behaviour = std::exp(0.7 * (pupil.behaviour_shift + pupil.behaviour_z) - 1.0);
      const double rates[] = {
          base.transfer_la,
          base.transfer_away,
          base.managed * behaviour,
          base.ehe * (sen ? 2.0 : 1.0) * (ks4 ? 1.5 : 1.0),
          base.cme * (pupil.disadvantaged ? 2.0 : 1.0),
          base.emigrated * (pupil.eal ? 2.5 : 0.6),
          base.independent * (pupil.disadvantaged ? 0.3 : 1.3),
          base.other,
      };
      double u = rng.Uniform();
      int kind = -1;
      for (int k = 0; k < 8; ++k) {
        if (u < rates[k]) {
          kind = k;
          break;
        }
        u -= rates[k];
      }
      const uint32_t e = first_enrolment_[p];
      int first = 0, last = 0;
      if (kind < 0 || !OpenRange(e, &first, &last) || last - first < 8) continue;
      const SchoolCalendar& cal = school.calendar;
      const Date leaving = cal.day(rng.Between(first + 3, last - 3));
      static const LeavingReason kReasons[] = {
          LeavingReason::kTransfer,    LeavingReason::kTransfer, LeavingReason::kManagedMove,
          LeavingReason::kEhe,         LeavingReason::kCme,      LeavingReason::kEmigrated,
          LeavingReason::kIndependent, LeavingReason::kOther};
      EndEnrolment(e, leaving, kReasons[kind]);
      has_event_[p] = 1;
      if (kind != kTransferLa && kind != kManaged) continue;
      // A move inside the LA: a new enrolment after a short gap.
      std::vector<uint32_t> options = DestinationsFor(pupil, s, rng);
      if (options.empty()) continue;
      const uint32_t dest = PickByRoll(options, rng);
      const SchoolCalendar& dc = School(dest).calendar;
      const int start = dc.FirstOnOrAfter(leaving + 1) + rng.Between(0, 8);
      if (start >= dc.size()) continue;
      const uint32_t moved = AddEnrolment(p, dest, dc.day(start), EnrolStatus::kCurrent);
      // Some move again later in the year, to a third school of the LA
      // (assumed: no national figure; docs/generator.md).
      if (!rng.Bernoulli(kMoveAgain * (pupil.disadvantaged ? 1.5 : 1.0))) continue;
      const int again = start + rng.Between(20, 60);
      if (again + 10 >= dc.size()) continue;
      std::vector<uint32_t> third = DestinationsFor(pupil, dest, rng);
      std::erase(third, s);
      if (third.empty()) continue;
      const Date left = dc.day(again);
      EndEnrolment(moved, left, kReasons[kind]);
      const uint32_t to = PickByRoll(third, rng);
      const SchoolCalendar& tc = School(to).calendar;
      const int next = tc.FirstOnOrAfter(left + 1) + rng.Between(0, 8);
      if (next < tc.size()) AddEnrolment(p, to, tc.day(next), EnrolStatus::kCurrent);
    }
  }
}

void LaPlanner::AddEndOfPhaseLeavers() {
  const int y1 = world_->year.start_year() + 1;
  Date june = Date::FromCivil(y1, 6, 30);
  while (june.Weekday() != 4) june = june - 1;  // the last Friday in June
  for (uint32_t p = 0; p < plan_.pupils.size(); ++p) {
    const uint32_t e = last_enrolment_[p];
    if (e == kNone || plan_.enrolments[e].leaving != kOpenEnded) continue;
    const GenSchool& school = SchoolOf(e);
    const int y = plan_.pupils[p].year_group;
    const SchoolCalendar& cal = school.calendar;
    Date leave;
    switch (school.phase) {
      case SchoolPhaseCode::kPrimary:
        if (y != 6) continue;
        leave = cal.last_day();
        break;
      case SchoolPhaseCode::kSpecial:
        if (y != 14) continue;
        leave = cal.last_day();
        break;
      default:  // secondary and PRU: Years 11 and 13 leave after their exams
        if (y != 11 && y != 13) continue;
        {
          const int i = cal.LastOnOrBefore(june);
          leave = i >= 0 ? cal.day(i) : cal.last_day();
        }
        break;
    }
    if (leave.days < plan_.enrolments[e].entry) leave = cal.last_day();
    EndEnrolment(e, leave, LeavingReason::kEndOfPhase);
  }
  // A subsidiary registration ends when the pupil leaves the main school.
  for (GenEnrolment& sub : plan_.enrolments) {
    if (sub.status != EnrolStatus::kSubsidiary) continue;
    const GenEnrolment& main = plan_.enrolments[last_enrolment_[sub.pupil]];
    if (main.leaving < sub.leaving) sub.leaving = std::max(main.leaving, sub.entry);
  }
}

void LaPlanner::AddStudyLeave() {
  for (uint32_t e = 0; e < plan_.enrolments.size(); ++e) {
    const GenEnrolment& en = plan_.enrolments[e];
    const GenSchool& school = SchoolOf(e);
    const int y = plan_.pupils[en.pupil].year_group;
    if (!school.has_study_leave || en.status == EnrolStatus::kSubsidiary || (y != 11 && y != 13)) {
      continue;
    }
    const Date from = school.calendar.summer_second_half();
    if (en.leaving == kOpenEnded || en.leaving < from.days || en.entry > from.days) continue;
    MarkRule r;
    r.enrolment = e;
    r.first = from.days;
    r.last = en.leaving;
    r.code = *ParseMarkCode("S");
    r.attend_share = 0.3f;  // exams and revision sessions in school
    AddRule(r);
  }
}

}  // namespace lantern::gen
