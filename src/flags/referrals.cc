#include "flags/referrals.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

#include "store/table_ops.h"

namespace lantern {

namespace {

bool HasTrigger(std::string_view list, std::string_view id) {
  size_t at = 0;
  while (at <= list.size()) {
    size_t end = list.find(';', at);
    if (end == std::string_view::npos) end = list.size();
    if (list.compare(at, end - at, id) == 0) return true;
    at = end + 1;
  }
  return false;
}

// Adds "DAY: the parts, one after another" to the notes.
void AddNote(std::string* notes, int32_t day, std::initializer_list<std::string_view> parts) {
  if (!notes->empty()) notes->append(" | ");
  notes->append(DateText(day)).append(": ");
  for (std::string_view p : parts) notes->append(p);
}
void AddNote(StringColumn* notes, size_t row, int32_t day,
             std::initializer_list<std::string_view> parts) {
  std::string text((*notes)[row]);
  AddNote(&text, day, parts);
  notes->Set(row, text);
}

}  // namespace

const std::vector<std::string>& DefaultSteps() {
  static const std::vector<std::string> steps = {"the home LA's head of inclusion",
                                                 "the multi-agency panel"};
  return steps;
}

bool LipaTerms::ActiveOn(int32_t day) const {
  const std::string d = DateText(day);
  return (start.empty() || start <= d) && (end.empty() || d <= end);
}

std::string LipaToJson(const LipaTerms& l) {
  nlohmann::json j;
  j["link_officer"] = l.link_officer;
  j["inclusion_lead"] = l.inclusion_lead;
  j["escalation"] = l.escalation;
  j["acknowledge_within"] = l.acknowledge_within;
  j["plan_within"] = l.plan_within;
  j["panel"] = nlohmann::json::array();
  for (const PanelMember& m : l.panel) {
    j["panel"].push_back({{"name", m.name},
                          {"agency", m.agency},
                          {"role", m.role},
                          {"respond_within", m.respond_within}});
  }
  return j.dump();
}

Result<LipaTerms> LipaFromJson(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("a LIPA is not valid JSON");
  LipaTerms l;
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  l.link_officer = str("link_officer");
  l.inclusion_lead = str("inclusion_lead");
  if (j.contains("escalation") && j["escalation"].is_array()) {
    for (const auto& s : j["escalation"]) {
      if (s.is_string()) l.escalation.push_back(s.get<std::string>());
    }
  }
  l.acknowledge_within = j.value("acknowledge_within", kDefaultAcknowledgeDays);
  l.plan_within = j.value("plan_within", kDefaultPlanDays);
  if (j.contains("panel") && j["panel"].is_array()) {
    for (const auto& m : j["panel"]) {
      if (!m.is_object()) continue;
      PanelMember p;
      p.name = m.value("name", "");
      p.agency = m.value("agency", "");
      p.role = m.value("role", "");
      p.respond_within = m.value("respond_within", 0);
      l.panel.push_back(std::move(p));
    }
  }
  return l;
}

std::string_view ReferralStatusName(ReferralStatus s) {
  switch (s) {
    case ReferralStatus::kRaised:
      return "raised";
    case ReferralStatus::kAcknowledged:
      return "acknowledged";
    case ReferralStatus::kPlanAgreed:
      return "plan_agreed";
    case ReferralStatus::kClosed:
      return "closed";
  }
  return "?";
}

std::optional<ReferralStatus> ParseReferralStatus(std::string_view text) {
  for (ReferralStatus s : {ReferralStatus::kRaised, ReferralStatus::kAcknowledged,
                           ReferralStatus::kPlanAgreed, ReferralStatus::kClosed}) {
    if (ReferralStatusName(s) == text) return s;
  }
  if (text == "plan agreed") return ReferralStatus::kPlanAgreed;
  return std::nullopt;
}

const std::vector<std::string>& ReferralOutcomes() {
  static const std::vector<std::string> outcomes = {
      "support_in_school", "early_help",  "ehc_assessment",    "ap_placement",
      "managed_move",      "social_care", "no_further_action", "permanently_excluded",
      "left_education",    "moved_away"};
  return outcomes;
}

// ---------------------------------------------------------------- school days

SchoolDays::SchoolDays(const StoreState& state, const StoreCalendar& calendar)
    : s_(state), calendar_(calendar) {}

const std::vector<int32_t>& SchoolDays::Of(uint32_t school, int32_t after) const {
  const size_t slot = std::min<size_t>(school, s_.schools.size());
  if (cache_.empty()) cache_.resize(s_.schools.size() + 1);
  Known& known = cache_[slot];
  const auto& dates = calendar_.dates();
  // The first calendar date after `after`.
  const auto from =
      static_cast<size_t>(std::upper_bound(dates.begin(), dates.end(), after) - dates.begin());
  if (known.from <= from) return known.days;
  const size_t to = std::min(known.from, dates.size());  // dates [from, to) to work out
  known.from = from;
  // Up to 40 of the school's enrolments: a date is a school day when one of
  // them has a mark that is not a planned closure (#) on it.
  if (sample_.empty() && s_.schools.size() > 0) {
    // One pass over the enrolments, once: up to 40 of each school's; and
    // where each date's marks are.
    marks_ = s_.marks.Locate(dates);
    sample_.resize(s_.schools.size());
    for (size_t e = 0; e < s_.enrolments.size(); ++e) {
      const uint32_t sc = s_.enrolments.school[e];
      if (sc < sample_.size() && sample_[sc].size() < 40) {
        sample_[sc].push_back(static_cast<uint32_t>(e));
      }
    }
  }
  static const std::vector<uint32_t> kNone;
  const std::vector<uint32_t>& slots = school < sample_.size() ? sample_[school] : kNone;
  static const MarkCode closed = ParseMarkCode("#").value_or(kNoMark);
  std::vector<int32_t> earlier;
  if (!slots.empty() && (!s_.marks.blocks.empty() || !s_.marks.days.empty())) {
    for (size_t i = from; i < to; ++i) {
      bool open = false;
      for (uint32_t e : slots) {
        const uint8_t* m = marks_[i].at(e);
        if (m != nullptr &&
            ((m[0] != kNoMark && m[0] != closed) || (m[1] != kNoMark && m[1] != closed))) {
          open = true;
          break;
        }
      }
      if (open) earlier.push_back(dates[i]);
    }
  } else {
    earlier.assign(dates.begin() + static_cast<std::ptrdiff_t>(from),
                   dates.begin() + static_cast<std::ptrdiff_t>(to));
  }
  known.days.insert(known.days.begin(), earlier.begin(), earlier.end());
  return known.days;
}

int SchoolDays::Between(uint32_t school, int32_t from, int32_t to) const {
  if (to <= from) return 0;
  const auto& d = Of(school, from);
  return static_cast<int>(std::upper_bound(d.begin(), d.end(), to) -
                          std::upper_bound(d.begin(), d.end(), from));
}

int32_t SchoolDays::NthAfter(uint32_t school, int32_t from, int n) const {
  const auto& d = Of(school, from);
  auto it = std::upper_bound(d.begin(), d.end(), from);
  const auto left = d.end() - it;
  if (n < 1) return kNoDate;
  if (n <= left) return *(it + (n - 1));
  // Past the calendar's last school day the holidays are not known yet:
  // weekdays, for a deadline to show (a day with marks will move it).
  int32_t day = d.empty() ? from : std::max(from, d.back());
  for (int k = static_cast<int>(left); k < n;) {
    ++day;
    if (Date{day}.IsWeekday()) ++k;
  }
  return day;
}

int32_t SchoolDays::EarliestNthAfter(int32_t from, int n) const {
  if (n < 1) return kNoDate;
  const int64_t key = (static_cast<int64_t>(from) << 32) | static_cast<uint32_t>(n);
  auto [it, fresh] = earliest_.try_emplace(key, from);
  if (!fresh) return it->second;
  const auto& dates = calendar_.dates();
  int32_t day = from;
  for (int k = 0; k < n;) {
    ++day;
    if (Date{day}.IsWeekday() || std::binary_search(dates.begin(), dates.end(), day)) ++k;
  }
  it->second = day;
  return day;
}

// ---------------------------------------------------------------- routing

Routing RouteReferral(const StoreState& s, uint32_t school, int16_t home_la, int32_t day,
                      const std::vector<LipaTerms>& lipas) {
  Routing r;
  const bool known_school = school < s.schools.size();
  const std::string trust = known_school ? s.schools.trust_id[school] : std::string();
  const int school_la = known_school ? s.schools.la_code[school] : 0;
  const std::string school_text =
      known_school ? fmt::format("{} (URN {})", s.schools.name[school], s.schools.urn[school])
                   : std::string("no school on roll");
  auto find = [&](int la) -> const LipaTerms* {
    for (const LipaTerms& l : lipas) {
      if (l.trust_id == trust && l.la_code == la && l.ActiveOn(day)) return &l;
    }
    return nullptr;
  };
  const LipaTerms* lipa = nullptr;
  std::string via;
  if (!trust.empty()) {
    // The home LA holds the duties for the child, so the trust's agreement
    // with the home LA routes it; failing that, its agreement with the LA
    // the school is in.
    lipa = find(home_la);
    if (lipa == nullptr && school_la != home_la) {
      lipa = find(school_la);
      if (lipa != nullptr) {
        via = fmt::format(
            " (no LIPA between trust {} and the home LA {:03d}: routed under the "
            "school's LA's agreement; LA {:03d} inclusion team informed)",
            trust, home_la, home_la);
      }
    }
  }
  if (lipa != nullptr) {
    r.agreement_id = lipa->agreement_id;
    r.acknowledge_within = lipa->acknowledge_within;
    r.plan_within = lipa->plan_within;
    r.escalation = lipa->escalation.empty() ? DefaultSteps() : lipa->escalation;
    r.routed_to =
        fmt::format("{}; LA {:03d} link officer: {}; trust {} inclusion lead: {}{}", school_text,
                    lipa->la_code, lipa->link_officer, trust, lipa->inclusion_lead, via);
    if (!lipa->panel.empty()) {
      std::string panel;
      for (const PanelMember& m : lipa->panel) {
        panel += fmt::format("{}{} ({}, to respond within {} school days)",
                             panel.empty() ? "" : ", ", m.name, m.agency,
                             m.respond_within > 0 ? m.respond_within : lipa->plan_within);
      }
      r.routed_to += "; panel: " + panel;
    }
    return r;
  }
  r.escalation = DefaultSteps();
  if (!trust.empty()) {
    r.routed_to = fmt::format(
        "{}; trust {} (no LIPA with LA {:03d}: the national standards apply); LA {:03d} inclusion "
        "team",
        school_text, trust, home_la, home_la);
  } else {
    r.routed_to = fmt::format("{}; LA {:03d} inclusion team", school_text, home_la);
    if (known_school && school_la != home_la) {
      r.routed_to += fmt::format(" (the home LA); LA {:03d} (the school's LA) informed", school_la);
    }
  }
  return r;
}

std::vector<uint32_t> RaiseReferrals(const StoreState& s, const FlagTable& history,
                                     const std::vector<uint32_t>& new_flag_rows, int32_t day,
                                     const std::vector<LipaTerms>& lipas,
                                     ReferralTable* referrals) {
  std::vector<uint32_t> changed;
  // The open referral (the latest, if more than one) of each pupil with a
  // new flag, kept by the pupil's rank among them: a day's thousands of
  // pupils are picked out of a million open referrals without an index of
  // every pupil's.
  size_t pupils = s.pupils.size();
  for (uint32_t f : new_flag_rows) pupils = std::max<size_t>(pupils, history.pupil[f] + size_t{1});
  PupilBits flagged;
  flagged.Clear(pupils);
  for (uint32_t f : new_flag_rows) flagged.Add(history.pupil[f]);
  std::vector<uint32_t> open(flagged.Rank(), kNoIndex);
  // The pupil's place in `open`, or null when the pupil has no new flag.
  const auto open_slot = [&](uint32_t pupil) -> uint32_t* {
    return flagged.Contains(pupil) ? &open[flagged.RankOf(pupil)] : nullptr;
  };
  for (size_t r = 0; r < referrals->size(); ++r) {
    if (referrals->status[r] == static_cast<uint8_t>(ReferralStatus::kClosed)) continue;
    if (uint32_t* slot = open_slot(referrals->pupil[r])) *slot = static_cast<uint32_t>(r);
  }
  ReserveRows(*referrals, referrals->size() + new_flag_rows.size());
  // Routes depend on the school and the home LA only (on the one day):
  // worked out once for each pair. The text many referrals share (a route's
  // agreement and people, the school's trust, a trigger id) is kept once,
  // and their rows are views of it: a first run raises a million.
  const auto shared = std::make_shared<std::deque<std::string>>();
  auto keep = [&](std::string_view text) -> std::string_view { return shared->emplace_back(text); };
  struct Route {
    std::string_view agreement_id, routed_to, trust_id;
    int acknowledge_within, plan_within;
  };
  std::unordered_map<uint64_t, Route> routes;
  std::unordered_map<std::string_view, std::string_view> trigger_text;
  for (uint32_t f : new_flag_rows) {
    const uint32_t pupil = history.pupil[f];
    const std::string_view trigger = history.trigger_id[f];
    uint32_t& open_referral = *open_slot(pupil);
    if (open_referral != kNoIndex) {
      const uint32_t r = open_referral;
      if (!HasTrigger(referrals->triggers[r], trigger)) {
        referrals->triggers.Set(r, fmt::format("{};{}", referrals->triggers[r], trigger));
        AddNote(&referrals->notes, r, day, {"flag ", trigger, " raised: ", history.reason[f]});
        changed.push_back(r);
      }
      continue;
    }
    const uint32_t school = history.school[f];
    const int16_t home_la = pupil < s.pupils.size() ? s.pupils.home_la[pupil] : int16_t{0};
    const uint64_t route_key = (uint64_t{school} << 16) | static_cast<uint16_t>(home_la);
    auto route_it = routes.find(route_key);
    if (route_it == routes.end()) {
      const Routing routing = RouteReferral(s, school, home_la, day, lipas);
      const Route made{keep(routing.agreement_id), keep(routing.routed_to),
                       keep(school < s.schools.size() ? s.schools.trust_id[school] : ""),
                       routing.acknowledge_within, routing.plan_within};
      route_it = routes.emplace(route_key, made).first;
    }
    const Route& route = route_it->second;
    auto trigger_it = trigger_text.find(trigger);
    if (trigger_it == trigger_text.end()) {
      trigger_it = trigger_text.emplace(trigger, keep(trigger)).first;
    }
    const uint32_t r = static_cast<uint32_t>(referrals->size());
    referrals->pupil.push_back(pupil);
    referrals->school.push_back(school);
    referrals->home_la.push_back(home_la);
    referrals->trust_id.push_back_view(route.trust_id, shared);
    referrals->triggers.push_back_view(trigger_it->second, shared);
    referrals->agreement_id.push_back_view(route.agreement_id, shared);
    referrals->routed_to.push_back_view(route.routed_to, shared);
    referrals->raised_date.push_back(day);
    referrals->status.push_back(static_cast<uint8_t>(ReferralStatus::kRaised));
    referrals->acknowledged_date.push_back(kNoDate);
    referrals->plan_date.push_back(kNoDate);
    referrals->closed_date.push_back(kNoDate);
    referrals->outcome.push_back({});
    referrals->acknowledge_days.push_back(
        static_cast<uint8_t>(std::clamp(route.acknowledge_within, 1, 255)));
    referrals->plan_days.push_back(static_cast<uint8_t>(std::clamp(route.plan_within, 1, 255)));
    referrals->escalation_level.push_back(0);
    referrals->escalated_date.push_back(kNoDate);
    referrals->raise_flag.push_back(f + 1);  // the raise note: the flag's reason
    referrals->notes.push_back({});
    open_referral = r;
    changed.push_back(r);
  }
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  return changed;
}

std::string ReferralNotes(const ReferralTable& referrals, size_t row, const FlagTable& history) {
  const uint32_t flag = referrals.raise_flag[row];
  if (flag == 0 || flag > history.size()) return std::string(referrals.notes[row]);
  std::string notes;
  AddNote(&notes, referrals.raised_date[row],
          {"flag ", history.trigger_id[flag - 1], " raised: ", history.reason[flag - 1]});
  if (!referrals.notes[row].empty()) notes.append(" | ").append(referrals.notes[row]);
  return notes;
}

// ---------------------------------------------------------------- clocks

ReferralClock ClockOf(const ReferralTable& r, size_t row, int32_t day, const SchoolDays& days,
                      size_t steps) {
  ReferralClock c;
  const uint32_t school = r.school[row];
  const int32_t raised = r.raised_date[row];
  const int32_t closed = r.closed_date[row];
  const int32_t end = closed != kNoDate ? std::min(closed, day) : day;
  const int ack_days = r.acknowledge_days[row], plan_days = r.plan_days[row];
  c.open_days = days.Between(school, raised, end);
  const int32_t ack = r.acknowledged_date[row], plan = r.plan_date[row];
  if (ack != kNoDate && ack <= day) c.to_acknowledge = days.Between(school, raised, ack);
  if (plan != kNoDate && plan <= day) c.to_plan = days.Between(school, raised, plan);
  // The first school day past each standard.
  const int32_t ack_late_on = days.NthAfter(school, raised, ack_days + 1);
  const int32_t plan_late_on = days.NthAfter(school, raised, plan_days + 1);
  auto late = [&](int32_t late_on, int32_t done) {
    // Breached when the standard's next school day came (by the day, and
    // before the response or the closing).
    if (late_on == kNoDate || late_on > day) return false;
    const int32_t stop = std::min(done, closed);
    return stop == kNoDate || stop >= late_on;
  };
  c.acknowledge_breached = late(ack_late_on, ack);
  c.plan_breached = late(plan_late_on, plan);
  if (c.acknowledge_breached) {
    c.escalation_due = 1;
    c.escalation_due_on = ack_late_on;
  }
  if (c.plan_breached) {
    c.escalation_due = 2;
    c.escalation_due_on = plan_late_on;
    // One more step for each further plan period without a plan.
    for (int k = 2;; ++k) {
      const int32_t on = days.NthAfter(school, raised, plan_days * k + 1);
      if (!late(on, plan)) break;
      c.escalation_due = k + 1;
      c.escalation_due_on = on;
      if (static_cast<size_t>(c.escalation_due) >= steps) break;
    }
  }
  if (static_cast<size_t>(c.escalation_due) > steps) {
    c.escalation_due = static_cast<int>(steps);
  }
  if (closed == kNoDate) {
    if (ack == kNoDate) {
      c.next_deadline = days.NthAfter(school, raised, ack_days);
    } else if (plan == kNoDate) {
      c.next_deadline = days.NthAfter(school, raised, plan_days);
    }
  }
  return c;
}

std::vector<uint32_t> EscalateReferrals(int32_t day, const SchoolDays& days,
                                        const std::vector<LipaTerms>& lipas,
                                        ReferralTable* referrals) {
  std::vector<uint32_t> changed;
  // Each agreement's escalation steps (the last agreement listed with the
  // id and steps of its own), else the default steps.
  std::unordered_map<std::string_view, const std::vector<std::string>*> steps_of;
  std::unordered_map<std::string_view, const LipaTerms*> panel_of;
  size_t most_steps = DefaultSteps().size();
  for (const LipaTerms& l : lipas) {
    if (!l.escalation.empty()) steps_of[l.agreement_id] = &l.escalation;
    if (!l.panel.empty()) panel_of[l.agreement_id] = &l;
    most_steps = std::max(most_steps, l.escalation.size());
  }
  for (size_t r = 0; r < referrals->size(); ++r) {
    if (referrals->status[r] == static_cast<uint8_t>(ReferralStatus::kClosed)) continue;
    // At the last step of any pathway: nothing further can fall due.
    const int level = referrals->escalation_level[r];
    if (static_cast<size_t>(level) >= most_steps) continue;
    // The next step cannot fall due before the first school day past its
    // standard (ClockOf): the shorter one for the first step; then the
    // plan's, once more for each step taken. Most referrals stop here.
    const int next_standard =
        level == 0 ? std::min(referrals->acknowledge_days[r], referrals->plan_days[r])
                   : referrals->plan_days[r] * level;
    // A bound from the calendar first, which reads no marks.
    if (days.EarliestNthAfter(referrals->raised_date[r], next_standard + 1) > day) continue;
    const int32_t earliest_breach =
        days.NthAfter(referrals->school[r], referrals->raised_date[r], next_standard + 1);
    if (earliest_breach == kNoDate || earliest_breach > day) continue;
    auto found = steps_of.find(referrals->agreement_id[r]);
    const std::vector<std::string>& steps =
        found == steps_of.end() ? DefaultSteps() : *found->second;
    const ReferralClock c = ClockOf(*referrals, r, day, days, steps.size());
    if (c.escalation_due <= referrals->escalation_level[r]) continue;
    for (int level = referrals->escalation_level[r] + 1; level <= c.escalation_due; ++level) {
      const bool ack_step = level == 1;
      std::string note =
          fmt::format("escalated to step {} ({}): {}", level, steps[static_cast<size_t>(level - 1)],
                      ack_step ? fmt::format("not acknowledged within {} school days",
                                             referrals->acknowledge_days[r])
                               : fmt::format("no plan agreed within {} school days",
                                             referrals->plan_days[r] * (level - 1)));
      // The last step brings in the agreement's multi-agency panel, each
      // member with a response due by their own standard.
      auto panel = panel_of.find(referrals->agreement_id[r]);
      if (static_cast<size_t>(level) == steps.size() && panel != panel_of.end()) {
        note += "; panel responses due:";
        for (size_t i = 0; i < panel->second->panel.size(); ++i) {
          const PanelMember& m = panel->second->panel[i];
          const int within = m.respond_within > 0 ? m.respond_within : referrals->plan_days[r];
          note += fmt::format(
              "{} {} ({}) by {}", i ? "," : "", m.name, m.agency,
              DateText(days.NthAfter(referrals->school[r], c.escalation_due_on, within)));
        }
      }
      AddNote(&referrals->notes, r, c.escalation_due_on, {note});
    }
    referrals->escalation_level[r] = static_cast<uint8_t>(c.escalation_due);
    referrals->escalated_date[r] = c.escalation_due_on;
    changed.push_back(static_cast<uint32_t>(r));
  }
  return changed;
}

Status UpdateReferral(ReferralTable* t, size_t row, ReferralStatus to, int32_t on,
                      std::string_view outcome, std::string_view note) {
  if (row >= t->size()) return Status::NotFound(fmt::format("no referral {}", row + 1));
  const auto from = static_cast<ReferralStatus>(t->status[row]);
  if (from == ReferralStatus::kClosed) {
    return Status::FailedPrecondition(fmt::format("referral {} is closed", row + 1));
  }
  if (on < t->raised_date[row]) {
    return Status::InvalidArgument(fmt::format("{} is before the referral was raised ({})",
                                               DateText(on), DateText(t->raised_date[row])));
  }
  auto after = [&](int32_t d, const char* what) -> Status {
    if (d != kNoDate && on < d) {
      return Status::InvalidArgument(
          fmt::format("{} is before the referral was {} ({})", DateText(on), what, DateText(d)));
    }
    return Status::Ok();
  };
  LANTERN_RETURN_IF_ERROR(after(t->acknowledged_date[row], "acknowledged"));
  LANTERN_RETURN_IF_ERROR(after(t->plan_date[row], "given a plan"));
  switch (to) {
    case ReferralStatus::kRaised:
      return Status::InvalidArgument("a referral cannot be set back to raised");
    case ReferralStatus::kAcknowledged:
      if (from != ReferralStatus::kRaised) {
        return Status::FailedPrecondition(
            fmt::format("referral {} is already {}", row + 1, ReferralStatusName(from)));
      }
      t->acknowledged_date[row] = on;
      break;
    case ReferralStatus::kPlanAgreed:
      if (from == ReferralStatus::kPlanAgreed) {
        return Status::FailedPrecondition(fmt::format("referral {} has a plan already", row + 1));
      }
      if (t->acknowledged_date[row] == kNoDate) t->acknowledged_date[row] = on;
      t->plan_date[row] = on;
      break;
    case ReferralStatus::kClosed: {
      const auto& known = ReferralOutcomes();
      if (std::find(known.begin(), known.end(), outcome) == known.end()) {
        std::string list;
        for (const auto& o : known) list += (list.empty() ? "" : ", ") + o;
        return Status::InvalidArgument(fmt::format("closing needs an outcome, one of: {}", list));
      }
      if (t->acknowledged_date[row] == kNoDate) t->acknowledged_date[row] = on;
      t->closed_date[row] = on;
      t->outcome.Set(row, outcome);
      break;
    }
  }
  t->status[row] = static_cast<uint8_t>(to);
  AddNote(&t->notes, row, on,
          {fmt::format("{}{}{}", ReferralStatusName(to),
                       outcome.empty() ? "" : " (" + std::string(outcome) + ")",
                       note.empty() ? "" : ": " + std::string(note))});
  return Status::Ok();
}

}  // namespace lantern
