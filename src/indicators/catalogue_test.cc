// The catalogue refuses declarations that do not make sense, naming them,
// and the declared one builds.
#include "indicators/catalogue.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

TEST(CatalogueTest, TheDeclaredCatalogueBuilds) {
  auto c = DefaultCatalogue();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Catalogue& cat = **c;
  ASSERT_NE(cat.FindFamily("attendance"), nullptr);
  ASSERT_NE(cat.FindFamily("suspensions"), nullptr);
  const Indicator* rate = cat.Find("susp_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->numerator.decl().id, "susp");
  EXPECT_EQ(rate->denominator.decl().id, "headcount");
  EXPECT_EQ(rate->multiplier(), 100);
  // Persistent absentees start from the enrolments hidden; a row count from none.
  EXPECT_EQ(cat.WithinOf(*cat.FindMeasure("enrolments_pa_10_exact")).decl().id, "enrolments");
  EXPECT_EQ(cat.WithinOf(*cat.FindMeasure("susp")).decl().id, "headcount");
  EXPECT_FALSE(cat.WithinOf(*cat.FindMeasure("enrolments")).ok());
  // The scorecard shows the attendance and suspensions families' own indicators.
  bool shows_absence = false;
  for (size_t i : cat.scorecard())
    shows_absence |= cat.indicators()[i].decl->id == "sess_overall_percent";
  EXPECT_TRUE(shows_absence);
  // What the build needs, and what the scorecard needs besides.
  const Family& att = *cat.FindFamily("attendance");
  const auto lean = cat.MeasuresOf(att.indicators, {}, /*intervals=*/false);
  const auto full = cat.MeasuresOf(att.indicators, {}, /*intervals=*/true);
  ASSERT_EQ(lean.size(), 1u);
  EXPECT_EQ(lean[0].first, GrainId::kEnrolment);
  EXPECT_EQ(full[0].second.size(), lean[0].second.size() + 3);  // the sums of squares
}

Status BuildWith(std::vector<IndicatorDecl> indicators, std::vector<std::string_view> order = {}) {
  static std::vector<FamilyDecl> families;  // the catalogue points into it
  families = {{.id = "test",
               .file = "test.csv",
               .title = "Test",
               .row_count = "enrolments",
               .row_count_label = "enrolment",
               .indicators = std::move(indicators)}};
  return Catalogue::Build(families, order).status();
}

IndicatorDecl Good() {
  return {.id = "sess_overall_percent_test",
          .label = "Overall absence",
          .kind = IndicatorKind::kRatio,
          .numerator = {"sess_overall", {}},
          .denominator = {"sess_possible", {}},
          .hidden_with = "enrolments",
          .definition = "A test."};
}

TEST(CatalogueTest, EveryBadDeclarationIsNamed) {
  EXPECT_TRUE(BuildWith({Good()}).ok());
  auto expect_error = [](Status st, const std::string& part) {
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find(part), std::string::npos) << st.message();
  };
  IndicatorDecl d = Good();
  d.numerator.measure = "sess_overal";  // a typo
  expect_error(BuildWith({d}), "'sess_overal' is not a measure");
  d = Good();
  d.kind = IndicatorKind::kPercent;  // sessions are not people
  expect_error(BuildWith({d}), "a percentage is a count of pupils");
  d = Good();
  d.hidden_with = "sess_possible";
  expect_error(BuildWith({d}), "is not a count of pupils, enrolments or events");
  d = Good();
  d.kind = IndicatorKind::kRatePer100;
  d.denominator.measure = "sess_possible";
  expect_error(BuildWith({d}), "a rate is per pupil or enrolment");
  d = Good();
  d.numerator.group = "sen_suport";
  expect_error(BuildWith({d}), "'sen_suport' is not a pupil group");
  d = Good();
  d.label = std::string_view(
      "A label of more than one hundred characters, which the platform's "
      "API would not take as a column label at all");
  expect_error(BuildWith({d}), "a label is 1 to 100 characters");
  d = Good();
  d.id = "Sess Overall";
  expect_error(BuildWith({d}), "snake_case");
  d = Good();
  d.numerator = {};
  expect_error(BuildWith({d}), "a published indicator needs a numerator");
  expect_error(BuildWith({Good(), Good()}), "declared twice");
  expect_error(BuildWith({Good()}, {"no_such"}), "scorecard: 'no_such' is not an indicator");
  d = Good();
  d.kind = IndicatorKind::kMean;
  d.numerator.measure = "ks2_score";
  d.denominator.measure = "ks2_pupils";
  d.sum_squares = "sess_overall_sq";
  expect_error(BuildWith({d}), "sum_squares is not on the numerator's scale squared");
  // Several problems are listed together.
  IndicatorDecl e = Good();
  e.id = "other";
  e.hidden_with = "nothing";
  d = Good();
  d.numerator.measure = "nope";
  Status both = BuildWith({d, e});
  expect_error(both, "numerator 'nope' is not a measure");
  expect_error(both, "hidden_with 'nothing' is not a measure");
}

}  // namespace
}  // namespace lantern
