// The at-risk triggers on hand-made pupil histories: just under and just
// over each threshold, windows across term and year boundaries, a pupil who
// moves school mid-window, a dual-registered pupil, and the history of a
// flag that clears.
#include "flags/flags.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "model/upn.h"
#include "tests/scratch_dir.h"
#include "tests/store_rows.h"

namespace lantern {
namespace {

int32_t D(const char* iso) { return ParseIsoDate(iso)->days; }

class FlagsTest : public testing::ScratchDirTest {
 protected:
  FlagsTest() : ScratchDirTest("lantern_flags") {}

  uint32_t School(int urn, int la, const std::string& trust = "") {
    auto& t = s_.schools;
    t.urn.push_back(urn);
    t.la_code.push_back(static_cast<int16_t>(la));
    t.estab.push_back(4000);
    t.phase.push_back(0);
    t.name.push_back("School " + std::to_string(urn));
    t.type.push_back("");
    t.trust_id.push_back(trust);
    t.postcode.push_back("");
    t.open_date.push_back(kNoDate);
    t.close_date.push_back(kNoDate);
    return static_cast<uint32_t>(t.size() - 1);
  }
  uint32_t Pupil(int home_la = 805) { return testing::AddPupil(&s_, home_la, D("2006-01-01")); }
  uint32_t Enrol(uint32_t pupil, uint32_t school, const char* entry, const char* leaving = nullptr,
                 EnrolStatus status = EnrolStatus::kCurrent) {
    auto& e = s_.enrolments;
    e.pupil.push_back(pupil);
    e.school.push_back(school);
    e.entry_date.push_back(D(entry));
    e.leaving_date.push_back(leaving ? D(leaving) : kNoDate);
    e.leaving_reason.push_back(0);
    e.status.push_back(static_cast<uint8_t>(status));
    e.boarder.push_back(0);
    return static_cast<uint32_t>(e.size() - 1);
  }
  void Suspend(uint32_t pupil, uint32_t school, const char* start, int sessions) {
    testing::AddSuspension(&s_, pupil, school, D(start), sessions);
  }
  void Ap(uint32_t pupil, uint32_t school, const char* start) {
    auto& t = s_.ap_placements;
    t.pupil.push_back(pupil);
    t.commissioner.push_back(school);
    t.provider_id.push_back("P1");
    t.provider_name.push_back("Bridge Centre");
    t.setting.push_back(0);
    t.setting_type.push_back(0);
    t.basis.push_back(0);
    t.hours_per_week.push_back(10);
    t.reason.push_back(0);
    t.start_date.push_back(D(start));
    t.end_date.push_back(kNoDate);
    t.reintegration_plan.push_back(1);
    t.outcome.push_back(0);
  }
  void Unit(uint32_t pupil, uint32_t school, const char* start,
            UnitKind kind = UnitKind::kInternalSuspension) {
    auto& t = s_.internal_units;
    t.pupil.push_back(pupil);
    t.school.push_back(school);
    t.unit.push_back(static_cast<uint8_t>(kind));
    t.start_date.push_back(D(start));
    t.end_date.push_back(D(start));
    t.sessions.push_back(2);
    t.reason.push_back(1);
    t.reintegration_plan.push_back(1);
    t.outcome.push_back(0);
  }
  void Ehcp(uint32_t pupil, const char* request, const char* decided = nullptr,
            EhcpDecision decision = EhcpDecision::kNone, const char* plan = nullptr) {
    auto& t = s_.ehcp_requests;
    t.pupil.push_back(pupil);
    t.la.push_back(805);
    t.request_date.push_back(D(request));
    t.decision_date.push_back(decided ? D(decided) : kNoDate);
    t.decision.push_back(static_cast<uint8_t>(decision));
    t.plan_issued_date.push_back(plan ? D(plan) : kNoDate);
    t.exception.push_back(0);
    t.exception_reason.push_back("");
  }
  // Marks: per date, per enrolment slot, two codes ("//", "ON", "D ").
  void Mark(const char* date, uint32_t slot, const char* two) { marks_[D(date)][slot] = two; }
  // Every weekday from..to except the given holidays gets `two` for slot.
  void MarkWeekdays(const char* from, const char* to, uint32_t slot, const char* two,
                    const std::vector<std::pair<const char*, const char*>>& holidays = {}) {
    for (int32_t d = D(from); d <= D(to); ++d) {
      if (!Date{d}.IsWeekday()) continue;
      bool off = false;
      for (auto [a, b] : holidays) off = off || (d >= D(a) && d <= D(b));
      if (!off) marks_[d][slot] = two;
    }
  }
  // Writes the marks as day files and opens them into the state.
  void WriteMarks() {
    const uint64_t slots = s_.enrolments.size();
    for (const auto& [date, by_slot] : marks_) {
      std::vector<uint8_t> data(slots * 2, kNoMark);
      for (const auto& [slot, two] : by_slot) {
        data[slot * 2] = ParseMarkCode(two.substr(0, 1)).value_or(kNoMark);
        data[slot * 2 + 1] = ParseMarkCode(two.substr(1, 1)).value_or(kNoMark);
      }
      const std::string path = dir_ + "/day-" + std::to_string(date) + ".marks";
      ASSERT_TRUE(MarksDay::Write(path, date, slots, data.data()).ok());
      auto day = MarksDay::Open(path);
      ASSERT_TRUE(day.ok());
      s_.marks.days[date] = std::move(day).value();
    }
  }
  FlagEvaluator Evaluator(const AtRiskRules& rules = DefaultRules()) {
    return FlagEvaluator(s_, rules, CodeTreatments(), StoreCalendar(s_.marks.Dates()));
  }
  size_t K(const std::string& id) {
    const auto& t = DefaultRules().triggers;
    for (size_t k = 0; k < t.size(); ++k)
      if (t[k].id == id) return k;
    return 99;
  }

  StoreState s_;
  std::map<int32_t, std::map<uint32_t, std::string>> marks_;
};

TEST_F(FlagsTest, MonthsBeforeKeepsTheDayOrTheMonthsLastDay) {
  EXPECT_EQ(MonthsBefore(D("2019-07-19"), 12), D("2018-07-19"));
  EXPECT_EQ(MonthsBefore(D("2019-03-31"), 1), D("2019-02-28"));
  EXPECT_EQ(MonthsBefore(D("2020-02-29"), 12), D("2019-02-28"));
  EXPECT_EQ(MonthsBefore(D("2019-01-15"), 24), D("2017-01-15"));
}

TEST_F(FlagsTest, RepeatSuspensionJustUnderAndJustOverAcrossTheYearBoundary) {
  const uint32_t a = School(100001, 805);
  const uint32_t p = Pupil();
  Enrol(p, a, "2017-09-01");
  Suspend(p, a, "2018-11-20", 3);
  Suspend(p, a, "2019-05-02", 2);
  auto ev = Evaluator();
  const size_t k = K("repeat_suspension");
  std::string why;
  // One suspension: under the threshold.
  EXPECT_FALSE(ev.Holds(p, k, D("2019-05-01"), &why));
  ASSERT_TRUE(ev.Holds(p, k, D("2019-05-02"), &why));
  EXPECT_EQ(
      why, "2 suspensions in the last 12 months: 2018-11-20 (3 sessions), 2019-05-02 (2 sessions)");
  // The window is the 12 months up to the day: on 2019-11-19 it starts on
  // 2018-11-20 and holds that suspension; on 2019-11-20 it starts a day later.
  EXPECT_TRUE(ev.Holds(p, k, D("2019-11-19"), nullptr));
  EXPECT_FALSE(ev.Holds(p, k, D("2019-11-20"), nullptr));
  EXPECT_EQ(ev.Since(p, k, D("2019-09-10"), D("2016-01-01")), D("2019-05-02"));
}

TEST_F(FlagsTest, RepeatApJustUnderAndOver) {
  const uint32_t a = School(100001, 805);
  const uint32_t p = Pupil();
  Enrol(p, a, "2017-09-01");
  Ap(p, a, "2018-03-01");
  Ap(p, a, "2019-02-28");
  auto ev = Evaluator();
  const size_t k = K("repeat_ap");
  std::string why;
  ASSERT_TRUE(ev.Holds(p, k, D("2019-02-28"), &why));
  EXPECT_NE(why.find("2 AP placements started in the last 12 months: 2018-03-01 at Bridge "
                     "Centre (10h a week, continuing)"),
            std::string::npos)
      << why;
  EXPECT_FALSE(ev.Holds(p, k, D("2019-03-01"), nullptr));  // 2018-03-01 has left the window
}

TEST_F(FlagsTest, RepeatInternalSuspensionCountsTheCurrentTermOnly) {
  const uint32_t a = School(100001, 805);
  const uint32_t p = Pupil();
  const uint32_t e = Enrol(p, a, "2018-09-03");
  // Spring term to 5 April, Easter holiday, summer term from 23 April.
  MarkWeekdays("2019-01-07", "2019-04-05", e, "//", {{"2019-02-18", "2019-02-22"}});
  MarkWeekdays("2019-04-23", "2019-07-19", e, "//", {{"2019-05-27", "2019-05-31"}});
  WriteMarks();
  Unit(p, a, "2019-03-20");
  Unit(p, a, "2019-04-03");
  Unit(p, a, "2019-04-24");
  Unit(p, a, "2019-04-25", UnitKind::kSupportUnit);  // a support unit is not a suspension
  auto ev = Evaluator();
  EXPECT_EQ(ev.calendar().TermStart(D("2019-05-01")), D("2019-04-23"));
  EXPECT_EQ(ev.calendar().TermStart(D("2019-02-25")), D("2019-01-07"));  // half term: same term
  const size_t k = K("repeat_internal_suspension");
  // Three spells in ten days, but across the Easter holiday: two terms.
  EXPECT_FALSE(ev.Holds(p, k, D("2019-04-26"), nullptr));
  Unit(p, a, "2019-05-02");
  Unit(p, a, "2019-05-03");
  auto ev2 = Evaluator();
  EXPECT_FALSE(ev2.Holds(p, k, D("2019-05-02"), nullptr));  // two this term
  std::string why;
  ASSERT_TRUE(ev2.Holds(p, k, D("2019-05-03"), &why));
  EXPECT_EQ(
      why,
      "3 internal suspensions this term (the term began 2019-04-23): 2019-04-24 (2 sessions), "
      "2019-05-02 (2 sessions), 2019-05-03 (2 sessions)");
  EXPECT_EQ(ev2.Since(p, k, D("2019-07-01"), D("2018-01-01")), D("2019-05-03"));
}

// Two LAs' holidays staggered as the generator staggers them: A back on
// Thursday 3 January (a 13-day Christmas break) and off for Easter 8-22
// April; B back on 7 January and off 15-26 April. Merged, the store's
// calendar has neither break (21 December to 3 January, 12 to 23 April);
// each pupil's term comes from the pupil's own school days.
TEST_F(FlagsTest, TheCurrentTermIsThePupilsOwnSchoolsWhenHolidaysAreStaggered) {
  const uint32_t a = School(100001, 805), b = School(100002, 330);
  const uint32_t pa = Pupil(805), pb = Pupil(330);
  const uint32_t ea = Enrol(pa, a, "2018-09-03"), eb = Enrol(pb, b, "2018-09-03");
  MarkWeekdays("2018-12-03", "2018-12-21", ea, "//");
  MarkWeekdays("2018-12-03", "2018-12-21", eb, "//");
  MarkWeekdays("2019-01-03", "2019-05-10", ea, "//", {{"2019-04-08", "2019-04-22"}});
  MarkWeekdays("2019-01-07", "2019-05-10", eb, "//", {{"2019-04-15", "2019-04-26"}});
  WriteMarks();
  Unit(pa, a, "2018-12-19");
  Unit(pa, a, "2018-12-20");
  Unit(pa, a, "2019-01-03");
  Unit(pb, b, "2019-04-10");
  Unit(pb, b, "2019-04-11");
  Unit(pb, b, "2019-04-29");
  auto ev = Evaluator();
  EXPECT_EQ(ev.calendar().TermStart(D("2019-01-04")), D("2019-01-03"));  // over 1 January
  EXPECT_EQ(ev.calendar().TermStart(D("2019-05-01")), D("2019-01-03"));  // Easter hidden
  const size_t k = K("repeat_internal_suspension");
  EXPECT_FALSE(ev.Holds(pa, k, D("2019-01-04"), nullptr));  // two in autumn, one in spring
  EXPECT_FALSE(ev.Holds(pb, k, D("2019-05-01"), nullptr));  // two in spring, one in summer
  // Over the same dates, three in one term of B's: flagged, with B's term.
  Unit(pb, b, "2019-04-30");
  Unit(pb, b, "2019-05-01");
  auto ev2 = Evaluator();
  std::string why;
  ASSERT_TRUE(ev2.Holds(pb, k, D("2019-05-01"), &why));
  EXPECT_NE(why.find("this term (the term began 2019-04-29): 2019-04-29"), std::string::npos)
      << why;
  // In the holiday, the term that ended is over: nothing counts.
  EXPECT_FALSE(ev2.Holds(pb, k, D("2019-04-20"), nullptr));
}

// The term is looked up only for a pupil with enough spells since the
// store calendar's term began (no later than the pupil's own term): a pupil
// off roll since before the Christmas holiday is in a break of their own
// in January, their "term" the days since their last school day, which
// began before the calendar's spring term; spells in it count.
TEST_F(FlagsTest, APupilsTermThatBeganBeforeTheCalendarsCountsItsSpells) {
  const uint32_t a = School(100001, 805);
  const uint32_t stays = Pupil(), left = Pupil();
  const uint32_t es = Enrol(stays, a, "2018-09-03");
  const uint32_t el = Enrol(left, a, "2018-09-03", "2018-12-14");
  MarkWeekdays("2018-12-03", "2018-12-21", es, "//");
  MarkWeekdays("2019-01-07", "2019-01-25", es, "//");
  MarkWeekdays("2018-12-03", "2018-12-14", el, "//");
  WriteMarks();
  Unit(left, a, "2018-12-17");
  Unit(left, a, "2018-12-18");
  Unit(left, a, "2018-12-19");
  Unit(stays, a, "2018-12-17");
  Unit(stays, a, "2018-12-18");
  Unit(stays, a, "2019-01-08");
  auto ev = Evaluator();
  EXPECT_EQ(ev.calendar().TermStart(D("2019-01-21")), D("2019-01-07"));
  const size_t k = K("repeat_internal_suspension");
  std::string why;
  ASSERT_TRUE(ev.Holds(left, k, D("2019-01-21"), &why));
  EXPECT_NE(why.find("(the term began 2018-12-15): 2018-12-17"), std::string::npos) << why;
  // The pupil on roll: two spells last term, one this term.
  EXPECT_FALSE(ev.Holds(stays, k, D("2019-01-21"), nullptr));
  Unit(stays, a, "2019-01-09");
  Unit(stays, a, "2019-01-10");
  auto ev2 = Evaluator();
  ASSERT_TRUE(ev2.Holds(stays, k, D("2019-01-21"), &why));
  EXPECT_NE(why.find("(the term began 2019-01-07): 2019-01-08"), std::string::npos) << why;
}

TEST_F(FlagsTest, LowAttendanceJustUnderAndOverNinetyPercent) {
  const uint32_t a = School(100001, 805);
  const uint32_t under = Pupil(), at = Pupil();
  const uint32_t e1 = Enrol(under, a, "2018-09-03");
  const uint32_t e2 = Enrol(at, a, "2018-09-03");
  // 30 school days, 1 May to 18 June less the half term (27-31 May).
  MarkWeekdays("2019-05-01", "2019-06-18", e1, "//", {{"2019-05-27", "2019-05-31"}});
  MarkWeekdays("2019-05-01", "2019-06-18", e2, "//", {{"2019-05-27", "2019-05-31"}});
  // 6 absent sessions of 60 = 90.0%: not under 90. 7 = 88.3%: under.
  for (const char* d : {"2019-05-01", "2019-05-02", "2019-05-03"}) Mark(d, e2, "OO");
  for (const char* d : {"2019-05-01", "2019-05-02", "2019-05-03"}) Mark(d, e1, "OO");
  Mark("2019-05-07", e1, "/O");
  WriteMarks();
  auto ev = Evaluator();
  ASSERT_EQ(StoreCalendar(s_.marks.Dates()).dates().size(), 30u);
  const size_t k = K("low_attendance");
  EXPECT_FALSE(ev.Holds(at, k, D("2019-06-18"), nullptr));
  std::string why;
  ASSERT_TRUE(ev.Holds(under, k, D("2019-06-18"), &why));
  EXPECT_EQ(why,
            "attended 53 of 60 possible sessions (88.3%, under 90%) over the last 30 school days "
            "on a roll, 2019-05-01 to 2019-06-18");
  // Fewer than 30 school days with marks: not yet.
  EXPECT_FALSE(ev.Holds(under, k, D("2019-06-17"), nullptr));
  // The run began on the first day the window was under 90%.
  EXPECT_EQ(ev.Since(under, k, D("2019-06-18"), D("2019-01-01")), D("2019-06-18"));
}

// The start of a long run of low attendance is the earliest school day of
// the run whose own window was under the threshold: Since (running
// totals) agrees with testing each earlier school day in turn, and stops
// at the floor.
TEST_F(FlagsTest, LowAttendanceSinceAgreesWithTestingEachEarlierDay) {
  const uint32_t a = School(100001, 805);
  const uint32_t p = Pupil();
  const uint32_t e = Enrol(p, a, "2018-09-03");
  MarkWeekdays("2019-03-01", "2019-06-28", e, "//", {{"2019-04-08", "2019-04-19"}});
  // Absences early in May and again in June: the window dips under 90%,
  // recovers, and dips again.
  for (const char* d : {"2019-05-01", "2019-05-02", "2019-05-03", "2019-05-07", "2019-05-08",
                        "2019-06-10", "2019-06-11", "2019-06-12", "2019-06-13"}) {
    Mark(d, e, "OO");
  }
  WriteMarks();
  auto ev = Evaluator();
  const size_t k = K("low_attendance");
  const std::vector<int32_t>& dates = ev.calendar().dates();
  int checked = 0;
  for (int32_t floor : {D("2019-01-01"), D("2019-06-20")}) {
    for (auto day_it = dates.begin(); day_it != dates.end(); ++day_it) {
      if (*day_it < floor || !ev.Holds(p, k, *day_it, nullptr)) continue;
      int32_t expected = *day_it;
      for (auto it = day_it; it != dates.begin();) {
        --it;
        if (*it < floor || !ev.Holds(p, k, *it, nullptr)) break;
        expected = *it;
      }
      EXPECT_EQ(ev.Since(p, k, *day_it, floor), std::max(expected, floor))
          << FormatIsoDate(Date{*day_it});
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);  // the run is long enough to test the walk back
}

TEST_F(FlagsTest, LowAttendanceFollowsAPupilWhoMovesSchoolMidWindow) {
  const uint32_t a = School(100001, 805), b = School(100002, 806);
  const uint32_t p = Pupil();
  const uint32_t ea = Enrol(p, a, "2018-09-03", "2019-05-17");
  const uint32_t eb = Enrol(p, b, "2019-05-20");
  // 15 April to 17 May at A (25 days), then 20 May to 14 June at B (15
  // days less the half term). The enrolment at A has marks after leaving
  // (27-31 May and on): they are outside its time on roll and not counted.
  MarkWeekdays("2019-04-15", "2019-05-17", ea, "//");
  MarkWeekdays("2019-05-20", "2019-06-14", ea, "OO");
  MarkWeekdays("2019-05-20", "2019-06-14", eb, "//", {{"2019-05-27", "2019-05-31"}});
  for (const char* d : {"2019-05-13", "2019-05-14", "2019-05-15"}) Mark(d, ea, "OO");
  WriteMarks();
  const size_t k = K("low_attendance");
  // The last 30 school days on a roll to 14 June: 15 at B and 15 at A
  // (29 April to 17 May); 6 sessions missed of 60 = 90%: not under.
  EXPECT_FALSE(Evaluator().Holds(p, k, D("2019-06-14"), nullptr));
  // One more session missed at the new school: 53 of 60.
  marks_[D("2019-06-03")][eb] = "O/";
  s_.marks.days.clear();
  WriteMarks();
  auto ev = Evaluator();
  std::string why;
  ASSERT_TRUE(ev.Holds(p, k, D("2019-06-14"), &why));
  EXPECT_EQ(why,
            "attended 53 of 60 possible sessions (88.3%, under 90%) over the last 30 school days "
            "on a roll, 2019-04-29 to 2019-06-14");
  EXPECT_EQ(ev.MainSchool(p, D("2019-06-14")), b);
}

TEST_F(FlagsTest, LowAttendanceOfADualRegisteredPupilCountsBothSchools) {
  const uint32_t main = School(100001, 805), pru = School(100003, 805);
  const uint32_t p = Pupil();
  const uint32_t em = Enrol(p, main, "2018-09-03", nullptr, EnrolStatus::kMain);
  const uint32_t es = Enrol(p, pru, "2019-01-07", nullptr, EnrolStatus::kSubsidiary);
  // 30 school days in January and February (less half term): Mondays and
  // Tuesdays at the PRU (D, dual registered, at the main school), the rest
  // at the main school.
  for (int32_t d = D("2019-01-07"); d <= D("2019-02-22"); ++d) {
    const int wd = Date{d}.Weekday();
    if (wd >= 5 || (d >= D("2019-02-18"))) continue;
    const std::string iso = FormatIsoDate(Date{d});
    if (wd <= 1) {
      Mark(iso.c_str(), em, "DD");
      Mark(iso.c_str(), es, "//");
    } else {
      Mark(iso.c_str(), em, "//");
    }
  }
  // Missed 4 days at the PRU: 8 of 60 sessions.
  for (const char* d : {"2019-01-07", "2019-01-14", "2019-01-21", "2019-01-28"}) Mark(d, es, "OO");
  WriteMarks();
  auto ev = Evaluator();
  std::string why;
  ASSERT_TRUE(ev.Holds(p, K("low_attendance"), D("2019-02-15"), &why));
  EXPECT_NE(why.find("attended 52 of 60 possible sessions (86.7%"), std::string::npos) << why;
  // The main registration is the school shown, and a subsidiary
  // registration is not a school for third_school.
  EXPECT_EQ(ev.MainSchool(p, D("2019-02-15")), main);
  EXPECT_FALSE(ev.Holds(p, K("third_school"), D("2019-02-15"), nullptr));
}

TEST_F(FlagsTest, ThirdSchoolWithinTwentyFourMonths) {
  const uint32_t a = School(100001, 805), b = School(100002, 805), c = School(100003, 806);
  const uint32_t p = Pupil(), q = Pupil();
  Enrol(p, a, "2015-09-01", "2017-03-10");
  Enrol(p, b, "2017-03-13", "2018-10-19");
  Enrol(p, c, "2018-11-05");
  auto ev = Evaluator();
  const size_t k = K("third_school");
  std::string why;
  ASSERT_TRUE(ev.Holds(p, k, D("2019-03-09"), &why));
  EXPECT_EQ(why,
            "3 different schools (main registration) in the last 24 months: School 100001 (URN "
            "100001) from 2015-09-01 to 2017-03-10, School 100002 (URN 100002) from 2017-03-13 to "
            "2018-10-19, School 100003 (URN 100003) from 2018-11-05");
  // The window of 2019-03-10 starts on 2017-03-11, the day after the
  // pupil left the first school: two schools, under the threshold.
  EXPECT_FALSE(ev.Holds(p, k, D("2019-03-10"), nullptr));
  EXPECT_EQ(ev.Since(p, k, D("2019-03-09"), D("2015-01-01")), D("2018-11-05"));
  // Two schools only: under the threshold.
  Enrol(q, a, "2017-09-01", "2018-07-20");
  Enrol(q, b, "2018-09-03");
  auto ev2 = Evaluator();
  EXPECT_FALSE(ev2.Holds(q, k, D("2019-03-10"), nullptr));
}

TEST_F(FlagsTest, EhcpWaitPastTwentyWeeksWithoutAPlan) {
  const uint32_t a = School(100001, 805);
  const uint32_t p = Pupil(), refused = Pupil(), planned = Pupil(), no_plan = Pupil();
  for (uint32_t x : {p, refused, planned, no_plan}) Enrol(x, a, "2017-09-01");
  Ehcp(p, "2018-10-01", "2018-11-05", EhcpDecision::kAssess);
  Ehcp(refused, "2018-10-01", "2018-11-05", EhcpDecision::kRefuse);
  Ehcp(planned, "2018-10-01", "2018-11-05", EhcpDecision::kAssess, "2019-02-25");
  // Assessed, then on 4 March the LA decided not to issue a plan.
  Ehcp(no_plan, "2018-10-01", "2019-03-04", EhcpDecision::kNoPlan);
  auto ev = Evaluator();
  const size_t k = K("ehcp_wait");
  // 20 weeks after 1 October is 18 February: waiting exactly 20 weeks is
  // not past them.
  EXPECT_FALSE(ev.Holds(p, k, D("2019-02-18"), nullptr));
  std::string why;
  ASSERT_TRUE(ev.Holds(p, k, D("2019-02-19"), &why));
  EXPECT_EQ(why,
            "EHC needs assessment requested from LA 805 on 2018-10-01: 20 weeks 1 day without a "
            "plan (over 20 weeks); agreed to assess on 2018-11-05, no plan issued yet");
  EXPECT_FALSE(ev.Holds(refused, k, D("2019-03-01"), nullptr));
  EXPECT_TRUE(ev.Holds(planned, k, D("2019-02-24"), nullptr));
  EXPECT_FALSE(ev.Holds(planned, k, D("2019-02-25"), nullptr));
  EXPECT_TRUE(ev.Holds(no_plan, k, D("2019-03-01"), nullptr));
  EXPECT_FALSE(ev.Holds(no_plan, k, D("2019-03-04"), nullptr));
  EXPECT_EQ(ev.Since(p, k, D("2019-04-01"), D("2018-01-01")), D("2019-02-19"));
}

TEST_F(FlagsTest, HistoryKeepsSinceAndClosesARunWhenTheConditionClears) {
  const uint32_t a = School(100001, 805);
  const uint32_t p = Pupil();
  Enrol(p, a, "2017-09-01");
  Suspend(p, a, "2018-11-20", 3);
  Suspend(p, a, "2019-05-02", 2);
  auto ev = Evaluator();
  const AtRiskRules& rules = DefaultRules();
  FlagTable history;
  // First run, no history: since found by looking back.
  auto day1 = ev.EvaluateAll(D("2019-06-03"), nullptr, kNoDate, 1);
  ASSERT_EQ(day1.size(), 1u);
  EXPECT_EQ(day1[0].since, D("2019-05-02"));
  auto u1 = UpdateFlagHistory(rules, D("2019-06-03"), &day1, &history);
  EXPECT_EQ(u1.raised, 1u);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history.rules_version[0], "1");
  EXPECT_EQ(history.until[0], kNoDate);
  // Next day, with the history: the same run, since kept.
  auto day2 = ev.EvaluateAll(D("2019-06-04"), &history, D("2019-06-03"), 1);
  ASSERT_EQ(day2.size(), 1u);
  auto u2 = UpdateFlagHistory(rules, D("2019-06-04"), &day2, &history);
  EXPECT_EQ(u2.raised, 0u);
  EXPECT_EQ(u2.changed_rows.size(), 0u);
  EXPECT_EQ(day2[0].since, D("2019-05-02"));
  // When the first suspension leaves the window the flag clears, and the
  // run is kept with its end.
  auto day3 = ev.EvaluateAll(D("2019-11-20"), &history, D("2019-06-04"), 1);
  EXPECT_TRUE(day3.empty());
  auto u3 = UpdateFlagHistory(rules, D("2019-11-20"), &day3, &history);
  EXPECT_EQ(u3.cleared, 1u);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history.until[0], D("2019-11-20"));
  EXPECT_EQ(history.since[0], D("2019-05-02"));
}

TEST(FlagHistoryTest, OpenRunsAreMatchedByPupilAndTriggerWhateverTheRowOrder) {
  const AtRiskRules& rules = DefaultRules();
  auto k = [&](std::string_view id) {
    for (size_t i = 0; i < rules.triggers.size(); ++i) {
      if (rules.triggers[i].id == id) return static_cast<uint16_t>(i);
    }
    ADD_FAILURE() << id;
    return uint16_t{0};
  };
  FlagTable h;
  auto open_run = [&](uint32_t pupil, std::string id, int32_t since, int32_t until = kNoDate) {
    h.pupil.push_back(pupil);
    h.school.push_back(0);
    h.trigger_id.push_back(std::move(id));
    h.since.push_back(since);
    h.until.push_back(until);
    h.rules_version.push_back("1");
    h.reason.push_back("r");
    h.raised.push_back(since);
  };
  // Rows out of pupil order, a closed run, and a trigger the rules no
  // longer hold.
  open_run(9, "low_attendance", 100);        // 0: holds again
  open_run(2, "repeat_suspension", 110);     // 1: clears
  open_run(2, "low_attendance", 120, 130);   // 2: closed already
  open_run(5, "retired_local_trigger", 90);  // 3: no longer in the rules: clears
  open_run(2, "low_attendance", 140);        // 4: holds again
  auto result = [&](uint32_t pupil, std::string_view id) {
    FlagResult f;
    f.pupil = pupil;
    f.trigger = k(id);
    f.since = 200;  // a new run's since
    return f;
  };
  // The results out of order too: they are put in pupil, trigger order.
  std::vector<FlagResult> results = {result(9, "low_attendance"), result(2, "low_attendance"),
                                     result(7, "repeat_ap")};
  const HistoryUpdate u = UpdateFlagHistory(rules, 210, &results, &h);
  EXPECT_EQ(u.raised, 1u);
  EXPECT_EQ(u.cleared, 2u);
  ASSERT_EQ(h.size(), 6u);
  EXPECT_EQ(h.until[0], kNoDate);
  EXPECT_EQ(h.until[1], 210);
  EXPECT_EQ(h.until[2], 130);
  EXPECT_EQ(h.until[3], 210);
  EXPECT_EQ(h.until[4], kNoDate);
  EXPECT_EQ(h.pupil[5], 7u);
  EXPECT_EQ(h.trigger_id[5], "repeat_ap");
  EXPECT_EQ(h.since[5], 200);
  EXPECT_EQ(u.changed_rows, (std::vector<uint32_t>{1, 3, 5}));
  EXPECT_EQ(u.raised_rows, (std::vector<uint32_t>{5}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].pupil, 2u);
  EXPECT_EQ(results[0].since, 140);  // the open run's since, kept
  EXPECT_EQ(results[1].pupil, 7u);
  EXPECT_EQ(results[2].pupil, 9u);
  EXPECT_EQ(results[2].since, 100);
}

TEST_F(FlagsTest, APupilNotOnARollOnTheDayIsNotFlagged) {
  const uint32_t a = School(100001, 805);
  const uint32_t p = Pupil();
  Enrol(p, a, "2017-09-01", "2019-05-10");
  Suspend(p, a, "2019-01-10", 3);
  Suspend(p, a, "2019-05-02", 2);
  auto ev = Evaluator();
  EXPECT_EQ(ev.EvaluateAll(D("2019-05-10"), nullptr, kNoDate, 1).size(), 1u);
  EXPECT_TRUE(ev.EvaluateAll(D("2019-05-13"), nullptr, kNoDate, 1).empty());
}

// The open runs come out in pupil, trigger, row order whatever the order
// of the history's rows: a few days' stretches each in pupil order (as
// runs add them), a stretch out of order, duplicates and an unknown id.
TEST(FlagHistoryTest, OpenRunsComeInPupilTriggerAndRowOrderWhateverTheRowOrder) {
  const AtRiskRules rules = DefaultRules();
  FlagTable h;
  uint64_t seed = 12345;
  const auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(seed >> 33);
  };
  std::vector<std::string> ids;
  for (const Trigger& t : rules.triggers) ids.push_back(t.id);
  ids.push_back("retired_local_trigger");
  // Five days' stretches in pupil then trigger order, then one out of order.
  for (int day = 0; day < 6; ++day) {
    std::vector<std::pair<uint32_t, size_t>> rows;
    for (int i = 0; i < 300; ++i) rows.push_back({next() % 200, next() % ids.size()});
    if (day < 5) std::sort(rows.begin(), rows.end());
    for (const auto& [pupil, id] : rows) {
      h.pupil.push_back(pupil);
      h.school.push_back(0);
      h.trigger_id.push_back(ids[id]);
      h.since.push_back(100 + day);
      h.until.push_back(next() % 4 == 0 ? 110 : kNoDate);
      h.rules_version.push_back("1");
      h.reason.push_back("r");
      h.raised.push_back(100 + day);
    }
  }
  const std::vector<OpenRun> runs = OpenRuns(rules, h);
  std::vector<std::tuple<uint32_t, uint16_t, uint32_t>> want;
  for (size_t r = 0; r < h.size(); ++r) {
    if (h.until[r] != kNoDate) continue;
    uint16_t k = kNoTrigger;
    for (size_t i = 0; i < rules.triggers.size(); ++i) {
      if (rules.triggers[i].id == h.trigger_id[r]) k = static_cast<uint16_t>(i);
    }
    want.push_back({h.pupil[r], k, static_cast<uint32_t>(r)});
  }
  std::sort(want.begin(), want.end());
  ASSERT_EQ(runs.size(), want.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(std::make_tuple(runs[i].pupil, runs[i].trigger, runs[i].row), want[i]) << i;
  }
}

}  // namespace
}  // namespace lantern
