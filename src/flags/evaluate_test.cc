#include "flags/evaluate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "flags/evaluate_internal.h"

namespace lantern {
namespace evaluate {
namespace {

constexpr int kPe = 0, kNeet = 2;
constexpr int32_t kDay = 17800;  // any day: only the differences count

PupilRow Pupil(size_t triggers) {
  PupilRow r;
  for (bool& e : r.eligible) e = true;
  r.trigger_first.assign(triggers, kNoDate);
  return r;
}

void Flag(PupilRow* r, size_t k, int32_t day) {
  r->trigger_first[k] = day;
  r->first_flag = std::min(r->first_flag, day);
}

void Outcome(PupilRow* r, int o, int32_t day) {
  r->outcome[o] = day;
  r->outcome[kAny] = std::min(r->outcome[kAny], day);
}

// Six pupils and two triggers, worked by hand (NEET):
//   1: a on kDay, NEET 70 days later (10 weeks)   FSM
//   2: b a week in, no outcome
//   3: never flagged, NEET                        FSM
//   4: a on kDay and b two weeks in, NEET 30 days after kDay (4 weeks from
//      a, 2 from b)
//   5: flagged by a and NEET but not eligible: not counted at all
//   6: a on kDay, no outcome
// a: flagged 1, 4, 6; cases 1, 3, 4; hits 1, 4 (weeks 10 and 4).
// b: flagged 2, 4; hits 4 (weeks 2).
// the set: flagged 1, 2, 4, 6; hits 1, 4 (weeks 10 and 4).
Cohort HandMadeCohort() {
  Cohort c;
  c.triggers = {"a", "b"};
  c.rows.assign(6, Pupil(2));
  Flag(&c.rows[0], 0, kDay);
  Outcome(&c.rows[0], kNeet, kDay + 70);
  c.rows[0].fsm = true;
  Flag(&c.rows[1], 1, kDay + 7);
  Outcome(&c.rows[2], kNeet, kDay + 100);
  c.rows[2].fsm = true;
  Flag(&c.rows[3], 0, kDay);
  Flag(&c.rows[3], 1, kDay + 14);
  Outcome(&c.rows[3], kNeet, kDay + 30);
  Flag(&c.rows[4], 0, kDay);
  Outcome(&c.rows[4], kNeet, kDay + 10);
  for (bool& e : c.rows[4].eligible) e = false;
  Flag(&c.rows[5], 0, kDay);
  return c;
}

TEST(EvaluateFlagsTest, RecallPrecisionAndWeeksAheadOnHandMadePupils) {
  const Cohort c = HandMadeCohort();
  const Metrics a = FlagMetrics(c, kNeet, 0);
  EXPECT_EQ(a.flagged, 3);
  EXPECT_EQ(a.cases, 3);
  EXPECT_EQ(a.hits, 2);
  EXPECT_EQ(a.Recall(), "66.7%");
  EXPECT_EQ(a.Precision(), "66.7%");
  EXPECT_EQ(a.Weeks(), "10");  // of 4 and 10, the upper median
  const Metrics b = FlagMetrics(c, kNeet, 1);
  EXPECT_EQ(b.flagged, 2);
  EXPECT_EQ(b.hits, 1);
  EXPECT_EQ(b.Recall(), "33.3%");
  EXPECT_EQ(b.Precision(), "50.0%");
  EXPECT_EQ(b.Weeks(), "2");  // from b's own first day, not the pupil's first flag
  const Metrics set = FlagMetrics(c, kNeet, c.triggers.size());
  EXPECT_EQ(set.flagged, 4);
  EXPECT_EQ(set.hits, 2);
  EXPECT_EQ(set.Recall(), "66.7%");
  EXPECT_EQ(set.Precision(), "50.0%");
  EXPECT_EQ(set.Weeks(), "10");
  // No permanent exclusions: recall and weeks are "-", precision 0.
  const Metrics pe = FlagMetrics(c, kPe, c.triggers.size());
  EXPECT_EQ(pe.Recall(), "-");
  EXPECT_EQ(pe.Precision(), "0.0%");
  EXPECT_EQ(pe.Weeks(), "-");
  // FSM (pupils 1 and 3): a flags 1 of the 2, who had the outcome.
  const PupilGroup& fsm = PupilGroups()[0];
  ASSERT_STREQ(fsm.name, "FSM");
  const Metrics af = FlagMetrics(c, kNeet, 0, &fsm);
  EXPECT_EQ(af.flagged, 1);
  EXPECT_EQ(af.cases, 2);
  EXPECT_EQ(af.hits, 1);
}

TEST(EvaluateFlagsTest, TheReportHasEachTriggerTheRuleSetAndTheGroups) {
  const Cohort c = HandMadeCohort();
  const std::string report = EvaluationReport({c}, c);
  EXPECT_NE(report.find("| neet | a | 3 | 66.7% | 66.7% | 10 |\n"), std::string::npos) << report;
  EXPECT_NE(report.find("| neet | b | 2 | 33.3% | 50.0% | 2 |\n"), std::string::npos);
  EXPECT_NE(report.find("| neet | **the rule set** | 4 | 66.7% | 50.0% | 10 |\n"),
            std::string::npos);
  // The rule set by group, with the counts: FSM pupils 1 and 3, both with
  // the outcome, 1 flagged; not FSM 2, 4 and 6 (5 is not eligible), all
  // flagged, 4 with the outcome.
  EXPECT_NE(report.find("| FSM | 2 | 2 | 1 | 50.0% | 100.0% |\n"), std::string::npos);
  EXPECT_NE(report.find("| not FSM | 3 | 1 | 3 | 100.0% | 33.3% |\n"), std::string::npos);
  // The comparators' table gives the rule set's own count and recall.
  EXPECT_NE(report.find("| neet | the rule set | 4 | 66.7% | 50.0% |\n"), std::string::npos);
  // By group: FSM (pupils 1, 3) beside not FSM (2, 4, 6) for trigger a and
  // any outcome: flagged 1 of 2 and 2 of 3; the outcome 2 of 2 and 1 of 3;
  // recall 1 of 2 and 1 of 1; precision 1 of 1 and 1 of 2; flagged without
  // the outcome none of none and 1 (6) of 2.
  EXPECT_NE(report.find("| any | a | FSM / not FSM | 50.0% / 66.7% | 100.0% / 33.3% | "
                        "50.0% / 100.0% | 100.0% / 50.0% | - / 50.0% |\n"),
            std::string::npos)
      << report;
  // Too few pupils for the comparators to choose a threshold.
  EXPECT_NE(report.find("| neet | weighted score (RONI-style), score >= - | - | - | - |\n"),
            std::string::npos);
}

TEST(EvaluateFlagsTest, EachEarlierCohortNeedsItsOutcomes) {
  EvaluateOptions options;
  options.train_stores = {"a", "b"};
  options.train_outcomes = {"a.csv"};
  const auto report = EvaluateFlags(options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("2 stores and 1 outcomes files"), std::string::npos);
}

// 42 pupils for the permanent-exclusion outcome, by score:
//   20: 1 pupil, the outcome                 (1 flagged, 1 hit: too few to count)
//   10: 20 pupils, 10 with it                (21 flagged, 11 hits: 52.4%)
//    5: 10 pupils, none                      (31 flagged, 11 hits: 35.5%)
//    1: 10 pupils, 5 with it                 (41 flagged, 16 hits: 39.0%)
// and one pupil with score 30 and the outcome who is not eligible.
Cohort ScoredCohort(std::vector<double>* score) {
  Cohort c;
  auto add = [&](double s, int n, int with) {
    for (int i = 0; i < n; ++i) {
      PupilRow r = Pupil(0);
      if (i < with) Outcome(&r, kPe, kDay);
      c.rows.push_back(r);
      score->push_back(s);
    }
  };
  add(1, 10, 5);  // out of order: the scores are sorted
  add(20, 1, 1);
  add(10, 20, 10);
  add(5, 10, 0);
  add(30, 1, 1);
  c.rows.back().eligible[kPe] = false;
  return c;
}

TEST(EvaluateFlagsTest, AtEqualPrecisionTakesTheThresholdWithTheClosestPrecision) {
  std::vector<double> score;
  const Cohort c = ScoredCohort(&score);
  double threshold = -1;
  // 0.36: 35.5% is closest (39.0% is 0.03 away).
  Metrics m = AtEqualPrecision(c, kPe, score, 0.36, &threshold);
  EXPECT_EQ(threshold, 5);
  EXPECT_EQ(m.flagged, 31);
  EXPECT_EQ(m.hits, 11);
  EXPECT_EQ(m.cases, 16);  // the ineligible pupil is not a case
  EXPECT_EQ(m.Recall(), fmt::format("{:.1f}%", 100.0 * 11 / 16));
  // 0.40: 39.0%.
  m = AtEqualPrecision(c, kPe, score, 0.40, &threshold);
  EXPECT_EQ(threshold, 1);
  EXPECT_EQ(m.flagged, 41);
  EXPECT_EQ(m.hits, 16);
  EXPECT_EQ(m.Recall(), "100.0%");
  // 1.0: the single pupil at 20 has it, but one pupil is too few; the
  // ineligible pupil at 30 is not counted either.
  m = AtEqualPrecision(c, kPe, score, 1.0, &threshold);
  EXPECT_EQ(threshold, 10);
  EXPECT_EQ(m.flagged, 21);
  EXPECT_EQ(m.hits, 11);
}

// `high` pupils at score 2, the first `with_outcome` of them with a
// permanent exclusion, then `low` at score 1 with none.
void TwoScores(int high, int with_outcome, int low, Cohort* c, std::vector<double>* score) {
  for (int i = 0; i < high + low; ++i) {
    PupilRow r = Pupil(0);
    if (i < with_outcome) Outcome(&r, kPe, kDay);
    c->rows.push_back(r);
    score->push_back(i < high ? 2 : 1);
  }
}

TEST(EvaluateFlagsTest, AtEqualPrecisionNeverSplitsATieNorCountsAHandful) {
  Cohort c;
  std::vector<double> score;
  // 25 pupils at one score, 5 with the outcome, then 10 at a lower one
  // with none: the only thresholds are 25 and 35 pupils.
  TwoScores(25, 5, 10, &c, &score);
  double threshold = -1;
  // 5 of 20 (25%) would be closer to 25% than 5 of 25, had a tie been split.
  Metrics m = AtEqualPrecision(c, kPe, score, 0.25, &threshold);
  EXPECT_EQ(threshold, 2);
  EXPECT_EQ(m.flagged, 25);
  // Fewer than kMinFlagged eligible pupils: no threshold.
  for (size_t p = kMinFlagged - 1; p < c.rows.size(); ++p) c.rows[p].eligible[kPe] = false;
  threshold = -1;
  m = AtEqualPrecision(c, kPe, score, 0.25, &threshold);
  EXPECT_EQ(m.flagged, 0);
  EXPECT_EQ(threshold, -1);
  EXPECT_EQ(m.Precision(), "-");
}

TEST(EvaluateFlagsTest, AtEqualPrecisionTakesTheHigherThresholdOnEqualDistance) {
  // 20 pupils at 2, 10 with the outcome (50%), then 20 at 1 with none (10
  // of 40, 25%): 37.5% is 12.5 points from each, exactly.
  Cohort c;
  std::vector<double> score;
  TwoScores(20, 10, 20, &c, &score);
  double threshold = -1;
  const Metrics m = AtEqualPrecision(c, kPe, score, 0.375, &threshold);
  EXPECT_EQ(threshold, 2);
  EXPECT_EQ(m.flagged, 20);
}

double Logistic(double eta) { return 1 / (1 + std::exp(-eta)); }

TEST(EvaluateFlagsTest, FitLogisticRecoversKnownCoefficients) {
  // 20,000 draws from logit P(y) = -1 + 1.5 x1 - 0.8 x2, x1 ~ N(0, 1), x2 a
  // coin of 0.3. The standard errors are about 0.02 to 0.04, so 0.12 is
  // three or more of them.
  std::mt19937_64 rng(20261207);
  std::normal_distribution<double> normal;
  std::bernoulli_distribution coin(0.3);
  std::uniform_real_distribution<double> u(0, 1);
  const std::vector<double> truth = {-1.0, 1.5, -0.8};
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  for (int i = 0; i < 20000; ++i) {
    const double x1 = normal(rng), x2 = coin(rng) ? 1 : 0;
    x.push_back({1, x1, x2});
    y.push_back(u(rng) < Logistic(truth[0] + truth[1] * x1 + truth[2] * x2));
  }
  const std::vector<double> beta = FitLogistic(x, y);
  ASSERT_EQ(beta.size(), 3u);
  for (size_t j = 0; j < 3; ++j) EXPECT_NEAR(beta[j], truth[j], 0.12) << "coefficient " << j;
}

TEST(EvaluateFlagsTest, FitLogisticStaysFiniteOnSeparatedEmptyOrRepeatedFeatures) {
  // x2 = 1 only ever with y = 1: its maximum-likelihood coefficient is
  // infinite, and the fit stops with it large and finite. x3 is never set (a
  // trigger that never held in the earlier cohorts): 0. x4 repeats x1, so
  // the system is singular: the ridge shares their coefficient equally
  // (without it, one takes it all).
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  for (int i = 0; i < 200; ++i) {
    const bool sep = i % 10 == 0;
    const double x1 = static_cast<double>(i % 7) / 7;
    x.push_back({1, x1, sep ? 1.0 : 0.0, 0.0, x1});
    y.push_back(sep || i % 3 == 0);
  }
  const std::vector<double> beta = FitLogistic(x, y);
  ASSERT_EQ(beta.size(), 5u);
  for (double b : beta) EXPECT_TRUE(std::isfinite(b));
  EXPECT_GT(beta[2], 5);
  EXPECT_EQ(beta[3], 0);
  EXPECT_NEAR(beta[1], beta[4], 1e-6);
}

TEST(EvaluateFlagsTest, RoniScoreGivesTheDocumentedWeights) {
  const PupilRow none = Pupil(0);
  EXPECT_EQ(RoniScore(none), 0);
  auto with = [&](auto change) {
    PupilRow r = none;
    change(r);
    return RoniScore(r);
  };
  // Attendance under 90%: 3; under 80%: 1 more; at 90% and 80% exactly, not.
  EXPECT_EQ(with([](PupilRow& r) { r.att = 90; }), 0);
  EXPECT_EQ(with([](PupilRow& r) { r.att = 89.9; }), 3);
  EXPECT_EQ(with([](PupilRow& r) { r.att = 80; }), 3);
  EXPECT_EQ(with([](PupilRow& r) { r.att = 79.9; }), 4);
  // One or more suspensions: 2; three or more: 1 more.
  EXPECT_EQ(with([](PupilRow& r) { r.susp = 1; }), 2);
  EXPECT_EQ(with([](PupilRow& r) { r.susp = 2; }), 2);
  EXPECT_EQ(with([](PupilRow& r) { r.susp = 3; }), 3);
  EXPECT_EQ(with([](PupilRow& r) { r.ap = 1; }), 2);
  EXPECT_EQ(with([](PupilRow& r) { r.isusp = 1; }), 1);
  EXPECT_EQ(with([](PupilRow& r) { r.schools = 1; }), 0);
  EXPECT_EQ(with([](PupilRow& r) { r.schools = 2; }), 1);
  EXPECT_EQ(with([](PupilRow& r) { r.fsm = true; }), 1);
  EXPECT_EQ(with([](PupilRow& r) { r.sen_support = true; }), 1);
  EXPECT_EQ(with([](PupilRow& r) { r.ehcp = true; }), 2);
  EXPECT_EQ(with([](PupilRow& r) { r.lac = true; }), 2);
  // The other measures are not scored.
  EXPECT_EQ(with([](PupilRow& r) {
              r.eal = r.girl = true;
              r.ehcp_wait = 1;
            }),
            0);
  // A looked-after pupil with an EHC plan on FSM, attendance 75%, four
  // suspensions, an AP placement, an internal suspension and two schools:
  // 4 + 3 + 2 + 1 + 1 + 1 + 2 + 2.
  EXPECT_EQ(with([](PupilRow& r) {
              r.att = 75;
              r.susp = 4;
              r.ap = 1;
              r.isusp = 2;
              r.schools = 2;
              r.fsm = r.ehcp = r.lac = true;
            }),
            16);
}

}  // namespace
}  // namespace evaluate
}  // namespace lantern
