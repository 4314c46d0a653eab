// School calendars for the generator: an England-style academic year (terms
// from early September, half terms in late October, mid February and late
// May, Christmas and Easter holidays, the early-May bank holiday), with a
// small variation between local authorities (which October week, whether the
// spring term starts on the Thursday after New Year, Easter fortnight
// placement, the last day of the summer term) and five INSET days chosen per
// school, on which pupils have no sessions. About 190 pupil days result.
//
// Calendars do not depend on the seed: an LA's term dates and a school's
// INSET days are the same in every generated world.
#ifndef LANTERN_GENERATE_CALENDAR_H_
#define LANTERN_GENERATE_CALENDAR_H_

#include <cstdint>
#include <vector>

#include "common/date.h"

namespace lantern::gen {

class SchoolCalendar {
 public:
  SchoolCalendar() = default;
  // The calendar of school `urn` in LA `la_code` for the academic year.
  static SchoolCalendar Build(AcademicYear year, int la_code, int urn);

  // The days the school is open for pupils, in date order.
  const std::vector<Date>& open_days() const { return open_; }
  int size() const { return static_cast<int>(open_.size()); }
  Date day(int index) const { return open_[static_cast<size_t>(index)]; }
  // Index of d in open_days(), or -1 when the school is closed that day.
  int OpenIndex(Date d) const;
  // Index of the first open day on or after d (size() if none).
  int FirstOnOrAfter(Date d) const;
  // Index of the last open day on or before d (-1 if none).
  int LastOnOrBefore(Date d) const;
  // 0 autumn, 1 spring, 2 summer term, for an open-day index.
  int TermOf(int index) const { return term_[static_cast<size_t>(index)]; }
  // True for an open day just before or just after a holiday of a week or
  // more (where unauthorised family holidays cluster).
  bool NextToHoliday(int index) const { return holiday_edge_[static_cast<size_t>(index)] != 0; }
  // First open day after the May half term (the second half of the summer term).
  Date summer_second_half() const { return summer_second_half_; }
  // The last open day of the year.
  Date last_day() const { return open_.empty() ? Date{} : open_.back(); }
  const std::vector<Date>& inset_days() const { return inset_; }

 private:
  AcademicYear year_;
  std::vector<Date> open_;
  std::vector<int16_t> index_;  // by day since 1 August: open index or -1
  std::vector<uint8_t> term_;
  std::vector<uint8_t> holiday_edge_;
  std::vector<Date> inset_;
  Date summer_second_half_;
};

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_CALENDAR_H_
