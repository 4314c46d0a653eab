#include "derive/cohort.h"

#include <algorithm>

namespace lantern {

void ChooseCohort(const StoreState& s, AcademicYear year, const Policy& policy,
                  std::vector<uint8_t>* in_cohort, std::vector<CountWindow>* windows) {
  const EnrolmentTable& e = s.enrolments;
  const int32_t first = year.FirstDay().days, last = year.LastDay().days;
  const int32_t study_leave = policy.SummerSecondHalfStart(year).days;
  in_cohort->assign(e.size(), 0);
  windows->assign(e.size(), CountWindow{1, 0});
  for (size_t i = 0; i < e.size(); ++i) {
    const SchoolType type = s.schools.school_type(e.school[i]);
    if (type == SchoolType::kNursery) continue;
    const auto status = static_cast<EnrolStatus>(e.status[i]);
    if (status == EnrolStatus::kSubsidiary && policy.exclude_subsidiary_dual) continue;
    if (status == EnrolStatus::kGuest && policy.exclude_guest) continue;
    if (e.boarder[i] && policy.exclude_boarders) continue;
    const int age = year.AgeAtStart(Date{s.pupils.birth_date[e.pupil[i]]});
    if (age < policy.cohort_min_age || age > policy.cohort_max_age) continue;
    CountWindow w{std::max(first, e.entry_date[i]), std::min(last, e.leaving_date[i])};
    // Study leave: pupils aged 15 lose the second half of the summer term.
    if (age == 15) w.last = std::min(w.last, study_leave - 1);
    if (w.first > w.last) continue;
    (*in_cohort)[i] = 1;
    (*windows)[i] = w;
  }
}

}  // namespace lantern
