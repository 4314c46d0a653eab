// Referrals into the escalation pathway of a Local Inclusion and
// Participation Agreement (LIPA), raised by new at-risk flags
// (docs/early-warning.md, "Referrals and LIPAs").
//
// A LIPA is the part of a trust x LA agreement (the agreements file the
// server reads, docs/access.md) that names the LA link officer and the
// trust inclusion lead, the escalation steps, the response standards in
// school days and the multi-agency panel. A referral is routed by the
// pupil's school, its trust and the pupil's home LA; its clock counts the
// school's own school days (the store's calendar: dates on which the
// school's pupils have marks, so weekends, holidays and INSET days do not
// count); a breached standard escalates it to the next step by itself.
#ifndef LANTERN_FLAGS_REFERRALS_H_
#define LANTERN_FLAGS_REFERRALS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flags/flags.h"
#include "lantern/status.h"
#include "store/store.h"

namespace lantern {

struct PanelMember {
  std::string name;
  std::string agency;  // "health", "social care", "education", "youth justice", ...
  std::string role;
  int respond_within = 0;  // school days; 0: the agreement's plan standard
};

// The nationally recommended response standards, used where no LIPA
// applies or it sets none (school days).
constexpr int kDefaultAcknowledgeDays = 2;
constexpr int kDefaultPlanDays = 10;

struct LipaTerms {
  std::string agreement_id;
  std::string trust_id;
  int la_code = 0;
  std::string start, end;               // ISO dates, end may be empty
  std::string link_officer;             // the named LA link officer
  std::string inclusion_lead;           // the named trust inclusion lead
  std::vector<std::string> escalation;  // the steps after the first response, in order
  int acknowledge_within = kDefaultAcknowledgeDays;
  int plan_within = kDefaultPlanDays;
  std::vector<PanelMember> panel;
  bool ActiveOn(int32_t day) const;
};

// JSON text of a LIPA (the accounts database keeps it with its agreement).
std::string LipaToJson(const LipaTerms& lipa);
Result<LipaTerms> LipaFromJson(std::string_view json);

std::string_view ReferralStatusName(ReferralStatus s);  // "raised", "acknowledged", ...
std::optional<ReferralStatus> ParseReferralStatus(std::string_view text);
// The outcomes a referral can close with.
const std::vector<std::string>& ReferralOutcomes();

// The school days of each school: the store's dates on which some of the
// school's enrolments have a mark other than a planned closure.
class SchoolDays {
 public:
  SchoolDays(const StoreState& state, const StoreCalendar& calendar);
  // School days of `school` in (from, to], counted from the store's
  // calendar; a school with no marks uses the store's calendar.
  int Between(uint32_t school, int32_t from, int32_t to) const;
  // The n-th school day after `from` (n >= 1); past the calendar's last
  // date, counted in weekdays (the holidays ahead are not known).
  int32_t NthAfter(uint32_t school, int32_t from, int n) const;
  // The school's days, sorted: every one after `after` (by default, every
  // one), and perhaps some before (those already worked out).
  const std::vector<int32_t>& Of(uint32_t school,
                                 int32_t after = std::numeric_limits<int32_t>::min()) const;
  // A bound on NthAfter for every school, from the calendar alone (no marks
  // read): the n-th day after `from` that is a weekday or a calendar date
  // (a school's days are some of the calendar's, then weekdays).
  int32_t EarliestNthAfter(int32_t from, int n) const;

 private:
  const StoreState& s_;
  const StoreCalendar& calendar_;
  // The school days of each school from a calendar date on, worked out as
  // far back as asked (by school row; the last entry for a school not in
  // the table): a daily job's clocks look back weeks, not the year, and
  // each date looked at reads marks.
  struct Known {
    size_t from = SIZE_MAX;  // the calendar index the days are known from
    std::vector<int32_t> days;
  };
  mutable std::vector<Known> cache_;
  mutable std::unordered_map<int64_t, int32_t> earliest_;  // by (from, n)
  mutable std::vector<std::vector<uint32_t>> sample_;      // enrolments looked at, by school
  mutable std::vector<DateMarks> marks_;                   // by calendar date index
};

// The escalation steps where no LIPA names any.
const std::vector<std::string>& DefaultSteps();

// Where a referral goes.
struct Routing {
  std::string agreement_id;  // "" when no LIPA applies
  std::string routed_to;     // the people, in words
  int acknowledge_within = kDefaultAcknowledgeDays;
  int plan_within = kDefaultPlanDays;
  std::vector<std::string> escalation;
};
Routing RouteReferral(const StoreState& state, uint32_t school, int16_t home_la, int32_t day,
                      const std::vector<LipaTerms>& lipas);

// Raises a referral for each new flag row of the history (or adds the
// trigger to the pupil's open referral). Returns the rows changed or added.
std::vector<uint32_t> RaiseReferrals(const StoreState& state, const FlagTable& history,
                                     const std::vector<uint32_t>& new_flag_rows, int32_t day,
                                     const std::vector<LipaTerms>& lipas, ReferralTable* referrals);

// A referral's notes in full, " | "-separated: the note of its raising
// ("DAY: flag TRIGGER raised: REASON", the reason its flag's history row
// holds), then the later ones.
std::string ReferralNotes(const ReferralTable& referrals, size_t row, const FlagTable& history);

// The clock of one referral on a day: school days since it was raised, to
// acknowledgement and to the plan (or so far), and the escalation step
// due by the standards.
struct ReferralClock {
  int open_days = 0;        // school days from raised to the day (or to closing)
  int to_acknowledge = -1;  // school days to acknowledgement, -1 if not yet
  int to_plan = -1;         // school days to an agreed plan, -1 if not yet
  bool acknowledge_breached = false;
  bool plan_breached = false;
  int escalation_due = 0;               // the step due: 0 none, 1 the first step, ...
  int32_t escalation_due_on = kNoDate;  // the school day that step fell due
  int32_t next_deadline = kNoDate;      // the next standard's last school day, if open
};
ReferralClock ClockOf(const ReferralTable& r, size_t row, int32_t day, const SchoolDays& days,
                      size_t steps);

// Escalates every open referral whose clock says a further step is due
// (level and date set, a note added). Returns the rows changed.
std::vector<uint32_t> EscalateReferrals(int32_t day, const SchoolDays& days,
                                        const std::vector<LipaTerms>& lipas,
                                        ReferralTable* referrals);

// A change of status by a person: to acknowledged, plan_agreed or closed
// (closed needs an outcome); dates may not go backwards.
Status UpdateReferral(ReferralTable* referrals, size_t row, ReferralStatus to, int32_t on,
                      std::string_view outcome, std::string_view note);

}  // namespace lantern

#endif  // LANTERN_FLAGS_REFERRALS_H_
