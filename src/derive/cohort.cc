#include "derive/cohort.h"

#include <algorithm>

#include "common/parallel.h"

namespace lantern {

CohortRule::CohortRule(const StoreState& s, AcademicYear year, const Policy& policy)
    : CohortRule(s, year, policy, year.FirstDay(), year.LastDay()) {}

CohortRule::CohortRule(const StoreState& s, AcademicYear year, const Policy& policy, Date first,
                       Date last)
    : s_(s), policy_(policy) {
  first_ = std::max(first.days, year.FirstDay().days);
  last_ = std::min(last.days, year.LastDay().days);
  study_leave_ = policy.SummerSecondHalfStart(year).days;
  // Age at the start of the year (31 August) as birth-date bounds: a pupil
  // is at least `a` when born on or before 31 August, start year - a.
  const int start = year.start_year();
  auto born_by = [&](int a) { return Date::FromCivil(start - a, 8, 31).days; };
  oldest_birth_ = born_by(policy.cohort_max_age + 1);  // exclusive
  youngest_birth_ = born_by(policy.cohort_min_age);    // inclusive
  age16_birth_ = born_by(16);
  age15_birth_ = born_by(15);
}

bool CohortRule::Window(size_t i, CountWindow* w) const {
  const EnrolmentTable& e = s_.enrolments;
  *w = CountWindow{1, 0};
  const SchoolType type = s_.schools.school_type(e.school[i]);
  if (type == SchoolType::kNursery) return false;
  const auto status = static_cast<EnrolStatus>(e.status[i]);
  if (status == EnrolStatus::kSubsidiary && policy_.exclude_subsidiary_dual) return false;
  if (status == EnrolStatus::kGuest && policy_.exclude_guest) return false;
  if (e.boarder[i] && policy_.exclude_boarders) return false;
  const int32_t birth = s_.pupils.birth_date[e.pupil[i]];
  if (birth <= oldest_birth_ || birth > youngest_birth_) return false;
  CountWindow c{std::max(first_, e.entry_date[i]), std::min(last_, e.leaving_date[i])};
  // Study leave: pupils aged 15 lose the second half of the summer term.
  if (birth > age16_birth_ && birth <= age15_birth_) c.last = std::min(c.last, study_leave_ - 1);
  if (c.first > c.last) return false;
  *w = c;
  return true;
}

void ChooseCohort(const StoreState& s, AcademicYear year, const Policy& policy,
                  std::vector<uint8_t>* in_cohort, std::vector<CountWindow>* windows, int threads) {
  const CohortRule rule(s, year, policy);
  const size_t n = s.enrolments.size();
  // Cohort flags and windows are written by every thread into its own range.
  in_cohort->resize(n);
  windows->resize(n);
  ParallelRanges(n, threads, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) (*in_cohort)[i] = rule.Window(i, &(*windows)[i]) ? 1 : 0;
  });
}

}  // namespace lantern
