// The at-risk early warning: which triggers of the rules in force hold for
// which pupils on a day, since when and why (docs/early-warning.md).
//
// The evaluator reads the store's tables as they are (suspensions, AP
// placements, internal units, enrolments, EHC requests) and the marks
// through the store's calendar. Each trigger is a test on one pupil on one
// day; the first day of the current run is found by testing earlier days
// back to the last day the flag history already covers, so a daily run
// tests a handful of days for the pupils newly flagged and one day for the
// rest (the per-day cost; docs/early-warning.md, "Flag history and the
// daily update").
#ifndef LANTERN_FLAGS_FLAGS_H_
#define LANTERN_FLAGS_FLAGS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "flags/attendance_rings.h"
#include "flags/rules.h"
#include "lantern/status.h"
#include "model/register_codes.h"
#include "store/store.h"

namespace lantern {

// Whether the days between two school days, last and next, end a term: a
// break of 14 days or more (Easter, the summer), or one over 1 January (a
// Christmas holiday from a Friday to the Thursday of the second week is 13
// days). Half terms are shorter.
bool IsTermBreak(int32_t last, int32_t next);

// The school days of the store: the dates with marks, and the terms they
// fall into (IsTermBreak). Merged across every school in the store, so
// staggered holidays can hide a break: a pupil's own term comes from the
// pupil's own school days (FlagEvaluator), this only where there are none.
class StoreCalendar {
 public:
  StoreCalendar() = default;
  explicit StoreCalendar(std::vector<int32_t> dates);
  const std::vector<int32_t>& dates() const { return dates_; }
  // The first school day of the term holding `day` (the last term starting
  // on or before it). With no dates: 1 September, 1 January or the Monday
  // after Easter Sunday, whichever came last.
  int32_t TermStart(int32_t day) const;
  // The last school day on or before `day`, or kNoDate.
  int32_t LastOnOrBefore(int32_t day) const;

 private:
  std::vector<int32_t> dates_;
  std::vector<int32_t> term_starts_;
};

// The day `months` calendar months before `day` (the day of the month kept,
// or the month's last day when it has fewer).
int32_t MonthsBefore(int32_t day, int months);

// The sessions of a pupil's attendance window, the oldest and latest day.
struct AttendanceWindow {
  uint32_t attended = 0, possible = 0;
  int32_t first = kNoDate, last = kNoDate;
};
// "attended A of P possible sessions (x%, under T%) over the last N school
// days on a roll, FIRST to LAST".
std::string AttendanceReason(const Trigger& t, const AttendanceWindow& w);
void AppendAttendanceReason(const Trigger& t, const AttendanceWindow& w, std::string* out);

// One trigger holding for one pupil on the day evaluated.
struct FlagResult {
  uint32_t pupil = 0;
  uint32_t school = kNoIndex;  // main school on the day (kNoIndex: none)
  uint16_t trigger = 0;        // index in AtRiskRules::triggers
  int32_t since = 0;
  // Why, in words (FlagReason): for an attendance trigger, its window (the
  // words are written when needed, not for a million flags a day); for the
  // others, `reason`. Once UpdateFlagHistory has made the result a new run
  // of the history, the words are that row's (history_row).
  std::string reason;
  AttendanceWindow window;
  uint32_t history_row = kNoIndex;
};
// The reason of a result in words: the history row's, `reason`, or its
// attendance window's written into *scratch.
std::string_view FlagReason(const AtRiskRules& rules, const FlagResult& f, const FlagTable& history,
                            std::string* scratch);

// A run of the flag history still open (no end): its pupil, its trigger's
// index in the rules (kNoTrigger for one the rules no longer hold) and its
// row.
struct OpenRun {
  uint32_t pupil;
  uint16_t trigger;
  uint32_t row;
};
constexpr uint16_t kNoTrigger = 0xFFFF;
// The history's open runs by pupil, then trigger, then row. Two open rows
// for one pupil and trigger should not happen; if they do, the later one
// is the run (the earlier is left as it is).
std::vector<OpenRun> OpenRuns(const AtRiskRules& rules, const FlagTable& history, int threads = 1);

// What a day's evaluation found, counted: the flags holding, the pupils
// with one or more, the flags by trigger (in rules order), and by open run
// (OpenRuns) whether it holds on the day.
struct FlagCounts {
  size_t flags = 0, pupils = 0;
  std::vector<size_t> by_trigger;
  std::vector<uint8_t> held;
};

// A set of pupils, a bit each, with the bits set before each word: a
// pupil's rank among them in constant time, for tables indexed by the few
// pupils with rows (not an entry for each of 8.4 million).
struct PupilBits {
  std::vector<uint64_t> has;     // a bit per pupil
  std::vector<uint32_t> before;  // the bits set in the words before each
  // Room for pupils [0, pupils), none in the set.
  void Clear(size_t pupils) {
    has.assign((pupils + 63) / 64, 0);
    before.clear();
  }
  void Add(uint32_t pupil) { has[pupil >> 6] |= uint64_t{1} << (pupil & 63); }
  // Counts the bits before each word (after the last Add); returns how
  // many pupils are in the set.
  uint32_t Rank() {
    before.resize(has.size());
    uint32_t count = 0;
    for (size_t w = 0; w < has.size(); ++w) {
      before[w] = count;
      count += static_cast<uint32_t>(__builtin_popcountll(has[w]));
    }
    return count;
  }
  bool Contains(uint32_t pupil) const {
    return (pupil >> 6) < has.size() && ((has[pupil >> 6] >> (pupil & 63)) & 1) != 0;
  }
  // The pupil's place among those in the set (the pupil must be in it).
  uint32_t RankOf(uint32_t pupil) const {
    const uint64_t below = has[pupil >> 6] & ((uint64_t{1} << (pupil & 63)) - 1);
    return before[pupil >> 6] + static_cast<uint32_t>(__builtin_popcountll(below));
  }
};

class FlagEvaluator {
 public:
  FlagEvaluator(const StoreState& state, const AtRiskRules& rules, const CodeTreatments& treatments,
                StoreCalendar calendar);

  const AtRiskRules& rules() const { return rules_; }
  const StoreCalendar& calendar() const { return calendar_; }
  // Whether the pupil has an enrolment open on the day.
  bool OnRoll(uint32_t pupil, int32_t day) const;
  // The school of the pupil's main (or single) registration on the day; if
  // none is open, of the latest one before it; kNoIndex when none.
  uint32_t MainSchool(uint32_t pupil, int32_t day) const;
  // Whether trigger k holds for the pupil on the day; the reason in words.
  // With `window`, an attendance trigger's window is given there instead
  // of its words.
  bool Holds(uint32_t pupil, size_t k, int32_t day, std::string* reason,
             AttendanceWindow* window = nullptr) const;
  // The first day of the run of days ending on `day` on which trigger k
  // holds (it must hold on `day`), looking no further back than `floor`.
  int32_t Since(uint32_t pupil, size_t k, int32_t day, int32_t floor) const;

  // Attended and possible sessions over every school day on a roll up to
  // the day (the evaluation's year measure).
  std::pair<uint32_t, uint32_t> AttendanceTotals(uint32_t pupil, int32_t day) const;

  // Every trigger holding for every pupil on a roll on the day, in pupil
  // then trigger order. With a history that covers the days up to
  // `covered_through` (before `day`), a run the history holds open keeps its
  // since, and a new run is looked for back to covered_through + 1 only;
  // without one (nullptr), since is looked for back to about three years.
  // `open_runs`, if given, are OpenRuns(rules, *history), worked out once
  // for this and UpdateFlagHistory.
  //
  // With `counts`, only the new flags (those whose run the history does not
  // hold open) are returned; the others are counted there and their runs
  // marked as holding (what UpdateFlagHistory needs, without a million
  // results a day).
  //
  // With `rings` (flags/attendance_rings.h), the attendance triggers'
  // windows are kept there for the next school day: rings that end on the
  // school day before `day` are moved on by the day's marks (a pupil's
  // ring not known is worked out from the marks), any others are worked
  // out afresh. The rings must hold for the store as it is: the caller
  // forgets those of pupils whose enrolments or earlier marks changed.
  std::vector<FlagResult> EvaluateAll(int32_t day, const FlagTable* history,
                                      int32_t covered_through, int threads,
                                      const std::vector<OpenRun>* open_runs = nullptr,
                                      FlagCounts* counts = nullptr,
                                      AttendanceRings* rings = nullptr) const;

  // The windows of the attendance triggers kept in rings, in rules order,
  // and what rings are worked out under (those windows and how each mark
  // code counts): rings saved under another key do not apply.
  std::vector<uint16_t> RingWindows() const;
  std::string RingKey() const;

 private:
  // Calls f(date, possible, attended) for each of the pupil's school days
  // on a roll up to `day` (possible sessions > 0 at any school), latest
  // first, while f returns true. With `read`, the pupil's marks are read
  // from the files first (a read for each enrolment and file), not through
  // the mappings: for a scattered few pupils (the daily step's windows not
  // carried over) a read costs less than the first touch of a mapped page
  // does on a virtual machine (bench/RESULTS.md, sessions 20 and 22).
  template <typename F>
  void ForEachSchoolDay(uint32_t pupil, int32_t day, F&& f, bool read = false) const;
  // On a roll on the day (calendar date i), with the day's sessions
  // (possible in the low 16 bits, attended in the high 16) counted as
  // ForEachSchoolDay counts a day: one walk of the pupil's enrolments.
  bool OnRollWithCounts(uint32_t pupil, int32_t day, size_t i, uint32_t* counts) const;
  // Attendance trigger t's window on the day (its last n school days on a
  // roll), and whether the pupil has n such days.
  bool AttendanceWindowOn(uint32_t pupil, const Trigger& t, int32_t day, AttendanceWindow* window,
                          bool read = false) const;
  // The first day of the pupil's term holding `day`: the first of the
  // pupil's school days on a roll after the last term break (IsTermBreak)
  // in them, so that each school's own holidays set it; the day after the
  // last school day when the day is in a break; the store calendar's term
  // with no school days.
  int32_t TermStartOf(uint32_t pupil, int32_t day) const;
  // A day no later than TermStartOf's, without walking the term: the store
  // calendar's term start (a break in the calendar, a gap in every school's
  // days, is one in the pupil's too, so the pupil's term starts no
  // earlier), or, when the day is in a break of the pupil's or the pupil
  // has no school day, TermStartOf's own answer (`exact`).
  int32_t TermStartFloor(uint32_t pupil, int32_t day, bool* exact) const;
  // Holds, counting events that start from `from` to the day.
  bool HoldsFrom(uint32_t pupil, size_t k, int32_t day, int32_t from, std::string* reason,
                 AttendanceWindow* window) const;
  std::string SchoolText(uint32_t school) const;

  const StoreState& s_;
  AtRiskRules rules_;
  CodeTreatments treatments_;
  StoreCalendar calendar_;
  // Rows of each table by pupil, in table order: rows[first[i] ..
  // first[i + 1]) for the pupil's index i. Dense (every pupil has rows, as
  // for enrolments): i is the pupil. Sparse (most have none, as for
  // suspensions): i is the pupil's place among those with rows, from a bit
  // per pupil and a count of the bits before each word, so a table of a
  // few rows needs no array the size of the pupils.
  struct ByPupil {
    std::vector<uint32_t> first, rows;
    bool sparse = false;
    PupilBits with_rows;  // sparse: the pupils with rows
    // The pupil's rows' places in `rows`, [begin, end).
    std::pair<uint32_t, uint32_t> Range(uint32_t pupil) const {
      if (!sparse) return {first[pupil], first[pupil + 1]};
      if (!with_rows.Contains(pupil)) return {0, 0};
      const uint32_t i = with_rows.RankOf(pupil);
      return {first[i], first[i + 1]};
    }
    template <typename F>
    void ForEach(uint32_t pupil, F&& f) const {
      const auto [begin, end] = Range(pupil);
      for (uint32_t i = begin; i < end; ++i) f(rows[i]);
    }
    uint32_t Count(uint32_t pupil) const {
      const auto [begin, end] = Range(pupil);
      return end - begin;
    }
  };
  ByPupil enrolments_, suspensions_, placements_, units_, ehcp_;
  std::vector<DateMarks> marks_;  // by calendar date index
  // A session's mark as counts: possible in the low 16 bits, attended in
  // the high 16 (from the treatments), so two marks add up in one sum.
  std::array<uint32_t, 256> session_counts_{};
  // By trigger: the rows it counts and how many it needs at least to hold
  // (rows nullptr: any pupil may hold).
  struct Counted {
    ByPupil FlagEvaluator::*rows;
    uint32_t need;
  };
  std::vector<Counted> counted_;
  // By trigger: its index among the attendance triggers kept in rings, or -1.
  std::vector<int> ring_index_;
  // A bit per pupil with a row in any table a count trigger counts (its
  // threshold at least one), and the fewest enrolments a school count
  // needs: a pupil with neither holds no count trigger (most pupils).
  std::vector<uint64_t> any_counted_;
  uint32_t enrolments_needed_ = UINT32_MAX;
  bool every_pupil_counted_ = false;  // a count trigger of threshold 0
  bool NoCountedRows(uint32_t pupil) const {
    return !every_pupil_counted_ && ((any_counted_[pupil >> 6] >> (pupil & 63)) & 1) == 0 &&
           enrolments_.first[pupil + 1] - enrolments_.first[pupil] < enrolments_needed_;
  }
  bool TooFewRows(uint32_t pupil, size_t k) const {
    const Counted& c = counted_[k];
    if (c.rows == nullptr) return false;
    const ByPupil& rows = this->*c.rows;
    return rows.Count(pupil) < c.need;
  }
};

// The flag history after a run on `day`: an open run that no longer holds
// is closed (until = day), a new one is added (since from the result).
// `results` gets the history's since for runs already open; a new run's
// reason is written to its row (FlagReason). With `held` (FlagCounts), the
// open runs it marks hold too (the results being the new flags only).
// Returns the rows changed or added, and counts raised and cleared.
struct HistoryUpdate {
  std::vector<uint32_t> changed_rows;
  std::vector<uint32_t> raised_rows;  // new rows: the referrals they raise
  uint32_t raised = 0, cleared = 0;
};
HistoryUpdate UpdateFlagHistory(const AtRiskRules& rules, int32_t day,
                                std::vector<FlagResult>* results, FlagTable* history,
                                int threads = 1, const std::vector<OpenRun>* open_runs = nullptr,
                                const std::vector<uint8_t>* held = nullptr);

// The rules in force in a store: the last adopted, or the national core.
Result<AtRiskRules> RulesInForce(const StoreState& state);

// The store's last day: the last date with marks, else the latest date of
// any record; kNoDate for an empty store.
int32_t StoreLastDay(const StoreState& state);

}  // namespace lantern

#endif  // LANTERN_FLAGS_FLAGS_H_
