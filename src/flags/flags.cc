#include "flags/flags.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <span>
#include <vector>

#include "common/parallel.h"
#include "store/segment.h"

namespace lantern {

namespace {

constexpr int kTermGapDays = 14;     // a holiday of two weeks or more ends a term
constexpr int kLookBackDays = 1100;  // how far back since is looked for with no history

int DaysInMonth(int y, unsigned m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

// The rows of table t by pupil (FlagEvaluator::ByPupil), sparse or dense.
template <typename Table, typename ByPupil>
void IndexByPupil(const Table& t, size_t pupils, bool sparse, ByPupil* by) {
  by->sparse = sparse;
  size_t keys = pupils;
  if (sparse) {
    by->with_rows.Clear(pupils);
    for (size_t i = 0; i < t.size(); ++i) {
      if (t.pupil[i] < pupils) by->with_rows.Add(t.pupil[i]);
    }
    keys = by->with_rows.Rank();
  }
  // A row's index: the pupil, or its place among those with rows.
  const auto index = [&](uint32_t p) -> uint32_t { return sparse ? by->with_rows.RankOf(p) : p; };
  // A counting sort: first[k] counts key k's rows, then is where they end;
  // the rows are placed last to first, each key's end moving down to its
  // first row (no second array of places).
  by->first.assign(keys + 1, 0);
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.pupil[i] < pupils) ++by->first[index(t.pupil[i])];
  }
  for (size_t k = 1; k <= keys; ++k) by->first[k] += by->first[k - 1];
  by->rows.resize(by->first[keys]);
  for (size_t i = t.size(); i-- > 0;) {
    if (t.pupil[i] < pupils) by->rows[--by->first[index(t.pupil[i])]] = static_cast<uint32_t>(i);
  }
}

bool IsMainRegistration(uint8_t status) {
  auto s = static_cast<EnrolStatus>(status);
  return s == EnrolStatus::kCurrent || s == EnrolStatus::kMain;
}

// "3" for 3.0, "2.5" otherwise.
std::string NumberText(double v) {
  if (v == static_cast<int64_t>(v)) return std::to_string(static_cast<int64_t>(v));
  return fmt::format("{:g}", v);
}

std::string WindowWords(const TriggerWindow& w) {
  switch (w.kind) {
    case WindowKind::kMonths:
      return fmt::format("in the last {} month{}", w.n, w.n == 1 ? "" : "s");
    case WindowKind::kDays:
      return fmt::format("in the last {} day{}", w.n, w.n == 1 ? "" : "s");
    case WindowKind::kSchoolDays:
      return fmt::format("over the last {} school days on roll", w.n);
    case WindowKind::kTerm:
      return "this term";
    case WindowKind::kNone:
      return "";
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------- calendar

bool IsTermBreak(int32_t last, int32_t next) {
  if (next - last >= kTermGapDays) return true;
  int y_last, y_next;
  unsigned m, d;
  Date{last}.ToCivil(&y_last, &m, &d);
  Date{next}.ToCivil(&y_next, &m, &d);
  return y_next != y_last;
}

StoreCalendar::StoreCalendar(std::vector<int32_t> dates) : dates_(std::move(dates)) {
  std::sort(dates_.begin(), dates_.end());
  dates_.erase(std::unique(dates_.begin(), dates_.end()), dates_.end());
  for (size_t i = 0; i < dates_.size(); ++i) {
    if (i == 0 || IsTermBreak(dates_[i - 1], dates_[i])) term_starts_.push_back(dates_[i]);
  }
}

int32_t StoreCalendar::TermStart(int32_t day) const {
  auto it = std::upper_bound(term_starts_.begin(), term_starts_.end(), day);
  if (it != term_starts_.begin() &&
      !(it == term_starts_.end() && !dates_.empty() && IsTermBreak(dates_.back(), day))) {
    return *(it - 1);
  }
  // No school day of this term in the calendar: the usual English term starts.
  int y;
  unsigned m, d;
  Date{day}.ToCivil(&y, &m, &d);
  const int32_t easter_monday = EasterSunday(y).days + 1;
  if (m >= 9) return Date::FromCivil(y, 9, 1).days;
  if (day >= easter_monday) return easter_monday;
  if (m >= 8) return easter_monday;  // August: the summer term (holiday)
  return Date::FromCivil(y, 1, 1).days;
}

int32_t StoreCalendar::LastOnOrBefore(int32_t day) const {
  auto it = std::upper_bound(dates_.begin(), dates_.end(), day);
  return it == dates_.begin() ? kNoDate : *(it - 1);
}

int32_t MonthsBefore(int32_t day, int months) {
  int y;
  unsigned m, d;
  Date{day}.ToCivil(&y, &m, &d);
  int total = y * 12 + static_cast<int>(m) - 1 - months;
  const int ny = total / 12;
  const unsigned nm = static_cast<unsigned>(total % 12) + 1;
  const unsigned nd = std::min<unsigned>(d, static_cast<unsigned>(DaysInMonth(ny, nm)));
  return Date::FromCivil(ny, nm, nd).days;
}

// ---------------------------------------------------------------- evaluator

FlagEvaluator::FlagEvaluator(const StoreState& state, const AtRiskRules& rules,
                             const CodeTreatments& treatments, StoreCalendar calendar)
    : s_(state), rules_(rules), treatments_(treatments), calendar_(std::move(calendar)) {
  const size_t n = s_.pupils.size();
  // Every pupil has enrolments; most have none of the rest.
  IndexByPupil(s_.enrolments, n, false, &enrolments_);
  IndexByPupil(s_.suspensions, n, true, &suspensions_);
  IndexByPupil(s_.ap_placements, n, true, &placements_);
  IndexByPupil(s_.internal_units, n, true, &units_);
  IndexByPupil(s_.ehcp_requests, n, true, &ehcp_);
  for (int code = 0; code < 256; ++code) {
    switch (treatments_[static_cast<MarkCode>(code)]) {
      case SessionTreatment::kAttendance:
        session_counts_[static_cast<size_t>(code)] = 1u | (1u << 16);
        break;
      case SessionTreatment::kAuthorisedAbsence:
      case SessionTreatment::kUnauthorisedAbsence:
        session_counts_[static_cast<size_t>(code)] = 1u;
        break;
      default:
        break;
    }
  }
  marks_ = s_.marks.Locate(calendar_.dates());
  // A count of events or schools cannot reach its threshold with fewer
  // rows, and a wait needs a request (most pupils have none).
  for (const Trigger& t : rules_.triggers) {
    const auto need = static_cast<uint32_t>(std::ceil(t.threshold));
    switch (t.measure) {
      case TriggerMeasure::kSuspensionsStarted:
      case TriggerMeasure::kPermanentExclusions:
        counted_.push_back({&FlagEvaluator::suspensions_, need});
        break;
      case TriggerMeasure::kApPlacementsStarted:
        counted_.push_back({&FlagEvaluator::placements_, need});
        break;
      case TriggerMeasure::kInternalSuspensionsStarted:
        counted_.push_back({&FlagEvaluator::units_, need});
        break;
      case TriggerMeasure::kMainSchools:
        counted_.push_back({&FlagEvaluator::enrolments_, need});
        break;
      case TriggerMeasure::kEhcpWaitWeeks:
        counted_.push_back({&FlagEvaluator::ehcp_, 1});
        break;
      default:
        counted_.push_back({nullptr, 0});
        break;
    }
  }
  any_counted_.assign((n + 63) / 64, 0);
  for (const Counted& c : counted_) {
    if (c.rows == nullptr) continue;
    const ByPupil& rows = this->*c.rows;
    if (c.need == 0) {
      every_pupil_counted_ = true;
    } else if (!rows.sparse) {
      enrolments_needed_ = std::min(enrolments_needed_, c.need);
    } else {
      for (size_t w = 0; w < any_counted_.size(); ++w) any_counted_[w] |= rows.with_rows.has[w];
    }
  }
  int rings = 0;
  for (const Trigger& t : rules_.triggers) {
    const bool kept = t.measure == TriggerMeasure::kAttendancePercent && t.window.n > 0 &&
                      static_cast<size_t>(t.window.n) <= AttendanceRings::kMaxDays;
    ring_index_.push_back(kept ? rings++ : -1);
  }
}

std::vector<uint16_t> FlagEvaluator::RingWindows() const {
  std::vector<uint16_t> windows;
  for (size_t k = 0; k < rules_.triggers.size(); ++k) {
    if (ring_index_[k] >= 0) windows.push_back(static_cast<uint16_t>(rules_.triggers[k].window.n));
  }
  return windows;
}

std::string FlagEvaluator::RingKey() const {
  // The triggers' ids and windows, and the codes' counts, as checksums (a
  // key of a few dozen bytes however many triggers there are).
  std::string ids;
  for (size_t k = 0; k < rules_.triggers.size(); ++k) {
    if (ring_index_[k] >= 0)
      ids += fmt::format("{}:{};", rules_.triggers[k].id, rules_.triggers[k].window.n);
  }
  return fmt::format("triggers:{:08x};codes:{:08x}", Crc32(ids.data(), ids.size()),
                     Crc32(session_counts_.data(), sizeof session_counts_));
}

bool FlagEvaluator::OnRoll(uint32_t pupil, int32_t day) const {
  bool on = false;
  enrolments_.ForEach(pupil, [&](uint32_t e) {
    on = on || (s_.enrolments.entry_date[e] <= day && day <= s_.enrolments.leaving_date[e]);
  });
  return on;
}

uint32_t FlagEvaluator::MainSchool(uint32_t pupil, int32_t day) const {
  uint32_t best = kNoIndex, open = kNoIndex, any_open = kNoIndex;
  int32_t best_leaving = 0;
  enrolments_.ForEach(pupil, [&](uint32_t e) {
    const auto& en = s_.enrolments;
    if (en.entry_date[e] > day) return;
    const bool is_open = day <= en.leaving_date[e];
    if (is_open && IsMainRegistration(en.status[e])) open = en.school[e];
    if (is_open) any_open = en.school[e];
    if (!is_open && en.leaving_date[e] >= best_leaving) {
      best_leaving = en.leaving_date[e];
      best = en.school[e];
    }
  });
  if (open != kNoIndex) return open;
  if (any_open != kNoIndex) return any_open;
  return best;
}

std::string FlagEvaluator::SchoolText(uint32_t school) const {
  if (school >= s_.schools.size()) return "an unknown school";
  const std::string& name = s_.schools.name[school];
  return name.empty() ? fmt::format("URN {}", s_.schools.urn[school])
                      : fmt::format("{} (URN {})", name, s_.schools.urn[school]);
}

template <typename F>
void FlagEvaluator::ForEachSchoolDay(uint32_t pupil, int32_t day, F&& f, bool read) const {
  const auto& dates = calendar_.dates();
  const size_t end =
      static_cast<size_t>(std::upper_bound(dates.begin(), dates.end(), day) - dates.begin());
  // The pupil's enrolments (at most 16), each counted only inside its time
  // on roll; before the earliest entry there is nothing to count.
  uint32_t slots[16];
  int32_t entry[16], leaving[16];
  size_t n = 0;
  int32_t earliest = day + 1;
  enrolments_.ForEach(pupil, [&](uint32_t e) {
    if (n == 16) return;
    slots[n] = e;
    entry[n] = s_.enrolments.entry_date[e];
    leaving[n] = s_.enrolments.leaving_date[e];
    earliest = std::min(earliest, entry[n]);
    ++n;
  });
  // Read: each enrolment's marks from the earliest entry to the day, two
  // bytes a date (kNoMark, which counts no session, where it has none).
  const size_t lo =
      read ? static_cast<size_t>(std::lower_bound(dates.begin(), dates.begin() + end, earliest) -
                                 dates.begin())
           : 0;
  const size_t span = end - lo;
  thread_local std::vector<uint8_t> read_marks;
  if (read) {
    read_marks.resize(n * span * 2);
    for (size_t k = 0; k < n; ++k) {
      ReadMarks(std::span(marks_).subspan(lo, span), slots[k], read_marks.data() + k * span * 2);
    }
  }
  for (size_t i = end; i-- > 0;) {
    const int32_t date = dates[i];
    if (date < earliest) break;
    uint32_t counts = 0;
    for (size_t k = 0; k < n; ++k) {
      if (date < entry[k] || date > leaving[k]) continue;
      const uint8_t* m =
          read ? read_marks.data() + (k * span + (i - lo)) * 2 : marks_[i].at(slots[k]);
      if (m != nullptr) counts += session_counts_[m[0]] + session_counts_[m[1]];
    }
    if ((counts & 0xFFFF) != 0 && !f(date, counts & 0xFFFF, counts >> 16)) return;
  }
}

bool FlagEvaluator::OnRollWithCounts(uint32_t pupil, int32_t day, size_t i,
                                     uint32_t* counts) const {
  const uint32_t begin = enrolments_.first[pupil], end = enrolments_.first[pupil + 1];
  bool on = false;
  uint32_t c = 0;
  for (uint32_t j = begin; j < end; ++j) {
    const uint32_t e = enrolments_.rows[j];
    if (day < s_.enrolments.entry_date[e] || day > s_.enrolments.leaving_date[e]) continue;
    on = true;
    if (j < begin + 16) {
      if (const uint8_t* m = marks_[i].at(e)) c += session_counts_[m[0]] + session_counts_[m[1]];
    }
  }
  *counts = c;
  return on;
}

bool FlagEvaluator::AttendanceWindowOn(uint32_t pupil, const Trigger& t, int32_t day,
                                       AttendanceWindow* window, bool read) const {
  const auto n = static_cast<size_t>(t.window.n);
  if (n == 0) return false;
  size_t count = 0;
  AttendanceWindow w;
  ForEachSchoolDay(
      pupil, day,
      [&](int32_t date, uint32_t p, uint32_t a) {
        if (count == 0) w.last = date;
        w.first = date;
        w.possible += p;
        w.attended += a;
        return ++count < n;
      },
      read);
  if (count < n) return false;
  *window = w;
  return true;
}

int32_t FlagEvaluator::TermStartOf(uint32_t pupil, int32_t day) const {
  int32_t start = kNoDate;
  ForEachSchoolDay(pupil, day, [&](int32_t date, uint32_t, uint32_t) {
    if (start == kNoDate) {
      if (date < day && IsTermBreak(date, day)) {  // the day is in a break
        start = date + 1;
        return false;
      }
    } else if (IsTermBreak(date, start)) {
      return false;
    }
    start = date;
    return true;
  });
  if (start == kNoDate) return calendar_.TermStart(day);
  return start;
}

std::pair<uint32_t, uint32_t> FlagEvaluator::AttendanceTotals(uint32_t pupil, int32_t day) const {
  uint32_t attended = 0, possible = 0;
  ForEachSchoolDay(pupil, day, [&](int32_t, uint32_t p, uint32_t a) {
    possible += p;
    attended += a;
    return true;
  });
  return {attended, possible};
}

namespace {

// attended / possible < threshold %, in integers.
bool AttendanceBelow(const Trigger& t, uint32_t attended, uint32_t possible) {
  return static_cast<double>(attended) * 100.0 < t.threshold * static_cast<double>(possible);
}

}  // namespace

std::string AttendanceReason(const Trigger& t, const AttendanceWindow& w) {
  std::string out;
  AppendAttendanceReason(t, w, &out);
  return out;
}

void AppendAttendanceReason(const Trigger& t, const AttendanceWindow& w, std::string* out) {
  fmt::format_to(
      std::back_inserter(*out),
      "attended {} of {} possible sessions ({:.1f}%, under {}%) over the last {} school days on a "
      "roll, {} to {}",
      w.attended, w.possible, 100.0 * w.attended / w.possible, NumberText(t.threshold), t.window.n,
      DateText(w.first), DateText(w.last));
}

std::string_view FlagReason(const AtRiskRules& rules, const FlagResult& f, const FlagTable& history,
                            std::string* scratch) {
  if (f.history_row < history.size()) return history.reason[f.history_row];
  if (!f.reason.empty() || f.window.possible == 0) return f.reason;
  scratch->clear();  // its room is reused row after row
  AppendAttendanceReason(rules.triggers[f.trigger], f.window, scratch);
  return *scratch;
}

int32_t FlagEvaluator::TermStartFloor(uint32_t pupil, int32_t day, bool* exact) const {
  int32_t last = kNoDate;  // the pupil's last school day on a roll up to the day
  ForEachSchoolDay(pupil, day, [&](int32_t date, uint32_t, uint32_t) {
    last = date;
    return false;
  });
  // No school day: the calendar's term. The day in a break of the pupil's:
  // the day after the last school day. Both are TermStartOf's answers.
  *exact = last == kNoDate || (last < day && IsTermBreak(last, day));
  return last != kNoDate && *exact ? last + 1 : calendar_.TermStart(day);
}

bool FlagEvaluator::Holds(uint32_t pupil, size_t k, int32_t day, std::string* reason,
                          AttendanceWindow* window) const {
  const Trigger& t = rules_.triggers[k];
  if (TooFewRows(pupil, k)) return false;
  // The first day of the window: events starting on or after it count.
  switch (t.window.kind) {
    case WindowKind::kMonths:
      return HoldsFrom(pupil, k, day, MonthsBefore(day, t.window.n) + 1, reason, window);
    case WindowKind::kDays:
      return HoldsFrom(pupil, k, day, day - t.window.n + 1, reason, window);
    case WindowKind::kTerm: {
      // Walking back to the term's first day costs a read of each of its
      // dates' marks, so it is done only for a pupil with enough events
      // from a day no later than it (every measure counts more from an
      // earlier first day, so with too few from there, too few from it).
      bool exact = false;
      const int32_t floor = TermStartFloor(pupil, day, &exact);
      if (exact) return HoldsFrom(pupil, k, day, floor, reason, window);
      if (!HoldsFrom(pupil, k, day, floor, nullptr, nullptr)) return false;
      return HoldsFrom(pupil, k, day, TermStartOf(pupil, day), reason, window);
    }
    default:
      return HoldsFrom(pupil, k, day, day, reason, window);
  }
}

bool FlagEvaluator::HoldsFrom(uint32_t pupil, size_t k, int32_t day, int32_t from,
                              std::string* reason, AttendanceWindow* window) const {
  const Trigger& t = rules_.triggers[k];
  const auto need = static_cast<size_t>(std::ceil(t.threshold));
  switch (t.measure) {
    case TriggerMeasure::kAttendancePercent: {
      // The last n school days on a roll.
      AttendanceWindow w;
      if (!AttendanceWindowOn(pupil, t, day, &w) || !AttendanceBelow(t, w.attended, w.possible)) {
        return false;
      }
      if (window != nullptr) {
        *window = w;
      } else if (reason != nullptr) {
        *reason = AttendanceReason(t, w);
      }
      return true;
    }
    case TriggerMeasure::kSuspensionsStarted:
    case TriggerMeasure::kPermanentExclusions: {
      const bool pex = t.measure == TriggerMeasure::kPermanentExclusions;
      std::vector<uint32_t> rows;
      suspensions_.ForEach(pupil, [&](uint32_t r) {
        const bool is_pex = s_.suspensions.category[r] ==
                            static_cast<uint8_t>(SuspensionCategory::kPermanentExclusion);
        const int32_t d = s_.suspensions.start_date[r];
        if (is_pex == pex && d >= from && d <= day) rows.push_back(r);
      });
      if (rows.size() < need) return false;
      if (reason != nullptr) {
        std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
          return s_.suspensions.start_date[a] < s_.suspensions.start_date[b];
        });
        std::string list;
        for (uint32_t r : rows) {
          list += fmt::format("{}{} ({} session{})", list.empty() ? "" : ", ",
                              DateText(s_.suspensions.start_date[r]), s_.suspensions.sessions[r],
                              s_.suspensions.sessions[r] == 1 ? "" : "s");
        }
        *reason =
            fmt::format("{} {}{} {}: {}", rows.size(), pex ? "permanent exclusion" : "suspension",
                        rows.size() == 1 ? "" : "s", WindowWords(t.window), list);
      }
      return true;
    }
    case TriggerMeasure::kApPlacementsStarted: {
      std::vector<uint32_t> rows;
      placements_.ForEach(pupil, [&](uint32_t r) {
        const int32_t d = s_.ap_placements.start_date[r];
        if (d >= from && d <= day) rows.push_back(r);
      });
      if (rows.size() < need) return false;
      if (reason != nullptr) {
        std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
          return s_.ap_placements.start_date[a] < s_.ap_placements.start_date[b];
        });
        std::string list;
        for (uint32_t r : rows) {
          const auto& ap = s_.ap_placements;
          const std::string& provider =
              ap.provider_name[r].empty() ? ap.provider_id[r] : ap.provider_name[r];
          list += fmt::format(
              "{}{} at {} ({}h a week{})", list.empty() ? "" : ", ", DateText(ap.start_date[r]),
              provider, NumberText(std::round(ap.hours_per_week[r] * 10) / 10),
              ap.end_date[r] == kNoDate ? ", continuing" : ", to " + DateText(ap.end_date[r]));
        }
        *reason = fmt::format("{} AP placement{} started {}: {}", rows.size(),
                              rows.size() == 1 ? "" : "s", WindowWords(t.window), list);
      }
      return true;
    }
    case TriggerMeasure::kInternalSuspensionsStarted: {
      std::vector<uint32_t> rows;
      units_.ForEach(pupil, [&](uint32_t r) {
        const int32_t d = s_.internal_units.start_date[r];
        if (s_.internal_units.unit[r] == static_cast<uint8_t>(UnitKind::kInternalSuspension) &&
            d >= from && d <= day) {
          rows.push_back(r);
        }
      });
      if (rows.size() < need) return false;
      if (reason != nullptr) {
        std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
          return s_.internal_units.start_date[a] < s_.internal_units.start_date[b];
        });
        std::string list;
        for (uint32_t r : rows) {
          list +=
              fmt::format("{}{} ({} session{})", list.empty() ? "" : ", ",
                          DateText(s_.internal_units.start_date[r]), s_.internal_units.sessions[r],
                          s_.internal_units.sessions[r] == 1 ? "" : "s");
        }
        *reason = fmt::format("{} internal suspension{} {}{}: {}", rows.size(),
                              rows.size() == 1 ? "" : "s", WindowWords(t.window),
                              t.window.kind == WindowKind::kTerm
                                  ? fmt::format(" (the term began {})", DateText(from))
                                  : "",
                              list);
      }
      return true;
    }
    case TriggerMeasure::kMainSchools: {
      // Schools of main registration on roll at some time in [from, day],
      // each with its first entry and last leaving in the window.
      struct Spell {
        uint32_t school;
        int32_t entry, leaving;
      };
      std::vector<Spell> spells;
      enrolments_.ForEach(pupil, [&](uint32_t e) {
        const auto& en = s_.enrolments;
        if (!IsMainRegistration(en.status[e])) return;
        if (en.entry_date[e] > day || en.leaving_date[e] < from) return;
        for (Spell& sp : spells) {
          if (sp.school == en.school[e]) {
            sp.entry = std::min(sp.entry, en.entry_date[e]);
            sp.leaving = std::max(sp.leaving, en.leaving_date[e]);
            return;
          }
        }
        spells.push_back({en.school[e], en.entry_date[e], en.leaving_date[e]});
      });
      if (spells.size() < need) return false;
      if (reason != nullptr) {
        std::sort(spells.begin(), spells.end(),
                  [](const Spell& a, const Spell& b) { return a.entry < b.entry; });
        std::string list;
        for (const Spell& sp : spells) {
          list += fmt::format(
              "{}{} from {}{}", list.empty() ? "" : ", ", SchoolText(sp.school), DateText(sp.entry),
              sp.leaving == kNoDate || sp.leaving >= day ? "" : " to " + DateText(sp.leaving));
        }
        *reason = fmt::format("{} different schools (main registration) {}: {}", spells.size(),
                              WindowWords(t.window), list);
      }
      return true;
    }
    case TriggerMeasure::kEhcpWaitWeeks: {
      const auto& q = s_.ehcp_requests;
      const double limit_days = t.threshold * 7;
      int32_t oldest = kNoIndex;
      ehcp_.ForEach(pupil, [&](uint32_t r) {
        if (q.request_date[r] > day) return;
        if (q.plan_issued_date[r] <= day) return;
        // A refusal to assess, or a decision after assessing not to issue
        // a plan, ends the wait.
        if ((q.decision[r] == static_cast<uint8_t>(EhcpDecision::kRefuse) ||
             q.decision[r] == static_cast<uint8_t>(EhcpDecision::kNoPlan)) &&
            q.decision_date[r] <= day) {
          return;
        }
        if (static_cast<double>(day - q.request_date[r]) <= limit_days) return;
        if (oldest == static_cast<int32_t>(kNoIndex) ||
            q.request_date[r] < q.request_date[static_cast<uint32_t>(oldest)]) {
          oldest = static_cast<int32_t>(r);
        }
      });
      if (oldest == static_cast<int32_t>(kNoIndex)) return false;
      if (reason != nullptr) {
        const uint32_t r = static_cast<uint32_t>(oldest);
        const int days = day - q.request_date[r];
        std::string decision = "no decision yet";
        if (q.decision[r] == static_cast<uint8_t>(EhcpDecision::kAssess) &&
            q.decision_date[r] <= day) {
          decision = fmt::format("agreed to assess on {}, no plan issued yet",
                                 DateText(q.decision_date[r]));
        }
        *reason = fmt::format(
            "EHC needs assessment requested from LA {:03d} on {}: {} weeks {} day{} without a "
            "plan (over {} weeks); {}{}",
            q.la[r], DateText(q.request_date[r]), days / 7, days % 7, days % 7 == 1 ? "" : "s",
            NumberText(t.threshold), decision,
            q.exception[r] ? fmt::format(" (an exception applies: {})", q.exception_reason[r])
                           : "");
      }
      return true;
    }
  }
  return false;
}

int32_t FlagEvaluator::Since(uint32_t pupil, size_t k, int32_t day, int32_t floor) const {
  if (floor >= day) return day;  // the day after the last run's: nothing to look back at
  const Trigger& t = rules_.triggers[k];
  if (t.measure == TriggerMeasure::kAttendancePercent) {
    // One pass over the pupil's school days, latest first: the run is the
    // school days whose window is below the threshold (the window from day
    // i is days[i .. i + n), the same test as Holds). The last n days
    // visited are kept in a ring, so each window's sessions are the last
    // one's with one day in and one out; the walk stops where the run does.
    const auto n = static_cast<size_t>(t.window.n);
    if (n == 0) return day;
    struct SchoolDay {
      int32_t date;
      uint32_t possible, attended;
    };
    std::vector<SchoolDay> ring(n);
    size_t j = 0;  // days visited
    uint32_t possible = 0, attended = 0;
    int32_t run = day;  // the first day of the run so far
    ForEachSchoolDay(pupil, day, [&](int32_t date, uint32_t p, uint32_t a) {
      if (j == 0) run = date;
      SchoolDay& slot = ring[j % n];
      if (j >= n) {
        possible -= slot.possible;
        attended -= slot.attended;
      }
      slot = {date, p, a};
      possible += p;
      attended += a;
      ++j;
      if (j <= n) return true;
      // The window from day i = j - n is complete; days[i] is the oldest
      // day in the ring.
      const int32_t from = ring[j % n].date;
      if (from < floor || !AttendanceBelow(t, attended, possible)) return false;
      run = from;
      return true;
    });
    return std::max(run, floor);
  }
  int32_t d = day;
  while (d - 1 >= floor && Holds(pupil, k, d - 1, nullptr)) --d;
  return d;
}

namespace {

bool RunBefore(const OpenRun& a, uint32_t pupil, uint16_t trigger) {
  return a.pupil != pupil ? a.pupil < pupil : a.trigger < trigger;
}

bool RunLess(const OpenRun& a, const OpenRun& b) {
  return RunBefore(a, b.pupil, b.trigger) ||
         (a.pupil == b.pupil && a.trigger == b.trigger && a.row < b.row);
}

}  // namespace

std::vector<OpenRun> OpenRuns(const AtRiskRules& rules, const FlagTable& history, int threads) {
  // The open rows in row order, a stretch of rows on each worker: counted,
  // then written to their places.
  const int workers = ResolveThreads(threads);
  std::vector<size_t> first(static_cast<size_t>(workers) + 1, 0);
  ParallelRanges(history.size(), workers, [&](size_t begin, size_t end, int w) {
    size_t open = 0;
    for (size_t r = begin; r < end; ++r) open += history.until[r] == kNoDate;
    first[static_cast<size_t>(w) + 1] = open;
  });
  for (size_t w = 0; w < static_cast<size_t>(workers); ++w) first[w + 1] += first[w];
  std::vector<OpenRun> runs(first.back());
  ParallelRanges(history.size(), workers, [&](size_t begin, size_t end, int w) {
    size_t i = first[static_cast<size_t>(w)];
    // Rows come in runs of one trigger id; the last id's index is kept.
    std::string_view last_id;
    uint16_t last_trigger = kNoTrigger;
    bool have_last = false;
    for (size_t r = begin; r < end; ++r) {
      if (history.until[r] != kNoDate) continue;
      const std::string_view id = history.trigger_id[r];
      if (!have_last || id != last_id) {
        last_trigger = kNoTrigger;
        for (size_t k = 0; k < rules.triggers.size(); ++k) {
          if (rules.triggers[k].id == id) last_trigger = static_cast<uint16_t>(k);
        }
        last_id = id;
        have_last = true;
      }
      runs[i++] = {history.pupil[r], last_trigger, static_cast<uint32_t>(r)};
    }
  });
  // Each run's new rows were added in pupil then trigger order, so in row
  // order the open runs are a few sorted stretches (one per day run):
  // merged pairwise rather than sorted afresh.
  std::vector<size_t> starts{0};
  for (size_t i = 1; i < runs.size(); ++i) {
    if (RunLess(runs[i], runs[i - 1])) starts.push_back(i);
  }
  starts.push_back(runs.size());
  const auto at = [&](size_t i) { return runs.begin() + static_cast<ptrdiff_t>(i); };
  while (starts.size() > 2) {
    std::vector<size_t> merged;
    for (size_t i = 0; i + 1 < starts.size(); i += 2) {
      merged.push_back(starts[i]);
      if (i + 2 < starts.size()) {
        std::inplace_merge(at(starts[i]), at(starts[i + 1]), at(starts[i + 2]), RunLess);
      }
    }
    merged.push_back(runs.size());
    starts = std::move(merged);
  }
  return runs;
}

std::vector<FlagResult> FlagEvaluator::EvaluateAll(int32_t day, const FlagTable* history,
                                                   int32_t covered_through, int threads,
                                                   const std::vector<OpenRun>* open_runs,
                                                   FlagCounts* counts,
                                                   AttendanceRings* rings) const {
  const size_t n = s_.pupils.size();
  // The day's place in the calendar, and whether the rings move on from
  // the school day before (else each is worked out afresh; on a day that
  // is not a school day none is kept).
  const auto& dates = calendar_.dates();
  const auto day_at = std::lower_bound(dates.begin(), dates.end(), day);
  const bool school_day = day_at != dates.end() && *day_at == day;
  const auto i_day = static_cast<size_t>(day_at - dates.begin());
  bool slide = false;
  if (rings != nullptr) {
    if (rings->windows() != RingWindows()) *rings = AttendanceRings(RingWindows(), n);
    rings->Grow(n);
    slide = school_day && i_day > 0 && rings->day == dates[i_day - 1];
    rings->day = kNoDate;
    if (!school_day) rings = nullptr;
  }
  const std::vector<uint16_t> ring_windows =
      rings != nullptr ? rings->windows() : std::vector<uint16_t>();
  // Trigger t (kept in `ring`) on the day: the ring moved on by the day's
  // sessions, or worked out from the marks (the window's days then in
  // `w`, else only its sessions).
  const auto ring_holds = [&](uint32_t pupil, const Trigger& t, uint8_t* ring, uint32_t c,
                              AttendanceWindow* w) {
    const auto days = static_cast<size_t>(t.window.n);
    if (slide && AttendanceRings::Known(ring)) {
      bool moved = true;
      if ((c & 0xFFFF) == 0) {
        AttendanceRings::Skip(ring, days);
      } else {
        moved = AttendanceRings::Push(ring, days, c & 0xFFFF, c >> 16);
      }
      if (moved) {
        if (AttendanceRings::DaysHeld(ring) < days) return false;
        AttendanceRings::Sum(ring, days, &w->possible, &w->attended);
        return AttendanceBelow(t, w->attended, w->possible);
      }
    }
    uint32_t possible[AttendanceRings::kMaxDays], attended[AttendanceRings::kMaxDays],
        back[AttendanceRings::kMaxDays];
    size_t m = 0, at = i_day;  // the calendar date walked down to
    ForEachSchoolDay(
        pupil, day,
        [&](int32_t date, uint32_t p, uint32_t a) {
          if (m == 0) w->last = date;
          w->first = date;
          w->possible += p;
          w->attended += a;
          possible[m] = p;
          attended[m] = a;
          while (at > 0 && dates[at] > date) --at;
          back[m] = static_cast<uint32_t>(i_day - at);
          return ++m < days;
        },
        slide);
    AttendanceRings::Set(ring, days, possible, attended, back, m);
    return m == days && AttendanceBelow(t, w->attended, w->possible);
  };
  const bool use_history =
      history != nullptr && covered_through != kNoDate && covered_through < day;
  const int32_t floor = use_history ? covered_through + 1 : day - kLookBackDays;
  std::vector<OpenRun> own;
  if (use_history && open_runs == nullptr) own = OpenRuns(rules_, *history, threads);
  const std::vector<OpenRun>& open = !use_history || open_runs == nullptr ? own : *open_runs;
  const int workers = ResolveThreads(threads);
  std::vector<std::vector<FlagResult>> parts(static_cast<size_t>(workers));
  // With counts: each part's counts (flags, pupils, by trigger), and which
  // open runs hold (each worker marks those of its own pupils).
  // (and last, the rings moved on).
  std::vector<std::vector<size_t>> part_counts(static_cast<size_t>(workers),
                                               std::vector<size_t>(3 + rules_.triggers.size(), 0));
  if (counts != nullptr) counts->held.assign(open.size(), 0);
  ParallelRanges(n, workers, [&](size_t begin, size_t end, int w) {
    auto& out = parts[static_cast<size_t>(w)];
    std::vector<size_t>& tally = part_counts[static_cast<size_t>(w)];
    // About as many as the runs open before (a share of them each), or the
    // new ones only.
    out.reserve(
        (counts != nullptr ? open.size() / 16 : open.size()) / static_cast<size_t>(workers) + 1024);
    std::string reason;
    AttendanceWindow window;
    // The open runs are walked beside the results (both in pupil then
    // trigger order), from the first of this range's pupils.
    size_t j = static_cast<size_t>(
        std::lower_bound(open.begin(), open.end(), begin,
                         [](const OpenRun& a, size_t pupil) { return a.pupil < pupil; }) -
        open.begin());
    size_t moved_on = 0;
    for (size_t p = begin; p < end; ++p) {
      const uint32_t pupil = static_cast<uint32_t>(p);
      if (slide && !ring_windows.empty()) moved_on += AttendanceRings::Known(rings->at(0, p));
      // The day's sessions, for the rings moved on.
      uint32_t day_counts = 0;
      if (!(slide ? OnRollWithCounts(pupil, day, i_day, &day_counts) : OnRoll(pupil, day))) {
        // Off roll: not a school day on a roll (a ring worked out afresh
        // is not known).
        for (size_t b = 0; b < ring_windows.size(); ++b) {
          uint8_t* ring = rings->at(b, p);
          slide ? AttendanceRings::Skip(ring, ring_windows[b])
                : AttendanceRings::Forget(ring, ring_windows[b]);
        }
        continue;
      }
      bool flagged = false;
      const bool uncounted = NoCountedRows(pupil);
      for (size_t k = 0; k < rules_.triggers.size(); ++k) {
        if (uncounted && counted_[k].rows != nullptr) continue;
        reason.clear();
        window = AttendanceWindow();
        const int b = rings != nullptr ? ring_index_[k] : -1;
        if (b >= 0) {
          uint8_t* ring = rings->at(static_cast<size_t>(b), p);
          if (!ring_holds(pupil, rules_.triggers[k], ring, day_counts, &window)) continue;
        } else if (TooFewRows(pupil, k) || !Holds(pupil, k, day, &reason, &window)) {
          continue;
        }
        flagged = true;
        ++tally[0];
        ++tally[2 + k];
        const auto trigger = static_cast<uint16_t>(k);
        while (j < open.size() && RunBefore(open[j], pupil, trigger)) ++j;
        // Of two open rows for the pupil and trigger, the later is the run.
        while (j + 1 < open.size() && open[j + 1].pupil == pupil &&
               open[j + 1].trigger == trigger) {
          ++j;
        }
        const bool is_open =
            j < open.size() && open[j].pupil == pupil && open[j].trigger == trigger;
        if (is_open && counts != nullptr) {
          counts->held[j] = 1;
          continue;
        }
        // A window moved on knows its sessions, not its days: a result
        // gives them, from their places in the calendar when the ring
        // knows them, else from the marks.
        if (b >= 0 && window.first == kNoDate) {
          size_t oldest = 0, latest = 0;
          const uint8_t* ring = rings->at(static_cast<size_t>(b), p);
          if (AttendanceRings::DaysBack(ring, ring_windows[static_cast<size_t>(b)], &oldest,
                                        &latest) &&
              oldest <= i_day) {
            window.first = dates[i_day - oldest];
            window.last = dates[i_day - latest];
          } else {
            AttendanceWindowOn(pupil, rules_.triggers[k], day, &window, slide);
          }
        }
        FlagResult f;
        f.pupil = pupil;
        f.trigger = trigger;
        f.school = MainSchool(pupil, day);
        f.reason = reason;
        f.window = window;
        f.since = is_open ? history->since[open[j].row] : kNoDate;
        if (f.since == kNoDate) f.since = Since(pupil, k, day, floor);
        out.push_back(std::move(f));
      }
      tally[1] += flagged;
    }
    tally.back() = moved_on;
  });
  if (rings != nullptr) {
    rings->day = day;
    rings->moved_on = 0;
    for (const auto& tally : part_counts) rings->moved_on += tally.back();
  }
  if (counts != nullptr) {
    counts->flags = counts->pupils = 0;
    counts->by_trigger.assign(rules_.triggers.size(), 0);
    for (const auto& tally : part_counts) {
      counts->flags += tally[0];
      counts->pupils += tally[1];
      for (size_t k = 0; k < rules_.triggers.size(); ++k) counts->by_trigger[k] += tally[2 + k];
    }
  }
  std::vector<FlagResult> all;
  size_t total = 0;
  for (const auto& part : parts) total += part.size();
  all.reserve(total);
  for (auto& part : parts) {
    for (auto& f : part) all.push_back(std::move(f));
  }
  return all;
}

// ---------------------------------------------------------------- history

HistoryUpdate UpdateFlagHistory(const AtRiskRules& rules, int32_t day,
                                std::vector<FlagResult>* results, FlagTable* history, int threads,
                                const std::vector<OpenRun>* open_runs,
                                const std::vector<uint8_t>* held) {
  HistoryUpdate u;
  std::vector<const FlagResult*> worded;  // new rows whose words are written below
  std::vector<OpenRun> own;
  if (open_runs == nullptr) own = OpenRuns(rules, *history, threads);
  const std::vector<OpenRun>& open = open_runs == nullptr ? own : *open_runs;
  // By open run: it holds on the day.
  std::vector<uint8_t> holds =
      held != nullptr && held->size() == open.size() ? *held : std::vector<uint8_t>(open.size(), 0);
  // The results in pupil then trigger order (as EvaluateAll gives them),
  // walked beside the open runs.
  const auto before = [](const FlagResult& a, const FlagResult& b) {
    return a.pupil != b.pupil ? a.pupil < b.pupil : a.trigger < b.trigger;
  };
  if (!std::is_sorted(results->begin(), results->end(), before)) {
    std::sort(results->begin(), results->end(), before);
  }
  size_t j = 0;
  for (FlagResult& f : *results) {
    while (j < open.size() && RunBefore(open[j], f.pupil, f.trigger)) ++j;
    // Of two open rows for the pupil and trigger, the later is the run.
    while (j + 1 < open.size() && open[j + 1].pupil == f.pupil &&
           open[j + 1].trigger == f.trigger) {
      ++j;
    }
    if (j < open.size() && open[j].pupil == f.pupil && open[j].trigger == f.trigger) {
      f.since = history->since[open[j].row];
      holds[j] = 1;
      ++j;
      continue;
    }
    const uint32_t row = static_cast<uint32_t>(history->size());
    history->pupil.push_back(f.pupil);
    history->school.push_back(f.school);
    history->trigger_id.push_back(rules.triggers[f.trigger].id);
    history->since.push_back(f.since);
    history->until.push_back(kNoDate);
    history->rules_version.push_back(rules.version);
    history->raised.push_back(day);
    if (f.reason.empty() && f.window.possible > 0) {
      history->reason.push_back({});
      worded.push_back(&f);
    } else {
      history->reason.push_back(std::move(f.reason));
      f.reason.clear();
    }
    f.history_row = row;
    u.changed_rows.push_back(row);
    u.raised_rows.push_back(row);
    ++u.raised;
  }
  // The new attendance rows' words (a first run has a million), written on
  // every worker, a block of rows into one string that the column keeps.
  constexpr size_t kBlock = 4096;
  std::vector<std::string> text((worded.size() + kBlock - 1) / kBlock);
  std::vector<uint32_t> ends(worded.size());
  ParallelFor(text.size(), ResolveThreads(threads), 1, [&](size_t begin, size_t end, int) {
    for (size_t b = begin; b < end; ++b) {
      for (size_t i = b * kBlock; i < std::min(worded.size(), (b + 1) * kBlock); ++i) {
        AppendAttendanceReason(rules.triggers[worded[i]->trigger], worded[i]->window, &text[b]);
        ends[i] = static_cast<uint32_t>(text[b].size());
      }
    }
  });
  // Each block's text becomes the column's: the rows are views of it.
  std::shared_ptr<const std::string> block;
  for (size_t i = 0; i < worded.size(); ++i) {
    if (i % kBlock == 0) block = std::make_shared<const std::string>(std::move(text[i / kBlock]));
    const size_t start = i % kBlock == 0 ? 0 : ends[i - 1];
    history->reason.SetView(worded[i]->history_row,
                            std::string_view(*block).substr(start, ends[i] - start), block);
  }
  // What is left open no longer holds: the run ends (an earlier duplicate
  // of a run is left as it is).
  for (size_t i = 0; i < open.size(); ++i) {
    if (holds[i]) continue;
    const bool duplicate = i + 1 < open.size() && open[i + 1].pupil == open[i].pupil &&
                           open[i + 1].trigger == open[i].trigger && open[i].trigger != kNoTrigger;
    if (duplicate) continue;
    history->until[open[i].row] = day;
    u.changed_rows.push_back(open[i].row);
    ++u.cleared;
  }
  std::sort(u.changed_rows.begin(), u.changed_rows.end());
  return u;
}

Result<AtRiskRules> RulesInForce(const StoreState& state) {
  const AtRiskRulesTable& t = state.at_risk_rules;
  if (t.size() == 0) return DefaultRules();
  // The last national text adopted (or the compiled-in one), then the last
  // local text after it, if any.
  AtRiskRules national = DefaultRules();
  size_t last_national = t.size();
  for (size_t i = t.size(); i > 0; --i) {
    if (IsNationalRulesText(t.text[i - 1])) {
      last_national = i - 1;
      break;
    }
  }
  if (last_national < t.size()) {
    LANTERN_ASSIGN_OR_RETURN(
        national, ParseAtRiskRules(t.text[last_national], t.source[last_national], AtRiskRules()));
  }
  const size_t last = t.size() - 1;
  if (last == last_national) return national;
  return ParseAtRiskRules(t.text[last], t.source[last], national);
}

int32_t StoreLastDay(const StoreState& state) {
  auto dates = state.marks.Dates();
  if (!dates.empty()) return dates.back();
  int32_t last = kNoDate;
  auto consider = [&](int32_t d) {
    if (d == kNoDate) return;
    last = last == kNoDate ? d : std::max(last, d);
  };
  for (size_t i = 0; i < state.enrolments.size(); ++i) consider(state.enrolments.entry_date[i]);
  for (size_t i = 0; i < state.suspensions.size(); ++i) consider(state.suspensions.start_date[i]);
  for (size_t i = 0; i < state.ap_placements.size(); ++i)
    consider(state.ap_placements.start_date[i]);
  for (size_t i = 0; i < state.internal_units.size(); ++i)
    consider(state.internal_units.start_date[i]);
  return last;
}

}  // namespace lantern
