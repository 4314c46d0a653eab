// Destinations on hand-made monthly histories (definitions.md 4.1).
#include "measures/destinations.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

using A = DestinationActivity;

MonthlyActivity Months(std::initializer_list<A> first, A rest = A::kNotKnown) {
  MonthlyActivity m;
  m.fill(rest);
  size_t k = 0;
  for (A a : first) m[k++] = a;
  return m;
}

// Months: 0 Aug, 1 Sep, 2 Oct ... 7 Mar, 8 Apr ... 11 Jul.
TEST(DestinationsTest, SustainedEducationOctoberToMarch) {
  auto m = Months({A::kNotKnown, A::kFeCollege, A::kFeCollege, A::kFeCollege, A::kFeCollege,
                   A::kFeCollege, A::kFeCollege, A::kFeCollege});
  auto o = ClassifyDestination(m);
  EXPECT_EQ(o.sustained, SustainedDestination::kEducation);
  EXPECT_EQ(o.education, A::kFeCollege);
}

TEST(DestinationsTest, BrokenByOneMonthIsNotSustained) {
  // Sixth form October to March except December, NEET.
  auto m =
      Months({A::kSchoolSixthForm, A::kSchoolSixthForm, A::kSchoolSixthForm, A::kSchoolSixthForm,
              A::kNeet, A::kSchoolSixthForm, A::kSchoolSixthForm, A::kSchoolSixthForm});
  EXPECT_EQ(ClassifyDestination(m).sustained, SustainedDestination::kNotSustained);
  // A month with no record breaks it too (not known is not education).
  m[4] = A::kNotKnown;
  EXPECT_EQ(ClassifyDestination(m).sustained, SustainedDestination::kNotSustained);
}

TEST(DestinationsTest, EmploymentFiveOfSixMonths) {
  auto m = Months({A::kNeet, A::kNeet, A::kEmployment, A::kEmployment, A::kNeet, A::kEmployment,
                   A::kEmploymentWithTraining, A::kEmployment});
  EXPECT_EQ(ClassifyDestination(m).sustained, SustainedDestination::kEmployment);
  m[5] = A::kNeet;  // four of six
  EXPECT_EQ(ClassifyDestination(m).sustained, SustainedDestination::kNotSustained);
}

TEST(DestinationsTest, ApprenticeshipSixMonthsAugustToMarch) {
  // August to January: six months, sustained though it ends in February.
  auto m = Months({A::kApprenticeship, A::kApprenticeship, A::kApprenticeship, A::kApprenticeship,
                   A::kApprenticeship, A::kApprenticeship, A::kNeet, A::kNeet});
  EXPECT_EQ(ClassifyDestination(m).sustained, SustainedDestination::kApprenticeship);
  // Five months only.
  m[5] = A::kNeet;
  EXPECT_EQ(ClassifyDestination(m).sustained, SustainedDestination::kNotSustained);
}

TEST(DestinationsTest, CombinationCountsAsOtherEducation) {
  // FE October to December, then an apprenticeship January to March: each
  // month in education or work, neither sustained alone.
  auto m = Months({A::kNotKnown, A::kNotKnown, A::kFeCollege, A::kFeCollege, A::kFeCollege,
                   A::kApprenticeship, A::kApprenticeship, A::kApprenticeship});
  auto o = ClassifyDestination(m);
  EXPECT_EQ(o.sustained, SustainedDestination::kEducation);
  EXPECT_EQ(o.education, A::kOtherEducation);
}

TEST(DestinationsTest, NothingRecordedIsUnknown) {
  EXPECT_EQ(ClassifyDestination(Months({})).sustained, SustainedDestination::kUnknown);
  // Activity only in the second year does not make the first year's
  // destination known.
  auto m = Months({});
  m[14] = A::kFeCollege;
  EXPECT_EQ(ClassifyDestination(m).sustained, SustainedDestination::kUnknown);
}

TEST(DestinationsTest, ActivityAtSixTwelveTwentyFourMonths) {
  auto m = Months({});
  m[5] = A::kFeCollege;                // January: 6 months after July
  m[11] = A::kNeet;                    // July: 12 months
  m[23] = A::kEmploymentWithTraining;  // July a year on: 24 months
  EXPECT_EQ(ActivityAfter(m, 6), A::kFeCollege);
  EXPECT_EQ(ActivityAfter(m, 12), A::kNeet);
  EXPECT_EQ(ActivityAfter(m, 24), A::kEmploymentWithTraining);
  EXPECT_TRUE(IsParticipation(A::kEmploymentWithTraining));
  EXPECT_FALSE(IsParticipation(A::kEmployment));
  EXPECT_EQ(ActivityAfter(m, 40), A::kNotKnown);
}

}  // namespace
}  // namespace lantern
