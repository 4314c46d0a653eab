// The movement family's managed moves and off-site directions, each with
// its three outcomes (returned, moved on, left education), and its joiners
// and leavers, on hand-made histories worked by hand (docs/local-outcomes.md, "Rules in pupil-level
// mode"): the family's declarations read through the exit grain, as the
// cube reads them.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "derive/facts.h"
#include "indicators/catalogue.h"
#include "model/codes.h"
#include "tests/store_rows.h"

namespace lantern {
namespace {

int32_t D(const char* iso) { return ParseIsoDate(iso)->days; }

class MovementFamilyTest : public ::testing::Test {
 protected:
  MovementFamilyTest() {
    // Schools 0 (the home school), 1 and 2, all in LA 805.
    for (int urn : {100000, 100001, 100002}) {
      SchoolTable& t = s_.schools;
      t.urn.push_back(urn);
      t.la_code.push_back(805);
      t.estab.push_back(1);
      t.phase.push_back(0);
      t.name.push_back("School " + std::to_string(urn));
      t.type.push_back("");
      t.trust_id.push_back("");
      t.postcode.push_back("");
      t.open_date.push_back(kNoDate);
      t.close_date.push_back(kNoDate);
    }
  }
  uint32_t AddPupil() { return testing::AddPupil(&s_, 805, D("2005-03-01"), 9); }
  void AddEnrolment(uint32_t pupil, uint32_t school, const char* entry, const char* leaving,
                    LeavingReason reason) {
    EnrolmentTable& e = s_.enrolments;
    e.pupil.push_back(pupil);
    e.school.push_back(school);
    e.entry_date.push_back(D(entry));
    e.leaving_date.push_back(leaving ? D(leaving) : kNoDate);
    e.leaving_reason.push_back(static_cast<uint8_t>(reason));
    e.status.push_back(static_cast<uint8_t>(EnrolStatus::kCurrent));
    e.boarder.push_back(0);
  }
  void AddPlacement(uint32_t pupil, ApBasis basis, const char* end, PlacementOutcome outcome) {
    ApPlacementTable& a = s_.ap_placements;
    a.pupil.push_back(pupil);
    a.commissioner.push_back(0);
    a.provider_id.push_back("AP1");
    a.provider_name.push_back("Provider");
    a.setting.push_back(0);
    a.setting_type.push_back(0);
    a.basis.push_back(static_cast<uint8_t>(basis));
    a.hours_per_week.push_back(25);
    a.reason.push_back(0);
    a.start_date.push_back(D("2018-10-01"));
    a.end_date.push_back(end ? D(end) : kNoDate);
    a.reintegration_plan.push_back(1);
    a.outcome.push_back(static_cast<uint8_t>(outcome));
  }
  // Each of the family's indicators named, at each school: the sum of its
  // numerator over the exit grain's rows.
  std::map<std::string, std::map<uint32_t, int64_t>> Count(const std::vector<std::string>& ids) {
    auto catalogue = DefaultCatalogue();
    EXPECT_TRUE(catalogue.ok());
    const Family* family = (*catalogue)->FindFamily("movement");
    EXPECT_NE(family, nullptr);
    std::vector<int> wanted;
    for (const std::string& id : ids) {
      const Indicator* ind = (*catalogue)->Find(id);
      EXPECT_NE(ind, nullptr) << id;
      if (ind == nullptr) return {};
      EXPECT_EQ(ind->decl->kind, IndicatorKind::kCount) << id;
      EXPECT_EQ(&(*catalogue)->families()[ind->family], family) << id;
      EXPECT_EQ(ind->numerator.grain, GrainId::kExit) << id;
      wanted.push_back(ind->numerator.index);
    }
    FactContext c;
    c.state = &s_;
    c.year = AcademicYear(2018);
    c.first_day = c.year.FirstDay();
    c.last_day = c.year.LastDay();
    c.policy = &policy_;
    auto grain = MakeFactGrain(GrainId::kExit, c);
    EXPECT_TRUE(grain->Prepare(wanted).ok());
    struct Sink : FactSink {
      const std::vector<std::string>* ids;
      std::map<std::string, std::map<uint32_t, int64_t>> out;
      void Add(uint32_t school, uint32_t, const int64_t* values) override {
        for (size_t k = 0; k < ids->size(); ++k) out[(*ids)[k]][school] += values[k];
      }
    } sink;
    sink.ids = &ids;
    std::vector<uint16_t> owner(s_.schools.size(), 0);
    grain->Scan(SchoolShare{owner.data(), 0}, &sink);
    return sink.out;
  }
  StoreState s_;
  Policy policy_;
};

// Three managed moves out of school 0 on Friday 30 November 2018: A is at
// school 1 from Monday and back at school 0 from 4 February (returned), B
// stays at school 1 (moved on), C is on no roll again (left education). A
// transfer (D) is no managed move.
TEST_F(MovementFamilyTest, AManagedMoveReturnsMovesOnOrLeavesEducation) {
  const uint32_t a = AddPupil(), b = AddPupil(), c = AddPupil(), d = AddPupil();
  AddEnrolment(a, 0, "2016-09-05", "2018-11-30", LeavingReason::kManagedMove);
  AddEnrolment(a, 1, "2018-12-03", "2019-02-01", LeavingReason::kTransfer);
  AddEnrolment(a, 0, "2019-02-04", nullptr, LeavingReason::kNone);
  AddEnrolment(b, 0, "2016-09-05", "2018-11-30", LeavingReason::kManagedMove);
  AddEnrolment(b, 1, "2018-12-03", nullptr, LeavingReason::kNone);
  AddEnrolment(c, 0, "2016-09-05", "2018-11-30", LeavingReason::kManagedMove);
  AddEnrolment(d, 0, "2016-09-05", "2018-11-30", LeavingReason::kTransfer);
  AddEnrolment(d, 2, "2018-12-03", nullptr, LeavingReason::kNone);
  auto n = Count({"managed_moves_out", "managed_moves_returned", "managed_moves_moved_on",
                  "managed_moves_left"});
  EXPECT_EQ(n["managed_moves_out"][0], 3);
  EXPECT_EQ(n["managed_moves_returned"][0], 1);
  EXPECT_EQ(n["managed_moves_moved_on"][0], 1);
  EXPECT_EQ(n["managed_moves_left"][0], 1);
  // A's transfer back from school 1 is no managed move.
  for (const char* id : {"managed_moves_out", "managed_moves_returned", "managed_moves_moved_on",
                         "managed_moves_left"}) {
    EXPECT_EQ(n[id][1], 0) << id;
    EXPECT_EQ(n[id][2], 0) << id;
  }
}

// Off-site directions commissioned by school 0 that ended in the year: one
// reintegrated (returned), one moved to another school (moved on), one off
// the roll (left). One still running and one school-arranged placement are
// not off-site directions that ended.
TEST_F(MovementFamilyTest, AnOffSiteDirectionReturnsMovesOnOrLeavesEducation) {
  for (int i = 0; i < 5; ++i)
    AddEnrolment(AddPupil(), 0, "2016-09-05", nullptr, LeavingReason::kNone);
  AddPlacement(0, ApBasis::kOffSiteDirection, "2018-12-14", PlacementOutcome::kReintegrated);
  AddPlacement(1, ApBasis::kOffSiteDirection, "2019-01-25", PlacementOutcome::kMovedSchool);
  AddPlacement(2, ApBasis::kOffSiteDirection, "2019-03-01", PlacementOutcome::kLeftRoll);
  AddPlacement(3, ApBasis::kOffSiteDirection, nullptr, PlacementOutcome::kNone);
  AddPlacement(4, ApBasis::kSchoolArranged, "2019-03-01", PlacementOutcome::kReintegrated);
  auto n = Count({"offsite_directions", "offsite_returned", "offsite_moved_on", "offsite_left"});
  EXPECT_EQ(n["offsite_directions"][0], 3);
  EXPECT_EQ(n["offsite_returned"][0], 1);
  EXPECT_EQ(n["offsite_moved_on"][0], 1);
  EXPECT_EQ(n["offsite_left"][0], 1);
}

// Joiners and leavers, and which were suspended in the 365 days before the
// move (a store holds one year's suspensions: the window is tested on a
// state made by hand). All four leave school 0 on Friday 30 November 2018
// and join school 1 on Monday 3 December.
//   A  suspended at school 0 on 30 November 2017 (365 days before leaving,
//      368 before joining): a previously suspended leaver, not joiner;
//   B  suspended at school 0 on 29 November 2017 (366 days): neither;
//   C  suspended at school 1 on 3 December 2018, the day she joined: a
//      suspension after the move, neither;
//   D  suspended at school 0 on 30 November 2018, her last day there: both.
// E joins school 1 in September (the usual entry window), F leaves school 0
// at the end of the phase and G leaves school 0 and is registered there
// again the next Monday: none of them joins or leaves. H is permanently
// excluded from school 0 on 26 November and leaves its roll on 30
// November: a leaver, not previously suspended (an exclusion is not a
// suspension).
TEST_F(MovementFamilyTest, SuspendedInTheYearBeforeTheMove) {
  uint32_t p[4];
  for (uint32_t& x : p) {
    x = AddPupil();
    AddEnrolment(x, 0, "2016-09-05", "2018-11-30", LeavingReason::kTransfer);
    AddEnrolment(x, 1, "2018-12-03", nullptr, LeavingReason::kNone);
  }
  testing::AddSuspension(&s_, p[0], 0, D("2017-11-30"), 2);
  testing::AddSuspension(&s_, p[1], 0, D("2017-11-29"), 2);
  testing::AddSuspension(&s_, p[2], 1, D("2018-12-03"), 2);
  testing::AddSuspension(&s_, p[3], 0, D("2018-11-30"), 2);
  AddEnrolment(AddPupil(), 1, "2018-09-04", nullptr, LeavingReason::kNone);
  AddEnrolment(AddPupil(), 0, "2016-09-05", "2018-12-20", LeavingReason::kEndOfPhase);
  const uint32_t g = AddPupil();
  AddEnrolment(g, 0, "2016-09-05", "2019-01-11", LeavingReason::kOther);
  AddEnrolment(g, 0, "2019-01-14", nullptr, LeavingReason::kNone);
  const uint32_t h = AddPupil();
  AddEnrolment(h, 0, "2016-09-05", "2018-11-30", LeavingReason::kPermanentExclusion);
  testing::AddSuspension(&s_, h, 0, D("2018-11-26"), 8);
  s_.suspensions.category.back() = static_cast<uint8_t>(SuspensionCategory::kPermanentExclusion);
  auto n = Count({"joiners", "leavers", "joiners_prev_susp", "leavers_prev_susp"});
  EXPECT_EQ(n["leavers"][0], 5);  // A to D and H
  EXPECT_EQ(n["joiners"][1], 4);
  EXPECT_EQ(n["joiners"][0], 0);
  EXPECT_EQ(n["leavers"][1], 0);
  EXPECT_EQ(n["leavers_prev_susp"][0], 2);  // A and D
  EXPECT_EQ(n["joiners_prev_susp"][1], 1);  // D
}

}  // namespace
}  // namespace lantern
