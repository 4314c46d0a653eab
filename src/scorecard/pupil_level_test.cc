// Pupil-level mode of the scorecard (LoadPupilLevelScorecardInput):
//   - the tiny hand-made LA 805 fixture (tests/tiny_fixture.h) with
//     suspensions, AP placements, unit spells, KS2 scores and a managed move
//     added, and every expected figure worked out by hand below;
//   - school absence equal to `lantern build`'s attendance.csv school rows,
//     all pupils and every group, on the same store;
//   - end to end on generated LA 805 data (skipped without the real-data
//     folder): every school has a card, intervals hold their values, no line
//     of enquiry below the minimum denominator, and rates close to the
//     published LA figures the generator was calibrated to.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "aggregate/groups.h"
#include "common/csv_table.h"
#include "lantern/build.h"
#include "lantern/generate.h"
#include "lantern/ingest.h"
#include "lantern/scorecard.h"
#include "reference/lait.h"
#include "reference/real_data.h"
#include "scorecard/engine_internal.h"
#include "tests/real_data.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

std::string TempRoot(const std::string& name) {
  return (fs::temp_directory_path() / ("lantern_pl_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

Status IngestInto(const std::string& input, const std::string& store) {
  IngestOptions o;
  o.input_dir = input;
  o.store_dir = store;
  IngestReport r;
  Status st = Ingest(o, &r);
  if (st.ok() && r.rows_rejected > 0) {
    return Status::InvalidInput("rows rejected:\n" + r.Summary());
  }
  return st;
}

// Looks observations up by URN, indicator, group and breakdown label.
class Observations {
 public:
  explicit Observations(const ScorecardInput& in) : in_(in) {
    for (size_t i = 0; i < in.observations.size(); ++i) {
      const IndicatorObservation& o = in.observations[i];
      if (in.schools[o.school].reference) continue;  // published comparators
      const std::string key =
          Key(in.schools[o.school].urn, std::string(ScorecardIndicators()[o.indicator].id), o.group,
              in.breakdowns[o.breakdown]);
      EXPECT_TRUE(index_.emplace(key, i).second) << "duplicate " << key;
    }
  }
  const IndicatorObservation* Find(int urn, const std::string& id, PupilGroup group = kAllPupils,
                                   const std::string& breakdown = "Total") const {
    auto it = index_.find(Key(urn, id, group, breakdown));
    return it == index_.end() ? nullptr : &in_.observations[it->second];
  }
  const IndicatorObservation& Get(int urn, const std::string& id, PupilGroup group = kAllPupils,
                                  const std::string& breakdown = "Total") const {
    const IndicatorObservation* o = Find(urn, id, group, breakdown);
    static const IndicatorObservation kMissing{};
    EXPECT_NE(o, nullptr) << urn << " " << id << " " << PupilGroupId(group) << " " << breakdown;
    return o != nullptr ? *o : kMissing;
  }

 private:
  static std::string Key(int urn, const std::string& id, PupilGroup g, const std::string& b) {
    return std::to_string(urn) + "|" + id + "|" + std::string(PupilGroupId(g)) + "|" + b;
  }
  const ScorecardInput& in_;
  std::map<std::string, size_t> index_;
};

// ---------------------------------------------------------------------------
// The tiny fixture, with C2 records added. Census day 2019-01-17.
//
// Academy 900002 on census day: P2 (boy, SEN support, EAL, disadvantaged),
// P3 (boy, EHC plan, looked after, disadvantaged), P4 (girl, no SEN). P6
// (boy) left on 5 September 2018 by a managed move. So census headcount 3,
// on roll during the year 4.
std::map<std::string, std::string> TinyExtras() {
  using testing::TinyUpn;
  const std::string p1 = TinyUpn(1), p2 = TinyUpn(2), p3 = TinyUpn(3), p4 = TinyUpn(4),
                    p5 = TinyUpn(5), p6 = TinyUpn(6);
  std::map<std::string, std::string> f;
  // As the fixture, plus KS2: P2 reading 100, maths 110 (mean 105); P3 maths
  // 96 only (96).
  f["pupils.csv"] =
      "upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,sen_primary_need,eal,"
      "looked_after,home_la_code,year_group,ks2_reading_ss,ks2_maths_ss\n" +
      p1 + ",2011-03-15,F,Y,Y,N,,N,N,805,3,,\n" + p2 +
      ",2006-01-10,M,N,Y,K,SEMH,Y,N,805,8,100,110\n" + p3 +
      ",2004-05-05,M,N,Y,E,ASD,N,Y,806,10,,96\n" + p4 + ",2003-02-02,F,N,N,N,,N,N,805,11,,\n" + p5 +
      ",2014-06-01,M,N,N,N,,N,N,805,R,,\n" + p6 + ",2005-04-04,M,N,N,N,,N,N,805,9,,\n";
  // As the fixture, but P6 leaves the academy by a managed move.
  f["enrolments.csv"] = "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n" + p1 +
                        ",900001,2015-09-03,,,C\n" + p2 + ",900002,2017-09-04,,,C\n" + p3 +
                        ",900002,2016-09-05,,,C\n" + p4 + ",900002,2014-09-03,,,C\n" + p5 +
                        ",900001,2018-09-03,,,C\n" + p6 +
                        ",900002,2016-09-05,2018-09-05,managed_move,C\n" + p6 +
                        ",900003,2018-09-06,,,C\n";
  // Academy: P2 suspended twice, P6 once (before leaving); P4 permanently
  // excluded (upheld); P3's permanent exclusion was overturned (not counted).
  f["suspensions.csv"] = "upn,urn,start_date,category,sessions,reason,outcome\n" + p2 +
                         ",900002,2018-10-01,suspension,2,DB,\n" + p2 +
                         ",900002,2018-11-05,suspension,4,VA,\n" + p6 +
                         ",900002,2018-09-04,suspension,1,DB,\n" + p4 +
                         ",900002,2019-03-04,permanent_exclusion,10,PA,upheld\n" + p3 +
                         ",900002,2019-02-04,permanent_exclusion,10,DB,overturned\n";
  // A1 P2 registered, off-site direction, 10 h, ended 30 Nov, reintegrated
  //    (on roll on 1 Dec, in nothing else): a return.
  // A2 P2 unregistered, mental health, 20 h, continuing.
  // A3 P3 registered, behaviour, 6 h, ended 1 Mar, continued in AP: no return.
  f["ap_placements.csv"] =
      "upn,commissioner_urn,provider_id,provider_name,setting,setting_type,basis,"
      "hours_per_week,reason,start_date,end_date,reintegration_plan,outcome\n" +
      p2 +
      ",900002,PROV1,Provider One,registered,ukprn_provider,off_site_direction,10,behaviour,"
      "2018-10-08,2018-11-30,Y,reintegrated\n" +
      p2 +
      ",900002,PROV2,Provider Two,unregistered,unregistered_provider,school_arranged,20,"
      "mental_health,2019-01-07,,N,\n" +
      p3 +
      ",900002,PROV1,Provider One,registered,ukprn_provider,school_arranged,6,behaviour,"
      "2019-02-04,2019-03-01,Y,continued_ap\n";
  // U1 P4 internal suspension, 2 sessions, reintegrated: a return.
  // U2 P4 internal suspension, 4 sessions, no outcome, on roll next day: a return.
  // U3 P2 support unit, 6 sessions, ends 29 Nov while A1 still runs on 30 Nov:
  //    no return.
  f["internal_units.csv"] =
      "upn,urn,unit,start_date,end_date,sessions,reason,reintegration_plan,outcome\n" + p4 +
      ",900002,internal_suspension,2018-10-10,2018-10-10,2,DB,N,reintegrated\n" + p4 +
      ",900002,internal_suspension,2018-11-14,2018-11-15,4,DB,N,\n" + p2 +
      ",900002,support_unit,2018-11-12,2018-11-29,6,support,Y,\n";
  return f;
}

class PupilLevelTinyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = TempRoot(::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    testing::WriteTinyInput(root_ + "/input", TinyExtras());
    Status st = IngestInto(root_ + "/input", Store());
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Store() const { return root_ + "/store"; }
  // Without the published comparators (every school in England, read from
  // ../shared/data/real: most of a load's time, ten seconds under the
  // sanitizers) unless asked for.
  ScorecardInput Load(const std::string& policy_json = "", bool published = false) {
    PupilLevelOptions o;
    if (!published) o.real_data_dir = root_ + "/no-published-data";
    if (!policy_json.empty()) {
      o.policy_file = root_ + "/policy.json";
      std::ofstream(o.policy_file) << policy_json;
    }
    auto in = LoadPupilLevelScorecardInput(Store(), o);
    EXPECT_TRUE(in.ok()) << in.status().ToString();
    return in.ok() ? std::move(in).value() : ScorecardInput{};
  }
  std::string root_;
};

constexpr int kPrimary = 900001, kAcademy = 900002, kPru = 900003;

void ExpectRatio(const IndicatorObservation& o, double num, double den) {
  EXPECT_DOUBLE_EQ(o.numerator, num);
  EXPECT_DOUBLE_EQ(o.denominator, den);
  EXPECT_EQ(o.availability, Availability::kAvailable);
}

TEST_F(PupilLevelTinyTest, SchoolsAndContextOnCensusDay) {
  ScorecardInput in = Load("", true);
  EXPECT_EQ(in.mode, "pupil-level");
  EXPECT_EQ(in.time_period, "201819");
  size_t store_schools = 0;
  for (const auto& sch : in.schools) store_schools += !sch.reference;
  ASSERT_EQ(store_schools, 3u);
  // One LA's store: England's schools from the published files are its
  // comparators, and the pools they make are used.
  EXPECT_GT(in.schools.size(), 10000u);
  EXPECT_TRUE(in.pool_england);
  EXPECT_TRUE(in.pool_similar);
  EXPECT_EQ(in.schools[0].urn, kPrimary);  // URN order
  EXPECT_EQ(in.schools[1].phase, ScorecardPhase::kSecondary);
  EXPECT_EQ(in.schools[1].laestab, "8054001");
  EXPECT_EQ(in.schools[1].trust_name, "Tiny Learning Trust");
  EXPECT_EQ(in.schools[2].phase, ScorecardPhase::kAlternativeProvision);
  Observations obs(in);

  // Academy: P2, P3, P4 on census day (P6 left in September).
  EXPECT_DOUBLE_EQ(obs.Get(kAcademy, "pupils_on_roll").numerator, 3);
  ExpectRatio(obs.Get(kAcademy, "sen_support_percent"), 1, 3);  // P2
  ExpectRatio(obs.Get(kAcademy, "ehcp_percent"), 1, 3);         // P3
  ExpectRatio(obs.Get(kAcademy, "fsm_percent"), 0, 3);
  ExpectRatio(obs.Get(kAcademy, "disadvantaged_percent"), 2, 3);  // P2, P3
  ExpectRatio(obs.Get(kAcademy, "eal_percent"), 1, 3);            // P2
  ExpectRatio(obs.Get(kAcademy, "looked_after_percent"), 1, 3);   // P3
  // Primary: P1 (FSM) and P5 (Reception, not in the absence cohort but on roll).
  EXPECT_DOUBLE_EQ(obs.Get(kPrimary, "pupils_on_roll").numerator, 2);
  ExpectRatio(obs.Get(kPrimary, "fsm_percent"), 1, 2);
  EXPECT_DOUBLE_EQ(obs.Get(kPru, "pupils_on_roll").numerator, 1);  // P6

  // Mobility: at the academy P6 left in-year by a managed move (1 of 4 on
  // roll in the year); P6 joined the PRU on 6 September and P5 the primary
  // on 3 September, inside the usual entry window: not mobile.
  ExpectRatio(obs.Get(kAcademy, "mobility_percent"), 1, 4);
  ExpectRatio(obs.Get(kAcademy, "mobility_percent", *FindPupilGroup("boys")), 1, 3);
  ExpectRatio(obs.Get(kPru, "mobility_percent"), 0, 1);
  ExpectRatio(obs.Get(kPrimary, "mobility_percent"), 0, 2);
  ExpectRatio(obs.Get(kAcademy, "left_roll_percent"), 1, 4);
  ExpectRatio(obs.Get(kAcademy, "left_roll_percent", *FindPupilGroup("girls")), 0, 1);

  // KS2 (secondary): P2 (100 + 110) / 2 = 105, P3 96 (maths only): mean 100.5,
  // SD sqrt(((105 - 100.5)^2 + (96 - 100.5)^2) / 1) = sqrt(40.5).
  const IndicatorObservation& ks2 = obs.Get(kAcademy, "ks2_prior_attainment");
  EXPECT_DOUBLE_EQ(ks2.mean, 100.5);
  EXPECT_DOUBLE_EQ(ks2.denominator, 2);
  EXPECT_NEAR(ks2.sd, std::sqrt(40.5), 1e-5);
  EXPECT_DOUBLE_EQ(obs.Get(kAcademy, "ks2_prior_attainment", *FindPupilGroup("ehcp")).mean, 96);
  EXPECT_EQ(obs.Get(kPrimary, "ks2_prior_attainment").availability, Availability::kNotApplicable);

  // Context shares are given for all pupils only.
  EXPECT_EQ(obs.Find(kAcademy, "fsm_percent", *FindPupilGroup("boys")), nullptr);
}

TEST_F(PupilLevelTinyTest, MobilityWindowIsAPolicy) {
  // With a usual entry window of 5 September, P6's joining the PRU on the
  // 6th is mobile.
  ScorecardInput in = Load(R"({"mobility_entry_september_days": 5})");
  Observations obs(in);
  ExpectRatio(obs.Get(kPru, "mobility_percent"), 1, 1);
  ExpectRatio(obs.Get(kPrimary, "mobility_percent"), 0, 2);  // P5 on the 3rd
}

TEST_F(PupilLevelTinyTest, SuspensionsAndExclusionsPer100OnCensusDay) {
  ScorecardInput in = Load();
  Observations obs(in);
  // 3 suspensions (P2 twice, P6 once) over the census headcount of 3.
  ExpectRatio(obs.Get(kAcademy, "susp_rate"), 3, 3);
  // Pupils with one or more: P2 and P6.
  ExpectRatio(obs.Get(kAcademy, "one_plus_susp_rate"), 2, 3);
  // Upheld permanent exclusions: P4 only (P3's was overturned).
  ExpectRatio(obs.Get(kAcademy, "perm_excl_rate"), 1, 3);
  ExpectRatio(obs.Get(kAcademy, "managed_move_rate"), 1, 3);        // P6
  ExpectRatio(obs.Get(kAcademy, "off_site_direction_rate"), 1, 3);  // A1
  // Boys: P2 and P3 on census day; 3 suspensions (P2 x2, P6); both P2 and P6
  // suspended, capped at the headcount of 2.
  ExpectRatio(obs.Get(kAcademy, "susp_rate", *FindPupilGroup("boys")), 3, 2);
  ExpectRatio(obs.Get(kAcademy, "one_plus_susp_rate", *FindPupilGroup("boys")), 2, 2);
  ExpectRatio(obs.Get(kAcademy, "perm_excl_rate", *FindPupilGroup("girls")), 1, 1);
  ExpectRatio(obs.Get(kAcademy, "susp_rate", *FindPupilGroup("sen_support")), 2, 1);
  ExpectRatio(obs.Get(kAcademy, "susp_rate", *FindPupilGroup("ehcp")), 0, 1);
  // Nothing at the primary.
  ExpectRatio(obs.Get(kPrimary, "susp_rate"), 0, 2);
}

TEST_F(PupilLevelTinyTest, AlternativeProvisionUnitsAndReintegration) {
  ScorecardInput in = Load();
  Observations obs(in);
  // AP: P2 and P3 placed, of 4 on roll in the year; 3 placements started.
  ExpectRatio(obs.Get(kAcademy, "ap_pupils_percent"), 2, 4);
  ExpectRatio(obs.Get(kAcademy, "ap_placements_rate"), 3, 4);
  ExpectRatio(obs.Get(kAcademy, "ap_reintegration_plan_percent"), 2, 3);  // A1, A3
  // Hours: P2 (10 + 20) / 2 = 15, P3 6: mean 10.5, SD sqrt(40.5).
  const IndicatorObservation& hours = obs.Get(kAcademy, "ap_hours_per_week");
  EXPECT_DOUBLE_EQ(hours.mean, 10.5);
  EXPECT_DOUBLE_EQ(hours.denominator, 2);
  EXPECT_NEAR(hours.sd, std::sqrt(40.5), 1e-5);
  // Breakdowns: registered A1 (P2) and A3 (P3); unregistered A2 (P2).
  ExpectRatio(
      obs.Get(kAcademy, "ap_pupils_percent", kAllPupils, "AP setting: Registered provision"), 2, 4);
  ExpectRatio(
      obs.Get(kAcademy, "ap_placements_rate", kAllPupils, "AP setting: Unregistered provision"), 1,
      4);
  ExpectRatio(obs.Get(kAcademy, "ap_placements_rate", kAllPupils,
                      "AP reason: Off-site placement for behavioural support"),
              2, 4);
  ExpectRatio(obs.Get(kPrimary, "ap_pupils_percent"), 0, 2);
  // No AP pupils at the primary: their mean hours do not apply (z), as the
  // build writes a zero denominator; no row for a group of nobody.
  const IndicatorObservation& none = obs.Get(kPrimary, "ap_hours_per_week");
  EXPECT_EQ(none.availability, Availability::kAvailable);
  EXPECT_DOUBLE_EQ(none.denominator, 0);
  EXPECT_FALSE(scorecard::PointOf(none, CompareAs::kMean).ok);
  EXPECT_EQ(obs.Find(kPrimary, "ap_hours_per_week", *FindPupilGroup("girls")), nullptr);

  // Units: P4 (2 spells) and P2 (1) of 4; 2 + 4 + 6 sessions; P4 repeats.
  ExpectRatio(obs.Get(kAcademy, "internal_unit_pupils_percent"), 2, 4);
  ExpectRatio(obs.Get(kAcademy, "internal_unit_sessions_rate"), 12, 4);
  ExpectRatio(obs.Get(kAcademy, "internal_unit_repeat_percent"), 1, 2);

  // Reintegration: A1, U1, U2 returned; A3 (continued in AP) and U3 (A1 still
  // running the next day) did not: 3 of 5. Girls (P4): 2 of 2; boys 1 of 3.
  ExpectRatio(obs.Get(kAcademy, "reintegration_percent"), 3, 5);
  ExpectRatio(obs.Get(kAcademy, "reintegration_percent", *FindPupilGroup("girls")), 2, 2);
  ExpectRatio(obs.Get(kAcademy, "reintegration_percent", *FindPupilGroup("boys")), 1, 3);
  // No episode at the primary: a zero denominator (shown as z by the engine).
  ExpectRatio(obs.Get(kPrimary, "reintegration_percent"), 0, 0);

  // Not held in the store: x with a reason, and no observation.
  for (const char* id : {"attainment8", "progress8", "recognition_rate", "pupil_wellbeing_percent",
                         "sustained_destination_percent"}) {
    EXPECT_EQ(obs.Find(kAcademy, id), nullptr) << id;
    EXPECT_FALSE(in.unavailable_reason[*ScorecardIndicatorIndex(id)].empty()) << id;
  }
}

TEST_F(PupilLevelTinyTest, AbsenceAsTheAttendanceFamily) {
  ScorecardInput in = Load();
  Observations obs(in);
  // Academy enrolments (overall, possible), from tiny_fixture.h: P2 (4, 10),
  // P3 (1, 10), P4 (2, 12), P6 (1, 6): 8 / 38; all four at least 10%.
  const double o[] = {4, 1, 2, 1}, p[] = {10, 10, 12, 6};
  const double r = 8.0 / 38;
  double ss = 0;
  for (int i = 0; i < 4; ++i) ss += (o[i] - r * p[i]) * (o[i] - r * p[i]);
  const double se = 100 * std::sqrt(4.0 / 3 * ss) / 38;  // linearised, clustered by enrolment
  const IndicatorObservation& abs = obs.Get(kAcademy, "sess_overall_percent");
  EXPECT_NEAR(abs.mean, 100.0 * 8 / 38, 1e-9);
  EXPECT_DOUBLE_EQ(abs.denominator, 4);
  EXPECT_NEAR(abs.sd / std::sqrt(4.0), se, 1e-4);
  EXPECT_NEAR(se, 6.9012, 1e-3);  // worked: sum of squares 5.1579, / 1444 x 4/3
  ExpectRatio(obs.Get(kAcademy, "enrolments_pa_10_exact_percent"), 4, 4);
  // Boys: P2, P3, P6: 6 / 26.
  EXPECT_NEAR(obs.Get(kAcademy, "sess_overall_percent", *FindPupilGroup("boys")).mean, 600.0 / 26,
              1e-9);
  // EHC plan: P3 at exactly 10%.
  EXPECT_NEAR(obs.Get(kAcademy, "sess_overall_percent", *FindPupilGroup("ehcp")).mean, 10, 1e-9);
  ExpectRatio(obs.Get(kAcademy, "enrolments_pa_10_exact_percent", *FindPupilGroup("ehcp")), 1, 1);
  // Primary: P1 only (P5 is 4): 2 / 10. PRU: P6 2 possible, none missed.
  EXPECT_NEAR(obs.Get(kPrimary, "sess_overall_percent").mean, 20, 1e-9);
  EXPECT_DOUBLE_EQ(obs.Get(kPrimary, "sess_overall_percent").denominator, 1);
  EXPECT_NEAR(obs.Get(kPru, "sess_overall_percent").mean, 0, 1e-9);
  ExpectRatio(obs.Get(kPru, "enrolments_pa_10_exact_percent"), 0, 1);
}

// ---------------------------------------------------------------------------
// Agreement with `lantern build`.

struct GroupRow {
  const char* topic;
  const char* label;
  PupilGroup group;
};
const GroupRow kGroupRows[] = {
    {"Total", "Total", kAllPupils},
    {"Sex", "Female", *FindPupilGroup("girls")},
    {"Sex", "Male", *FindPupilGroup("boys")},
    {"FSM eligibility", "FSM eligible", *FindPupilGroup("fsm")},
    {"FSM eligibility", "Not FSM eligible", *FindPupilGroup("not_fsm")},
    {"Disadvantage", "Disadvantaged", *FindPupilGroup("disadvantaged")},
    {"Disadvantage", "Not disadvantaged", *FindPupilGroup("not_disadvantaged")},
    {"SEN provision", "No SEN", *FindPupilGroup("no_sen")},
    {"SEN provision", "SEN support", *FindPupilGroup("sen_support")},
    {"SEN provision", "EHC plan", *FindPupilGroup("ehcp")},
    {"First language", "Other than English", *FindPupilGroup("eal")},
    {"Looked after", "Looked after", *FindPupilGroup("looked_after")},
};

// Compares every school row of OUT/attendance.csv (disclosure control off)
// with the pupil-level observations; returns the rows compared.
size_t ExpectAbsenceAgrees(const std::string& store, const std::string& root) {
  BuildOptions b;
  b.store_dir = store;
  b.out_dir = root + "/build";
  b.policy_file = root + "/nosuppress.json";
  std::ofstream(b.policy_file) << R"({"suppress_below": 1})";
  BuildReport br;
  Status st = Build(b, &br);
  EXPECT_TRUE(st.ok()) << st.ToString();
  auto t = CsvTable::Load(b.out_dir + "/attendance.csv");
  EXPECT_TRUE(t.ok());
  if (!t.ok()) return 0;
  PupilLevelOptions o;
  o.policy_file = b.policy_file;
  auto in = LoadPupilLevelScorecardInput(store, o);
  EXPECT_TRUE(in.ok()) << in.status().ToString();
  if (!in.ok()) return 0;
  Observations obs(*in);
  const int level = t->Column("geographic_level"), urn = t->Column("school_urn"),
            topic = t->Column("breakdown_topic"), label = t->Column("breakdown"),
            enrolments = t->Column("enrolments"), pa = t->Column("enrolments_pa_10_exact"),
            rate = t->Column("sess_overall_percent"),
            pa_rate = t->Column("enrolments_pa_10_exact_percent");
  size_t compared = 0;
  std::set<int> schools_seen;
  for (size_t r = 0; r < t->rows(); ++r) {
    if (t->Cell(r, level) != "School") continue;
    const GroupRow* g = nullptr;
    for (const auto& gr : kGroupRows) {
      if (t->Cell(r, topic) == gr.topic && t->Cell(r, label) == gr.label) g = &gr;
    }
    if (g == nullptr) continue;  // year groups, "not EAL", "not looked after"
    const int u = std::stoi(std::string(t->Cell(r, urn)));
    const std::string n = std::string(t->Cell(r, enrolments));
    if (n == "0" || n == "z" || n == "x") {
      EXPECT_EQ(obs.Find(u, "sess_overall_percent", g->group), nullptr) << u;
      continue;
    }
    const IndicatorObservation* a = obs.Find(u, "sess_overall_percent", g->group);
    const IndicatorObservation* p = obs.Find(u, "enrolments_pa_10_exact_percent", g->group);
    EXPECT_NE(a, nullptr) << u << " " << g->label;
    EXPECT_NE(p, nullptr) << u << " " << g->label;
    if (a == nullptr || p == nullptr) continue;
    EXPECT_EQ(a->denominator, std::stod(n)) << u << " " << g->label;
    EXPECT_EQ(p->denominator, std::stod(n)) << u << " " << g->label;
    EXPECT_EQ(p->numerator, std::stod(std::string(t->Cell(r, pa)))) << u << " " << g->label;
    // Published to 5 decimal places.
    EXPECT_NEAR(a->mean, std::stod(std::string(t->Cell(r, rate))), 5.1e-6) << u << " " << g->label;
    EXPECT_NEAR(100 * p->numerator / p->denominator, std::stod(std::string(t->Cell(r, pa_rate))),
                5.1e-6);
    schools_seen.insert(u);
    ++compared;
  }
  // Every school with an absence figure has a row in attendance.csv.
  for (const auto& o : in->observations) {
    if (in->schools[o.school].reference) continue;
    if (o.indicator == *ScorecardIndicatorIndex("sess_overall_percent") &&
        o.availability == Availability::kAvailable && o.group == kAllPupils) {
      EXPECT_TRUE(schools_seen.count(in->schools[o.school].urn)) << in->schools[o.school].urn;
    }
  }
  return compared;
}

TEST_F(PupilLevelTinyTest, AbsenceEqualsBuildSchoolRows) {
  EXPECT_GE(ExpectAbsenceAgrees(Store(), root_), 10u);
}

TEST_F(PupilLevelTinyTest, ScorecardBuildsAndWrites) {
  ScorecardInput in = Load();
  auto sc = Scorecard::Build(in, ScorecardOptions{});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  ScorecardReport report;
  ScorecardOutputOptions opts;
  opts.out_dir = root_ + "/sc";
  opts.threads = 1;
  Status st = WriteScorecardOutputs(*sc, opts, &report);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(report.schools_scored, 3u);
  EXPECT_TRUE(fs::exists(root_ + "/sc/scorecards/900002.json"));
  // A store with no data is an error, not an empty scorecard.
  auto empty = LoadPupilLevelScorecardInput(root_ + "/no_store", {});
  EXPECT_FALSE(empty.ok());
}

// ---------------------------------------------------------------------------
// End to end on generated LA 805 data.

class PupilLevelGeneratedTest : public testing::GeneratedDataSuite<PupilLevelGeneratedTest> {
 protected:
  static void SetUpTestSuite() {
    if (!FindRealDataDir().ok()) return;
    dir_ = new std::string(TempRoot("gen805"));
    fs::remove_all(*dir_);
    GenerateOptions g;
    g.scale = GenerateScale::kLocalAuthority;
    g.la_codes = {805};
    g.seed = 7;
    g.out_dir = *dir_ + "/input";
    g.form = "compact";
    g.progress = false;
    GenerateReport gr;
    status_ = new Status(Generate(g, &gr));
    if (status_->ok()) *status_ = IngestInto(*dir_ + "/input", *dir_ + "/store");
  }
};

TEST_F(PupilLevelGeneratedTest, EveryCardSoundAndCloseToPublishedRates) {
  auto in = LoadPupilLevelScorecardInput(*dir_ + "/store", {});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  size_t store_schools = 0;
  for (const auto& sch : in->schools) store_schools += !sch.reference;
  ASSERT_GE(store_schools, 30u);
  auto sc = Scorecard::Build(*in, ScorecardOptions{});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  ScorecardReport report;
  ScorecardOutputOptions opts;
  opts.out_dir = *dir_ + "/sc";
  ASSERT_TRUE(WriteScorecardOutputs(*sc, opts, &report).ok());
  const auto& reg = ScorecardIndicators();
  size_t checked = 0;
  for (uint32_t s = 0; s < in->schools.size(); ++s) {
    if (in->schools[s].reference) {
      EXPECT_FALSE(sc->Scored(s));
      continue;
    }
    EXPECT_TRUE(sc->Scored(s)) << in->schools[s].urn;
    EXPECT_TRUE(
        fs::exists(*dir_ + "/sc/scorecards/" + std::to_string(in->schools[s].urn) + ".json"))
        << in->schools[s].urn;
    for (const ScorecardCell& c : sc->ScoreSchool(s)) {
      const ScorecardIndicator& ind = reg[c.indicator];
      if (c.enquiry != 0) {
        EXPECT_GE(c.denominator, ind.min_denominator) << in->schools[s].urn << " " << ind.id;
        EXPECT_TRUE(c.assessable);
      }
      if (c.availability != Availability::kAvailable || !std::isfinite(c.lower)) continue;
      EXPECT_LE(c.lower, c.value + 1e-9) << in->schools[s].urn << " " << ind.id;
      EXPECT_GE(c.upper, c.value - 1e-9) << in->schools[s].urn << " " << ind.id;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);

  // Pooled over the LA's schools by phase, against the LAIT 2018/19 figures
  // the generator was calibrated to.
  auto real = FindRealDataDir();
  ASSERT_TRUE(real.ok());
  auto lait = LaitIndicators::Load(*real, {"PriFixedEx", "SecFixedEx", "Pri_ Pup_FixedEx",
                                           "Sec_ Pup_FixedEx", "PriTotAbs", "SecTotAbs"});
  ASSERT_TRUE(lait.ok()) << lait.status().ToString();
  struct Sum {
    double num = 0, den = 0;
  };
  std::map<std::pair<std::string, ScorecardPhase>, Sum> pooled;
  for (const auto& o : in->observations) {
    if (o.group != kAllPupils || o.breakdown != 0 || in->schools[o.school].reference) continue;
    const std::string id(reg[o.indicator].id);
    Sum& x = pooled[{id, in->schools[o.school].phase}];
    if (id == "sess_overall_percent") {
      x.num += o.mean * o.denominator;  // enrolment-weighted
      x.den += o.denominator;
    } else {
      x.num += o.numerator;
      x.den += o.denominator;
    }
  }
  const AcademicYear year(2018);
  auto near = [&](const char* measure, const char* id, ScorecardPhase ph, double tolerance) {
    auto published = lait->Get(measure, 805, year);
    ASSERT_TRUE(published.has_value()) << measure;
    const Sum& x = pooled[{id, ph}];
    ASSERT_GT(x.den, 0) << id;
    const double got =
        id == std::string("sess_overall_percent") ? x.num / x.den : 100 * x.num / x.den;
    EXPECT_NEAR(got, *published, tolerance) << measure << " " << id;
  };
  near("SecFixedEx", "susp_rate", ScorecardPhase::kSecondary, 0.2 * 52.75);
  near("PriFixedEx", "susp_rate", ScorecardPhase::kPrimary, 1.0);
  near("Sec_ Pup_FixedEx", "one_plus_susp_rate", ScorecardPhase::kSecondary, 3.0);
  near("SecTotAbs", "sess_overall_percent", ScorecardPhase::kSecondary, 0.6);
  near("PriTotAbs", "sess_overall_percent", ScorecardPhase::kPrimary, 0.6);
}

TEST_F(PupilLevelGeneratedTest, AbsenceEqualsBuildSchoolRows) {
  EXPECT_GE(ExpectAbsenceAgrees(*dir_ + "/store", *dir_), 300u);
}

}  // namespace
}  // namespace lantern

namespace lantern {
namespace {

// One disclosure pass: a figure the build's files withhold is withheld on
// the scorecard, and one they publish is not hidden there.
TEST_F(PupilLevelGeneratedTest, ScorecardHidesExactlyWhatTheBuildHides) {
  BuildOptions b;
  b.store_dir = *dir_ + "/store";
  b.out_dir = *dir_ + "/build_for_scorecard";
  BuildReport br;
  ASSERT_TRUE(Build(b, &br).ok());
  auto in = LoadPupilLevelScorecardInput(*dir_ + "/store", {});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  // (urn, topic, group label) -> row, for the school rows of each file.
  auto index = [](const CsvTable& t) {
    std::map<std::tuple<std::string, std::string, std::string>, size_t> m;
    for (size_t r = 0; r < t.rows(); ++r) {
      if (t.Cell(r, t.Column("geographic_level")) != "School") continue;
      m[{t.Cell(r, t.Column("school_urn")), t.Cell(r, t.Column("breakdown_topic")),
         t.Cell(r, t.Column("breakdown"))}] = r;
    }
    return m;
  };
  auto att = CsvTable::Load(b.out_dir + "/attendance.csv");
  auto sus = CsvTable::Load(b.out_dir + "/suspensions.csv");
  ASSERT_TRUE(att.ok() && sus.ok());
  const auto att_rows = index(*att), sus_rows = index(*sus);
  size_t compared = 0, hidden = 0;
  for (const IndicatorObservation& o : in->observations) {
    if (in->schools[o.school].reference || o.breakdown != 0 ||
        o.availability != Availability::kAvailable) {
      continue;
    }
    const std::string id(ScorecardIndicators()[o.indicator].id);
    const bool from_att = id == "sess_overall_percent" || id == "enrolments_pa_10_exact_percent";
    const bool from_sus = id == "susp_rate" || id == "one_plus_susp_rate" || id == "perm_excl_rate";
    if (!from_att && !from_sus) continue;
    const auto& table = from_att ? *att : *sus;
    const auto& rows = from_att ? att_rows : sus_rows;
    const int category = o.group.category;
    const auto key = std::make_tuple(std::to_string(in->schools[o.school].urn),
                                     std::string(GroupTopics()[TopicOfCategory(category)].label),
                                     std::string(Category(category).label));
    auto it = rows.find(key);
    ASSERT_NE(it, rows.end()) << std::get<0>(key) << " " << std::get<2>(key) << " " << id;
    const bool withheld = table.Cell(it->second, table.Column(id)) == "c";
    EXPECT_EQ(o.suppressed, withheld) << std::get<0>(key) << " " << std::get<2>(key) << " " << id;
    ++compared;
    hidden += withheld;
  }
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(hidden, 50u);
}

}  // namespace
}  // namespace lantern
