#include "derive/exits.h"

#include <algorithm>

#include "model/codes.h"

namespace lantern {

namespace {

bool Counted(uint8_t status) {
  const auto s = static_cast<EnrolStatus>(status);
  return s == EnrolStatus::kCurrent || s == EnrolStatus::kMain;
}

int AgeOn(int32_t birth, Date day) {
  int by, ty;
  unsigned bm, bd, tm, td;
  Date{birth}.ToCivil(&by, &bm, &bd);
  day.ToCivil(&ty, &tm, &td);
  int age = ty - by;
  if (tm < bm || (tm == bm && td < bd)) --age;
  return age;
}

// Compulsory school age on the leaving day [U as to the exact edges]: aged 5
// or over, and under 16 or still in Years R to 11.
bool CompulsoryAge(const PupilTable& p, uint32_t pupil, Date day) {
  const int age = AgeOn(p.birth_date[pupil], day);
  if (age < 5) return false;
  const int y = p.year_group[pupil];
  return age < 16 || (y >= 0 && y <= 11);
}

}  // namespace

int SchoolDaysBetween(Date a, Date b) {
  if (b.days - a.days <= 1) return 0;
  // Weekdays in [a + 1, b - 1].
  auto weekdays_before = [](int32_t d) {  // weekdays in [epoch Monday anchor, d)
    // 1970-01-01 was a Thursday (Weekday 3); shift so that day 0 is a Monday.
    const int64_t x = static_cast<int64_t>(d) + 3;
    const int64_t weeks = x >= 0 ? x / 7 : (x - 6) / 7;
    const int64_t rem = x - weeks * 7;
    return weeks * 5 + std::min<int64_t>(rem, 5);
  };
  return static_cast<int>(weekdays_before(b.days) - weekdays_before(a.days + 1));
}

StoreSchoolDays::StoreSchoolDays(const std::vector<int32_t>& mark_dates, int longest_holiday) {
  for (size_t i = 1; i < mark_dates.size(); ++i) {
    const Date a{mark_dates[i - 1]}, b{mark_dates[i]};
    const int missing = SchoolDaysBetween(a, b);
    if (missing == 0 || missing > longest_holiday) continue;
    for (Date d = a + 1; d < b; d = d + 1) {
      if (d.IsWeekday()) holidays_.push_back(d.days);
    }
  }
}

bool StoreSchoolDays::IsSchoolDay(Date d) const {
  return d.IsWeekday() && !std::binary_search(holidays_.begin(), holidays_.end(), d.days);
}

int StoreSchoolDays::Between(Date a, Date b) const {
  const int weekdays = SchoolDaysBetween(a, b);
  if (weekdays == 0) return 0;
  const auto from = std::upper_bound(holidays_.begin(), holidays_.end(), a.days);
  const auto to = std::lower_bound(holidays_.begin(), holidays_.end(), b.days);
  return weekdays - static_cast<int>(from < to ? to - from : 0);
}

Date StoreSchoolDays::After(Date a, int n) const {
  Date d = a;
  for (int k = 0; k < n;) {
    d = d + 1;
    if (IsSchoolDay(d)) ++k;
  }
  return d;
}

ExitSet ClassifyExits(const StoreState& s, const Policy& policy, Date first, Date last) {
  ExitSet out;
  const EnrolmentTable& e = s.enrolments;
  const AcademicYear year = AcademicYear::Containing(first);
  // The store's last day: its last day of marks, else the last entry or
  // leaving date; never past the period.
  int32_t as_of = 0;
  if (const std::vector<int32_t> dates = s.marks.Dates(); !dates.empty()) as_of = dates.back();
  if (as_of == 0) {
    for (size_t r = 0; r < e.size(); ++r) {
      as_of = std::max(as_of, e.entry_date[r]);
      if (e.leaving_date[r] != kNoDate) as_of = std::max(as_of, e.leaving_date[r]);
    }
  }
  out.as_of = Date{std::min(as_of, last.days)};
  out.school_days = StoreSchoolDays(s.marks.Dates(), policy.longest_holiday_weekdays);
  const StoreSchoolDays& days = out.school_days;

  // Only pupils with an exit in the period matter: mark them first, so the
  // sort and the lookups below touch their registrations alone (a national
  // store holds millions of pupils who never left a roll).
  auto counted = [&](uint32_t r) {
    return Counted(e.status[r]) && e.pupil[r] < s.pupils.size() && e.school[r] < s.schools.size();
  };
  std::vector<uint8_t> has_exit(s.pupils.size(), 0);
  for (uint32_t r = 0; r < e.size(); ++r) {
    const int32_t left = e.leaving_date[r];
    if (left != kNoDate && left >= first.days && left <= last.days && counted(r)) {
      has_exit[e.pupil[r]] = 1;
    }
  }
  // Their counted registrations, by pupil and entry date.
  struct Key {
    uint32_t pupil;
    int32_t entry;
    uint32_t row;
  };
  std::vector<Key> keys;
  for (uint32_t r = 0; r < e.size(); ++r) {
    if (counted(r) && has_exit[e.pupil[r]]) keys.push_back({e.pupil[r], e.entry_date[r], r});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return a.pupil != b.pupil ? a.pupil < b.pupil
                              : (a.entry != b.entry ? a.entry < b.entry : a.row < b.row);
  });
  std::vector<uint32_t> order(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].row;
  std::vector<Key>().swap(keys);
  // Their suspension and AP start dates, by pupil and date.
  std::vector<std::pair<uint32_t, int32_t>> events;
  for (size_t r = 0; r < s.suspensions.size(); ++r) {
    const uint32_t p = s.suspensions.pupil[r];
    if (p < s.pupils.size() && has_exit[p]) events.emplace_back(p, s.suspensions.start_date[r]);
  }
  for (size_t r = 0; r < s.ap_placements.size(); ++r) {
    const uint32_t p = s.ap_placements.pupil[r];
    if (p < s.pupils.size() && has_exit[p]) events.emplace_back(p, s.ap_placements.start_date[r]);
  }
  std::sort(events.begin(), events.end());

  const int32_t usual_leave_from = year.LastDay().days - policy.mobility_leaving_last_days + 1;
  for (size_t i = 0, j = 0; i < order.size(); i = j) {
    const uint32_t pupil = e.pupil[order[i]];
    while (j < order.size() && e.pupil[order[j]] == pupil) ++j;
    for (size_t k = i; k < j; ++k) {
      const uint32_t r = order[k];
      const int32_t left = e.leaving_date[r];
      if (left == kNoDate || left < first.days || left > last.days) continue;
      ExitRecord x;
      x.enrolment = r;
      // The next registration: still open after the leaving day, started
      // after this one; the first to start.
      for (size_t m = i; m < j; ++m) {
        const uint32_t q = order[m];
        if (q == r || e.entry_date[q] <= e.entry_date[r]) continue;
        if (e.leaving_date[q] != kNoDate && e.leaving_date[q] <= left) continue;
        if (x.next < 0 || e.entry_date[q] < e.entry_date[static_cast<size_t>(x.next)]) x.next = q;
      }
      const uint32_t school = e.school[r];
      for (size_t m = k + 1; m < j; ++m) {
        if (e.school[order[m]] == school && e.entry_date[order[m]] > left) {
          x.returned_same_school = true;
        }
      }
      const auto reason = static_cast<LeavingReason>(e.leaving_reason[r]);
      if (x.next >= 0) {
        const size_t n = static_cast<size_t>(x.next);
        x.gap_school_days =
            e.entry_date[n] <= left ? 0 : days.Between(Date{left}, Date{e.entry_date[n]});
        const uint32_t ns = e.school[n];
        x.move = ns != school;
        x.move_other_la = x.move && s.schools.la_code[ns] != s.schools.la_code[school];
        x.move_other_trust = x.move && s.schools.trust_id[ns] != s.schools.trust_id[school];
      } else {
        x.no_next = true;
      }
      // Unexplained exits (EPI, adapted): Years 7 to 11.
      const int y = s.pupils.year_group[pupil];
      x.in_years_7_11 = y >= 7 && y <= 11;
      const bool back_soon = x.next >= 0 && !x.move;  // re-registered at the same school
      const bool closing = s.schools.close_date[school] != kNoDate &&
                           s.schools.close_date[school] - left <= 31 &&
                           s.schools.close_date[school] >= left;
      const bool explained = reason == LeavingReason::kEndOfPhase ||
                             reason == LeavingReason::kPermanentExclusion ||
                             reason == LeavingReason::kEmigrated || left >= usual_leave_from ||
                             closing || x.move_other_la || back_soon;
      x.unexplained = x.in_years_7_11 && !explained;
      // Time since the last suspension or AP placement that started before leaving.
      {
        // The last event of this pupil on or before the leaving day.
        auto it = std::upper_bound(events.begin(), events.end(), std::make_pair(pupil, left));
        if (it != events.begin() && (it - 1)->first == pupil) {
          x.days_since_susp_or_ap = left - (it - 1)->second;
        }
      }
      // Children missing education.
      const bool accounted = reason == LeavingReason::kEhe || reason == LeavingReason::kEmigrated ||
                             reason == LeavingReason::kIndependent ||
                             (reason == LeavingReason::kEndOfPhase && y >= 11);
      if (!accounted && CompulsoryAge(s.pupils, pupil, Date{left})) {
        const int window = policy.cme_window_school_days;
        if (x.next >= 0 && x.gap_school_days < window) {
          // on a roll again within the window: no case
        } else if (days.Between(Date{left}, out.as_of + 1) < window) {
          x.cme = CmeStatus::kPending;  // the window has not passed yet
        } else if (x.next >= 0) {
          x.cme = CmeStatus::kClosed;
          x.cme_closed = e.entry_date[static_cast<size_t>(x.next)];
        } else {
          x.cme = CmeStatus::kOpen;
        }
      }
      out.exits.push_back(x);
    }
  }
  std::sort(out.exits.begin(), out.exits.end(),
            [](const ExitRecord& a, const ExitRecord& b) { return a.enrolment < b.enrolment; });
  return out;
}

}  // namespace lantern
