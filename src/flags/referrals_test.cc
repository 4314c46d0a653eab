// Referrals: routing across LA borders under the LIPAs, and clocks in
// school days that skip weekends, holidays and INSET days, escalating by
// themselves when a standard is breached.
#include "flags/referrals.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/file_util.h"
#include "flags/run.h"
#include "model/upn.h"
#include "tests/scratch_dir.h"
#include "tests/store_rows.h"

namespace lantern {
namespace {

int32_t D(const char* iso) { return ParseIsoDate(iso)->days; }

class ReferralsTest : public testing::ScratchDirTest {
 protected:
  ReferralsTest() : ScratchDirTest("lantern_referrals") {}

  uint32_t School(int urn, int la, const std::string& trust) {
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
  uint32_t Pupil(int home_la) { return testing::AddPupil(&s_, home_la, 0); }
  LipaTerms Lipa(const std::string& id, const std::string& trust, int la, int ack, int plan) {
    LipaTerms l;
    l.agreement_id = id;
    l.trust_id = trust;
    l.la_code = la;
    l.start = "2018-09-01";
    l.link_officer = "Link Officer " + std::to_string(la);
    l.inclusion_lead = "Inclusion Lead " + trust;
    l.escalation = {"LA head of inclusion", "trust director of education", "multi-agency panel"};
    l.acknowledge_within = ack;
    l.plan_within = plan;
    l.panel = {{"Dr A Khan", "health", "designated clinical officer", 5},
               {"B Jones", "social care", "team manager", 5}};
    return l;
  }
  // A flag history row for a pupil, raised at a school.
  uint32_t Flag(uint32_t pupil, uint32_t school, const std::string& trigger, const char* since) {
    flags_.pupil.push_back(pupil);
    flags_.school.push_back(school);
    flags_.trigger_id.push_back(trigger);
    flags_.since.push_back(D(since));
    flags_.until.push_back(kNoDate);
    flags_.rules_version.push_back("1");
    flags_.reason.push_back("2 suspensions in the last 12 months");
    flags_.raised.push_back(D(since));
    return static_cast<uint32_t>(flags_.size() - 1);
  }

  StoreState s_;
  FlagTable flags_;
};

TEST_F(ReferralsTest, RoutesByTheHomeLaAcrossTheBorder) {
  // An academy of TR1 in Hartlepool (805); the pupil lives in Middlesbrough
  // (806). TR1 has a LIPA with each LA.
  const uint32_t school = School(100001, 805, "TR1");
  const uint32_t p = Pupil(806);
  std::vector<LipaTerms> lipas = {Lipa("TR1-805", "TR1", 805, 2, 10),
                                  Lipa("TR1-806", "TR1", 806, 3, 15)};
  Routing r = RouteReferral(s_, school, 806, D("2019-02-08"), lipas);
  EXPECT_EQ(r.agreement_id, "TR1-806");
  EXPECT_EQ(r.acknowledge_within, 3);
  EXPECT_EQ(r.plan_within, 15);
  EXPECT_NE(r.routed_to.find("LA 806 link officer: Link Officer 806"), std::string::npos)
      << r.routed_to;
  EXPECT_NE(r.routed_to.find("trust TR1 inclusion lead: Inclusion Lead TR1"), std::string::npos);
  EXPECT_NE(r.routed_to.find(
                "panel: Dr A Khan (health, to respond within 5 school days), B Jones (social "
                "care, to respond within 5 school days)"),
            std::string::npos);
  // Without a LIPA with the home LA: the school's LA's agreement, saying so.
  Routing via = RouteReferral(s_, school, 806, D("2019-02-08"), {lipas[0]});
  EXPECT_EQ(via.agreement_id, "TR1-805");
  EXPECT_NE(via.routed_to.find("no LIPA between trust TR1 and the home LA 806"), std::string::npos)
      << via.routed_to;
  // An agreement that has not started does not route.
  lipas[1].start = "2019-04-01";
  EXPECT_EQ(RouteReferral(s_, school, 806, D("2019-02-08"), lipas).agreement_id, "TR1-805");
  // A maintained school: the home LA's inclusion team, the school's LA told.
  const uint32_t maintained = School(100002, 805, "");
  Routing m = RouteReferral(s_, maintained, 806, D("2019-02-08"), lipas);
  EXPECT_EQ(m.agreement_id, "");
  EXPECT_EQ(m.acknowledge_within, kDefaultAcknowledgeDays);
  EXPECT_EQ(m.routed_to,
            "School 100002 (URN 100002); LA 806 inclusion team (the home LA); LA 805 (the "
            "school's LA) informed");
  (void)p;
}

TEST_F(ReferralsTest, OneOpenReferralPerPupilGathersItsFlags) {
  const uint32_t school = School(100001, 805, "TR1");
  const uint32_t p = Pupil(805);
  std::vector<LipaTerms> lipas = {Lipa("TR1-805", "TR1", 805, 2, 10)};
  ReferralTable r;
  const uint32_t f1 = Flag(p, school, "repeat_suspension", "2019-02-08");
  auto changed = RaiseReferrals(s_, flags_, {f1}, D("2019-02-08"), lipas, &r);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(changed, std::vector<uint32_t>{0});
  EXPECT_EQ(r.agreement_id[0], "TR1-805");
  EXPECT_EQ(r.acknowledge_days[0], 2);
  EXPECT_EQ(r.status[0], static_cast<uint8_t>(ReferralStatus::kRaised));
  const uint32_t f2 = Flag(p, school, "low_attendance", "2019-02-11");
  RaiseReferrals(s_, flags_, {f2}, D("2019-02-11"), lipas, &r);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.triggers[0], "repeat_suspension;low_attendance");
  // Once closed, a new flag raises a new referral.
  ASSERT_TRUE(
      UpdateReferral(&r, 0, ReferralStatus::kClosed, D("2019-03-01"), "early_help", "").ok());
  const uint32_t f3 = Flag(p, school, "repeat_ap", "2019-03-04");
  RaiseReferrals(s_, flags_, {f3}, D("2019-03-04"), lipas, &r);
  EXPECT_EQ(r.size(), 2u);
  // The notes: the raising from its flag's history row (not copied into the
  // referral), then the joined flag and the closing, in order.
  EXPECT_EQ(r.raise_flag[0], f1 + 1);
  EXPECT_EQ(r.notes[0].find("repeat_suspension raised"), std::string::npos) << r.notes[0];
  EXPECT_EQ(ReferralNotes(r, 0, flags_),
            "2019-02-08: flag repeat_suspension raised: 2 suspensions in the last 12 months | "
            "2019-02-11: flag low_attendance raised: 2 suspensions in the last 12 months | "
            "2019-03-01: closed (early_help)");
  EXPECT_EQ(ReferralNotes(r, 1, flags_),
            "2019-03-04: flag repeat_ap raised: 2 suspensions in the last 12 months");
  // A referral from a store before the reference (raise_flag 0) keeps its
  // raise note in its notes.
  r.raise_flag[1] = 0;
  r.notes.Set(1, "2019-03-04: flag repeat_ap raised: as written then");
  EXPECT_EQ(ReferralNotes(r, 1, flags_), "2019-03-04: flag repeat_ap raised: as written then");
}

// February 2019 in a school with a half term 18-22 February and an INSET
// day on Monday 25 February (marks '#').
class ReferralClockTest : public ReferralsTest {
 protected:
  void SetUp() override {
    ReferralsTest::SetUp();
    school_ = School(100001, 805, "TR1");
    pupil_ = Pupil(806);
    auto& e = s_.enrolments;
    e.pupil.push_back(pupil_);
    e.school.push_back(school_);
    e.entry_date.push_back(D("2018-09-03"));
    e.leaving_date.push_back(kNoDate);
    e.leaving_reason.push_back(0);
    e.status.push_back(0);
    e.boarder.push_back(0);
    std::vector<int32_t> dates;
    for (int32_t d = D("2019-01-07"); d <= D("2019-03-29"); ++d) {
      if (!Date{d}.IsWeekday() || (d >= D("2019-02-18") && d <= D("2019-02-22"))) continue;
      const bool inset = d == D("2019-02-25");
      uint8_t two[2];
      two[0] = two[1] = inset ? *ParseMarkCode("#") : *ParseMarkCode("/");
      const std::string path = dir_ + "/d" + std::to_string(d);
      ASSERT_TRUE(MarksDay::Write(path, d, 1, two).ok());
      s_.marks.days[d] = std::move(MarksDay::Open(path)).value();
      dates.push_back(d);
    }
    calendar_ = StoreCalendar(dates);
    lipas_ = {Lipa("TR1-806", "TR1", 806, 2, 10)};
    const uint32_t f = Flag(pupil_, school_, "repeat_suspension", "2019-02-15");
    // Raised on Friday 15 February, before the half term.
    RaiseReferrals(s_, flags_, {f}, D("2019-02-15"), lipas_, &r_);
  }
  uint32_t school_ = 0, pupil_ = 0;
  StoreCalendar calendar_;
  std::vector<LipaTerms> lipas_;
  ReferralTable r_;
};

TEST_F(ReferralClockTest, SchoolDaysSkipWeekendsHolidaysAndInset) {
  SchoolDays days(s_, calendar_);
  // After Friday 15 Feb: the half term, then INSET on Monday 25: the first
  // school day is Tuesday 26.
  EXPECT_EQ(days.NthAfter(school_, D("2019-02-15"), 1), D("2019-02-26"));
  EXPECT_EQ(days.NthAfter(school_, D("2019-02-15"), 2), D("2019-02-27"));
  // Past the calendar's last day (Friday 29 March): weekdays.
  EXPECT_EQ(days.NthAfter(school_, D("2019-03-28"), 3), D("2019-04-02"));
  EXPECT_EQ(days.Between(school_, D("2019-02-15"), D("2019-02-25")), 0);
  EXPECT_EQ(days.Between(school_, D("2019-02-15"), D("2019-03-04")), 5);
}

// The bound the daily escalation checks first (no marks read) is never
// later than a school's own n-th school day, and is the same where the
// school's days are the calendar's.
TEST_F(ReferralClockTest, TheCalendarBoundIsNeverLaterThanTheSchoolsDay) {
  SchoolDays days(s_, calendar_);
  // Over the half term the school's first day is Tuesday 26 (INSET on the
  // Monday); the bound counts the weekdays of the holiday: Monday 18.
  EXPECT_EQ(days.EarliestNthAfter(D("2019-02-15"), 1), D("2019-02-18"));
  EXPECT_EQ(days.EarliestNthAfter(D("2019-03-04"), 3), days.NthAfter(school_, D("2019-03-04"), 3));
  for (int32_t from = D("2019-01-01"); from <= D("2019-04-10"); ++from) {
    for (int n = 1; n <= 12; ++n) {
      EXPECT_LE(days.EarliestNthAfter(from, n), days.NthAfter(school_, from, n))
          << DateText(from) << " n=" << n;
    }
  }
  EXPECT_EQ(days.EarliestNthAfter(D("2019-03-04"), 0), kNoDate);
  // Each (day, n) is kept apart: a long count asked first does not answer
  // a shorter one.
  SchoolDays fresh(s_, calendar_);
  const int32_t far = fresh.EarliestNthAfter(D("2019-03-04"), 2000);
  EXPECT_GT(far, D("2025-01-01"));
  EXPECT_EQ(fresh.EarliestNthAfter(D("2019-03-04"), 1023),
            days.EarliestNthAfter(D("2019-03-04"), 1023));
  EXPECT_LT(fresh.EarliestNthAfter(D("2019-03-04"), 1023), far);
}

// A school's days are worked out only as far back as asked, then further
// back when asked: the counts are the same whatever order they are asked
// in.
TEST_F(ReferralClockTest, ASchoolsDaysAreTheSameWhateverIsAskedFirst) {
  SchoolDays whole(s_, calendar_);
  const size_t all = whole.Of(school_).size();
  EXPECT_EQ(all, 54u);  // 12 weeks less the half term and the INSET day
  EXPECT_EQ(whole.Of(school_, D("2019-03-01")).size(), all);  // known already
  SchoolDays late_first(s_, calendar_);
  EXPECT_EQ(late_first.Of(school_, D("2019-03-01")).size(), 20u);  // 4 to 29 March
  EXPECT_EQ(late_first.NthAfter(school_, D("2019-03-04"), 3),
            whole.NthAfter(school_, D("2019-03-04"), 3));
  for (int32_t from = D("2019-04-10"); from >= D("2019-01-01"); --from) {
    for (int n = 1; n <= 12; n += 5) {
      ASSERT_EQ(late_first.NthAfter(school_, from, n), whole.NthAfter(school_, from, n))
          << DateText(from) << " n=" << n;
    }
    ASSERT_EQ(late_first.Between(school_, from, D("2019-04-10")),
              whole.Between(school_, from, D("2019-04-10")))
        << DateText(from);
  }
  EXPECT_EQ(late_first.Of(school_), whole.Of(school_));
}

TEST_F(ReferralClockTest, ABreachedStandardEscalatesByItselfOverTheHoliday) {
  SchoolDays days(s_, calendar_);
  // Acknowledge within 2 school days: Tuesday 26 and Wednesday 27 Feb. Not
  // late on the Wednesday, even though 12 calendar days have passed.
  auto none = EscalateReferrals(D("2019-02-27"), days, lipas_, &r_);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(r_.escalation_level[0], 0);
  ReferralClock c = ClockOf(r_, 0, D("2019-02-27"), days, 3);
  EXPECT_EQ(c.open_days, 2);
  EXPECT_EQ(c.next_deadline, D("2019-02-27"));
  // Thursday 28: the first step.
  auto one = EscalateReferrals(D("2019-02-28"), days, lipas_, &r_);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(r_.escalation_level[0], 1);
  EXPECT_EQ(r_.escalated_date[0], D("2019-02-28"));
  EXPECT_NE(r_.notes[0].find("2019-02-28: escalated to step 1 (LA head of inclusion): not "
                             "acknowledged within 2 school days"),
            std::string::npos)
      << r_.notes[0];
  // Run again the same day: nothing more.
  EXPECT_TRUE(EscalateReferrals(D("2019-02-28"), days, lipas_, &r_).empty());
  // Acknowledged late on 1 March; the plan is due within 10 school days of
  // raising: 26 Feb .. 11 Mar. On 12 March, no plan: the second step.
  ASSERT_TRUE(UpdateReferral(&r_, 0, ReferralStatus::kAcknowledged, D("2019-03-01"), "", "").ok());
  EXPECT_TRUE(EscalateReferrals(D("2019-03-11"), days, lipas_, &r_).empty());
  ASSERT_EQ(EscalateReferrals(D("2019-03-12"), days, lipas_, &r_).size(), 1u);
  EXPECT_EQ(r_.escalation_level[0], 2);
  EXPECT_EQ(r_.escalated_date[0], D("2019-03-12"));
  c = ClockOf(r_, 0, D("2019-03-12"), days, 3);
  EXPECT_EQ(c.to_acknowledge, 4);
  EXPECT_TRUE(c.acknowledge_breached);
  EXPECT_TRUE(c.plan_breached);
  // Another 10 school days without a plan: the panel (26 March).
  ASSERT_EQ(EscalateReferrals(D("2019-03-26"), days, lipas_, &r_).size(), 1u);
  EXPECT_EQ(r_.escalation_level[0], 3);
  EXPECT_EQ(r_.escalated_date[0], D("2019-03-26"));
  // The panel, each member to respond within 5 school days: 27 to 29 March,
  // then weekdays past the calendar's end.
  EXPECT_NE(r_.notes[0].find("2019-03-26: escalated to step 3 (multi-agency panel): no plan agreed "
                             "within 20 school days; panel responses due: Dr A Khan (health) by "
                             "2019-04-02, B Jones (social care) by 2019-04-02"),
            std::string::npos)
      << r_.notes[0];
  // No step beyond the last.
  EXPECT_TRUE(EscalateReferrals(D("2019-03-29"), days, lipas_, &r_).empty());
}

TEST_F(ReferralClockTest, AResponseInTimeStopsTheClock) {
  SchoolDays days(s_, calendar_);
  ASSERT_TRUE(UpdateReferral(&r_, 0, ReferralStatus::kAcknowledged, D("2019-02-27"), "", "").ok());
  ASSERT_TRUE(UpdateReferral(&r_, 0, ReferralStatus::kPlanAgreed, D("2019-03-08"), "", "").ok());
  EXPECT_TRUE(EscalateReferrals(D("2019-03-29"), days, lipas_, &r_).empty());
  ReferralClock c = ClockOf(r_, 0, D("2019-03-29"), days, 3);
  EXPECT_EQ(c.to_acknowledge, 2);
  EXPECT_EQ(c.to_plan, 9);
  EXPECT_FALSE(c.acknowledge_breached);
  EXPECT_FALSE(c.plan_breached);
  EXPECT_EQ(c.next_deadline, kNoDate);
}

// A response recorded late with the day it was really given (--on): the
// escalation already made stays on the record (people were told), and the
// clock and response times use the day given, so the standard shows as met.
TEST_F(ReferralClockTest, ABackdatedResponseKeepsTheEscalationButMeetsTheStandard) {
  SchoolDays days(s_, calendar_);
  ASSERT_EQ(EscalateReferrals(D("2019-02-28"), days, lipas_, &r_).size(), 1u);
  ASSERT_EQ(r_.escalation_level[0], 1);
  ASSERT_TRUE(UpdateReferral(&r_, 0, ReferralStatus::kAcknowledged, D("2019-02-27"), "", "").ok());
  EXPECT_TRUE(EscalateReferrals(D("2019-03-01"), days, lipas_, &r_).empty());
  EXPECT_EQ(r_.escalation_level[0], 1);
  EXPECT_EQ(r_.escalated_date[0], D("2019-02-28"));
  const ReferralClock c = ClockOf(r_, 0, D("2019-03-01"), days, 3);
  EXPECT_FALSE(c.acknowledge_breached);
  EXPECT_EQ(c.to_acknowledge, 2);
}

TEST_F(ReferralClockTest, UpdatesKeepTheOrderOfEvents) {
  EXPECT_FALSE(UpdateReferral(&r_, 0, ReferralStatus::kAcknowledged, D("2019-02-14"), "", "").ok());
  ASSERT_TRUE(UpdateReferral(&r_, 0, ReferralStatus::kAcknowledged, D("2019-02-27"), "", "").ok());
  EXPECT_FALSE(UpdateReferral(&r_, 0, ReferralStatus::kAcknowledged, D("2019-02-28"), "", "").ok());
  EXPECT_FALSE(UpdateReferral(&r_, 0, ReferralStatus::kPlanAgreed, D("2019-02-26"), "", "").ok());
  EXPECT_FALSE(UpdateReferral(&r_, 0, ReferralStatus::kClosed, D("2019-03-01"), "", "").ok());
  EXPECT_FALSE(
      UpdateReferral(&r_, 0, ReferralStatus::kClosed, D("2019-03-01"), "vanished", "").ok());
  ASSERT_TRUE(
      UpdateReferral(&r_, 0, ReferralStatus::kClosed, D("2019-03-01"), "early_help", "").ok());
  EXPECT_EQ(r_.outcome[0], "early_help");
  EXPECT_FALSE(UpdateReferral(&r_, 0, ReferralStatus::kPlanAgreed, D("2019-03-02"), "", "").ok());
}

// lipa_effectiveness.csv's response times count a response not given by
// the time its standard passed as a miss: an open referral never
// acknowledged is late, not left out; one closed before its standard
// passed was never due.
TEST_F(ReferralClockTest, AResponseNeverGivenIsAMissOnceItsStandardHasPassed) {
  // Three more referrals raised on Friday 15 February beside the fixture's.
  std::vector<uint32_t> more;
  for (int i = 0; i < 3; ++i)
    more.push_back(Flag(Pupil(806), school_, "repeat_suspension", "2019-02-15"));
  RaiseReferrals(s_, flags_, more, D("2019-02-15"), lipas_, &r_);
  ASSERT_EQ(r_.size(), 4u);
  // 0: acknowledged in 2 school days, a plan in 9: both in time.
  ASSERT_TRUE(UpdateReferral(&r_, 0, ReferralStatus::kAcknowledged, D("2019-02-27"), "", "").ok());
  ASSERT_TRUE(UpdateReferral(&r_, 0, ReferralStatus::kPlanAgreed, D("2019-03-08"), "", "").ok());
  // 1: acknowledged in 4 school days (late), no plan.
  ASSERT_TRUE(UpdateReferral(&r_, 1, ReferralStatus::kAcknowledged, D("2019-03-01"), "", "").ok());
  // 2: never answered. 3: closed after 1 school day (closing answers it:
  // acknowledged then), before its plan was due.
  ASSERT_TRUE(
      UpdateReferral(&r_, 3, ReferralStatus::kClosed, D("2019-02-26"), "no_further_action", "")
          .ok());
  SchoolDays days(s_, calendar_);
  const std::string out = dir_ + "/eff";
  std::filesystem::create_directories(out);
  ASSERT_TRUE(WriteLipaEffectiveness(s_, flags_, r_, D("2019-03-29"), out, lipas_, 1, days).ok());
  auto csv = ReadFileToString(out + "/lipa_effectiveness.csv");
  ASSERT_TRUE(csv.ok());
  std::istringstream in(*csv);
  std::string header_line, row_line;
  std::getline(in, header_line);
  std::getline(in, row_line);
  auto split = [](const std::string& line) {
    std::vector<std::string> v;
    std::istringstream f(line);
    for (std::string c; std::getline(f, c, ',');) v.push_back(c);
    return v;
  };
  const auto header = split(header_line), row = split(row_line);
  ASSERT_EQ(header.size(), row.size());
  std::map<std::string, std::string> at;
  for (size_t i = 0; i < header.size(); ++i) at[header[i]] = row[i];
  EXPECT_EQ(at["referrals"], "4");
  EXPECT_EQ(at["acknowledged"], "3");
  EXPECT_EQ(at["acknowledgements_due"], "4");                     // 0, 1, 3 and the unanswered 2
  EXPECT_EQ(at["acknowledged_within_standard_percent"], "50.0");  // 0 and 3
  EXPECT_EQ(at["plans_agreed"], "1");
  EXPECT_EQ(at["plans_due"], "3");  // 0, and 1 and 2 past 10 school days
  EXPECT_EQ(at["plans_within_standard_percent"], "33.3");
  // On Wednesday 27 February, the second school day: only 0's and 3's
  // acknowledgements are due (given); 1's and 2's standard has not passed.
  ASSERT_TRUE(WriteLipaEffectiveness(s_, flags_, r_, D("2019-02-27"), out, lipas_, 1, days).ok());
  csv = ReadFileToString(out + "/lipa_effectiveness.csv");
  ASSERT_TRUE(csv.ok());
  std::istringstream in2(*csv);
  std::getline(in2, header_line);
  std::getline(in2, row_line);
  const auto row2 = split(row_line);
  for (size_t i = 0; i < header.size(); ++i) at[header[i]] = row2[i];
  EXPECT_EQ(at["acknowledged"], "2");
  EXPECT_EQ(at["acknowledgements_due"], "2");
  EXPECT_EQ(at["acknowledged_within_standard_percent"], "100.0");
  EXPECT_EQ(at["plans_due"], "0");
  EXPECT_EQ(at["plans_within_standard_percent"], "z");
}

TEST(LipaJsonTest, RoundTrips) {
  LipaTerms l;
  l.link_officer = "Sam Patel";
  l.inclusion_lead = "Jo Reid";
  l.escalation = {"a", "b"};
  l.acknowledge_within = 3;
  l.plan_within = 12;
  l.panel = {{"Dr A Khan", "health", "DCO", 5}};
  auto back = LipaFromJson(LipaToJson(l));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->link_officer, "Sam Patel");
  EXPECT_EQ(back->escalation, l.escalation);
  EXPECT_EQ(back->plan_within, 12);
  ASSERT_EQ(back->panel.size(), 1u);
  EXPECT_EQ(back->panel[0].agency, "health");
  EXPECT_FALSE(LipaFromJson("not json").ok());
}

}  // namespace
}  // namespace lantern
