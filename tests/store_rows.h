// Rows of the store's tables, for tests that make a StoreState by hand.
#ifndef LANTERN_TESTS_STORE_ROWS_H_
#define LANTERN_TESTS_STORE_ROWS_H_

#include <cstdint>

#include "store/store.h"

namespace lantern::testing {

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
