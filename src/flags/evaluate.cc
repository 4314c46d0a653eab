#include "flags/evaluate.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "common/csv_table.h"
#include "flags/flags.h"
#include "model/policy.h"
#include "model/upn.h"
#include "store/store.h"

namespace lantern {

namespace {

const char* kOutcomes[] = {"permanent_exclusion", "no_school", "neet", "any"};

// What the evaluation knows of one pupil at the end of the store's year.
struct PupilRow {
  bool eligible[4] = {false, false, false, false};
  int32_t outcome[4] = {kNoDate, kNoDate, kNoDate, kNoDate};  // date, or kNoDate
  int32_t first_flag = kNoDate;                               // any trigger
  std::vector<int32_t> trigger_first;                         // by trigger
  // Measures over the year and characteristics (for the comparators).
  double susp = 0, isusp = 0, ap = 0, schools = 0, att = 100, ehcp_wait = 0;
  bool fsm = false, sen_support = false, ehcp = false, lac = false, eal = false, girl = false;
};

struct Cohort {
  std::vector<PupilRow> rows;
  std::vector<std::string> triggers;
};

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

// The comparators' inputs.
std::vector<double> Features(const PupilRow& r) {
  return {1.0,
          std::log1p(r.susp),
          (100.0 - r.att) / 10.0,
          std::log1p(r.isusp),
          r.ap > 0 ? 1.0 : 0.0,
          r.schools >= 2 ? 1.0 : 0.0,
          r.ehcp_wait};
}

// A weighted risk-of-NEET score of the kind LAs use (docs/early-warning.md).
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

// Logistic regression by iteratively reweighted least squares.
Eigen::VectorXd FitLogistic(const std::vector<std::vector<double>>& x, const std::vector<int>& y) {
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
  return beta;
}

struct Metrics {
  int64_t flagged = 0, hits = 0, cases = 0;
  std::vector<int> weeks;
  std::string Recall() const {
    return cases == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * hits / cases);
  }
  std::string Precision() const {
    return flagged == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * hits / flagged);
  }
  std::string Weeks() const {
    if (weeks.empty()) return "-";
    auto v = weeks;
    std::sort(v.begin(), v.end());
    return std::to_string(v[v.size() / 2]);
  }
};

// The threshold on a score at which precision comes closest to `target`
// (from above where it can), and the metrics there.
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
    if (flagged < 20) continue;  // a precision of a handful is noise
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

}  // namespace

Result<std::string> EvaluateFlags(const EvaluateOptions& options) {
  LANTERN_ASSIGN_OR_RETURN(
      Cohort train, LoadCohort(options.train_store, options.train_outcomes, options.threads));
  LANTERN_ASSIGN_OR_RETURN(Cohort test,
                           LoadCohort(options.test_store, options.test_outcomes, options.threads));
  std::string out;
  out += "| outcome | flag | pupils flagged | recall | precision | median weeks ahead |\n";
  out += "| --- | --- | ---: | ---: | ---: | ---: |\n";
  std::vector<double> set_precision(4, 0);
  for (int o = 0; o < 4; ++o) {
    for (size_t k = 0; k <= test.triggers.size(); ++k) {
      const bool set = k == test.triggers.size();
      Metrics m;
      for (const PupilRow& r : test.rows) {
        if (!r.eligible[o]) continue;
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
      if (set) set_precision[o] = m.flagged ? static_cast<double>(m.hits) / m.flagged : 0;
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", kOutcomes[o],
                         set ? "**the rule set**" : test.triggers[k], m.flagged, m.Recall(),
                         m.Precision(), m.Weeks());
    }
  }
  // By group, the rule set against any outcome.
  out += "\n| group | pupils | with an outcome | flagged | recall | precision |\n";
  out += "| --- | ---: | ---: | ---: | ---: | ---: |\n";
  struct G {
    const char* name;
    bool (*in)(const PupilRow&);
  };
  const G groups[] = {
      {"FSM", [](const PupilRow& r) { return r.fsm; }},
      {"not FSM", [](const PupilRow& r) { return !r.fsm; }},
      {"SEN (support or EHC plan)", [](const PupilRow& r) { return r.sen_support || r.ehcp; }},
      {"no SEN", [](const PupilRow& r) { return !r.sen_support && !r.ehcp; }},
      {"girls", [](const PupilRow& r) { return r.girl; }},
      {"boys", [](const PupilRow& r) { return !r.girl; }},
      {"EAL", [](const PupilRow& r) { return r.eal; }},
      {"not EAL", [](const PupilRow& r) { return !r.eal; }},
  };
  for (const G& g : groups) {
    Metrics m;
    int64_t n = 0;
    for (const PupilRow& r : test.rows) {
      if (!r.eligible[3] || !g.in(r)) continue;
      ++n;
      const bool flagged = r.first_flag != kNoDate, y = r.outcome[3] != kNoDate;
      m.flagged += flagged;
      m.cases += y;
      m.hits += flagged && y;
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", g.name, n, m.cases, m.flagged,
                       m.Recall(), m.Precision());
  }
  // The comparators at the rule set's precision.
  out += "\n| outcome | method | pupils flagged | recall | precision |\n";
  out += "| --- | --- | ---: | ---: | ---: |\n";
  for (int o = 0; o < 4; ++o) {
    std::vector<std::vector<double>> x;
    std::vector<int> y;
    for (const PupilRow& r : train.rows) {
      if (!r.eligible[o]) continue;
      x.push_back(Features(r));
      y.push_back(r.outcome[o] != kNoDate);
    }
    const Eigen::VectorXd beta = FitLogistic(x, y);
    std::vector<double> logit(test.rows.size()), roni(test.rows.size());
    for (size_t p = 0; p < test.rows.size(); ++p) {
      const auto f = Features(test.rows[p]);
      double eta = 0;
      for (size_t j = 0; j < f.size(); ++j) eta += beta(static_cast<Eigen::Index>(j)) * f[j];
      logit[p] = eta;
      roni[p] = RoniScore(test.rows[p]);
    }
    double t_roni = 0, t_logit = 0;
    Metrics mr = AtEqualPrecision(test, o, roni, set_precision[o], &t_roni);
    Metrics ml = AtEqualPrecision(test, o, logit, set_precision[o], &t_logit);
    out +=
        fmt::format("| {} | the rule set | | | {:.1f}% |\n", kOutcomes[o], 100 * set_precision[o]);
    out += fmt::format("| {} | weighted score (RONI-style), score >= {} | {} | {} | {} |\n",
                       kOutcomes[o], t_roni, mr.flagged, mr.Recall(), mr.Precision());
    out += fmt::format("| {} | logistic model (earlier cohort) | {} | {} | {} |\n", kOutcomes[o],
                       ml.flagged, ml.Recall(), ml.Precision());
  }
  return out;
}

}  // namespace lantern
