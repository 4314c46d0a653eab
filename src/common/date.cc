#include "common/date.h"

#include <charconv>

namespace lantern {

// Howard Hinnant's days_from_civil / civil_from_days.
Date Date::FromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Date{era * 146097 + static_cast<int>(doe) - 719468};
}

void Date::ToCivil(int* year, unsigned* month, unsigned* day) const {
  int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

int Date::Weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int w = (days + 3) % 7;
  return w < 0 ? w + 7 : w;
}

namespace {
bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
bool Digits(std::string_view s, size_t from, size_t n, int* out) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}
}  // namespace

std::optional<Date> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y, m, d;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return std::nullopt;
  if (y < 1900 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m))) return std::nullopt;
  return Date::FromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

void FormatIsoDate(Date date, char* out) {
  int y;
  unsigned m, d;
  date.ToCivil(&y, &m, &d);
  out[0] = static_cast<char>('0' + (y / 1000) % 10);
  out[1] = static_cast<char>('0' + (y / 100) % 10);
  out[2] = static_cast<char>('0' + (y / 10) % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
}

std::string FormatIsoDate(Date date) {
  std::string s(10, ' ');
  FormatIsoDate(date, s.data());
  return s;
}

std::string DateText(int32_t days, std::string_view none) {
  return days == kNoDate ? std::string(none) : FormatIsoDate(Date{days});
}

Date EasterSunday(int y) {
  const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date::FromCivil(y, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::optional<AcademicYear> AcademicYear::Parse(std::string_view s) {
  int a, b;
  if (s.size() == 6 && Digits(s, 0, 4, &a) && Digits(s, 4, 2, &b)) {
  } else if (s.size() == 7 && s[4] == '/' && Digits(s, 0, 4, &a) && Digits(s, 5, 2, &b)) {
  } else {
    return std::nullopt;
  }
  if ((a + 1) % 100 != b || a < 1900) return std::nullopt;
  return AcademicYear(a);
}

AcademicYear AcademicYear::Containing(Date date) {
  int y;
  unsigned m, d;
  date.ToCivil(&y, &m, &d);
  return AcademicYear(m >= 8 ? y : y - 1);
}

int AcademicYear::time_period() const { return start_year_ * 100 + (start_year_ + 1) % 100; }

std::string AcademicYear::TimePeriod() const { return std::to_string(time_period()); }

std::string AcademicYear::Label() const {
  std::string s = std::to_string(start_year_) + "/";
  int next = (start_year_ + 1) % 100;
  if (next < 10) s += '0';
  s += std::to_string(next);
  return s;
}

int AcademicYear::AgeAtStart(Date birth) const {
  int by;
  unsigned bm, bd;
  birth.ToCivil(&by, &bm, &bd);
  int age = start_year_ - by;
  if (bm > 8 || (bm == 8 && bd > 31)) --age;  // birthday after 31 August
  return age;
}

}  // namespace lantern
