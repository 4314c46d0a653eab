// The absence calibration and the school calendar, without real data.
#include "generate/absence_model.h"

#include <gtest/gtest.h>

#include "generate/calendar.h"

namespace lantern::gen {
namespace {

std::vector<ShiftGroup> TypicalSchool() {
  // A mix of pupils with no, small and large covariate shifts.
  return {{0.0, 300}, {0.3, 80}, {0.55, 60}, {0.9, 30}, {-0.2, 50}};
}

TEST(GeneratorCalibrationTest, MeetsOverallAndPersistentTargets) {
  const PersistenceTable& table = PersistenceTableFor(SchoolPhaseCode::kSecondary, 380);
  for (auto [overall, persistent] : {std::pair{0.055, 0.137}, {0.04, 0.082}, {0.08, 0.25}}) {
    AbsenceFit fit = FitAbsence(TypicalSchool(), overall, persistent, table);
    EXPECT_TRUE(fit.converged) << overall << " " << persistent;
    EXPECT_NEAR(fit.fitted_overall, overall, 1e-4);
    EXPECT_NEAR(fit.fitted_persistent, persistent, 0.005);
    double o = 0, p = 0;
    ExpectedAbsence(TypicalSchool(), fit.intercept, fit.spread, table, &o, &p);
    EXPECT_NEAR(o, overall, 1e-4);
  }
}

TEST(GeneratorCalibrationTest, UnreachableTargetKeepsTheOverallRateAndSaysSo) {
  const PersistenceTable& table = PersistenceTableFor(SchoolPhaseCode::kPrimary, 380);
  // 60% persistent absence with 3% overall absence is impossible.
  AbsenceFit fit = FitAbsence(TypicalSchool(), 0.03, 0.60, table);
  EXPECT_FALSE(fit.converged);
  EXPECT_NEAR(fit.fitted_overall, 0.03, 1e-4);
  EXPECT_LT(fit.fitted_persistent, 0.60);
}

TEST(GeneratorCalibrationTest, PersistenceRisesWithTheRate) {
  const PersistenceTable& table = PersistenceTableFor(SchoolPhaseCode::kSecondary, 380);
  EXPECT_LT(table.At(0.01), 0.01);
  EXPECT_GT(table.At(0.30), 0.99);
  for (double r = 0; r < 0.5; r += 0.01) EXPECT_LE(table.At(r), table.At(r + 0.01) + 1e-12);
  // Episode clustering: a pupil with an expected 7% still often reaches 10%.
  EXPECT_GT(table.At(0.07), 0.15);
}

TEST(GeneratorCalibrationTest, PhaseMixesAreSharesAndFollowTheLa) {
  for (auto phase : {SchoolPhaseCode::kPrimary, SchoolPhaseCode::kSecondary,
                     SchoolPhaseCode::kSpecial, SchoolPhaseCode::kAlternativeProvision}) {
    double total = 0, unauth = 0, unauth_high = 0;
    KindMix base = PhaseMix(phase), high = PhaseMix(phase, 1.3);
    for (size_t k = 0; k < kEpisodeKinds; ++k) {
      total += base[k];
      if (KindInfo(static_cast<EpisodeKind>(k)).unauthorised) {
        unauth += base[k];
        unauth_high += high[k];
      }
    }
    EXPECT_NEAR(total, 1.0, 1e-9);
    EXPECT_GT(unauth_high, unauth);
  }
}

TEST(GeneratorCalendarTest, AboutOneHundredNinetyPupilDays) {
  const AcademicYear year(2018);
  for (int urn : {111581, 111748, 139405}) {
    SchoolCalendar cal = SchoolCalendar::Build(year, 805, urn);
    EXPECT_GE(cal.size(), 186);
    EXPECT_LE(cal.size(), 192);
    EXPECT_EQ(cal.inset_days().size(), 5u);
    for (Date d : cal.open_days()) EXPECT_TRUE(d.IsWeekday());
    EXPECT_GE(cal.day(0), Date::FromCivil(2018, 9, 3));
    EXPECT_LE(cal.last_day(), Date::FromCivil(2019, 7, 24));
    // Christmas and Easter are holidays.
    EXPECT_EQ(cal.OpenIndex(Date::FromCivil(2018, 12, 27)), -1);
    EXPECT_EQ(cal.OpenIndex(EasterSunday(2019) + 1), -1);
    for (Date d : cal.inset_days()) EXPECT_EQ(cal.OpenIndex(d), -1);
  }
  // The same LA and school always get the same calendar.
  EXPECT_EQ(SchoolCalendar::Build(year, 805, 111581).open_days(),
            SchoolCalendar::Build(year, 805, 111581).open_days());
}

}  // namespace
}  // namespace lantern::gen
