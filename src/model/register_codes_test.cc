#include "model/register_codes.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

TEST(RegisterCodesTest, PresentCodesComeFirst) {
  EXPECT_EQ(ParseMarkCode("/"), kPresentAm);
  EXPECT_EQ(ParseMarkCode("\\"), kPresentPm);
}

TEST(RegisterCodesTest, TreatmentsFollowTheStatistics) {
  auto treat = [](std::string_view c) { return CodeInfo(*ParseMarkCode(c)).treatment; };
  EXPECT_EQ(treat("L"), SessionTreatment::kAttendance);
  EXPECT_EQ(treat("K"), SessionTreatment::kAttendance);
  EXPECT_EQ(treat("I"), SessionTreatment::kAuthorisedAbsence);
  EXPECT_EQ(treat("M"), SessionTreatment::kAuthorisedAbsence);
  EXPECT_EQ(treat("C2"), SessionTreatment::kAuthorisedAbsence);
  EXPECT_EQ(treat("J1"), SessionTreatment::kAuthorisedAbsence);
  EXPECT_EQ(treat("E"), SessionTreatment::kAuthorisedAbsence);
  EXPECT_EQ(treat("G"), SessionTreatment::kUnauthorisedAbsence);
  EXPECT_EQ(treat("N"), SessionTreatment::kUnauthorisedAbsence);
  EXPECT_EQ(treat("O"), SessionTreatment::kUnauthorisedAbsence);
  EXPECT_EQ(treat("U"), SessionTreatment::kUnauthorisedAbsence);
  EXPECT_EQ(treat("Y4"), SessionTreatment::kNotPossible);
  EXPECT_EQ(treat("#"), SessionTreatment::kNotPossible);
}

TEST(RegisterCodesTest, UnknownCodesDoNotParse) {
  EXPECT_FALSE(ParseMarkCode("").has_value());
  EXPECT_FALSE(ParseMarkCode("A").has_value());
  EXPECT_FALSE(ParseMarkCode("Y8").has_value());
  EXPECT_FALSE(ParseMarkCode("C3").has_value());
  EXPECT_FALSE(ParseMarkCode("II").has_value());
  EXPECT_FALSE(ParseMarkCode("/ ").has_value());
}

TEST(RegisterCodesTest, EveryCodeRoundTrips) {
  auto codes = RegisterCodes();
  for (size_t i = 1; i < codes.size(); ++i) {
    EXPECT_EQ(ParseMarkCode(codes[i].code), static_cast<MarkCode>(i)) << codes[i].code;
  }
  EXPECT_LE(codes.size(), static_cast<size_t>(kMaxMarkCodes));
}

}  // namespace
}  // namespace lantern
