// Exits from a school roll and what followed them: the one reading of the
// enrolment history that the exit grain (exit_facts.cc: movement, elective
// home education, unexplained exits, children missing education) and the
// pupil-level CME case list (outcomes/) share, so a case counted in a
// published figure is the case on the list. docs/local-outcomes.md states
// every rule; the [U] windows are in the Policy.
//
//   counted      current and main registrations (subsidiary and guest
//                registrations are another school's dual registration: the
//                pupil is still on the main roll);
//   exit         a counted registration whose leaving date is in the period;
//   next         the pupil's counted registration that follows the exit: of
//                the others still open after the leaving date and started
//                after the exited one, the one that starts first (it may
//                already be running: then the pupil never left a roll);
//   school day   a weekday, except the holidays the marks show: a run of
//                one to policy.longest_holiday_weekdays weekdays between two days of marks
//                on which no school in the store has a mark (a half term,
//                Christmas, Easter, a bank holiday; a longer run is marks
//                not sent, and its weekdays count) [U];
//   gap          school days from the day after leaving to the day before
//                the next registration starts;
//   move         an exit with a next registration at another school;
//   CME case     a pupil of compulsory school age (Years 1 to 11, or
//                Reception aged 5) whose exit was not to elective home
//                education, emigration or an independent school, nor the end
//                of Year 11, and who was on no roll for the whole window of
//                policy.cme_window_school_days school days after leaving:
//                open while they are on no roll, closed (history kept) from
//                the day they reappear; an exit whose window has not passed
//                by the store's last day is not judged yet;
//   unexplained  Years 7 to 11, adapted from EPI (definitions.md 7.1): every
//                exit except the explained ones, which are the end of a
//                phase or an exit in the last weeks of the year (a structural
//                transition), an upheld permanent exclusion, emigration, the
//                school closing within 31 days, and a move to a school in
//                another LA (Lantern's proxy for a house move, which the
//                records do not hold) [U]. Unexplained is not "off-rolled".
#ifndef LANTERN_DERIVE_EXITS_H_
#define LANTERN_DERIVE_EXITS_H_

#include <cstdint>
#include <vector>

#include "common/date.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

enum class CmeStatus : uint8_t { kNone, kPending, kOpen, kClosed };

struct ExitRecord {
  uint32_t enrolment = 0;             // row of the enrolments table
  int64_t next = -1;                  // the next counted registration, or -1
  int32_t gap_school_days = -1;       // -1 without a next registration
  bool move = false;                  // next at another school
  bool move_other_la = false;         // ... in another LA
  bool move_other_trust = false;      // ... in another trust (or into / out of one)
  bool no_next = false;               // on no roll again in the store
  bool returned_same_school = false;  // a later registration at the same school
  bool unexplained = false;           // Years 7-11, not explained (see above)
  bool in_years_7_11 = false;
  CmeStatus cme = CmeStatus::kNone;
  int32_t cme_closed = kNoDate;        // the day a closed case's pupil reappeared
  int32_t days_since_susp_or_ap = -1;  // the last suspension or AP start before leaving
};

// The school days of a store, the same for every school: weekdays, less
// the holidays its marks show (a run of 1 to `longest_holiday` weekdays
// with no mark from any school). flags/referrals.h's SchoolDays counts
// each school's own days instead.
class StoreSchoolDays {
 public:
  StoreSchoolDays() = default;
  // mark_dates sorted and distinct.
  StoreSchoolDays(const std::vector<int32_t>& mark_dates, int longest_holiday);
  // School days strictly between a and b.
  int Between(Date a, Date b) const;
  // The n-th school day after a (n >= 1).
  Date After(Date a, int n) const;

 private:
  bool IsSchoolDay(Date d) const;
  std::vector<int32_t> holidays_;  // sorted
};

struct ExitSet {
  Date as_of;                     // the store's last day (the last day of marks, or of the year)
  StoreSchoolDays school_days;    // what the gaps and windows count
  std::vector<ExitRecord> exits;  // by enrolment row
};

// Exits of counted registrations with a leaving date in [first, last].
ExitSet ClassifyExits(const StoreState& state, const Policy& policy, Date first, Date last);

// School days (weekdays) strictly between a and b.
int SchoolDaysBetween(Date a, Date b);

}  // namespace lantern

#endif  // LANTERN_DERIVE_EXITS_H_
