#include "flags/evaluate.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "common/csv_table.h"
#include "flags/evaluate_internal.h"
#include "flags/flags.h"
#include "model/policy.h"
#include "model/upn.h"
#include "store/store.h"

namespace lantern {

namespace evaluate {

namespace {

Result<Cohort> LoadCohort(const std::string& store_dir, const std::string& outcomes_file,
                          int threads) {
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(store_dir, Store::Mode::kRead));
  LANTERN_ASSIGN_OR_RETURN(StoreState s, store->Load(true, threads));
  LANTERN_ASSIGN_OR_RETURN(AtRiskRules rules, RulesInForce(s));
  if (s.flags.size() == 0) {
    return Status::FailedPrecondition(fmt::format(
        "{} has no flag history: run `lantern flags --store {} --out DIR --from FIRST_DAY` first",
        store_dir, store_dir));
  }
  const int32_t day = StoreLastDay(s);
  Cohort c;
  for (const Trigger& t : rules.triggers) c.triggers.push_back(t.id);
  c.rows.resize(s.pupils.size());
  Policy policy;
  FlagEvaluator ev(s, rules, policy.Treatments(), StoreCalendar(s.marks.Dates()));
  std::unordered_map<uint64_t, uint32_t> by_upn;
  for (uint32_t p = 0; p < s.pupils.size(); ++p) {
    by_upn[s.pupils.upn[p]] = p;
    PupilRow& r = c.rows[p];
    const int yg = s.pupils.year_group[p];
    r.eligible[0] = r.eligible[1] = yg >= 1 && yg <= 10;
    r.eligible[2] = yg >= 9 && yg <= 11;
    r.eligible[3] = yg >= 1 && yg <= 11;
    r.trigger_first.assign(c.triggers.size(), kNoDate);
    r.fsm = s.pupils.fsm[p];
    r.sen_support = s.pupils.sen_provision[p] == static_cast<uint8_t>(SenProvision::kSupport);
    r.ehcp = s.pupils.sen_provision[p] == static_cast<uint8_t>(SenProvision::kEhcPlan);
    r.lac = s.pupils.looked_after[p];
    r.eal = s.pupils.eal[p];
    r.girl = s.pupils.sex[p] == static_cast<uint8_t>(Sex::kFemale);
    auto [attended, possible] = ev.AttendanceTotals(p, day);
    r.att = possible > 0 ? 100.0 * attended / possible : 100;
  }
  for (size_t i = 0; i < s.suspensions.size(); ++i) {
    if (s.suspensions.start_date[i] <= day) c.rows[s.suspensions.pupil[i]].susp += 1;
  }
  for (size_t i = 0; i < s.internal_units.size(); ++i) {
    if (s.internal_units.unit[i] == static_cast<uint8_t>(UnitKind::kInternalSuspension)) {
      c.rows[s.internal_units.pupil[i]].isusp += 1;
    }
  }
  for (size_t i = 0; i < s.ap_placements.size(); ++i) c.rows[s.ap_placements.pupil[i]].ap += 1;
  {
    std::set<std::pair<uint32_t, uint32_t>> seen;
    for (size_t i = 0; i < s.enrolments.size(); ++i) {
      const auto st = static_cast<EnrolStatus>(s.enrolments.status[i]);
      if ((st == EnrolStatus::kCurrent || st == EnrolStatus::kMain) &&
          seen.insert({s.enrolments.pupil[i], s.enrolments.school[i]}).second) {
        c.rows[s.enrolments.pupil[i]].schools += 1;
      }
    }
  }
  for (size_t i = 0; i < s.flags.size(); ++i) {
    PupilRow& r = c.rows[s.flags.pupil[i]];
    for (size_t k = 0; k < c.triggers.size(); ++k) {
      if (c.triggers[k] != s.flags.trigger_id[i]) continue;
      r.trigger_first[k] = std::min(r.trigger_first[k], s.flags.since[i]);
      if (c.triggers[k] == "ehcp_wait") r.ehcp_wait = 1;
    }
    r.first_flag = std::min(r.first_flag, s.flags.since[i]);
  }
  LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(outcomes_file));
  const int cu = t.Column("upn"), co = t.Column("outcome"), cd = t.Column("date");
  if (cu < 0 || co < 0 || cd < 0) {
    return Status::InvalidInput(outcomes_file + ": needs columns upn, outcome, date");
  }
  for (size_t i = 0; i < t.rows(); ++i) {
    uint64_t key = 0;
    if (ParseUpn(t.Cell(i, cu), &key) != UpnProblem::kNone) continue;
    auto it = by_upn.find(key);
    auto d = ParseIsoDate(t.Cell(i, cd));
    if (it == by_upn.end() || !d) continue;
    PupilRow& r = c.rows[it->second];
    for (int o = 0; o < 3; ++o) {
      if (t.Cell(i, co) == kOutcomes[o]) {
        r.outcome[o] = std::min(r.outcome[o], d->days);
        r.outcome[3] = std::min(r.outcome[3], d->days);
      }
    }
  }
  return c;
}

}  // namespace

std::string Metrics::Recall() const {
  return cases == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * hits / cases);
}

std::string Metrics::Precision() const {
  return flagged == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * hits / flagged);
}

std::string Metrics::Weeks() const {
  if (weeks.empty()) return "-";
  auto v = weeks;
  std::sort(v.begin(), v.end());
  return std::to_string(v[v.size() / 2]);
}

const std::vector<PupilGroup>& PupilGroups() {
  static const std::vector<PupilGroup> groups = {
      {"FSM", [](const PupilRow& r) { return r.fsm; }},
      {"not FSM", [](const PupilRow& r) { return !r.fsm; }},
      {"SEN (support or EHC plan)", [](const PupilRow& r) { return r.sen_support || r.ehcp; }},
      {"no SEN", [](const PupilRow& r) { return !r.sen_support && !r.ehcp; }},
      {"girls", [](const PupilRow& r) { return r.girl; }},
      {"boys", [](const PupilRow& r) { return !r.girl; }},
      {"EAL", [](const PupilRow& r) { return r.eal; }},
      {"not EAL", [](const PupilRow& r) { return !r.eal; }},
  };
  return groups;
}

Metrics FlagMetrics(const Cohort& c, int o, size_t k, const PupilGroup* group) {
  const bool set = k == c.triggers.size();
  Metrics m;
  for (const PupilRow& r : c.rows) {
    if (!r.eligible[o] || (group && !group->in(r))) continue;
    const int32_t first = set ? r.first_flag : r.trigger_first[k];
    const bool flagged = first != kNoDate;
    const bool y = r.outcome[o] != kNoDate;
    m.flagged += flagged;
    m.cases += y;
    if (flagged && y) {
      ++m.hits;
      m.weeks.push_back((r.outcome[o] - first) / 7);
    }
  }
  return m;
}

std::vector<double> Features(const PupilRow& r) {
  return {1.0,
          std::log1p(r.susp),
          (100.0 - r.att) / 10.0,
          std::log1p(r.isusp),
          r.ap > 0 ? 1.0 : 0.0,
          r.schools >= 2 ? 1.0 : 0.0,
          r.ehcp_wait};
}

double RoniScore(const PupilRow& r) {
  double s = 0;
  s += r.att < 90 ? 3 : 0;
  s += r.att < 80 ? 1 : 0;
  s += r.susp >= 1 ? 2 : 0;
  s += r.susp >= 3 ? 1 : 0;
  s += r.ap > 0 ? 2 : 0;
  s += r.isusp > 0 ? 1 : 0;
  s += r.schools >= 2 ? 1 : 0;
  s += r.fsm ? 1 : 0;
  s += r.sen_support ? 1 : 0;
  s += r.ehcp ? 2 : 0;
  s += r.lac ? 2 : 0;
  return s;
}

std::vector<double> FitLogistic(const std::vector<std::vector<double>>& x,
                                const std::vector<int>& y) {
  const size_t n = x.size(), p = x.empty() ? 0 : x[0].size();
  Eigen::MatrixXd X(n, p);
  Eigen::VectorXd Y(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < p; ++j) X(i, j) = x[i][j];
    Y(i) = y[i];
  }
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  for (int it = 0; it < 30; ++it) {
    Eigen::VectorXd eta = X * beta;
    Eigen::VectorXd mu = (1.0 + (-eta.array()).exp()).inverse();
    Eigen::VectorXd w = (mu.array() * (1 - mu.array())).max(1e-9);
    Eigen::MatrixXd H = X.transpose() * w.asDiagonal() * X;
    H.diagonal().array() += 1e-6;  // a whisper of ridge keeps a separated feature finite
    Eigen::VectorXd step = H.ldlt().solve(X.transpose() * (Y - mu));
    beta += step;
    if (step.norm() < 1e-8) break;
  }
  return std::vector<double>(beta.data(), beta.data() + beta.size());
}

Metrics AtEqualPrecision(const Cohort& c, int o, const std::vector<double>& score, double target,
                         double* threshold) {
  std::vector<std::pair<double, int>> s;
  int64_t cases = 0;
  for (size_t p = 0; p < c.rows.size(); ++p) {
    if (!c.rows[p].eligible[o]) continue;
    const int y = c.rows[p].outcome[o] != kNoDate;
    cases += y;
    s.push_back({score[p], y});
  }
  std::sort(s.begin(), s.end(), [](auto& a, auto& b) { return a.first > b.first; });
  Metrics best;
  best.cases = cases;
  double best_gap = 1e9;
  int64_t hits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    hits += s[i].second;
    if (i + 1 < s.size() && s[i + 1].first == s[i].first) continue;  // whole ties only
    const int64_t flagged = static_cast<int64_t>(i + 1);
    if (flagged < kMinFlagged) continue;
    const double precision = static_cast<double>(hits) / flagged;
    const double gap = std::abs(precision - target);
    if (gap < best_gap) {
      best_gap = gap;
      best.flagged = flagged;
      best.hits = hits;
      *threshold = s[i].first;
    }
  }
  return best;
}

namespace {

std::string Percent(int64_t num, int64_t den) {
  return den == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * num / den);
}

// One row of the by-group table: a group and its complement side by side.
std::string GroupPairRow(const Cohort& test, int o, size_t k, const PupilGroup& a,
                         const PupilGroup& b) {
  const Metrics ma = FlagMetrics(test, o, k, &a), mb = FlagMetrics(test, o, k, &b);
  int64_t na = 0, nb = 0;
  for (const PupilRow& r : test.rows) {
    if (!r.eligible[o]) continue;
    na += a.in(r);
    nb += b.in(r);
  }
  return fmt::format(
      "| {} | {} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} |\n", kOutcomes[o],
      k == test.triggers.size() ? "**the rule set**" : test.triggers[k], a.name, b.name,
      Percent(ma.flagged, na), Percent(mb.flagged, nb), Percent(ma.cases, na),
      Percent(mb.cases, nb), ma.Recall(), mb.Recall(), ma.Precision(), mb.Precision(),
      Percent(ma.flagged - ma.hits, na - ma.cases), Percent(mb.flagged - mb.hits, nb - mb.cases));
}

}  // namespace

std::string EvaluationReport(const std::vector<Cohort>& train, const Cohort& test) {
  const size_t set = test.triggers.size();  // the rule set's index in FlagMetrics
  std::string out;
  out += "| outcome | flag | pupils flagged | recall | precision | median weeks ahead |\n";
  out += "| --- | --- | ---: | ---: | ---: | ---: |\n";
  std::vector<Metrics> set_metrics(kOutcomeCount);
  for (int o = 0; o < kOutcomeCount; ++o) {
    for (size_t k = 0; k <= set; ++k) {
      const Metrics m = FlagMetrics(test, o, k);
      if (k == set) set_metrics[o] = m;
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", kOutcomes[o],
                         k == set ? "**the rule set**" : test.triggers[k], m.flagged, m.Recall(),
                         m.Precision(), m.Weeks());
    }
  }
  // By group, the rule set against any outcome, with the counts.
  out += "\n| group | pupils | with an outcome | flagged | recall | precision |\n";
  out += "| --- | ---: | ---: | ---: | ---: | ---: |\n";
  for (const PupilGroup& g : PupilGroups()) {
    int64_t n = 0;
    for (const PupilRow& r : test.rows) n += r.eligible[kAny] && g.in(r);
    const Metrics m = FlagMetrics(test, kAny, set, &g);
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", g.name, n, m.cases, m.flagged,
                       m.Recall(), m.Precision());
  }
  // By group, each trigger against any outcome and the rule set against
  // each outcome: a group beside its complement, each figure a share of
  // the group's eligible pupils (flagged, with the outcome), of those with
  // the outcome (recall), of those flagged (precision) and of those without
  // the outcome (flagged without it: the false-positive rate). A flag that
  // takes more of one group than its outcomes warrant shows as more of the
  // group flagged without the outcome.
  out +=
      "\n| outcome | flag | groups | flagged | with the outcome | recall | precision | flagged "
      "without the outcome |\n";
  out += "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
  const std::vector<PupilGroup>& groups = PupilGroups();
  auto group_rows = [&](int o, size_t k) {
    for (size_t g = 0; g + 1 < groups.size(); g += 2) {
      out += GroupPairRow(test, o, k, groups[g], groups[g + 1]);
    }
  };
  for (size_t k = 0; k <= set; ++k) group_rows(kAny, k);
  for (int o = 0; o < kAny; ++o) group_rows(o, set);
  // The comparators at the rule set's precision.
  out += "\n| outcome | method | pupils flagged | recall | precision |\n";
  out += "| --- | --- | ---: | ---: | ---: |\n";
  for (int o = 0; o < kOutcomeCount; ++o) {
    std::vector<std::vector<double>> x;
    std::vector<int> y;
    for (const Cohort& c : train) {
      for (const PupilRow& r : c.rows) {
        if (!r.eligible[o]) continue;
        x.push_back(Features(r));
        y.push_back(r.outcome[o] != kNoDate);
      }
    }
    const std::vector<double> beta = FitLogistic(x, y);
    std::vector<double> logit(test.rows.size()), roni(test.rows.size());
    for (size_t p = 0; p < test.rows.size(); ++p) {
      const auto f = Features(test.rows[p]);
      double eta = 0;
      for (size_t j = 0; j < f.size() && j < beta.size(); ++j) eta += beta[j] * f[j];
      logit[p] = eta;
      roni[p] = RoniScore(test.rows[p]);
    }
    const Metrics& ms = set_metrics[o];
    const double target = ms.flagged ? static_cast<double>(ms.hits) / ms.flagged : 0;
    double t_roni = 0, t_logit = 0;
    const Metrics mr = AtEqualPrecision(test, o, roni, target, &t_roni);
    const Metrics ml = AtEqualPrecision(test, o, logit, target, &t_logit);
    out += fmt::format("| {} | the rule set | {} | {} | {} |\n", kOutcomes[o], ms.flagged,
                       ms.Recall(), ms.Precision());
    // With too few eligible pupils for any threshold, nothing to compare.
    auto figures = [](const Metrics& m) {
      return m.flagged == 0 ? std::string("- | - | -")
                            : fmt::format("{} | {} | {}", m.flagged, m.Recall(), m.Precision());
    };
    out += fmt::format("| {} | weighted score (RONI-style), score >= {} | {} |\n", kOutcomes[o],
                       mr.flagged ? fmt::format("{}", t_roni) : "-", figures(mr));
    out += fmt::format(
        "| {} | logistic model ({}) | {} |\n", kOutcomes[o],
        train.size() == 1 ? "earlier cohort" : fmt::format("{} earlier cohorts", train.size()),
        figures(ml));
  }
  return out;
}

}  // namespace evaluate

Result<std::string> EvaluateFlags(const EvaluateOptions& options) {
  if (options.train_stores.empty() ||
      options.train_stores.size() != options.train_outcomes.size()) {
    return Status::InvalidInput(
        fmt::format("evaluate-flags needs one or more earlier cohorts, each a store and its "
                    "outcomes: {} stores and {} outcomes files given",
                    options.train_stores.size(), options.train_outcomes.size()));
  }
  std::vector<evaluate::Cohort> train;
  for (size_t i = 0; i < options.train_stores.size(); ++i) {
    LANTERN_ASSIGN_OR_RETURN(
        evaluate::Cohort c,
        evaluate::LoadCohort(options.train_stores[i], options.train_outcomes[i], options.threads));
    train.push_back(std::move(c));
  }
  LANTERN_ASSIGN_OR_RETURN(
      evaluate::Cohort test,
      evaluate::LoadCohort(options.test_store, options.test_outcomes, options.threads));
  return evaluate::EvaluationReport(train, test);
}

}  // namespace lantern
