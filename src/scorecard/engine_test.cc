#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <regex>
#include <set>

#include "lantern/scorecard.h"
#include "scorecard/published.h"
#include "scorecard/scorecard_test_util.h"
#include "stats/intervals.h"

namespace lantern::scorecard {
namespace {

using testing::CellOf;
using testing::FindCell;
using testing::Ind;
using testing::InputBuilder;

TEST(ScorecardRegistryTest, IdsAreUniqueSnakeCaseAndComplete) {
  const auto& reg = ScorecardIndicators();
  std::set<std::string_view> ids;
  const std::regex snake("^[a-z][a-z0-9_]*$");
  for (const auto& ind : reg) {
    EXPECT_TRUE(ids.insert(ind.id).second) << ind.id;
    EXPECT_TRUE(std::regex_match(std::string(ind.id), snake)) << ind.id;
    EXPECT_FALSE(ind.label.empty()) << ind.id;
    EXPECT_FALSE(ind.numerator.empty()) << ind.id;
    if (ind.domain != IndicatorDomain::kContext) {
      EXPECT_NE(ind.enquiry_higher.find("{pupils}"), std::string_view::npos) << ind.id;
      EXPECT_NE(ind.enquiry_lower.find("{pupils}"), std::string_view::npos) << ind.id;
      EXPECT_GT(ind.min_denominator, 0) << ind.id;
    }
  }
  // Every indicator named in issue 3 is declared.
  for (const char* id : {"pupils_on_roll",
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
    EXPECT_TRUE(ScorecardIndicatorIndex(id).ok()) << id;
  }
  EXPECT_FALSE(ScorecardIndicatorIndex("no_such_indicator").ok());
  // The similarity variables of issue 3.
  for (const char* id :
       {"pupils_on_roll", "sen_support_percent", "ehcp_percent", "disadvantaged_percent",
        "eal_percent", "mobility_percent", "ks2_prior_attainment"}) {
    EXPECT_TRUE(reg[*ScorecardIndicatorIndex(id)].similarity) << id;
  }
}

// Twelve secondary schools with varied context; school 0 carries the figures
// under test.
InputBuilder TwelveSchools() {
  InputBuilder b;
  for (int i = 0; i < 12; ++i) {
    uint32_t s = b.School(100000 + i);
    b.Context(s, 600 + 50 * i, 10 + i, 2 + 0.2 * i, 20 + 2 * i, 5 + 3 * i);
  }
  return b;
}

TEST(ScorecardEngineTest, IntervalsForEachKindOfIndicator) {
  InputBuilder b = TwelveSchools();
  b.Proportion(0, "enrolments_pa_10_exact_percent", 30, 120);
  {
    auto& o = b.Add(0, "susp_rate");
    o.numerator = 90;
    o.denominator = 1200;
  }
  b.Mean(0, "progress8", 0.25, 1.415869, 150);
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  auto cells = sc->ScoreSchool(0);

  // Proportion: Wilson (definitions.md 8.4): 30/120 -> 18.1% to 33.4%.
  const ScorecardCell* pa = FindCell(cells, "enrolments_pa_10_exact_percent");
  ASSERT_NE(pa, nullptr);
  EXPECT_DOUBLE_EQ(pa->value, 25.0);
  EXPECT_NEAR(pa->lower, 18.10982, 1e-4);
  EXPECT_NEAR(pa->upper, 33.44114, 1e-4);
  EXPECT_EQ(Publish(*pa).value.Text(), "25.0");
  EXPECT_EQ(Publish(*pa).lower.Text(), "18.1");
  EXPECT_EQ(Publish(*pa).upper.Text(), "33.4");

  // Rate per 100: 90 suspensions / 1200 pupils = 7.50 (definitions.md 2),
  // exact Poisson interval for 90 events.
  const ScorecardCell* sus = FindCell(cells, "susp_rate");
  ASSERT_NE(sus, nullptr);
  EXPECT_DOUBLE_EQ(sus->value, 7.5);
  stats::Interval g = stats::PoissonExactInterval(90);
  EXPECT_NEAR(sus->lower, g.lower / 12, 1e-9);
  EXPECT_NEAR(sus->upper, g.upper / 12, 1e-9);
  EXPECT_NEAR(sus->lower, 6.031, 1e-3);
  EXPECT_NEAR(sus->upper, 9.219, 1e-3);

  // Mean: P8 with the national SD (definitions.md 3.7): +0.02 to +0.48.
  const ScorecardCell* p8 = FindCell(cells, "progress8");
  ASSERT_NE(p8, nullptr);
  EXPECT_EQ(Publish(*p8).lower.Text(), "0.02");
  EXPECT_EQ(Publish(*p8).upper.Text(), "0.48");

  // Count: as it is, no interval.
  const ScorecardCell* nor = FindCell(cells, "pupils_on_roll");
  ASSERT_NE(nor, nullptr);
  EXPECT_EQ(Publish(*nor).value.Text(), "600");
  EXPECT_EQ(Publish(*nor).lower.Text(), "z");
}

TEST(ScorecardEngineTest, EveryIndicatorOnAHandMadeInput) {
  // For every indicator in the registry: 12 schools, school 0 holds a known
  // figure; the value and interval follow the indicator's kind exactly.
  for (size_t i = 0; i < ScorecardIndicators().size(); ++i) {
    const ScorecardIndicator& ind = ScorecardIndicators()[i];
    if (ind.similarity) continue;  // context variables are covered by the context itself
    InputBuilder b = TwelveSchools();
    for (uint32_t s = 0; s < 12; ++s) {
      auto& o = b.Add(s, std::string(ind.id).c_str());
      o.numerator = 40 + s;
      o.denominator = 400;
      o.mean = 10 + s;
      o.sd = 4;
    }
    auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
    ASSERT_TRUE(sc.ok()) << ind.id;
    const ScorecardCell c = CellOf(*sc, 0, std::string(ind.id).c_str());
    ASSERT_EQ(c.availability, Availability::kAvailable) << ind.id;
    switch (ind.kind) {
      case IndicatorKind::kPercent: {
        auto w = stats::WilsonInterval(40, 400);
        EXPECT_DOUBLE_EQ(c.value, 10.0) << ind.id;
        EXPECT_NEAR(c.lower, w.lower * 100, 1e-12) << ind.id;
        EXPECT_NEAR(c.upper, w.upper * 100, 1e-12) << ind.id;
        break;
      }
      case IndicatorKind::kRatePer100:
      case IndicatorKind::kRatePer1000: {
        const double per = ind.kind == IndicatorKind::kRatePer100 ? 100 : 1000;
        auto g = stats::PoissonExactInterval(40);
        EXPECT_DOUBLE_EQ(c.value, 40 * per / 400) << ind.id;
        EXPECT_NEAR(c.lower, g.lower * per / 400, 1e-12) << ind.id;
        EXPECT_NEAR(c.upper, g.upper * per / 400, 1e-12) << ind.id;
        break;
      }
      case IndicatorKind::kRatio:  // observed in display units, compared as a mean
      case IndicatorKind::kMean:
        EXPECT_DOUBLE_EQ(c.value, 10.0) << ind.id;
        EXPECT_NEAR(c.upper - c.value, 1.959964 * 4 / 20, 1e-6) << ind.id;
        break;
      case IndicatorKind::kCount:
        EXPECT_DOUBLE_EQ(c.value, 40.0) << ind.id;
        break;
    }
    // The similar schools' figure is pooled over the other eleven.
    if (ind.kind == IndicatorKind::kPercent || ind.kind == IndicatorKind::kRatePer100) {
      EXPECT_NEAR(c.similar.target, (41 + 51) * 11 / 2.0 / 4400 * 100, 1e-9) << ind.id;
    } else if (ind.kind == IndicatorKind::kMean || ind.kind == IndicatorKind::kRatio) {
      EXPECT_NEAR(c.similar.target, (11 + 21) / 2.0, 1e-9) << ind.id;
    }
    EXPECT_EQ(c.similar.schools, 11) << ind.id;
    EXPECT_TRUE(c.assessable) << ind.id;
  }
}

TEST(ScorecardEngineTest, PublishedProgress8IntervalIsUsedAsItIs) {
  InputBuilder b = TwelveSchools();
  auto& o = b.Add(0, "progress8");
  o.mean = -0.31f;
  o.denominator = 180;
  o.published_lower = -0.52f;
  o.published_upper = -0.10f;
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  const ScorecardCell p8_cell = CellOf(*sc, 0, "progress8");
  const ScorecardCell* p8 = &p8_cell;
  ASSERT_NE(p8, nullptr);
  EXPECT_EQ(Publish(*p8).lower.Text(), "-0.52");
  EXPECT_EQ(Publish(*p8).upper.Text(), "-0.10");
}

TEST(ScorecardEngineTest, SimilarTargetIsPooledOverTheOtherSchools) {
  InputBuilder b = TwelveSchools();
  double num = 0, den = 0;
  for (uint32_t s = 0; s < 12; ++s) {
    const double n = 100 + 10 * s, x = 5 + s;
    b.Proportion(s, "enrolments_pa_10_exact_percent", x, n);
    if (s != 3) {
      num += x;
      den += n;
    }
  }
  ScorecardOptions o;
  o.similar_group_size = 11;  // every other school
  auto sc = Scorecard::Build(b.input(), o);
  ASSERT_TRUE(sc.ok());
  EXPECT_EQ(sc->Neighbours(3).size(), 11u);
  const ScorecardCell c_cell = CellOf(*sc, 3, "enrolments_pa_10_exact_percent");
  const ScorecardCell* c = &c_cell;
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->similar.schools, 11);
  EXPECT_NEAR(c->similar.target, num / den * 100, 1e-9);
  // England is pooled over all 12 when no published figure is given.
  EXPECT_NEAR(c->england.target, (num + 8) / (den + 130) * 100, 1e-9);
}

TEST(ScorecardEngineTest, AWithheldFigureRaisesNoEnquiryAndShowsNoPosition) {
  // As below, but school 5's figure (far above its similar schools) is
  // withheld: where it stands, and any question about it, would tell what it is.
  InputBuilder b;
  for (int i = 0; i < 40; ++i) {
    uint32_t s = b.School(200000 + i);
    b.Context(s, 400 + 20 * i, 8 + 0.3 * i, 1.5 + 0.05 * i, 15 + 0.5 * i, 4 + 0.4 * i);
    IndicatorObservation& o =
        b.Proportion(s, "enrolments_pa_10_exact_percent", i == 5 ? 40 : 10 + (i % 3) - 1, 100);
    if (i == 5) o.suppressed = true;
  }
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  const ScorecardCell cell = CellOf(*sc, 5, "enrolments_pa_10_exact_percent");
  EXPECT_TRUE(cell.suppressed);
  EXPECT_EQ(cell.enquiry, 0);
  EXPECT_TRUE(cell.enquiry_text.empty());
  const scorecard::PublishedScorecardCell p = scorecard::Publish(cell);
  EXPECT_EQ(p.value.Text(), "c");
  EXPECT_EQ(p.similar.position, "c");
  EXPECT_EQ(p.la.position, "c");
  EXPECT_EQ(p.england.position, "c");
  EXPECT_EQ(p.band, "c");
  EXPECT_TRUE(SchoolEnquiries(*sc, 5).empty());
}

TEST(ScorecardEngineTest, LinesOfEnquiryOnlyOutsideTheLimitsAndAboveTheMinimum) {
  // 40 schools with persistent absence around 10 of 100 pupils; school 5 far
  // above (40), school 12 far below (0), school 20 extreme but on 10 pupils.
  InputBuilder b;
  for (int i = 0; i < 40; ++i) {
    uint32_t s = b.School(200000 + i);
    b.Context(s, 400 + 20 * i, 8 + 0.3 * i, 1.5 + 0.05 * i, 15 + 0.5 * i, 4 + 0.4 * i);
    if (i == 5) {
      b.Proportion(s, "enrolments_pa_10_exact_percent", 40, 100);
    } else if (i == 12) {
      b.Proportion(s, "enrolments_pa_10_exact_percent", 0, 100);
    } else if (i == 20) {
      b.Proportion(s, "enrolments_pa_10_exact_percent", 9, 10);
    } else {
      b.Proportion(s, "enrolments_pa_10_exact_percent", 10 + (i % 3) - 1, 100);
    }
  }
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  const ScorecardCell high_cell = CellOf(*sc, 5, "enrolments_pa_10_exact_percent");
  const ScorecardCell* high = &high_cell;
  ASSERT_NE(high, nullptr);
  EXPECT_EQ(high->enquiry, 1);
  EXPECT_EQ(high->similar.position, FunnelPosition::kAbove998);
  EXPECT_EQ(high->enquiry_text.rfind("More pupils were persistently absent", 0), 0u)
      << high->enquiry_text;
  EXPECT_EQ(high->band, PercentileBand::kHighest10);

  const ScorecardCell low_cell = CellOf(*sc, 12, "enrolments_pa_10_exact_percent");
  const ScorecardCell* low = &low_cell;
  ASSERT_NE(low, nullptr);
  EXPECT_EQ(low->enquiry, -1);
  EXPECT_EQ(low->enquiry_text.rfind("Fewer pupils were persistently absent", 0), 0u);

  const ScorecardCell tiny_cell = CellOf(*sc, 20, "enrolments_pa_10_exact_percent");
  const ScorecardCell* tiny = &tiny_cell;
  ASSERT_NE(tiny, nullptr);
  EXPECT_FALSE(tiny->assessable);
  EXPECT_EQ(tiny->enquiry, 0);
  EXPECT_EQ(tiny->similar.position, FunnelPosition::kNotAssessed);
  EXPECT_EQ(tiny->band, PercentileBand::kNotAssessed);

  // An ordinary school raises nothing and sits in the middle.
  const ScorecardCell mid_cell = CellOf(*sc, 30, "enrolments_pa_10_exact_percent");
  const ScorecardCell* mid = &mid_cell;
  ASSERT_NE(mid, nullptr);
  EXPECT_EQ(mid->enquiry, 0);
  // Context never raises a line of enquiry, however unusual.
  for (uint32_t s = 0; s < 40; ++s) {
    for (const auto& c : sc->ScoreSchool(s)) {
      if (ScorecardIndicators()[c.indicator].domain == IndicatorDomain::kContext) {
        EXPECT_EQ(c.enquiry, 0);
      }
    }
  }
}

TEST(ScorecardEngineTest, NoEventsAmongSimilarSchoolsIsNotAssessed) {
  // No similar school excluded anyone: the funnel has zero width, so a school
  // with one exclusion is shown but not flagged.
  InputBuilder b = TwelveSchools();
  for (uint32_t s = 0; s < 12; ++s) {
    auto& o = b.Add(s, "perm_excl_rate");
    o.numerator = s == 0 ? 1 : 0;
    o.denominator = 600 + 50 * s;
  }
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  const ScorecardCell c = CellOf(*sc, 0, "perm_excl_rate");
  EXPECT_DOUBLE_EQ(c.similar.target, 0);
  EXPECT_EQ(c.similar.position, FunnelPosition::kNotAssessed);
  EXPECT_EQ(c.enquiry, 0);
  EXPECT_NE(c.method_note.find("no funnel limits can be drawn"), std::string::npos)
      << c.method_note;
  // The engine has no threshold of its own: the source did not hide the count.
  EXPECT_EQ(Publish(c).value.Text(), "0.17");
}

TEST(ScorecardEngineTest, MissingIsXNotApplicableIsZAndEveryIndicatorHasARow) {
  InputBuilder b = TwelveSchools();
  b.Add(1, "attainment8").availability = Availability::kNotApplicable;
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  auto cells = sc->ScoreSchool(1);
  std::set<uint16_t> seen;
  for (const auto& c : cells) {
    if (c.group == kAllPupils && c.breakdown == 0) seen.insert(c.indicator);
  }
  EXPECT_EQ(seen.size(), ScorecardIndicators().size());
  const ScorecardCell* a8 = FindCell(cells, "attainment8");
  ASSERT_NE(a8, nullptr);
  EXPECT_EQ(Publish(*a8).value.Text(), "z");
  const ScorecardCell* sus = FindCell(cells, "susp_rate");
  ASSERT_NE(sus, nullptr);
  EXPECT_EQ(sus->availability, Availability::kNotAvailable);
  EXPECT_EQ(Publish(*sus).value.Text(), "x");
  EXPECT_EQ(Publish(*sus).numerator.Text(), "x");
  EXPECT_EQ(Publish(*sus).denominator.Text(), "x");
}

TEST(ScorecardEngineTest, CellsComeInRegistryOrderWithTheAllPupilsRowFirst) {
  InputBuilder b = TwelveSchools();
  // A group without its headline: an x headline row is added before it.
  b.Proportion(0, "sustained_destination_percent", 40, 50, *FindPupilGroup("disadvantaged"));
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  auto cells = sc->ScoreSchool(0);
  for (size_t i = 1; i < cells.size(); ++i) {
    EXPECT_LE(cells[i - 1].indicator, cells[i].indicator);
  }
  size_t k = 0;
  while (cells[k].indicator != Ind("sustained_destination_percent")) ++k;
  EXPECT_EQ(cells[k].group, kAllPupils);
  EXPECT_EQ(cells[k].availability, Availability::kNotAvailable);
  EXPECT_EQ(cells[k + 1].group, *FindPupilGroup("disadvantaged"));
  EXPECT_DOUBLE_EQ(cells[k + 1].value, 80.0);
}

// Disclosure control is the source's (pupil-level: the engine's one
// disclosure pass, tested in suppress/disclosure_pass_test.cc and
// pupil_level_test.cc); the scorecard shows exactly what it decided.
TEST(ScorecardEngineTest, SuppressionFollowsTheSourcesFlags) {
  InputBuilder b = TwelveSchools();
  b.Proportion(0, "enrolments_pa_10_exact_percent", 2, 300).suppressed = true;
  b.Proportion(0, "sustained_destination_percent", 150, 162);
  auto& dis0 =
      b.Proportion(0, "sustained_destination_percent", 2, 2, *FindPupilGroup("disadvantaged"));
  dis0.suppressed = dis0.denominator_suppressed = true;
  auto& non0 = b.Proportion(0, "sustained_destination_percent", 148, 160,
                            *FindPupilGroup("not_disadvantaged"));
  non0.suppressed = non0.denominator_suppressed = true;
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  auto cells = sc->ScoreSchool(0);
  auto pa = Publish(*FindCell(cells, "enrolments_pa_10_exact_percent"));
  EXPECT_EQ(pa.value.Text(), "c");
  EXPECT_EQ(pa.lower.Text(), "c");
  EXPECT_EQ(pa.upper.Text(), "c");
  EXPECT_EQ(pa.numerator.Text(), "c");
  EXPECT_EQ(pa.denominator.Text(), "300");
  EXPECT_EQ(pa.difference.Text(), "c");
  EXPECT_EQ(pa.band, "c");
  // Not flagged: published, whatever its size.
  EXPECT_EQ(Publish(*FindCell(cells, "ehcp_percent")).value.Text(), "2.0");
  auto dis =
      Publish(*FindCell(cells, "sustained_destination_percent", *FindPupilGroup("disadvantaged")));
  auto non = Publish(
      *FindCell(cells, "sustained_destination_percent", *FindPupilGroup("not_disadvantaged")));
  EXPECT_EQ(dis.value.Text(), "c");
  EXPECT_EQ(dis.denominator.Text(), "c");
  EXPECT_EQ(non.value.Text(), "c");
  EXPECT_EQ(non.denominator.Text(), "c");
  // Limits drawn at a suppressed denominator are suppressed too.
  EXPECT_EQ(dis.england.upper998.Text(), "c");
  EXPECT_EQ(Publish(*FindCell(cells, "sustained_destination_percent")).value.Text(), "92.6");
}

TEST(ScorecardEngineTest, NeighboursByHand) {
  // Only SEN support varies (the other variables have no spread and drop
  // out): 1, 2, 3, 10, 11, 12 percent. Sample SD 5.00999.
  InputBuilder b;
  const double sen[] = {1, 2, 3, 10, 11, 12};
  for (int i = 0; i < 6; ++i) {
    uint32_t s = b.School(300000 + i);
    b.Count(s, "pupils_on_roll", 1000);
    b.Proportion(s, "sen_support_percent", sen[i] * 10, 1000);
  }
  ScorecardOptions o;
  o.similar_group_size = 3;
  auto sc = Scorecard::Build(b.input(), o);
  ASSERT_TRUE(sc.ok());
  ASSERT_EQ(sc->SimilarityVariables(ScorecardPhase::kSecondary),
            std::vector<std::string>{"sen_support_percent"});
  const double sd = std::sqrt(125.5 / 5);
  // School at 10%: 11 (1 point), 12 (2 points), 3 (7 points), nearest first.
  const auto& nb = sc->Neighbours(3);
  ASSERT_EQ(nb.size(), 3u);
  EXPECT_EQ(nb[0].school, 4u);
  EXPECT_EQ(nb[1].school, 5u);
  EXPECT_EQ(nb[2].school, 2u);
  EXPECT_NEAR(nb[0].distance, 1 / sd, 1e-5);
  EXPECT_NEAR(nb[2].distance, 7 / sd, 1e-5);
  // School at 2%: 1 and 3 tie at one point; input order breaks the tie.
  const auto& nb1 = sc->Neighbours(1);
  EXPECT_EQ(nb1[0].school, 0u);
  EXPECT_EQ(nb1[1].school, 2u);
  for (uint32_t s = 0; s < 6; ++s) {
    for (const auto& n : sc->Neighbours(s)) EXPECT_NE(n.school, s);
  }
}

TEST(ScorecardEngineTest, MissingContextIsComparedOnSharedVariablesRescaled) {
  // Two variables with equal weight; school 2 lacks the second, so its
  // distance is the first variable's difference times sqrt(2 / 1).
  InputBuilder b;
  const double sen[] = {5, 10, 15, 20};
  const double eal[] = {10, 20, 30, 40};
  for (int i = 0; i < 4; ++i) {
    uint32_t s = b.School(400000 + i);
    b.Proportion(s, "sen_support_percent", sen[i] * 10, 1000);
    if (i != 2) b.Proportion(s, "eal_percent", eal[i] * 10, 1000);
  }
  ScorecardOptions o;
  o.similar_group_size = 1;
  auto sc = Scorecard::Build(b.input(), o);
  ASSERT_TRUE(sc.ok());
  const double sd_sen = std::sqrt((56.25 + 6.25 + 6.25 + 56.25) / 3);
  const auto& nb = sc->Neighbours(2);
  ASSERT_EQ(nb.size(), 1u);
  // 15% is 5 points from both 10% and 20%: the tie goes to the earlier school.
  EXPECT_EQ(nb[0].school, 1u);
  EXPECT_NEAR(nb[0].distance, 5 / sd_sen * std::sqrt(2.0), 1e-5);
}

TEST(ScorecardEngineTest, LaComparatorIsThePublishedFigureElsePooled) {
  InputBuilder b;
  for (int i = 0; i < 16; ++i) {
    uint32_t s = b.School(500000 + i, ScorecardPhase::kSecondary, i < 8 ? 100 : 200);
    b.Context(s, 500 + 30 * i, 9 + 0.5 * i, 2 + 0.1 * i, 20 + i, 5 + 2 * i);
    b.Proportion(s, "enrolments_pa_10_exact_percent", 10 + i, 200);
  }
  AreaValue av;
  av.indicator = Ind("enrolments_pa_10_exact_percent");
  av.phase = ScorecardPhase::kSecondary;
  av.la_code = 100;
  av.value = 12.5;
  av.source = "LAIT test";
  b.input().area_values.push_back(av);
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  const ScorecardCell in100_cell = CellOf(*sc, 0, "enrolments_pa_10_exact_percent");
  const ScorecardCell* in100 = &in100_cell;
  EXPECT_DOUBLE_EQ(in100->la.target, 12.5);
  EXPECT_EQ(in100->la.source, "LAIT test");
  EXPECT_TRUE(in100->la.od_borrowed);  // 8 schools: England's over-dispersion
  const ScorecardCell in200_cell = CellOf(*sc, 9, "enrolments_pa_10_exact_percent");
  const ScorecardCell* in200 = &in200_cell;
  double num = 0;
  for (int i = 8; i < 16; ++i) num += 10 + i;
  EXPECT_NEAR(in200->la.target, num / 1600 * 100, 1e-9);
  // An x indicator still shows a published LA figure.
  av.indicator = Ind("susp_rate");
  av.value = 8.29;
  b.input().area_values.push_back(av);
  auto sc2 = Scorecard::Build(b.input(), ScorecardOptions{});
  const ScorecardCell sus_cell = CellOf(*sc2, 0, "susp_rate");
  const ScorecardCell* sus = &sus_cell;
  EXPECT_EQ(sus->availability, Availability::kNotAvailable);
  EXPECT_TRUE(sus->la.available);
  EXPECT_DOUBLE_EQ(sus->la.target, 8.29);
}

TEST(ScorecardEngineTest, ExpectationRecoversAnExactContextualRelationship) {
  // Attainment 8 = 40 + 0.5 x EAL% exactly: the model's expected value is the
  // observed value, the difference zero.
  InputBuilder b;
  for (int i = 0; i < 60; ++i) {
    uint32_t s = b.School(600000 + i);
    const double eal = 3 + 1.1 * i;
    b.Context(s, 500 + 13 * (i % 7), 10 + (i % 5), 2 + 0.1 * (i % 3), 20 + (i % 11), eal);
    b.Mean(s, "attainment8", 40 + 0.5 * eal, 15, 150);
  }
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  for (uint32_t s : {0u, 17u, 59u}) {
    const ScorecardCell a8_cell = CellOf(*sc, s, "attainment8");
    const ScorecardCell* a8 = &a8_cell;
    ASSERT_TRUE(a8->has_expected);
    EXPECT_NEAR(a8->expected, a8->value, 1e-6);
    EXPECT_NEAR(a8->difference, 0, 1e-6);
    EXPECT_LT(a8->difference_lower, 0);
    EXPECT_GT(a8->difference_upper, 0);
  }
  // Context indicators have no expectation.
  EXPECT_FALSE(CellOf(*sc, 0, "eal_percent").has_expected);
}

TEST(ScorecardEngineTest, BadInputIsAnErrorNotACrash) {
  InputBuilder b = TwelveSchools();
  b.Proportion(0, "enrolments_pa_10_exact_percent", 1, 10);
  b.Proportion(0, "enrolments_pa_10_exact_percent", 2, 10);
  auto dup = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("two observations"), std::string::npos);
  InputBuilder c = TwelveSchools();
  c.Add(0, "eal_percent").school = 99;
  EXPECT_FALSE(Scorecard::Build(c.input(), ScorecardOptions{}).ok());
}

// ---------------------------------------------------------------------------
// Simulations (fixed seeds).

struct SimulationResult {
  size_t assessed = 0, outside = 0, planted_flagged = 0;
};

// n_schools secondary schools with random context; persistent absence drawn
// from Binomial(pupils, p_i), p_i = base, or base + planted_shift for the
// first `planted` schools, or Beta-distributed around base when sd_between
// > 0 (between-school variation unrelated to context).
SimulationResult Simulate(int n_schools, double base, double sd_between, int planted,
                          double planted_shift, uint64_t seed, bool adjust = true) {
  InputBuilder b;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < n_schools; ++i) {
    uint32_t s = b.School(700000 + i);
    const double pupils = std::floor(150 + 1350 * u(rng));
    b.Context(s, pupils, 5 + 15 * u(rng), 1 + 3 * u(rng), 10 + 50 * u(rng), 2 + 60 * u(rng));
    double p = base;
    if (sd_between > 0) {
      const double m = base, v = sd_between * sd_between;
      const double k = m * (1 - m) / v - 1;
      std::gamma_distribution<double> ga(m * k, 1), gb((1 - m) * k, 1);
      const double x = ga(rng), y = gb(rng);
      p = x / (x + y);
    }
    if (i < planted) p += planted_shift;
    std::binomial_distribution<int> bin(static_cast<int>(pupils), p);
    b.Proportion(s, "enrolments_pa_10_exact_percent", bin(rng), pupils);
  }
  ScorecardOptions options;
  options.adjust_overdispersion = adjust;
  auto sc = Scorecard::Build(b.input(), options);
  SimulationResult r;
  if (!sc.ok()) return r;
  for (uint32_t s = 0; s < static_cast<uint32_t>(n_schools); ++s) {
    const ScorecardCell cell = CellOf(*sc, s, "enrolments_pa_10_exact_percent");
    const ScorecardCell* c = &cell;
    if (c->similar.position == FunnelPosition::kNotAssessed) continue;
    if (static_cast<int>(s) < planted) {
      if (c->enquiry != 0) ++r.planted_flagged;
      continue;
    }
    ++r.assessed;
    if (c->enquiry != 0) ++r.outside;
  }
  return r;
}

TEST(ScorecardSimulationTest, NoSchoolEffectGivesAboutTwoPerThousandOutside) {
  SimulationResult r = Simulate(6000, 0.12, 0, 0, 0, 20190101);
  ASSERT_GT(r.assessed, 5900u);
  const double share = static_cast<double>(r.outside) / static_cast<double>(r.assessed);
  std::printf(
      "[ simulation ] no school effect: %zu of %zu schools outside the similar "
      "schools' 99.8%% limits = %.3f%% (chance alone: 0.2%%)\n",
      r.outside, r.assessed, 100 * share);
  EXPECT_LT(share, 0.006);
}

TEST(ScorecardSimulationTest, OverdispersionKeepsOrdinaryVariationMostlyInsideTheLimits) {
  // Schools differ (SD 3 points around 12%) for reasons unrelated to context.
  // Without the adjustment many ordinary schools fall outside the 99.8%
  // limits; with it (estimated from each school's 50 similar schools, z
  // winsorised at 10%) few do. Winsorising shrinks phi a little and 50
  // schools estimate it roughly, so the share stays above the nominal 0.2%.
  SimulationResult with = Simulate(6000, 0.12, 0.03, 0, 0, 20190102, true);
  SimulationResult without = Simulate(6000, 0.12, 0.03, 0, 0, 20190102, false);
  const double share = static_cast<double>(with.outside) / static_cast<double>(with.assessed);
  const double share_without =
      static_cast<double>(without.outside) / static_cast<double>(without.assessed);
  std::printf(
      "[ simulation ] between-school SD 3 points: outside 99.8%% with over-dispersion "
      "%zu of %zu = %.2f%%; without %zu of %zu = %.2f%%\n",
      with.outside, with.assessed, 100 * share, without.outside, without.assessed,
      100 * share_without);
  EXPECT_LT(share, 0.03);
  EXPECT_GT(share_without, 5 * share);
}

TEST(ScorecardSimulationTest, PlantedDifferencesAreFound) {
  // The check can fail: 30 schools with persistent absence 15 points higher
  // are nearly all flagged, the rest nearly never.
  SimulationResult r = Simulate(3000, 0.12, 0, 30, 0.15, 20190103);
  std::printf("[ simulation ] planted: %zu of 30 flagged; others %zu of %zu\n", r.planted_flagged,
              r.outside, r.assessed);
  EXPECT_GE(r.planted_flagged, 28u);
  EXPECT_LT(static_cast<double>(r.outside) / static_cast<double>(r.assessed), 0.006);
}

}  // namespace
}  // namespace lantern::scorecard
