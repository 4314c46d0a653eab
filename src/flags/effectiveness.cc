// OUT/lipa_effectiveness.csv: evidence of each LIPA's effectiveness
// (docs/early-warning.md): response times against its standards,
// referrals by outcome, and the flagged pupils who went on to be
// permanently excluded or to leave education. Figures about pupils pass
// the one disclosure rule (suppress/disclosure.h) with the policy's
// threshold: counts of 1 or 2 and the percentages and medians built on
// them are c, and the outcome counts, a complete breakdown of the closed
// referrals, are suppressed together where one is.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <vector>

#include "common/csv_writer.h"
#include "common/file_util.h"
#include "flags/run.h"
#include "suppress/disclosure.h"

namespace lantern {

namespace {

struct Group {
  std::string agreement_id, trust_id;
  int la = 0;
  int lipa_la = -1;  // the agreement's LA, when one of the agreements names it
  int ack_standard = 0, plan_standard = 0;
  int64_t referrals = 0, acknowledged = 0, ack_on_time = 0, plans = 0, plan_on_time = 0;
  // Responses due by the day: given, or past the standard without one.
  int64_t ack_due = 0, plan_due = 0;
  int64_t escalated = 0, open = 0, closed = 0;
  std::vector<int> ack_days, plan_days;
  std::map<std::string, int64_t> outcomes;
  // Pupils referred, and of them excluded and left (with repeats until
  // counted: sorted and made unique before the row is written).
  std::vector<uint32_t> pupils, excluded, left;
};

size_t Distinct(std::vector<uint32_t>* v) {
  std::sort(v->begin(), v->end());
  return static_cast<size_t>(std::unique(v->begin(), v->end()) - v->begin());
}

std::string Median(std::vector<int> v) {
  if (v.empty()) return "z";
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  const double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  return fmt::format("{:g}", m);
}

}  // namespace

Status WriteLipaEffectiveness(const StoreState& s, const FlagTable& flags,
                              const ReferralTable& referrals, int32_t day,
                              const std::string& out_dir, const std::vector<LipaTerms>& lipas,
                              int threshold, const SchoolDays& days) {
  // The first day each pupil was flagged.
  // By pupil row: the first day flagged, the last permanent exclusion and
  // the last exit to home education or no known school by the day.
  std::vector<int32_t> first_flag(s.pupils.size(), kNoDate), pex(s.pupils.size(), kNoDate),
      exit(s.pupils.size(), kNoDate);
  auto at = [](std::vector<int32_t>& v, uint32_t pupil) -> int32_t& {
    if (pupil >= v.size()) v.resize(static_cast<size_t>(pupil) + 1, kNoDate);
    return v[pupil];
  };
  for (size_t i = 0; i < flags.size(); ++i) {
    int32_t& f = at(first_flag, flags.pupil[i]);
    if (f == kNoDate || flags.since[i] < f) f = flags.since[i];
  }
  for (size_t i = 0; i < s.suspensions.size(); ++i) {
    if (s.suspensions.category[i] ==
            static_cast<uint8_t>(SuspensionCategory::kPermanentExclusion) &&
        s.suspensions.start_date[i] <= day) {
      int32_t& d = at(pex, s.suspensions.pupil[i]);
      if (d == kNoDate || s.suspensions.start_date[i] > d) d = s.suspensions.start_date[i];
    }
  }
  for (size_t i = 0; i < s.enrolments.size(); ++i) {
    const auto reason = static_cast<LeavingReason>(s.enrolments.leaving_reason[i]);
    if ((reason == LeavingReason::kEhe || reason == LeavingReason::kCme) &&
        s.enrolments.leaving_date[i] <= day) {
      int32_t& d = at(exit, s.enrolments.pupil[i]);
      if (d == kNoDate || s.enrolments.leaving_date[i] > d) d = s.enrolments.leaving_date[i];
    }
  }
  // One row per agreement (or per trust and home LA where none applied),
  // in the order of their keys.
  std::vector<Group> group_list;
  std::vector<std::string> group_keys;
  // By agreement; where none applied, by trust and home LA (the views are
  // of the referrals' columns).
  std::unordered_map<std::string_view, size_t> by_agreement;
  struct TrustLaHash {
    size_t operator()(const std::pair<std::string_view, int>& k) const {
      return std::hash<std::string_view>()(k.first) * 31 + static_cast<size_t>(k.second);
    }
  };
  std::unordered_map<std::pair<std::string_view, int>, size_t, TrustLaHash> by_trust_la;
  for (size_t r = 0; r < referrals.size(); ++r) {
    const std::string_view agreement = referrals.agreement_id[r];
    const size_t next = group_list.size();
    const size_t gi =
        agreement.empty()
            ? by_trust_la.try_emplace({referrals.trust_id[r], referrals.home_la[r]}, next)
                  .first->second
            : by_agreement.try_emplace(agreement, next).first->second;
    if (gi == next) {
      group_list.emplace_back();
      group_keys.push_back(
          agreement.empty() ? fmt::format("none|{}|{}", referrals.trust_id[r], referrals.home_la[r])
                            : std::string(agreement));
      Group& g = group_list.back();
      g.agreement_id = agreement;
      for (const LipaTerms& l : lipas) {
        if (l.agreement_id == g.agreement_id) g.lipa_la = l.la_code;
      }
    }
    Group& g = group_list[gi];
    // The LA party to the agreement, else (as the trust and standards) the
    // last referral's.
    g.trust_id = referrals.trust_id[r];
    g.la = g.lipa_la >= 0 ? g.lipa_la : referrals.home_la[r];
    g.ack_standard = referrals.acknowledge_days[r];
    g.plan_standard = referrals.plan_days[r];
    ++g.referrals;
    // School days to each response made by the day (the referral's clock,
    // ClockOf, for these two only).
    // A response not given counts as missing its standard once the
    // standard has passed: by the day, or by the referral's closing.
    const int32_t ack = referrals.acknowledged_date[r], plan = referrals.plan_date[r];
    const int32_t closed = referrals.closed_date[r];
    const int32_t waited_to = closed != kNoDate && closed <= day ? closed : day;
    const int waited = days.Between(referrals.school[r], referrals.raised_date[r], waited_to);
    if (ack != kNoDate && ack <= day) {
      const int to_acknowledge = days.Between(referrals.school[r], referrals.raised_date[r], ack);
      ++g.acknowledged;
      ++g.ack_due;
      g.ack_days.push_back(to_acknowledge);
      g.ack_on_time += to_acknowledge <= referrals.acknowledge_days[r];
    } else if (waited > referrals.acknowledge_days[r]) {
      ++g.ack_due;
    }
    if (plan != kNoDate && plan <= day) {
      const int to_plan = days.Between(referrals.school[r], referrals.raised_date[r], plan);
      ++g.plans;
      ++g.plan_due;
      g.plan_days.push_back(to_plan);
      g.plan_on_time += to_plan <= referrals.plan_days[r];
    } else if (waited > referrals.plan_days[r]) {
      ++g.plan_due;
    }
    g.escalated += referrals.escalation_level[r] > 0;
    if (referrals.status[r] == static_cast<uint8_t>(ReferralStatus::kClosed)) {
      ++g.closed;
      ++g.outcomes[std::string(referrals.outcome[r])];
    } else {
      ++g.open;
    }
    const uint32_t p = referrals.pupil[r];
    g.pupils.push_back(p);
    const int32_t first = p < first_flag.size() ? first_flag[p] : kNoDate;
    const int32_t since = first == kNoDate ? referrals.raised_date[r] : first;
    if (p < pex.size() && pex[p] != kNoDate && pex[p] >= since) g.excluded.push_back(p);
    if (p < exit.size() && exit[p] != kNoDate && exit[p] >= since) g.left.push_back(p);
  }
  std::vector<size_t> order(group_list.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return group_keys[a] < group_keys[b]; });

  const auto& outcomes = ReferralOutcomes();
  std::vector<std::string_view> header = {"agreement_id",
                                          "trust_id",
                                          "la_code",
                                          "acknowledge_standard_days",
                                          "plan_standard_days",
                                          "referrals",
                                          "acknowledged",
                                          "acknowledgements_due",
                                          "acknowledged_within_standard_percent",
                                          "median_days_to_acknowledge",
                                          "plans_agreed",
                                          "plans_due",
                                          "plans_within_standard_percent",
                                          "median_days_to_plan",
                                          "escalated",
                                          "open",
                                          "closed"};
  std::vector<std::string> outcome_cols;
  for (const auto& o : outcomes) outcome_cols.push_back("closed_" + o);
  for (const auto& c : outcome_cols) header.push_back(c);
  for (std::string_view c :
       {"flagged_pupils", "flagged_then_permanently_excluded", "flagged_then_left_education"}) {
    header.push_back(c);
  }
  auto w = CsvWriter::InMemory();
  w->Row(header);
  auto count = [&](int64_t n) -> std::string {
    return IsDisclosive(n, threshold) ? "c" : std::to_string(n);
  };
  auto percent = [&](int64_t num, int64_t den) -> std::string {
    if (den == 0) return "z";
    if (IsDisclosive(num, threshold) || IsDisclosive(den, threshold)) return "c";
    return fmt::format("{:.1f}", 100.0 * static_cast<double>(num) / static_cast<double>(den));
  };
  for (size_t gi : order) {
    Group& g = group_list[gi];
    w->Field(g.agreement_id.empty() ? "none" : g.agreement_id).Field(g.trust_id);
    w->Raw(fmt::format("{:03d}", g.la)).Int(g.ack_standard).Int(g.plan_standard);
    w->Raw(count(g.referrals)).Raw(count(g.acknowledged)).Raw(count(g.ack_due));
    w->Raw(percent(g.ack_on_time, g.ack_due));
    w->Raw(IsDisclosive(g.acknowledged, threshold) ? "c" : Median(g.ack_days));
    w->Raw(count(g.plans)).Raw(count(g.plan_due)).Raw(percent(g.plan_on_time, g.plan_due));
    w->Raw(IsDisclosive(g.plans, threshold) ? "c" : Median(g.plan_days));
    w->Raw(count(g.escalated)).Raw(count(g.open)).Raw(count(g.closed));
    std::vector<int64_t> cells;
    for (const auto& o : outcomes) {
      auto it = g.outcomes.find(o);
      cells.push_back(it == g.outcomes.end() ? 0 : it->second);
    }
    const std::vector<bool> hide = ChooseSuppression(cells, threshold, true);
    for (size_t i = 0; i < cells.size(); ++i) {
      w->Raw(hide[i] ? "c" : std::to_string(cells[i]));
    }
    w->Raw(count(static_cast<int64_t>(Distinct(&g.pupils))));
    w->Raw(count(static_cast<int64_t>(Distinct(&g.excluded))));
    w->Raw(count(static_cast<int64_t>(Distinct(&g.left))));
    w->EndRow();
  }
  LANTERN_RETURN_IF_ERROR(
      WriteFileAtomic(out_dir + "/lipa_effectiveness.csv", w->raw_writer().contents()));
  auto m = CsvWriter::InMemory();
  m->Row(std::vector<std::string_view>{"col_name", "description"});
  auto meta = [&](std::string_view name, std::string_view description) {
    m->Field(name).Field(description);
    m->EndRow();
  };
  meta("agreement_id",
       "The LIPA (trust x LA agreement) that routed the referrals; none: no LIPA applied (one row "
       "per trust and home LA).");
  meta("trust_id", "The academy trust of the pupil's school (empty: a maintained school).");
  meta("la_code", "The LA party to the agreement (for none: the pupil's home LA).");
  meta("acknowledge_standard_days",
       "The response standard: acknowledge within this many school days.");
  meta("plan_standard_days", "The response standard: a plan agreed within this many school days.");
  meta("referrals", "Referrals raised by new at-risk flags (count; c: 1 or 2).");
  meta("acknowledged", "Referrals acknowledged by the day.");
  meta("acknowledgements_due",
       "Referrals whose acknowledgement was due by the day: acknowledged, or not acknowledged "
       "when the standard passed (by the day, or by the referral's closing).");
  meta("acknowledged_within_standard_percent",
       "Of the acknowledgements due, the percentage acknowledged within the standard (school "
       "days: weekends, holidays and INSET days not counted); one not given by the time the "
       "standard passed is a miss. z: none due.");
  meta("median_days_to_acknowledge", "Median school days from raised to acknowledged.");
  meta("plans_agreed", "Referrals with a plan agreed by the day.");
  meta("plans_due",
       "Referrals whose plan was due by the day: a plan agreed, or none when the standard "
       "passed (by the day, or by the referral's closing).");
  meta("plans_within_standard_percent",
       "Of the plans due, the percentage agreed within the standard; one not agreed by the time "
       "the standard passed is a miss. z: none due.");
  meta("median_days_to_plan", "Median school days from raised to an agreed plan.");
  meta("escalated", "Referrals escalated at least once because a response standard was breached.");
  meta("open", "Referrals not yet closed.");
  meta("closed", "Referrals closed.");
  for (const auto& o : outcomes) {
    meta("closed_" + o, "Referrals closed with the outcome " + o +
                            " (a complete breakdown of closed: suppressed together).");
  }
  meta("flagged_pupils", "Distinct pupils referred.");
  meta("flagged_then_permanently_excluded",
       "Of them, pupils permanently excluded on or after the day they were first flagged.");
  meta("flagged_then_left_education",
       "Of them, pupils who left a roll for elective home education or to no known school "
       "(children missing education) on or after the day they were first flagged.");
  return WriteFileAtomic(out_dir + "/lipa_effectiveness.meta.csv", m->raw_writer().contents());
}

}  // namespace lantern
