#include "derive/cohort.h"

#include <gtest/gtest.h>

namespace lantern {
namespace {

int32_t Day(int y, unsigned m, unsigned d) { return Date::FromCivil(y, m, d).days; }

// One primary school; one pupil per birth date, each enrolled all year.
StoreState OneSchoolOf(const std::vector<int32_t>& births) {
  StoreState s;
  s.schools.urn = {100000};
  s.schools.la_code = {805};
  s.schools.estab = {2000};
  s.schools.phase = {static_cast<uint8_t>(SchoolPhaseCode::kAllThrough)};
  s.schools.name = {"School"};
  s.schools.type = {"Academy"};
  s.schools.trust_id = {""};
  s.schools.postcode = {""};
  s.schools.open_date = {kNoDate};
  s.schools.close_date = {kNoDate};
  for (size_t i = 0; i < births.size(); ++i) {
    s.pupils.birth_date.push_back(births[i]);
    s.enrolments.pupil.push_back(static_cast<uint32_t>(i));
    s.enrolments.school.push_back(0);
    s.enrolments.entry_date.push_back(Day(2018, 9, 4));
    s.enrolments.leaving_date.push_back(kNoDate);
    s.enrolments.status.push_back(static_cast<uint8_t>(EnrolStatus::kCurrent));
    s.enrolments.boarder.push_back(0);
  }
  return s;
}

// Ages 5 to 15 at 31 August 2018 are in the 2018/19 cohort, and those aged
// 15 stop at the start of the second half of the summer term (definitions.md
// 1.1). The boundaries are the birthdays either side of 31 August.
TEST(CohortTest, AgeBoundariesAndStudyLeave) {
  const AcademicYear year(2018);
  Policy policy;
  policy.summer_second_half_start = "2019-06-03";
  const std::vector<int32_t> births = {
      Day(2013, 8, 31),  // 5: in
      Day(2013, 9, 1),   // 4: out
      Day(2003, 9, 1),   // 14: in, whole year
      Day(2003, 8, 31),  // 15: in, until study leave
      Day(2002, 9, 1),   // 15: in, until study leave
      Day(2002, 8, 31),  // 16: out
      kNoDate,           // no birth date: out
  };
  const StoreState s = OneSchoolOf(births);
  for (int threads : {1, 2, 3}) {
    std::vector<uint8_t> in;
    std::vector<CountWindow> w;
    ChooseCohort(s, year, policy, &in, &w, threads);
    EXPECT_EQ(in, (std::vector<uint8_t>{1, 0, 1, 1, 1, 0, 0})) << threads;
    const int32_t entry = Day(2018, 9, 4), end = year.LastDay().days;
    const int32_t before_leave = Day(2019, 6, 2);
    EXPECT_EQ(w[0].first, entry);
    EXPECT_EQ(w[0].last, end);
    EXPECT_EQ(w[2].last, end);
    EXPECT_EQ(w[3].last, before_leave);
    EXPECT_EQ(w[4].last, before_leave);
    for (size_t i : {1u, 5u, 6u}) EXPECT_GT(w[i].first, w[i].last) << i;
    // The same ages as the calendar rule.
    for (size_t i = 0; i < births.size() - 1; ++i) {
      const int age = year.AgeAtStart(Date{births[i]});
      EXPECT_EQ(in[i] == 1, age >= policy.cohort_min_age && age <= policy.cohort_max_age) << i;
    }
  }
}

}  // namespace
}  // namespace lantern
