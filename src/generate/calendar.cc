#include "generate/calendar.h"

#include <algorithm>

#include "generate/random.h"

namespace lantern::gen {

namespace {

// The first day on or after d that falls on weekday w (0 = Monday).
Date NextWeekday(Date d, int w) { return d + ((w - d.Weekday() + 7) % 7); }
// The last day on or before d that falls on weekday w.
Date PrevWeekday(Date d, int w) { return d - ((d.Weekday() - w + 7) % 7); }

constexpr int kMonday = 0, kTuesday = 1, kThursday = 3, kFriday = 4;

struct Break {
  Date first, last;  // inclusive
};

// Term dates of one LA: the first and last day of each term and the breaks
// inside terms (half terms, bank holidays).
struct LaTerms {
  Date term_start[3], term_end[3];
  std::vector<Break> breaks;
};

LaTerms BuildLaTerms(AcademicYear year, int la_code) {
  Rng rng(StreamKey(0, Purpose::kCalendar, static_cast<uint64_t>(la_code), 1));
  const int y = year.start_year();
  LaTerms t;
  // Autumn: from 2 September (or the Monday after, when the 2nd falls late
  // in the week) to the last Friday on or before 21 December.
  Date sep2 = Date::FromCivil(y, 9, 2);
  t.term_start[0] = sep2.Weekday() <= 2 ? sep2 : NextWeekday(sep2, kMonday);
  t.term_end[0] = PrevWeekday(Date::FromCivil(y, 12, 21), kFriday);
  Date last_oct_monday = PrevWeekday(Date::FromCivil(y, 10, 31), kMonday);
  Date october = rng.Bernoulli(0.6) ? last_oct_monday : last_oct_monday - 7;
  t.breaks.push_back({october, october + 4});
  // Spring: the Monday on or after 4 January, or the Thursday 3 January.
  Date jan3 = Date::FromCivil(y + 1, 1, 3);
  const bool thursday_start = jan3.Weekday() >= kTuesday && jan3.Weekday() <= kThursday;
  t.term_start[1] = thursday_start && rng.Bernoulli(0.3) ? jan3 : NextWeekday(jan3 + 1, kMonday);
  Date feb = NextWeekday(Date::FromCivil(y + 1, 2, 15), kMonday);  // third Monday
  t.breaks.push_back({feb, feb + 4});
  // Easter fortnight: either ending on Easter Monday or centred on Easter.
  const Date easter = EasterSunday(y + 1);
  Break holiday =
      rng.Bernoulli(0.6) ? Break{easter - 13, easter + 1} : Break{easter - 6, easter + 5};
  t.term_end[1] = holiday.first - 3;  // the Friday before
  t.term_start[2] = holiday.last + 1;
  while (!t.term_start[2].IsWeekday()) t.term_start[2] = t.term_start[2] + 1;
  Date may_day = NextWeekday(Date::FromCivil(y + 1, 5, 1), kMonday);
  t.breaks.push_back({may_day, may_day});
  Date may = PrevWeekday(Date::FromCivil(y + 1, 5, 31), kMonday);
  t.breaks.push_back({may, may + 4});
  // Summer: ends on the Friday on or before 21 July, or a few days later.
  Date july_friday = PrevWeekday(Date::FromCivil(y + 1, 7, 21), kFriday);
  const double u = rng.Uniform();
  t.term_end[2] = u < 0.35 ? july_friday : (u < 0.85 ? july_friday + 4 : july_friday + 5);
  return t;
}

bool InBreak(const LaTerms& t, Date d) {
  for (const Break& b : t.breaks)
    if (d >= b.first && d <= b.last) return true;
  return false;
}

// Weekdays in term, before INSET days are taken out.
std::vector<Date> TermDays(const LaTerms& t, std::vector<uint8_t>* terms) {
  std::vector<Date> days;
  for (int k = 0; k < 3; ++k) {
    for (Date d = t.term_start[k]; d <= t.term_end[k]; d = d + 1) {
      if (!d.IsWeekday() || InBreak(t, d)) continue;
      days.push_back(d);
      terms->push_back(static_cast<uint8_t>(k));
    }
  }
  return days;
}

// Five INSET days, drawn from the days schools usually choose: the start of
// the autumn term, the first days back after holidays, the end of the year.
std::vector<Date> ChooseInsetDays(const std::vector<Date>& days, int urn) {
  std::vector<double> weight(days.size(), 0.05);
  auto add = [&](size_t i, double w) {
    if (i < days.size()) weight[i] += w;
  };
  add(0, 10);
  add(1, 5);
  add(2, 1);
  for (size_t i = 1; i < days.size(); ++i) {
    if (days[i] - days[i - 1] > 3) {  // first day back after a holiday
      add(i, 3);
      add(i - 1, 0.7);  // or the last day before it
    }
  }
  add(days.size() - 1, 3);
  add(days.size() - 2, 1);
  Rng rng(StreamKey(0, Purpose::kCalendar, static_cast<uint64_t>(urn), 2));
  std::vector<Date> chosen;
  for (int k = 0; k < 5 && k < static_cast<int>(days.size()); ++k) {
    size_t i = rng.Pick(weight);
    chosen.push_back(days[i]);
    weight[i] = 0;
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace

SchoolCalendar SchoolCalendar::Build(AcademicYear year, int la_code, int urn) {
  SchoolCalendar c;
  c.year_ = year;
  LaTerms terms = BuildLaTerms(year, la_code);
  std::vector<uint8_t> term_of_day;
  std::vector<Date> days = TermDays(terms, &term_of_day);
  c.inset_ = ChooseInsetDays(days, urn);
  c.index_.assign(static_cast<size_t>(year.LastDay() - year.FirstDay() + 1), -1);
  for (size_t i = 0; i < days.size(); ++i) {
    if (std::binary_search(c.inset_.begin(), c.inset_.end(), days[i])) continue;
    c.index_[static_cast<size_t>(days[i] - year.FirstDay())] = static_cast<int16_t>(c.open_.size());
    c.open_.push_back(days[i]);
    c.term_.push_back(term_of_day[i]);
  }
  c.holiday_edge_.assign(c.open_.size(), 0);
  for (size_t i = 1; i < c.open_.size(); ++i) {
    if (c.open_[i] - c.open_[i - 1] >= 7) c.holiday_edge_[i] = c.holiday_edge_[i - 1] = 1;
  }
  if (!c.holiday_edge_.empty()) c.holiday_edge_.back() = 1;
  const Date may_break = PrevWeekday(Date::FromCivil(year.start_year() + 1, 5, 31), kMonday);
  int i = c.FirstOnOrAfter(may_break + 5);
  c.summer_second_half_ = i < c.size() ? c.day(i) : year.LastDay();
  return c;
}

int SchoolCalendar::OpenIndex(Date d) const {
  if (!year_.Contains(d)) return -1;
  return index_[static_cast<size_t>(d - year_.FirstDay())];
}

int SchoolCalendar::FirstOnOrAfter(Date d) const {
  return static_cast<int>(std::lower_bound(open_.begin(), open_.end(), d) - open_.begin());
}

int SchoolCalendar::LastOnOrBefore(Date d) const {
  return static_cast<int>(std::upper_bound(open_.begin(), open_.end(), d) - open_.begin()) - 1;
}

}  // namespace lantern::gen
