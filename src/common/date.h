// Calendar dates and academic years, as the Department for Education uses them.
//
// A Date is a day count from 1970-01-01 (proleptic Gregorian). Input dates
// are ISO 8601 (2025-09-03); an impossible date (2025-02-30) does not parse.
// An AcademicYear runs 1 August to 31 July and is written 202526 in data
// files (time_period) and 2025/26 for people.
#ifndef LANTERN_COMMON_DATE_H_
#define LANTERN_COMMON_DATE_H_

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace lantern {

struct Date {
  int32_t days = 0;  // since 1970-01-01

  static Date FromCivil(int year, unsigned month, unsigned day);
  void ToCivil(int* year, unsigned* month, unsigned* day) const;
  // 0 = Monday ... 6 = Sunday.
  int Weekday() const;
  bool IsWeekday() const { return Weekday() < 5; }
  Date operator+(int n) const { return Date{days + n}; }
  Date operator-(int n) const { return Date{days - n}; }
  int operator-(Date other) const { return days - other.days; }
  auto operator<=>(const Date&) const = default;
};

// Parses exactly "YYYY-MM-DD"; nullopt for any other shape or an impossible day.
std::optional<Date> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(Date date);
// A day count held in a table column: kNoDate where there is none (a run
// still open, an enrolment with no leaving date).
constexpr int32_t kNoDate = std::numeric_limits<int32_t>::max();
// A column's day as "YYYY-MM-DD", or `none` for kNoDate.
std::string DateText(int32_t days, std::string_view none = "");
// Writes the 10 characters of "YYYY-MM-DD" into out.
void FormatIsoDate(Date date, char* out);

// Easter Sunday of a year (Gregorian, anonymous algorithm); the spring term
// in absence statistics runs from 1 January to Easter Sunday.
Date EasterSunday(int year);

class AcademicYear {
 public:
  AcademicYear() = default;
  explicit AcademicYear(int start_year) : start_year_(start_year) {}
  // Accepts "202526" (time_period) or "2025/26".
  static std::optional<AcademicYear> Parse(std::string_view text);
  // The academic year (1 Aug - 31 Jul) that contains date.
  static AcademicYear Containing(Date date);

  int start_year() const { return start_year_; }
  int time_period() const;         // 202526
  std::string TimePeriod() const;  // "202526"
  std::string Label() const;       // "2025/26"
  Date FirstDay() const { return Date::FromCivil(start_year_, 8, 1); }
  Date LastDay() const { return Date::FromCivil(start_year_ + 1, 7, 31); }
  bool Contains(Date d) const { return d >= FirstDay() && d <= LastDay(); }
  // Age in whole years on 31 August at the start of this academic year:
  // the age that decides the national curriculum year and absence cohort.
  int AgeAtStart(Date birth_date) const;

  auto operator<=>(const AcademicYear&) const = default;

 private:
  int start_year_ = 0;
};

}  // namespace lantern

#endif  // LANTERN_COMMON_DATE_H_
