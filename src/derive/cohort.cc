#include "derive/cohort.h"

#include <algorithm>
#include <thread>

namespace lantern {

void ChooseCohort(const StoreState& s, AcademicYear year, const Policy& policy,
                  std::vector<uint8_t>* in_cohort, std::vector<CountWindow>* windows, int threads) {
  const EnrolmentTable& e = s.enrolments;
  const int32_t first = year.FirstDay().days, last = year.LastDay().days;
  const int32_t study_leave = policy.SummerSecondHalfStart(year).days;
  // Age at the start of the year (31 August) as birth-date bounds: a pupil
  // is at least `a` when born on or before 31 August, start year - a.
  const int start = year.start_year();
  auto born_by = [&](int a) { return Date::FromCivil(start - a, 8, 31).days; };
  const int32_t oldest_birth = born_by(policy.cohort_max_age + 1);  // exclusive
  const int32_t youngest_birth = born_by(policy.cohort_min_age);    // inclusive
  const int32_t age16_birth = born_by(16), age15_birth = born_by(15);
  // Cohort flags and windows are written by every thread into its own range.
  in_cohort->resize(e.size());
  windows->resize(e.size());
  auto choose = [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) {
      (*in_cohort)[i] = 0;
      (*windows)[i] = CountWindow{1, 0};
      const SchoolType type = s.schools.school_type(e.school[i]);
      if (type == SchoolType::kNursery) continue;
      const auto status = static_cast<EnrolStatus>(e.status[i]);
      if (status == EnrolStatus::kSubsidiary && policy.exclude_subsidiary_dual) continue;
      if (status == EnrolStatus::kGuest && policy.exclude_guest) continue;
      if (e.boarder[i] && policy.exclude_boarders) continue;
      const int32_t birth = s.pupils.birth_date[e.pupil[i]];
      if (birth <= oldest_birth || birth > youngest_birth) continue;
      CountWindow w{std::max(first, e.entry_date[i]), std::min(last, e.leaving_date[i])};
      // Study leave: pupils aged 15 lose the second half of the summer term.
      if (birth > age16_birth && birth <= age15_birth) w.last = std::min(w.last, study_leave - 1);
      if (w.first > w.last) continue;
      (*in_cohort)[i] = 1;
      (*windows)[i] = w;
    }
  };
  threads = std::max(1, threads);
  std::vector<std::thread> workers;
  for (int k = 1; k < threads; ++k) {
    workers.emplace_back(choose, e.size() * static_cast<size_t>(k) / static_cast<size_t>(threads),
                         e.size() * static_cast<size_t>(k + 1) / static_cast<size_t>(threads));
  }
  choose(0, e.size() / static_cast<size_t>(threads));
  for (auto& w : workers) w.join();
}

}  // namespace lantern
