// The store the fuzz targets read into: one primary school in LA 805, in
// 2018/19.
#ifndef LANTERN_FUZZ_ONE_SCHOOL_H_
#define LANTERN_FUZZ_ONE_SCHOOL_H_

#include "store/store.h"

namespace lantern::fuzz {

inline StoreState OneSchoolState() {
  StoreState s;
  s.schools.urn.push_back(900001);
  s.schools.la_code.push_back(805);
  s.schools.estab.push_back(2001);
  s.schools.phase.push_back(0);
  s.schools.name.emplace_back("Tiny Primary");
  s.schools.type.emplace_back("");
  s.schools.trust_id.emplace_back("");
  s.schools.postcode.emplace_back("");
  s.schools.open_date.push_back(kNoDate);
  s.schools.close_date.push_back(kNoDate);
  s.year = AcademicYear::Parse("201819");
  return s;
}

}  // namespace lantern::fuzz

#endif  // LANTERN_FUZZ_ONE_SCHOOL_H_
