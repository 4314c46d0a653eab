// Exits, moves, elective home education, unexplained exits and children
// missing education on hand-made histories, each worked by hand
// (docs/local-outcomes.md states the rules).
#include "derive/exits.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "derive/facts.h"
#include "model/codes.h"
#include "tests/store_rows.h"

namespace lantern {
namespace {

int32_t D(const char* iso) { return ParseIsoDate(iso)->days; }

class ExitsTest : public ::testing::Test {
 protected:
  ExitsTest() {
    // Schools: 0 and 1 in LA 805 (1 in trust T1), 2 in LA 806, 3 a PRU in 805.
    AddSchool(100000, 805, "");
    AddSchool(100001, 805, "T1");
    AddSchool(100002, 806, "");
    AddSchool(100003, 805, "");
    // Marks run to 19 July 2019: the store's last day.
    last_pupil_ = AddPupil(8, "2010-01-01");
    AddEnrolment(last_pupil_, 0, "2018-09-03", nullptr, LeavingReason::kNone);
    AddEnrolment(AddPupil(8, "2010-02-01"), 0, "2019-07-19", nullptr, LeavingReason::kNone);
  }
  void AddSchool(int urn, int la, const char* trust) {
    s_.schools.urn.push_back(urn);
    s_.schools.la_code.push_back(static_cast<int16_t>(la));
    s_.schools.estab.push_back(1);
    s_.schools.phase.push_back(0);
    s_.schools.name.push_back("School " + std::to_string(urn));
    s_.schools.type.push_back("");
    s_.schools.trust_id.push_back(trust);
    s_.schools.postcode.push_back("");
    s_.schools.open_date.push_back(kNoDate);
    s_.schools.close_date.push_back(kNoDate);
  }
  uint32_t AddPupil(int year_group, const char* birth) {
    return testing::AddPupil(&s_, 805, D(birth), year_group);
  }
  uint32_t AddEnrolment(uint32_t pupil, uint32_t school, const char* entry, const char* leaving,
                        LeavingReason reason, EnrolStatus status = EnrolStatus::kCurrent) {
    EnrolmentTable& e = s_.enrolments;
    e.pupil.push_back(pupil);
    e.school.push_back(school);
    e.entry_date.push_back(D(entry));
    e.leaving_date.push_back(leaving ? D(leaving) : kNoDate);
    e.leaving_reason.push_back(static_cast<uint8_t>(reason));
    e.status.push_back(static_cast<uint8_t>(status));
    e.boarder.push_back(0);
    return static_cast<uint32_t>(e.size() - 1);
  }
  void AddSuspension(uint32_t pupil, uint32_t school, const char* start) {
    SuspensionTable& t = s_.suspensions;
    t.pupil.push_back(pupil);
    t.school.push_back(school);
    t.start_date.push_back(D(start));
    t.category.push_back(0);
    t.sessions.push_back(2);
    t.reason1.push_back(0);
    t.reason2.push_back(0);
    t.reason3.push_back(0);
    t.outcome.push_back(0);
  }
  const ExitRecord* Exit(const ExitSet& set, uint32_t enrolment) {
    for (const ExitRecord& x : set.exits) {
      if (x.enrolment == enrolment) return &x;
    }
    return nullptr;
  }
  // The record points into the set: a temporary set would leave it dangling.
  const ExitRecord* Exit(ExitSet&&, uint32_t) = delete;
  ExitSet Classify() {
    const AcademicYear y(2018);
    return ClassifyExits(s_, policy_, y.FirstDay(), y.LastDay());
  }
  StoreState s_;
  Policy policy_;  // cme_window_school_days = 10
  uint32_t last_pupil_ = 0;
};

TEST_F(ExitsTest, SchoolDaysCountWeekdaysStrictlyBetween) {
  // Friday 11 January 2019 to Monday 28 January: 14..18 and 21..25 January.
  EXPECT_EQ(SchoolDaysBetween(Date{D("2019-01-11")}, Date{D("2019-01-28")}), 10);
  EXPECT_EQ(SchoolDaysBetween(Date{D("2019-01-11")}, Date{D("2019-01-14")}), 0);
  EXPECT_EQ(SchoolDaysBetween(Date{D("2019-01-11")}, Date{D("2019-01-11")}), 0);
  EXPECT_EQ(SchoolDaysBetween(Date{D("2019-01-07")}, Date{D("2019-01-09")}), 1);
}

// A school day is a weekday, less the holidays the marks show: a run of up
// to three weeks of weekdays with no marks from any school (a move across
// Christmas with one open day between is a gap of one, not eleven). A
// longer run is marks not sent: its weekdays count.
TEST(StoreSchoolDays, WeekdaysLessTheHolidaysTheMarksShow) {
  // Marks on Thursday 20 and Friday 21 December 2018, then from Monday 7
  // January 2019 (a two-week holiday between) to Friday 11 January, then
  // on Monday 4 March (seven weeks with no marks: not a holiday).
  std::vector<int32_t> dates = {D("2018-12-20"), D("2018-12-21")};
  for (int32_t d = D("2019-01-07"); d <= D("2019-01-11"); ++d) dates.push_back(d);
  dates.push_back(D("2019-03-04"));
  const StoreSchoolDays days(dates, Policy().longest_holiday_weekdays);
  EXPECT_EQ(days.Between(Date{D("2018-12-20")}, Date{D("2019-01-08")}), 2);  // 21 Dec, 7 Jan
  EXPECT_EQ(SchoolDaysBetween(Date{D("2018-12-20")}, Date{D("2019-01-08")}), 12);
  EXPECT_EQ(days.Between(Date{D("2018-12-21")}, Date{D("2019-01-07")}), 0);
  // After 11 January the weekdays count: 14 and 15 January.
  EXPECT_EQ(days.Between(Date{D("2019-01-10")}, Date{D("2019-01-16")}), 3);
  // Before the first day of marks, weekdays: 18 and 19 December, then 20.
  EXPECT_EQ(days.Between(Date{D("2018-12-17")}, Date{D("2018-12-21")}), 3);
  EXPECT_EQ(days.After(Date{D("2018-12-20")}, 1).days, D("2018-12-21"));
  EXPECT_EQ(days.After(Date{D("2018-12-20")}, 2).days, D("2019-01-07"));
  EXPECT_EQ(days.After(Date{D("2019-01-10")}, 2).days, D("2019-01-14"));
  // No marks: weekdays.
  EXPECT_EQ(StoreSchoolDays().Between(Date{D("2018-12-20")}, Date{D("2019-01-08")}), 12);
}

TEST_F(ExitsTest, ALeaverWhoNeverReappearsIsAnOpenCaseForTheHomeLa) {
  const uint32_t p = AddPupil(4, "2010-05-05");
  const uint32_t e = AddEnrolment(p, 0, "2018-09-03", "2019-01-11", LeavingReason::kTransfer);
  const ExitSet set = Classify();
  EXPECT_EQ(set.as_of.days, D("2019-07-19"));
  const ExitRecord* x = Exit(set, e);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->cme, CmeStatus::kOpen);
  EXPECT_TRUE(x->no_next);
  EXPECT_FALSE(x->move);
}

TEST_F(ExitsTest, ReappearingOnDayNPlusOneClosesACaseOnDayNIsNone) {
  // Window: the ten school days 14-25 January. Day N+1 is Monday 28 January.
  const uint32_t late = AddPupil(4, "2010-05-05");
  const uint32_t e1 = AddEnrolment(late, 0, "2018-09-03", "2019-01-11", LeavingReason::kTransfer);
  AddEnrolment(late, 1, "2019-01-28", nullptr, LeavingReason::kNone);
  const uint32_t soon = AddPupil(4, "2010-05-05");
  const uint32_t e2 = AddEnrolment(soon, 0, "2018-09-03", "2019-01-11", LeavingReason::kTransfer);
  AddEnrolment(soon, 1, "2019-01-25", nullptr, LeavingReason::kNone);
  const ExitSet set = Classify();
  const ExitRecord* a = Exit(set, e1);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->cme, CmeStatus::kClosed);
  EXPECT_EQ(a->cme_closed, D("2019-01-28"));
  EXPECT_EQ(a->gap_school_days, 10);
  EXPECT_TRUE(a->move);
  EXPECT_TRUE(a->move_other_trust);  // into trust T1
  const ExitRecord* b = Exit(set, e2);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->cme, CmeStatus::kNone);
  EXPECT_EQ(b->gap_school_days, 9);
  // A longer window makes the first a case no more... and the second one too.
  policy_.cme_window_school_days = 11;
  const ExitSet wider = Classify();
  EXPECT_EQ(Exit(wider, e1)->cme, CmeStatus::kNone);
}

TEST_F(ExitsTest, AManagedMoveThatReturnsIsAMoveAndAReturnNotACase) {
  const uint32_t p = AddPupil(9, "2004-10-10");
  const uint32_t a1 = AddEnrolment(p, 0, "2018-09-03", "2018-11-30", LeavingReason::kManagedMove);
  const uint32_t b = AddEnrolment(p, 1, "2018-12-03", "2019-02-08", LeavingReason::kManagedMove);
  AddEnrolment(p, 0, "2019-02-11", nullptr, LeavingReason::kNone);
  const ExitSet set = Classify();
  const ExitRecord* x = Exit(set, a1);
  ASSERT_NE(x, nullptr);
  EXPECT_TRUE(x->move);
  EXPECT_EQ(static_cast<size_t>(x->next), b);
  EXPECT_TRUE(x->returned_same_school);
  EXPECT_EQ(x->cme, CmeStatus::kNone);
  // A managed move within the LA is not explained by any recorded reason.
  EXPECT_TRUE(x->unexplained);
  const ExitRecord* y = Exit(set, b);
  ASSERT_NE(y, nullptr);
  EXPECT_FALSE(y->returned_same_school);  // B never has them back
  EXPECT_TRUE(y->move);
}

TEST_F(ExitsTest, ADualRegistrationIsNotAnExitAndKeepsThePupilOnARoll) {
  const uint32_t p = AddPupil(9, "2004-10-10");
  AddEnrolment(p, 0, "2018-09-03", nullptr, LeavingReason::kNone, EnrolStatus::kMain);
  const uint32_t sub = AddEnrolment(p, 3, "2018-10-01", "2019-01-11", LeavingReason::kOther,
                                    EnrolStatus::kSubsidiary);
  const ExitSet set = Classify();
  EXPECT_EQ(Exit(set, sub), nullptr);
  // The main registration ending while another main one runs: no gap.
  const uint32_t q = AddPupil(9, "2004-10-10");
  const uint32_t m1 = AddEnrolment(q, 0, "2018-09-03", "2019-03-01", LeavingReason::kTransfer);
  AddEnrolment(q, 3, "2019-02-01", nullptr, LeavingReason::kNone, EnrolStatus::kMain);
  const ExitSet set_m1 = Classify();
  const ExitRecord* x = Exit(set_m1, m1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->gap_school_days, 0);
  EXPECT_EQ(x->cme, CmeStatus::kNone);
}

TEST_F(ExitsTest, AMoveAcrossAnLaBorderIsExplainedAndNotACase) {
  const uint32_t p = AddPupil(10, "2003-12-12");
  const uint32_t e = AddEnrolment(p, 0, "2018-09-03", "2019-03-08", LeavingReason::kTransfer);
  AddEnrolment(p, 2, "2019-03-11", nullptr, LeavingReason::kNone);
  const ExitSet set_e = Classify();
  const ExitRecord* x = Exit(set_e, e);
  ASSERT_NE(x, nullptr);
  EXPECT_TRUE(x->move_other_la);
  EXPECT_FALSE(x->unexplained);
  EXPECT_EQ(x->cme, CmeStatus::kNone);
  // The same move within the LA, with no other reason, is unexplained.
  const uint32_t q = AddPupil(10, "2003-12-12");
  const uint32_t f = AddEnrolment(q, 0, "2018-09-03", "2019-03-08", LeavingReason::kTransfer);
  AddEnrolment(q, 1, "2019-03-11", nullptr, LeavingReason::kNone);
  const ExitSet set_f = Classify();
  EXPECT_TRUE(Exit(set_f, f)->unexplained);
}

TEST_F(ExitsTest, HomeEducationSoonAfterASuspensionIsAccountedForWithItsDays) {
  const uint32_t p = AddPupil(8, "2006-01-01");
  const uint32_t e = AddEnrolment(p, 0, "2018-09-03", "2019-01-31", LeavingReason::kEhe);
  AddSuspension(p, 0, "2018-10-01");
  AddSuspension(p, 0, "2019-01-07");
  AddSuspension(p, 0, "2019-03-01");  // after the exit: not "before"
  const ExitSet set_e = Classify();
  const ExitRecord* x = Exit(set_e, e);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->days_since_susp_or_ap, 24);
  EXPECT_EQ(x->cme, CmeStatus::kNone);  // home education accounts for the child
  EXPECT_TRUE(x->unexplained);          // Year 8, and EHE is not an explained exit
  EXPECT_TRUE(x->no_next);
}

TEST_F(ExitsTest, EndOfYear11IsNotACaseAndAnUnfinishedWindowIsNotJudged) {
  const uint32_t y11 = AddPupil(11, "2002-11-11");
  const uint32_t e = AddEnrolment(y11, 0, "2014-09-03", "2019-06-28", LeavingReason::kEndOfPhase);
  const uint32_t y6 = AddPupil(6, "2007-11-11");
  const uint32_t f = AddEnrolment(y6, 0, "2014-09-03", "2019-07-12", LeavingReason::kOther);
  const ExitSet set = Classify();
  EXPECT_EQ(Exit(set, e)->cme, CmeStatus::kNone);
  EXPECT_FALSE(Exit(set, e)->unexplained);  // end of phase
  // Five school days (15-19 July) have passed of ten.
  EXPECT_EQ(Exit(set, f)->cme, CmeStatus::kPending);
  // An exit in the last weeks of the year is a structural transition.
  EXPECT_FALSE(Exit(set, f)->unexplained);
}

TEST_F(ExitsTest, AChildUnderFiveIsNotOfCompulsorySchoolAge) {
  const uint32_t p = AddPupil(0, "2014-06-01");  // Reception, 4 in January 2019
  const uint32_t e = AddEnrolment(p, 0, "2018-09-03", "2019-01-11", LeavingReason::kOther);
  const ExitSet set_e = Classify();
  EXPECT_EQ(Exit(set_e, e)->cme, CmeStatus::kNone);
}

}  // namespace
}  // namespace lantern

namespace lantern {
namespace {

// Every split of a grain names its counts: the whole and each part a sum of
// events or of pupils once per school (so the split holds in every cell),
// or a part the rest of an earlier split; each rest a new name.
TEST(CountSplitTest, EverySplitNamesCountsOfItsGrain) {
  size_t splits = 0;
  for (GrainId grain : kAllGrains) {
    std::vector<std::string_view> rests;
    for (const CountSplit& split : GrainSplits(grain)) {
      ++splits;
      // Every count of a split adds up as its whole does.
      const int whole = GrainMeasureIndex(grain, split.whole);
      ASSERT_GE(whole, 0) << split.whole;
      const Aggregation adds = GrainMeasures(grain)[static_cast<size_t>(whole)].aggregation;
      auto is_count = [&](std::string_view id) {
        const int m = GrainMeasureIndex(grain, id);
        if (m < 0) return false;
        const MeasureDecl& d = GrainMeasures(grain)[static_cast<size_t>(m)];
        return d.disclosure_controlled() && d.aggregation == adds &&
               (adds == Aggregation::kSum || adds == Aggregation::kDistinctPupilsAtSchool);
      };
      EXPECT_TRUE(is_count(split.whole)) << split.whole;
      size_t parts = 0;
      for (std::string_view p : split.parts) {
        if (p.empty()) break;
        ++parts;
        EXPECT_TRUE(is_count(p) || std::find(rests.begin(), rests.end(), p) != rests.end())
            << split.whole << ": " << p;
      }
      EXPECT_GE(parts + !split.rest.empty(), 2u) << split.whole;
      if (split.rest.empty()) continue;
      EXPECT_EQ(GrainMeasureIndex(grain, split.rest), -1) << split.rest;
      EXPECT_EQ(std::find(rests.begin(), rests.end(), split.rest), rests.end()) << split.rest;
      EXPECT_FALSE(split.rest_description.empty()) << split.rest;
      rests.push_back(split.rest);
    }
  }
  EXPECT_GT(splits, 10u);
}

}  // namespace
}  // namespace lantern
