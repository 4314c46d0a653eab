#include "common/date.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

TEST(DateTest, ParsesAndFormatsIsoDates) {
  auto d = ParseIsoDate("2025-09-03");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatIsoDate(*d), "2025-09-03");
  EXPECT_EQ(d->Weekday(), 2);  // a Wednesday
  EXPECT_EQ(ParseIsoDate("1970-01-01")->days, 0);
}

TEST(DateTest, AColumnsDayIsWrittenOrTheWordsForNone) {
  const int32_t day = ParseIsoDate("2019-02-28")->days;
  EXPECT_EQ(DateText(day), "2019-02-28");
  EXPECT_EQ(DateText(day, "-"), "2019-02-28");
  EXPECT_EQ(DateText(kNoDate), "");
  EXPECT_EQ(DateText(kNoDate, "open-ended"), "open-ended");
}

TEST(DateTest, RejectsImpossibleAndMalformedDates) {
  EXPECT_FALSE(ParseIsoDate("2025-02-29").has_value());
  EXPECT_TRUE(ParseIsoDate("2024-02-29").has_value());
  EXPECT_FALSE(ParseIsoDate("2025-13-01").has_value());
  EXPECT_FALSE(ParseIsoDate("2025-04-31").has_value());
  EXPECT_FALSE(ParseIsoDate("03/09/2025").has_value());
  EXPECT_FALSE(ParseIsoDate("2025-9-3").has_value());
  EXPECT_FALSE(ParseIsoDate("").has_value());
}

TEST(DateTest, RoundTripsEveryDayOfACentury) {
  for (int days = -10000; days < 30000; ++days) {
    Date d{days};
    auto back = ParseIsoDate(FormatIsoDate(d));
    ASSERT_TRUE(back.has_value()) << days;
    ASSERT_EQ(back->days, days);
  }
}

TEST(AcademicYearTest, TimePeriodAndLabel) {
  AcademicYear y(2025);
  EXPECT_EQ(y.time_period(), 202526);
  EXPECT_EQ(y.TimePeriod(), "202526");
  EXPECT_EQ(y.Label(), "2025/26");
  EXPECT_EQ(AcademicYear(1999).Label(), "1999/00");
  EXPECT_EQ(AcademicYear::Parse("202526")->start_year(), 2025);
  EXPECT_EQ(AcademicYear::Parse("2018/19")->start_year(), 2018);
  EXPECT_FALSE(AcademicYear::Parse("202527").has_value());
  EXPECT_EQ(AcademicYear::Containing(*ParseIsoDate("2019-07-31")).start_year(), 2018);
  EXPECT_EQ(AcademicYear::Containing(*ParseIsoDate("2019-08-01")).start_year(), 2019);
}

TEST(AcademicYearTest, AgeIsTakenOnThirtyFirstAugust) {
  AcademicYear y(2018);
  // Born 31 Aug 2003: 15 on 31 Aug 2018 (Year 11). Born 1 Sep 2003: 14 (Year 10).
  EXPECT_EQ(y.AgeAtStart(*ParseIsoDate("2003-08-31")), 15);
  EXPECT_EQ(y.AgeAtStart(*ParseIsoDate("2003-09-01")), 14);
  EXPECT_EQ(y.AgeAtStart(*ParseIsoDate("2013-08-31")), 5);
}

TEST(DateTest, EasterSundayMatchesKnownDates) {
  EXPECT_EQ(FormatIsoDate(EasterSunday(2019)), "2019-04-21");
  EXPECT_EQ(FormatIsoDate(EasterSunday(2024)), "2024-03-31");
  EXPECT_EQ(FormatIsoDate(EasterSunday(2026)), "2026-04-05");
}

}  // namespace
}  // namespace lantern
