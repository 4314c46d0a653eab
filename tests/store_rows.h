// Rows of the store's tables, for tests that make a StoreState by hand.
#ifndef LANTERN_TESTS_STORE_ROWS_H_
#define LANTERN_TESTS_STORE_ROWS_H_

#include <cstdint>

#include "model/upn.h"
#include "store/store.h"

namespace lantern::testing {

// A pupil of `year_group` (Year 8 unless given) living in `home_la`, with
// the next UPN of a series (805, 2001, 10, row + 1) and no group flags;
// returns its row.
inline uint32_t AddPupil(StoreState* s, int home_la, int32_t birth_date, int year_group = 8) {
  auto& p = s->pupils;
  p.upn.push_back(PackUpn(MakeUpn(805, 2001, 10, static_cast<int>(p.size()) + 1)));
  p.birth_date.push_back(birth_date);
  p.sex.push_back(0);
  p.fsm.push_back(0);
  p.disadvantaged.push_back(0);
  p.sen_provision.push_back(0);
  p.sen_need.push_back(0);
  p.eal.push_back(0);
  p.looked_after.push_back(0);
  p.home_la.push_back(static_cast<int16_t>(home_la));
  p.year_group.push_back(static_cast<int8_t>(year_group));
  p.ethnicity.push_back(0);
  p.ks2_reading.push_back(0);
  p.ks2_maths.push_back(0);
  return static_cast<uint32_t>(p.size() - 1);
}

// A suspension (category 0, first reason 1) of the pupil at the school,
// starting on `day`.
inline void AddSuspension(StoreState* s, uint32_t pupil, uint32_t school, int32_t day,
                          int sessions) {
  auto& t = s->suspensions;
  t.pupil.push_back(pupil);
  t.school.push_back(school);
  t.start_date.push_back(day);
  t.category.push_back(0);
  t.sessions.push_back(static_cast<uint16_t>(sessions));
  t.reason1.push_back(1);
  t.reason2.push_back(0);
  t.reason3.push_back(0);
  t.outcome.push_back(0);
}

}  // namespace lantern::testing

#endif  // LANTERN_TESTS_STORE_ROWS_H_
