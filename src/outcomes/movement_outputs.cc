// Pupil-level mode's school, trust and pupil outputs: unexplained exits
// against similar schools, each trust's contribution to its places, the net
// flows of groups of pupils into and out of each school and trust against
// its place, the exits between trusts and out of education in each LA, and
// the children missing education case list (docs/local-outcomes.md).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <span>
#include <tuple>

#include "aggregate/groups.h"
#include "common/csv_writer.h"
#include "common/parallel.h"
#include "derive/exits.h"
#include "model/codes.h"
#include "model/register_codes.h"
#include "model/upn.h"
#include "outcomes/local_outcomes.h"
#include "outcomes/pupil_level.h"
#include "publish/ees_metadata.h"
#include "publish/open_data_writer.h"
#include "stats/funnel.h"
#include "stats/intervals.h"
#include "store/marks.h"
#include "suppress/differencing_audit.h"
#include "suppress/disclosure.h"
#include "suppress/school_sums.h"

namespace lantern::outcomes {

namespace {

int MeasureIndex(const PupilLevelContext& ctx, std::string_view id) {
  auto ref = ctx.catalogue.FindMeasure(id);
  return ref ? ctx.computation.Index(*ref) : -1;
}

PublishedCell Num(double v, int dp) {
  return std::isnan(v) ? PublishedCell::Symbol(GssSymbol::kNotAvailable)
                       : PublishedCell::Number(v, dp);
}

// The fewest published schools a comparison group may have: with fewer,
// a pooled rate says little, and one or two schools' rates would be
// published again as the group's (docs/local-outcomes.md).
constexpr int kMinComparisonSchools = 5;

std::string Position(double y, double n, double theta0) {
  if (!(n > 0) || !(theta0 >= 0)) return "not assessed";
  const stats::Overdispersion none;
  const stats::Limits l998 =
      stats::FunnelLimits(stats::FunnelKind::kProportion, theta0, n, 0.998, 0, none);
  const stats::Limits l95 =
      stats::FunnelLimits(stats::FunnelKind::kProportion, theta0, n, 0.95, 0, none);
  if (y > l998.upper) return "above_99_8";
  if (y < l998.lower) return "below_99_8";
  if (y > l95.upper) return "above_95";
  if (y < l95.lower) return "below_95";
  return "within_95";
}

}  // namespace

Status WriteUnexplainedExits(const PupilLevelContext& ctx, const std::string& dir,
                             uint64_t* rows_written) {
  const Cube& cube = ctx.cube;
  const int m_exits = MeasureIndex(ctx, "unexplained_exits");
  const int m_roll = MeasureIndex(ctx, "roll_y7_11");
  const int m_head = MeasureIndex(ctx, "headcount");
  const auto fsm = FindCategory("fsm");
  if (m_exits < 0 || m_roll < 0 || m_head < 0 || !fsm) {
    return Status::Internal("unexplained exits: the cube lacks its measures");
  }
  const size_t schools = cube.schools();
  // Similar schools: the same school type and the same fifth of the
  // distribution of FSM shares among schools of that type with pupils in
  // Years 7 to 11 (docs/local-outcomes.md).
  std::vector<double> fsm_share(schools, -1);
  std::vector<int> fifth(schools, -1);
  std::map<int, std::vector<double>> shares_by_type;
  for (size_t s = 0; s < schools; ++s) {
    if (cube.school_type(s) < 0 || cube.SchoolValue(s, 0, static_cast<size_t>(m_roll)) == 0) {
      continue;
    }
    const double head = static_cast<double>(cube.SchoolValue(s, 0, static_cast<size_t>(m_head)));
    if (head > 0) {
      fsm_share[s] =
          static_cast<double>(cube.SchoolValue(s, *fsm, static_cast<size_t>(m_head))) / head;
      shares_by_type[cube.school_type(s)].push_back(fsm_share[s]);
    }
  }
  for (auto& [t, v] : shares_by_type) std::sort(v.begin(), v.end());
  // A school whose exits or roll the disclosure pass hides is left out of
  // every pooled comparison rate: a pooled rate that held it could be
  // differenced against the published members' figures to recover it (a
  // group of one would simply publish it).
  auto hidden_at = [&](size_t s) {
    return ctx.flags.HiddenAtSchool(static_cast<size_t>(m_exits), s, 0) ||
           ctx.flags.HiddenAtSchool(static_cast<size_t>(m_roll), s, 0);
  };
  struct Pool {
    int64_t exits = 0, roll = 0;
    int members = 0;
    double Rate() const { return roll > 0 ? static_cast<double>(exits) / roll : kNoValue; }
  };
  std::map<std::pair<int, int>, Pool> by_fifth;  // (type, fifth)
  std::map<int, Pool> by_type;
  Pool all;  // every published school: the trusts' comparison
  for (size_t s = 0; s < schools; ++s) {
    if (fsm_share[s] < 0) continue;
    const auto& v = shares_by_type[cube.school_type(s)];
    const double rank =
        static_cast<double>(std::lower_bound(v.begin(), v.end(), fsm_share[s]) - v.begin()) /
        static_cast<double>(v.size());
    fifth[s] = std::min(4, static_cast<int>(rank * 5));
    if (hidden_at(s)) continue;
    const int64_t exits = cube.SchoolValue(s, 0, static_cast<size_t>(m_exits));
    const int64_t roll = cube.SchoolValue(s, 0, static_cast<size_t>(m_roll));
    for (Pool* p :
         {&by_fifth[{cube.school_type(s), fifth[s]}], &by_type[cube.school_type(s)], &all}) {
      p->exits += exits;
      p->roll += roll;
      ++p->members;
    }
  }

  TidyFile t;
  t.file = "unexplained_exits.csv";
  t.filters = {
      EesFilter("school_type", "School type", "", "Total"),
      EesFilter(
          "comparison_group", "Compared with",
          "Similar schools: the same type and fifth of FSM share, or every school of the type "
          "when the fifth has fewer than 5 schools with published figures (none with fewer than "
          "5 of the type); trusts: every school in the store. Schools whose figures are hidden "
          "are left out of every comparison group",
          "Similar schools"),
      EesFilter("position", "Position against the comparison group's funnel limits",
                "within_95, above_95, below_95, above_99_8, below_99_8, not assessed (hidden or "
                "no pupils): a question to ask, never a verdict",
                "within_95"),
  };
  t.indicators = {
      EesIndicator("roll_y7_11", "Pupils on roll in Years 7 to 11 during the year",
                   "This school or trust", 0),
      EesIndicator("unexplained_exits", "Unexplained exits in Years 7 to 11 (not 'off-rolled')",
                   "This school or trust", 0),
      EesIndicator("unexplained_exit_rate", "Unexplained exits per 100 pupils in Years 7 to 11",
                   "This school or trust", 2, "%"),
      EesIndicator("lower_95", "Lower bound of the 95% Wilson interval", "This school or trust", 2,
                   "%"),
      EesIndicator("upper_95", "Upper bound of the 95% Wilson interval", "This school or trust", 2,
                   "%"),
      EesIndicator("comparison_units", "Schools with published figures in the comparison group",
                   "Comparison", 0),
      EesIndicator("comparison_rate",
                   "The comparison group's pooled rate (its schools with published figures)",
                   "Comparison", 2, "%"),
      EesIndicator("comparison_lower_99_8", "Funnel: lower 99.8% limit at this size", "Comparison",
                   2, "%"),
      EesIndicator("comparison_upper_99_8", "Funnel: upper 99.8% limit at this size", "Comparison",
                   2, "%"),
  };
  auto add_row = [&](GeographyRow geo, const std::string& type, const std::string& group,
                     int64_t exits, int64_t roll, bool hidden, double theta0, int units) {
    TidyRow row;
    row.time_period = ctx.time_period;
    row.time_identifier = "Academic year";
    row.geography = std::move(geo);
    const double n = static_cast<double>(roll);
    std::string position = hidden ? "not assessed" : Position(exits / n, n, theta0);
    row.filters = {type, group, position};
    const stats::Interval ci = stats::WilsonInterval(static_cast<double>(exits), n);
    const stats::Limits lim = Has(theta0) && n > 0
                                  ? stats::FunnelLimits(stats::FunnelKind::kProportion, theta0, n,
                                                        0.998, 0, stats::Overdispersion{})
                                  : stats::Limits{kNoValue, kNoValue};
    const PublishedCell c = PublishedCell::Symbol(GssSymbol::kSuppressed);
    row.indicators = {PublishedCell::Count(roll),
                      hidden ? c : PublishedCell::Count(exits),
                      hidden ? c : PublishedCell::Ratio(exits, roll, 100, 5),
                      hidden ? c : Num(ci.lower * 100, 5),
                      hidden ? c : Num(ci.upper * 100, 5),
                      PublishedCell::Count(units),
                      Num(Has(theta0) ? theta0 * 100 : kNoValue, 5),
                      Num(lim.lower * 100, 5),
                      Num(lim.upper * 100, 5)};
    t.rows.push_back(std::move(row));
  };
  for (size_t s = 0; s < schools; ++s) {
    if (fifth[s] < 0) continue;
    const int64_t roll = cube.SchoolValue(s, 0, static_cast<size_t>(m_roll));
    const int64_t exits = cube.SchoolValue(s, 0, static_cast<size_t>(m_exits));
    const bool hidden = ctx.flags.HiddenAtSchool(static_cast<size_t>(m_exits), s, 0) ||
                        ctx.flags.HiddenAtSchool(static_cast<size_t>(m_roll), s, 0);
    // Similar schools when the fifth has enough published schools to
    // compare with, else every school of the type, else none.
    const Pool& in_fifth = by_fifth[{cube.school_type(s), fifth[s]}];
    const Pool& in_type = by_type[cube.school_type(s)];
    std::string group = fmt::format("Similar schools (fifth {} of FSM share)", fifth[s] + 1);
    const Pool* p = &in_fifth;
    if (in_fifth.members < kMinComparisonSchools) {
      group = "Schools of its type (too few similar schools)";
      p = &in_type;
    }
    const bool compared = p->members >= kMinComparisonSchools;
    if (!compared) group = "Too few schools of its type to compare";
    GeographyRow g = SchoolGeography(cube, ctx.state.schools, s);
    add_row(std::move(g), std::string(ReportTypeLabel(cube.school_type(s))), group, exits, roll,
            hidden, compared ? p->Rate() : kNoValue, p->members);
  }
  for (size_t u = 0; u < cube.units().size(); ++u) {
    const AggregateUnit& unit = cube.units()[u];
    if (unit.geography.level != GeographicLevel::kMat) continue;
    const int64_t* v = cube.Aggregate(u, kTotalType, 0);
    const int64_t roll = v[m_roll], exits = v[m_exits];
    if (roll == 0) continue;
    const int64_t flag_row = ctx.flags.RowOf(CubeCell{false, static_cast<uint32_t>(u), 0, 0});
    const bool hidden =
        ctx.flags.HiddenAt(ctx.flags.SlotOf(static_cast<size_t>(m_exits)), flag_row);
    add_row(unit.geography, "Total", "Every school in the store", exits, roll, hidden,
            all.members >= kMinComparisonSchools ? all.Rate() : kNoValue, all.members);
  }
  *rows_written = t.rows.size();
  return WriteTidyOpenDataFile(t, dir);
}

Status WriteTrustContribution(const PupilLevelContext& ctx, const std::string& dir,
                              uint64_t* rows_written) {
  const Cube& cube = ctx.cube;
  struct Item {
    const char* measure;
    const char* label;  // in the question
    const char* group;  // category id
    const char* cube_measure;
  };
  static constexpr Item kItems[] = {
      {"pupils", "pupils", "all_pupils", "headcount"},
      {"sen_support_pupils", "pupils with SEN support", "sen_support", "headcount"},
      {"ehcp_pupils", "pupils with EHC plans", "ehcp", "headcount"},
      {"fsm_pupils", "pupils eligible for FSM", "fsm", "headcount"},
      {"disadvantaged_pupils", "disadvantaged pupils", "disadvantaged", "headcount"},
      {"looked_after_pupils", "looked-after pupils", "looked_after", "headcount"},
      {"susp", "suspensions", "all_pupils", "susp"},
      {"perm_excl", "permanent exclusions", "all_pupils", "perm_excl"},
      {"exits", "exits from a roll", "all_pupils", "exits"},
      {"unexplained_exits", "unexplained exits", "all_pupils", "unexplained_exits"},
      {"ehe_exits", "exits to home education", "all_pupils", "ehe_exits"},
  };
  struct Resolved {
    const Item* item;
    int category, measure;
  };
  std::vector<Resolved> items;
  for (const Item& it : kItems) {
    auto cat = FindCategory(it.group);
    const int m = MeasureIndex(ctx, it.cube_measure);
    if (!cat || m < 0) return Status::Internal(std::string("trust contribution: no ") + it.measure);
    items.push_back({&it, *cat, m});
  }
  // Each trust's schools in each LA, by school location.
  std::map<std::pair<int, int>, std::vector<size_t>> by_trust_la;  // (trust unit, la unit)
  for (size_t s = 0; s < cube.schools(); ++s) {
    const int type = cube.school_type(s);
    if (type < 0 || cube.school_trust(s) < 0 || !InHeadlineTotal(type, ctx.policy)) continue;
    by_trust_la[{cube.school_trust(s), cube.school_la(s)}].push_back(s);
  }
  TidyFile t;
  t.file = "trust_contribution.csv";
  t.filters = {
      EesFilter("measure", "What is shared",
                "pupils, a group's pupils, suspensions, exclusions, exits", "pupils"),
      EesFilter(
          "reading", "Its share against its share of the place's pupils",
          "higher, lower, or in line (the 95% interval of the share includes the pupil share)",
          "in line with its share of pupils"),
      EesFilter("question", "The question it raises (never a verdict)", "", "none"),
  };
  t.indicators = {
      EesIndicator("trust_count", "The trust's schools in the place", "Trust in the place", 0),
      EesIndicator("place_count", "The place (all its schools, by school location)", "Place", 0),
      EesIndicator("share_percent", "The trust's share of the place's count", "Share", 2, "%"),
      EesIndicator("share_lower_95", "Share: lower bound of the 95% Wilson interval", "Share", 2,
                   "%"),
      EesIndicator("share_upper_95", "Share: upper bound of the 95% Wilson interval", "Share", 2,
                   "%"),
      EesIndicator("pupil_share_percent", "The trust's share of the place's pupils", "Share", 2,
                   "%"),
  };
  const int threshold = ctx.policy.suppress_below;
  for (const auto& [key, schools] : by_trust_la) {
    const auto [trust_unit, la_unit] = key;
    GeographyRow g = cube.units()[static_cast<size_t>(la_unit)].geography;
    const GeographyRow& tr = cube.units()[static_cast<size_t>(trust_unit)].geography;
    g.level = GeographicLevel::kMat;
    g.trust_id = tr.trust_id;
    g.trust_name = tr.trust_name;
    double pupil_share = kNoValue;
    for (const Resolved& r : items) {
      int64_t part = 0, hidden_total = 0;
      int hidden_cells = 0;
      for (size_t s : schools) {
        const int64_t v = cube.SchoolValue(s, r.category, static_cast<size_t>(r.measure));
        part += v;
        if (ctx.flags.HiddenAtSchool(static_cast<size_t>(r.measure), s, r.category)) {
          ++hidden_cells;
          hidden_total += v;
        }
      }
      const int64_t* v = cube.Aggregate(static_cast<size_t>(la_unit), kTotalType, r.category);
      const int64_t whole = v[r.measure];
      const int64_t flag_row = ctx.flags.RowOf(
          CubeCell{false, static_cast<uint32_t>(la_unit), 0, static_cast<uint16_t>(r.category)});
      const bool whole_hidden =
          ctx.flags.HiddenAt(ctx.flags.SlotOf(static_cast<size_t>(r.measure)), flag_row);
      const bool hidden =
          SchoolSumHidden(part, hidden_cells, hidden_total, threshold) || whole_hidden;
      TidyRow row;
      row.time_period = ctx.time_period;
      row.time_identifier = "Academic year";
      row.geography = g;
      const double share =
          whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : kNoValue;
      const stats::Interval ci =
          stats::WilsonInterval(static_cast<double>(part), static_cast<double>(whole));
      if (r.item->measure == std::string_view("pupils")) pupil_share = hidden ? kNoValue : share;
      std::string reading = "not assessed", question = "none";
      if (!hidden && whole > 0 && Has(pupil_share) &&
          r.item->measure != std::string_view("pupils")) {
        if (ci.lower > pupil_share) {
          reading = "higher than its share of pupils";
          question = fmt::format(
              "Its schools have a larger share of the place's {} than of its pupils: what lies "
              "behind it?",
              r.item->label);
        } else if (ci.upper < pupil_share) {
          reading = "lower than its share of pupils";
          question = fmt::format(
              "Its schools have a smaller share of the place's {} than of its pupils: where are "
              "they instead?",
              r.item->label);
        } else {
          reading = "in line with its share of pupils";
        }
      }
      const PublishedCell c = PublishedCell::Symbol(GssSymbol::kSuppressed);
      row.filters = {r.item->measure, reading, question};
      row.indicators = {hidden ? c : PublishedCell::Count(part),
                        whole_hidden ? c : PublishedCell::Count(whole),
                        hidden ? c : PublishedCell::Ratio(part, whole, 100, 5),
                        hidden || whole == 0 ? c : Num(ci.lower * 100, 5),
                        hidden || whole == 0 ? c : Num(ci.upper * 100, 5),
                        Num(Has(pupil_share) ? pupil_share * 100 : kNoValue, 5)};
      t.rows.push_back(std::move(row));
    }
  }
  *rows_written = t.rows.size();
  return WriteTidyOpenDataFile(t, dir);
}

namespace {

// One count of a school, or of a trust's schools in an LA, and whether the
// one rule hides it.
struct Count {
  int64_t n = 0;
  bool hidden = false;
};

// The net flows' groups: the cube's pupil groups, and the previously
// suspended (joiners and leavers with a suspension in the year before the
// move: measures of their own, of all pupils).
struct FlowGroup {
  std::string_view topic, label;      // breakdown_topic, breakdown
  std::string_view category;          // the cube category (all_pupils for the suspended)
  std::string_view joiners, leavers;  // the cube measures
  // "{} with an EHC plan" for a side ("joiners"): the reading's noun.
  std::string_view noun;
  std::string_view question;
};

constexpr FlowGroup kFlowGroups[] = {
    {"Total", "Total", "all_pupils", "joiners", "leavers", "", "none"},
    {"SEN provision", "SEN support", "sen_support", "joiners", "leavers", "{} with SEN support",
     "Does it take its share of pupils with SEN support?"},
    {"SEN provision", "EHC plan", "ehcp", "joiners", "leavers", "{} with an EHC plan",
     "Does it take its share of pupils with an EHC plan?"},
    {"Disadvantage", "Disadvantaged", "disadvantaged", "joiners", "leavers", "disadvantaged {}",
     "Does it take its share of disadvantaged pupils?"},
    {"Suspensions", "Previously suspended", "all_pupils", "joiners_prev_susp", "leavers_prev_susp",
     "{} suspended in the year before",
     "Does it take its share of pupils suspended in the year before the move?"},
};

// One side (joiners or leavers) of a row: the group's count and all
// pupils' at the unit and in the place (its LA's schools of the type, the
// unit's own among them).
struct Side {
  Count group, all, place_group, place_all;
};

// The side's seven cells (count, all, share, the other schools' share, the
// difference and its interval) and its reading.
void AddSide(const Side& x, bool total, std::string_view side, std::string_view noun,
             std::vector<PublishedCell>* cells, std::string* reading) {
  const PublishedCell c = PublishedCell::Symbol(GssSymbol::kSuppressed);
  const PublishedCell z = PublishedCell::Symbol(GssSymbol::kNotApplicable);
  cells->push_back(x.group.hidden ? c : PublishedCell::Count(x.group.n));
  cells->push_back(x.all.hidden ? c : PublishedCell::Count(x.all.n));
  if (total) {
    cells->insert(cells->end(), 5, z);
    *reading = "not applicable";
    return;
  }
  const bool own_hidden = x.group.hidden || x.all.hidden;
  const bool any_hidden = own_hidden || x.place_group.hidden || x.place_all.hidden;
  // The place's other schools: what the unit is compared with (Newcombe's
  // interval is for two independent samples, so the unit is not on both
  // sides). Shown only where every count it comes from is shown, so it
  // reveals nothing the shown counts do not.
  const int64_t others = x.place_all.n - x.all.n, others_group = x.place_group.n - x.group.n;
  cells->push_back(own_hidden ? c : PublishedCell::Ratio(x.group.n, x.all.n, 100, 5));
  cells->push_back(any_hidden ? c : PublishedCell::Ratio(others_group, others, 100, 5));
  *reading = "not assessed";
  if (any_hidden || x.all.n == 0 || others == 0) {
    const PublishedCell none = any_hidden ? c : z;
    cells->insert(cells->end(), 3, none);
    return;
  }
  const double p1 = static_cast<double>(x.group.n) / static_cast<double>(x.all.n);
  const double p2 = static_cast<double>(others_group) / static_cast<double>(others);
  const stats::Interval ci =
      stats::NewcombeDifference(static_cast<double>(x.group.n), static_cast<double>(x.all.n),
                                static_cast<double>(others_group), static_cast<double>(others));
  cells->push_back(Num((p1 - p2) * 100, 5));
  cells->push_back(Num(ci.lower * 100, 5));
  cells->push_back(Num(ci.upper * 100, 5));
  const std::string what = fmt::format(fmt::runtime(noun), side);
  if (ci.lower > 0) {
    *reading = "more than its place's share of " + what;
  } else if (ci.upper < 0) {
    *reading = "less than its place's share of " + what;
  } else {
    *reading = "in line with its place's share of " + what;
  }
}

}  // namespace

Status WriteNetFlows(const PupilLevelContext& ctx, const std::string& dir, uint64_t* rows_written) {
  const Cube& cube = ctx.cube;
  const DisclosureFlags& flags = ctx.flags;
  struct Resolved {
    const FlowGroup* group;
    int category, joiners, leavers;
  };
  std::vector<Resolved> groups;
  int all_joiners = -1, all_leavers = -1;
  for (const FlowGroup& g : kFlowGroups) {
    auto cat = FindCategory(g.category);
    const int j = MeasureIndex(ctx, g.joiners), l = MeasureIndex(ctx, g.leavers);
    if (!cat || j < 0 || l < 0) {
      return Status::Internal("net flows: the cube lacks " + std::string(g.label));
    }
    groups.push_back({&g, *cat, j, l});
    if (g.category == "all_pupils" && g.joiners == "joiners") {
      all_joiners = j;
      all_leavers = l;
    }
  }
  // A count of the place: the LA's schools of the type (by school location).
  auto place = [&](int la, int type, int category, int measure) {
    const int64_t* v = cube.Aggregate(static_cast<size_t>(la), type, category);
    const int64_t row =
        flags.RowOf(CubeCell{false, static_cast<uint32_t>(la), static_cast<uint8_t>(type),
                             static_cast<uint16_t>(category)});
    return Count{v[measure], flags.HiddenAt(flags.SlotOf(static_cast<size_t>(measure)), row)};
  };
  // A unit's hidden sums for each count the rows read, laid out as
  // SchoolSums (empty for one school: its cells are the pass's).
  std::vector<int> sum_measures;
  for (const Resolved& g : groups) {
    for (int m : {g.joiners, g.leavers}) {
      if (std::find(sum_measures.begin(), sum_measures.end(), m) == sum_measures.end()) {
        sum_measures.push_back(m);
      }
    }
  }
  const auto cats = static_cast<size_t>(cube.categories());
  // A count of a set of schools: one school's cell, or a sum of cells
  // hidden by the audit over the sums and their schools' cells
  // (suppress/school_sums.h).
  auto schools_count = [&](std::span<const size_t> schools,
                           const std::vector<std::vector<bool>>* hidden, int type, int category,
                           int measure) {
    Count out;
    for (size_t s : schools) out.n += cube.SchoolValue(s, category, static_cast<size_t>(measure));
    if (schools.size() == 1) {
      out.hidden = flags.HiddenAtSchool(static_cast<size_t>(measure), schools[0], category);
    } else {
      const size_t k = static_cast<size_t>(
          std::find(sum_measures.begin(), sum_measures.end(), measure) - sum_measures.begin());
      out.hidden = (*hidden)[k][static_cast<size_t>(type) * cats + static_cast<size_t>(category)];
    }
    return out;
  };

  TidyFile t;
  t.file = "net_flows.csv";
  t.filters = {
      EesFilter("school_type", "School type", "the school's type; a trust's schools of one type",
                "Total"),
      EesFilter("breakdown_topic", "Pupil group topic",
                "SEN provision, Disadvantage, Suspensions (a suspension in the 365 days before "
                "the move)",
                "Total"),
      EesFilter("breakdown", "Pupil group",
                "Total, SEN support, EHC plan, Disadvantaged, Previously suspended", "Total"),
      EesFilter("joiners_reading", "Its share of joiners in the group against its place's",
                "more than / less than (the 95% interval of the difference lies above / below "
                "0), in line with (it includes 0), not assessed (hidden or no joiners), not "
                "applicable (all pupils): a question to ask, never a verdict",
                "not applicable"),
      EesFilter("leavers_reading", "Its share of leavers in the group against its place's",
                "as for joiners", "not applicable"),
      EesFilter("question", "The question the row helps to ask (never a verdict)", "", "none"),
  };
  // The same seven indicators for each side, then the net.
  for (const auto& [side, Side, to] :
       {std::tuple{"joiners", "Joiners", "to"}, std::tuple{"leavers", "Leavers", "from"}}) {
    const std::string s(side);
    t.indicators.push_back(EesIndicator(s, fmt::format("{} in the group", Side), Side, 0));
    t.indicators.push_back(EesIndicator(s + "_all", fmt::format("All {}", s), Side, 0));
    t.indicators.push_back(
        EesIndicator(s + "_percent", fmt::format("The group's share of its {}", s), Side, 2, "%"));
    t.indicators.push_back(EesIndicator(
        "place_" + s + "_percent",
        fmt::format("The group's share of {} {} the place's other schools of the type", s, to),
        Side, 2, "%"));
    t.indicators.push_back(EesIndicator(s + "_difference",
                                        "Its share less the place's other schools' (percentage "
                                        "points)",
                                        Side, 2, "pp"));
    t.indicators.push_back(EesIndicator(s + "_difference_lower_95",
                                        "Difference: lower bound of Newcombe's 95% interval", Side,
                                        2, "pp"));
    t.indicators.push_back(EesIndicator(s + "_difference_upper_95",
                                        "Difference: upper bound of Newcombe's 95% interval", Side,
                                        2, "pp"));
  }
  t.indicators.push_back(
      EesIndicator("net", "Net flow: joiners less leavers in the group", "Net", 0));
  // The units (a school, or a trust's schools of one type in one LA) that
  // anyone joined or left, each with a row per group against its place;
  // the rows are made one at a time as the file is written: a national
  // store's rows held whole cost more in fresh memory than the rest of the
  // file (bench/RESULTS.md, "Session 25").
  struct Unit {
    GeographyRow geo;
    std::vector<size_t> schools;
    int la, type;
    std::vector<std::vector<bool>> hidden;  // a set of schools': by sum_measures
  };
  std::vector<Unit> units;
  auto add_unit = [&](GeographyRow geo, std::vector<size_t> schools, int la, int type) {
    auto sum = [&](int measure) {
      int64_t n = 0;
      for (size_t s : schools)
        n += cube.SchoolValue(s, kTotalCategory, static_cast<size_t>(measure));
      return n;
    };
    if (sum(all_joiners) == 0 && sum(all_leavers) == 0) return;  // no one joined or left
    units.push_back({std::move(geo), std::move(schools), la, type, {}});
  };
  auto fill = [&](size_t i, TidyRow* row) {
    const Unit& u = units[i / groups.size()];
    const Resolved& g = groups[i % groups.size()];
    const bool total = g.group->noun.empty();
    auto count = [&](int category, int measure) {
      return schools_count(u.schools, &u.hidden, u.type, category, measure);
    };
    Side in{count(g.category, g.joiners), count(kTotalCategory, all_joiners),
            place(u.la, u.type, g.category, g.joiners),
            place(u.la, u.type, kTotalCategory, all_joiners)};
    Side out{count(g.category, g.leavers), count(kTotalCategory, all_leavers),
             place(u.la, u.type, g.category, g.leavers),
             place(u.la, u.type, kTotalCategory, all_leavers)};
    row->time_period = ctx.time_period;
    row->time_identifier = "Academic year";
    row->geography = u.geo;
    row->indicators.clear();
    std::string in_reading, out_reading;
    AddSide(in, total, "joiners", g.group->noun, &row->indicators, &in_reading);
    AddSide(out, total, "leavers", g.group->noun, &row->indicators, &out_reading);
    row->indicators.push_back(in.group.hidden || out.group.hidden
                                  ? PublishedCell::Symbol(GssSymbol::kSuppressed)
                                  : PublishedCell::Count(in.group.n - out.group.n));
    row->filters.resize(6);
    row->filters[0] = ReportTypeLabel(u.type);
    row->filters[1] = g.group->topic;
    row->filters[2] = g.group->label;
    row->filters[3] = std::move(in_reading);
    row->filters[4] = std::move(out_reading);
    row->filters[5] = g.group->question;
  };
  // Schools.
  std::map<std::tuple<int, int, int>, std::vector<size_t>> by_trust;  // (trust, la, type)
  for (size_t s = 0; s < cube.schools(); ++s) {
    const int type = cube.school_type(s);
    if (type < 0) continue;
    if (cube.school_trust(s) >= 0)
      by_trust[{cube.school_trust(s), cube.school_la(s), type}].push_back(s);
    GeographyRow g = SchoolGeography(cube, ctx.state.schools, s);
    add_unit(std::move(g), {s}, cube.school_la(s), type);
  }
  // Each trust's schools of each type in each LA where it has them.
  for (const auto& [key, schools] : by_trust) {
    const auto [trust_unit, la_unit, type] = key;
    GeographyRow g = cube.units()[static_cast<size_t>(la_unit)].geography;
    const GeographyRow& tr = cube.units()[static_cast<size_t>(trust_unit)].geography;
    g.level = GeographicLevel::kMat;
    g.trust_id = tr.trust_id;
    g.trust_name = tr.trust_name;
    add_unit(std::move(g), schools, la_unit, type);
  }
  // A trust's schools of a type in an LA: its sums by group are a table
  // linked to its schools' published cells and within itself (a group and
  // all pupils give the rest by subtraction; joiners split into those
  // suspended before and the others), hidden as a place named by schools
  // is (PlaceSumsHidden).
  const SchoolUnits school_units(cube);
  ParallelFor(units.size(), ctx.threads, 16, [&](size_t b, size_t e, int) {
    for (size_t i = b; i < e; ++i) {
      Unit& u = units[i];
      if (u.schools.size() < 2) continue;
      std::vector<uint32_t> schools(u.schools.begin(), u.schools.end());
      PlaceSumsHidden hidden(school_units, flags, ctx.policy, schools);
      for (int m : sum_measures) u.hidden.push_back(hidden.Of(static_cast<size_t>(m)));
    }
  });
  t.row_count = units.size() * groups.size();
  t.fill = fill;
  *rows_written = t.row_count;
  return WriteTidyOpenDataFile(t, dir);
}

namespace {

// The year's exits: the computation's when it classified them for the
// year (the exit grain's), else classified here into `own`.
const ExitSet& YearExits(const PupilLevelContext& ctx, ExitSet* own) {
  const AcademicYear year = *ctx.state.year;
  const Computation& c = ctx.computation;
  if (c.exits != nullptr && c.first_day == year.FirstDay() && c.last_day == year.LastDay()) {
    return *c.exits;
  }
  *own = ClassifyExits(ctx.state, ctx.policy, year.FirstDay(), year.LastDay());
  return *own;
}

}  // namespace

Status WriteCmeCases(const PupilLevelContext& ctx, const std::string& dir, uint64_t* cases,
                     uint64_t* open) {
  const StoreState& s = ctx.state;
  ExitSet classified;
  const ExitSet& exits = YearExits(ctx, &classified);
  std::map<int, std::string> la_names;
  for (size_t i = 0; i < s.local_authorities.size(); ++i) {
    la_names[s.local_authorities.old_la_code[i]] = s.local_authorities.la_name[i];
  }
  const std::vector<int32_t> mark_dates = s.marks.Dates();
  const std::vector<DateMarks> marks_on = s.marks.Locate(mark_dates);
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(dir + "/children_missing_education.csv"));
  const std::vector<std::pair<std::string, std::string>> cols = {
      {"upn", "Unique pupil number (pupil-level: for the home LA only)"},
      {"home_la_code", "The home LA (3-digit code): the LA whose case this is"},
      {"home_la_name", "The home LA's name (where the store names it)"},
      {"status",
       "open (on no roll on the store's last day), closed (reappeared on a roll; history kept) or "
       "window_open (the window has not passed yet)"},
      {"last_school_urn", "The school whose roll the pupil left"},
      {"last_school_name", "Its name"},
      {"last_school_la_code", "Its LA (by school location)"},
      {"year_group", "National curriculum year"},
      {"entry_date", "The first day of the registration that ended"},
      {"leaving_date", "Its last day"},
      {"leaving_reason", "As recorded (docs/input-schema.md)"},
      {"window_end_date", "The last school day of the window (policy cme_window_school_days)"},
      {"reappeared_date", "The first day of the next registration (closed cases)"},
      {"reappeared_urn", "The school of the next registration"},
      {"last_marks", "The last five school days' marks before leaving (date am pm), latest last"},
      {"open_suspension", "Y when a suspension started in the 10 school days before leaving"},
      {"open_ap", "Y when an AP placement was running on the leaving date"},
      {"sen_provision", "N, K (SEN support) or E (EHC plan)"},
      {"looked_after", "Y or N"},
  };
  for (const auto& [name, desc] : cols) w->Field(name);
  w->EndRow();
  *cases = 0;
  *open = 0;
  const EnrolmentTable& e = s.enrolments;
  // The case pupils' suspensions and AP placements, in one pass each.
  std::map<uint32_t, std::vector<int32_t>> susp_starts;
  std::map<uint32_t, std::vector<std::pair<int32_t, int32_t>>> ap_spans;
  for (const ExitRecord& x : exits.exits) {
    if (x.cme != CmeStatus::kNone) {
      susp_starts[e.pupil[x.enrolment]];
      ap_spans[e.pupil[x.enrolment]];
    }
  }
  for (size_t k = 0; k < s.suspensions.size(); ++k) {
    auto it = susp_starts.find(s.suspensions.pupil[k]);
    if (it != susp_starts.end()) it->second.push_back(s.suspensions.start_date[k]);
  }
  for (size_t k = 0; k < s.ap_placements.size(); ++k) {
    auto it = ap_spans.find(s.ap_placements.pupil[k]);
    if (it != ap_spans.end()) {
      it->second.push_back({s.ap_placements.start_date[k], s.ap_placements.end_date[k]});
    }
  }
  // The cases, counted first, so that their rows can be written on every
  // worker, in order (reading each case's last marks touches a page of the
  // marks block: WriteCsvInBlocks).
  std::vector<const ExitRecord*> listed;
  for (const ExitRecord& x : exits.exits) {
    if (x.cme == CmeStatus::kNone) continue;
    // An end-of-phase leaver in July whose window runs into the summer is
    // expected at a new school in September: not on the watch list.
    if (x.cme == CmeStatus::kPending &&
        static_cast<LeavingReason>(e.leaving_reason[x.enrolment]) == LeavingReason::kEndOfPhase) {
      continue;
    }
    listed.push_back(&x);
    if (x.cme != CmeStatus::kPending) ++*cases;
    if (x.cme == CmeStatus::kOpen) ++*open;
  }
  static const std::vector<int32_t> kNoStarts;
  static const std::vector<std::pair<int32_t, int32_t>> kNoSpans;
  LANTERN_RETURN_IF_ERROR(WriteCsvInBlocks(
      listed.size(), 1024, ResolveThreads(ctx.threads),
      [&](size_t i, CsvWriter& w) {
        const ExitRecord& x = *listed[i];
        const uint32_t r = x.enrolment, pupil = e.pupil[r], school = e.school[r];
        const int32_t left = e.leaving_date[r];
        w.Field(UnpackUpn(s.pupils.upn[pupil]));
        const int home = s.pupils.home_la[pupil];
        w.Int(home);
        const auto name = la_names.find(home);
        w.Field(name != la_names.end() ? std::string_view(name->second) : std::string_view());
        w.Raw(x.cme == CmeStatus::kOpen     ? "open"
              : x.cme == CmeStatus::kClosed ? "closed"
                                            : "window_open");
        w.Int(s.schools.urn[school]);
        w.Field(s.schools.name[school]);
        w.Int(s.schools.la_code[school]);
        w.Field(YearGroupCode(static_cast<YearGroup>(s.pupils.year_group[pupil])));
        w.Raw(FormatIsoDate(Date{e.entry_date[r]}));
        w.Raw(FormatIsoDate(Date{left}));
        std::string_view reason;
        for (const auto& code : LeavingReasonCodes()) {
          if (static_cast<uint8_t>(code.value) == e.leaving_reason[r]) reason = code.code;
        }
        w.Field(reason);
        w.Raw(
            FormatIsoDate(exits.school_days.After(Date{left}, ctx.policy.cme_window_school_days)));
        if (x.cme == CmeStatus::kClosed) {
          w.Raw(FormatIsoDate(Date{x.cme_closed}));
          w.Int(s.schools.urn[e.school[static_cast<size_t>(x.next)]]);
        } else {
          w.Empty().Empty();
        }
        // The marks of the last five dates on or before the leaving date,
        // those with any, latest last (read from the files: ReadMarks).
        const auto end = static_cast<size_t>(
            std::upper_bound(mark_dates.begin(), mark_dates.end(), left) - mark_dates.begin());
        constexpr size_t kLastDates = 5;
        const size_t begin = end >= kLastDates ? end - kLastDates : 0;
        uint8_t got[2 * kLastDates];
        ReadMarks(std::span(marks_on).subspan(begin, end - begin), r, got);
        std::string marks;
        for (size_t k = begin; k < end; ++k) {
          const uint8_t am = got[2 * (k - begin)], pm = got[2 * (k - begin) + 1];
          if (am == 0 && pm == 0) continue;
          if (!marks.empty()) marks += "; ";
          marks += FormatIsoDate(Date{mark_dates[k]});
          marks += ' ';
          marks += am ? CodeInfo(am).code : std::string_view("-");
          marks += ' ';
          marks += pm ? CodeInfo(pm).code : std::string_view("-");
        }
        w.Field(marks);
        bool susp = false, ap = false;
        const auto starts = susp_starts.find(pupil);
        for (int32_t start : starts != susp_starts.end() ? starts->second : kNoStarts) {
          if (start <= left && SchoolDaysBetween(Date{start}, Date{left}) < 10) susp = true;
        }
        const auto spans = ap_spans.find(pupil);
        for (const auto& [start, end_date] : spans != ap_spans.end() ? spans->second : kNoSpans) {
          if (start <= left && (end_date == kNoDate || end_date >= left)) ap = true;
        }
        w.Raw(susp ? "Y" : "N");
        w.Raw(ap ? "Y" : "N");
        const auto sen = static_cast<SenProvision>(s.pupils.sen_provision[pupil]);
        w.Raw(sen == SenProvision::kEhcPlan ? "E" : sen == SenProvision::kSupport ? "K" : "N");
        w.Raw(s.pupils.looked_after[pupil] ? "Y" : "N");
        w.EndRow();
      },
      [&](std::string_view rows) {
        w->raw_writer().Write(rows);
        return Status::Ok();
      }));
  LANTERN_RETURN_IF_ERROR(w->Close());
  return WriteColumnNotes(dir + "/children_missing_education.meta.csv", cols);
}

namespace {

// The destinations of movement_flows.csv that are not a group of schools
// in the LA (a group is a trust's cube unit, or kMaintained).
constexpr int kMaintained = -1;  // schools in no trust
constexpr int kOtherLa = -2;
constexpr int kSameSchool = -3;
constexpr int kHomeEducation = -4;
constexpr int kMissingEducation = -5;
constexpr int kNoSchool = -6;
// Keys of HideLinkedFlows's parts: an origin's exits, and the columns' margins.
constexpr int kExitsMargin = -100;
constexpr int kColumnMargin = -101;

}  // namespace

// Hides the next cell of the line (the smallest shown one, preferring one
// that is not alone in its other line: a cell alone in its column is that
// column's margin, so hiding it there would hide nothing) until every line
// with a hidden cell has two or more adding up to the threshold, or none
// shown is left.
void SuppressFlowTable(std::vector<FlowCell>* cells, int threshold) {
  std::vector<FlowCell>& t = *cells;
  auto in_line = [&](const FlowCell& c, bool row, int key) {
    return row ? c.from == key : c.to == key;
  };
  auto line_size = [&](bool row, int key) {
    return std::count_if(t.begin(), t.end(),
                         [&](const FlowCell& c) { return c.n != 0 && in_line(c, row, key); });
  };
  std::vector<std::pair<bool, int>> lines;
  for (const FlowCell& c : t) {
    for (auto line : {std::pair{true, c.from}, std::pair{false, c.to}}) {
      if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [row, key] : lines) {
      int hidden = 0;
      int64_t hidden_sum = 0;
      for (const FlowCell& c : t) {
        if (in_line(c, row, key) && c.hidden) {
          ++hidden;
          hidden_sum += c.n;
        }
      }
      if (hidden == 0 || (hidden >= 2 && hidden_sum >= threshold)) continue;
      FlowCell* best = nullptr;
      bool best_shared = false;
      for (FlowCell& c : t) {
        if (!in_line(c, row, key) || c.hidden || c.n == 0) continue;
        const bool shared = line_size(!row, row ? c.to : c.from) > 1;
        if (best == nullptr || (shared && !best_shared) ||
            (shared == best_shared && c.n < best->n)) {
          best = &c;
          best_shared = shared;
        }
      }
      if (best == nullptr) continue;
      best->hidden = true;
      changed = true;
    }
  }
}

Status WriteMovementFlows(const PupilLevelContext& ctx, const std::string& dir,
                          uint64_t* rows_written) {
  const Cube& cube = ctx.cube;
  const DisclosureFlags& flags = ctx.flags;
  const StoreState& s = ctx.state;
  const EnrolmentTable& e = s.enrolments;
  ExitSet classified;
  const ExitSet& exits = YearExits(ctx, &classified);
  const int m_exits = MeasureIndex(ctx, "exits");
  const int m_other_la = MeasureIndex(ctx, "moves_other_la");
  const int m_same_trust = MeasureIndex(ctx, "moves_same_trust");
  const int m_ehe = MeasureIndex(ctx, "ehe_no_school");
  const int m_cme = MeasureIndex(ctx, "cme_open");
  const int m_moves = MeasureIndex(ctx, "moves");
  const int m_no_school = MeasureIndex(ctx, "exits_no_school");
  const int m_headcount = MeasureIndex(ctx, "headcount");
  if (m_exits < 0 || m_other_la < 0 || m_same_trust < 0 || m_ehe < 0 || m_cme < 0 || m_moves < 0 ||
      m_no_school < 0 || m_headcount < 0) {
    return Status::Internal("movement flows: the cube lacks the movement measures");
  }
  const int threshold = ctx.policy.suppress_below;
  auto group_of = [&](size_t school) {
    return cube.school_trust(school) >= 0 ? cube.school_trust(school) : kMaintained;
  };
  // Each LA's schools (by location) that movement.csv counts, by group.
  std::map<int, std::map<int, std::vector<size_t>>> schools_of;  // la unit -> group -> schools
  for (size_t sc = 0; sc < cube.schools(); ++sc) {
    if (cube.school_type(sc) >= 0) schools_of[cube.school_la(sc)][group_of(sc)].push_back(sc);
  }
  // The flows: each exit from a school movement.csv counts, split as its
  // destinations split them (docs/local-outcomes.md, "Flows").
  std::map<int, std::map<std::pair<int, int>, int64_t>> flows;  // la unit -> (from, to) -> exits
  for (const ExitRecord& x : exits.exits) {
    const uint32_t school = e.school[x.enrolment];
    if (school >= cube.schools() || cube.school_type(school) < 0) continue;
    int to = kNoSchool;
    if (x.move) {
      to = x.move_other_la ? kOtherLa : group_of(e.school[static_cast<size_t>(x.next)]);
    } else if (!x.no_next) {
      to = kSameSchool;
    } else if (static_cast<LeavingReason>(e.leaving_reason[x.enrolment]) == LeavingReason::kEhe) {
      to = kHomeEducation;
    } else if (x.cme == CmeStatus::kOpen) {
      to = kMissingEducation;
    }
    ++flows[cube.school_la(school)][{group_of(school), to}];
  }
  // A sum of the group's school cells of one cube measure, and whether the
  // one rule hides it (a trust's schools: SchoolSumHidden).
  auto school_sum = [&](std::span<const size_t> schools, int measure, int64_t* n) {
    int hidden_cells = 0;
    int64_t hidden_total = 0;
    *n = 0;
    for (size_t sc : schools) {
      const int64_t v = cube.SchoolValue(sc, kTotalCategory, static_cast<size_t>(measure));
      *n += v;
      if (v != 0 && flags.HiddenAtSchool(static_cast<size_t>(measure), sc, kTotalCategory)) {
        ++hidden_cells;
        hidden_total += v;
      }
    }
    return schools.size() == 1 ? hidden_cells > 0
                               : SchoolSumHidden(*n, hidden_cells, hidden_total, threshold);
  };
  auto la_hidden = [&](int la, int type, int measure) {
    const int64_t row = flags.RowOf(
        CubeCell{false, static_cast<uint32_t>(la), static_cast<uint8_t>(type), kTotalCategory});
    return flags.HiddenAt(flags.SlotOf(static_cast<size_t>(measure)), row);
  };
  auto name_of = [&](int group) {
    if (group == kMaintained) return std::string("Maintained schools");
    const GeographyRow& g = cube.units()[static_cast<size_t>(group)].geography;
    return g.trust_name.empty() ? g.trust_id : g.trust_name;
  };
  // A column's to_group and to_name.
  auto group_of_column = [](int to) -> std::string {
    static constexpr const char* kGroups[] = {"",
                                              "No trust",
                                              "Another LA",
                                              "Same school",
                                              "Home education",
                                              "Missing education",
                                              "No school in the records"};
    return to >= 0 ? "Trust" : kGroups[-to];
  };
  auto column_name = [&](int to) -> std::string {
    static constexpr const char* kNames[] = {"",
                                             "",
                                             "A school in another LA",
                                             "Registered at the same school again",
                                             "Elective home education, no school after",
                                             "Children missing education (open case)",
                                             "No school in the records"};
    return to >= kMaintained ? name_of(to) : kNames[-to];
  };
  // Trusts by name, then the schools in no trust, then the destinations
  // out of the LA's schools in the order of movement.csv's flows.
  auto rank = [&](int group) {
    return std::tuple{group >= 0             ? 0
                      : group == kMaintained ? 1
                                             : -group,
                      group >= 0 ? name_of(group) : std::string()};
  };

  // The LA's flows with movement.csv's cells beside them (each school's
  // and the LA's by type, as published there, hidden where the row or the
  // figure is): each flow out of the LA, to home education, to missing
  // education and within a trust is its schools' cells, each origin's
  // flows add up to its schools' exits, each column of those three to the
  // LA's cells, and a school's exits split into moves, no school (home
  // education, missing education, no school in the records) and the same
  // school. Hides flows until the audit finds nothing small to work out;
  // a chain with no flow in it to hide leaves every flow hidden. Returns
  // whether it hid any.
  // The pass's splits whose rests are the flows to no school in the records
  // and back to the same school (-1: not held).
  auto split_of = [&](int whole, std::initializer_list<int> parts) {
    const auto& splits = flags.splits();
    for (size_t i = 0; i < splits.size(); ++i) {
      if (splits[i].whole != static_cast<size_t>(whole) || !splits[i].rest) continue;
      if (std::is_permutation(splits[i].parts.begin(), splits[i].parts.end(), parts.begin(),
                              parts.end())) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  const int split_records = split_of(m_no_school, {m_ehe, m_cme});
  const int split_same = split_of(m_exits, {m_moves, m_no_school});
  auto HideLinkedFlows = [&](int la, const std::map<int, std::vector<size_t>>& origins,
                             std::vector<FlowCell>* table) {
    std::vector<int64_t> counts;
    std::vector<bool> known, may_hide, kept_hidden;
    AdditiveRelations relations;
    // `kept`: a cell the disclosure pass hides, which may protect cells of
    // the cube's tables this audit does not hold, so is never worked out.
    auto add = [&](int64_t n, bool shown, bool hideable, bool kept = false) {
      counts.push_back(n);
      known.push_back(shown);
      may_hide.push_back(hideable);
      kept_hidden.push_back(kept);
      return counts.size() - 1;
    };
    const int measures[] = {m_exits, m_moves, m_no_school, m_ehe, m_cme, m_same_trust, m_other_la};
    enum { kExits, kMoves, kNoSchoolAtAll, kEhe, kCme, kSameTrust, kOtherLaMoves };
    std::array<std::array<std::vector<size_t>, 7>, kReportTypes> by_type;
    std::map<int, std::map<int, std::vector<size_t>>> parts;  // origin -> column -> cells
    for (const auto& [group, schools] : origins) {
      for (size_t sc : schools) {
        std::array<size_t, 7> at{};
        const bool row_hidden =
            flags.HiddenAtSchool(static_cast<size_t>(m_headcount), sc, kTotalCategory);
        for (size_t k = 0; k < 7; ++k) {
          const auto m = static_cast<size_t>(measures[k]);
          const bool shown = !row_hidden && !flags.HiddenAtSchool(m, sc, kTotalCategory);
          at[k] = add(cube.SchoolValue(sc, kTotalCategory, m), shown, false, !shown);
          by_type[static_cast<size_t>(cube.school_type(sc))][k].push_back(at[k]);
        }
        const int64_t exits = counts[at[kExits]], moves = counts[at[kMoves]],
                      none = counts[at[kNoSchoolAtAll]];
        const CubeCell cell{true, static_cast<uint32_t>(sc),
                            static_cast<uint8_t>(cube.school_type(sc)), kTotalCategory};
        auto rest_kept = [&](int split) { return split >= 0 && flags.RestHidden(split, cell); };
        const size_t records =
            add(none - counts[at[kEhe]] - counts[at[kCme]], false, false, rest_kept(split_records));
        const size_t same = add(exits - moves - none, false, false, rest_kept(split_same));
        relations.Add(at[kNoSchoolAtAll], std::vector<size_t>{at[kEhe], at[kCme], records});
        relations.Add(at[kExits], std::vector<size_t>{at[kMoves], at[kNoSchoolAtAll], same});
        parts[group][kNoSchool].push_back(records);
        parts[group][kSameSchool].push_back(same);
        parts[group][kOtherLa].push_back(at[kOtherLaMoves]);
        parts[group][kHomeEducation].push_back(at[kEhe]);
        parts[group][kMissingEducation].push_back(at[kCme]);
        parts[group][group].push_back(at[kSameTrust]);
        parts[group][kExitsMargin].push_back(at[kExits]);
      }
    }
    // The LA's cells by type: its schools of the type; Total the headline types.
    std::array<size_t, 7> la_total{};
    for (size_t k = 0; k < 7; ++k) {
      std::vector<size_t> headline, all_types;
      for (int type = 0; type < kReportTypes; ++type) {
        const bool shown = !la_hidden(la, type, m_headcount) && !la_hidden(la, type, measures[k]);
        const size_t i =
            add(cube.Aggregate(static_cast<size_t>(la), type, kTotalCategory)[measures[k]], shown,
                false, !shown);
        if (type == kTotalType) {
          la_total[k] = i;
          continue;
        }
        relations.Add(i, by_type[static_cast<size_t>(type)][k]);
        all_types.push_back(i);
        if (InHeadlineTotal(type, ctx.policy)) headline.push_back(i);
      }
      relations.Add(la_total[k], headline);
      // The columns out of the LA: every type's schools (PRUs too).
      if (k == kOtherLaMoves || k == kEhe || k == kCme) {
        const int column = k == kOtherLaMoves ? kOtherLa
                           : k == kEhe        ? kHomeEducation
                                              : kMissingEducation;
        int64_t n = 0;
        for (size_t i : all_types) n += counts[i];
        const size_t margin = add(n, false, false);
        relations.Add(margin, all_types);
        parts[kColumnMargin][column].push_back(margin);
      }
    }
    // The flows.
    std::vector<size_t> flow_cell(table->size());
    std::map<int, std::vector<size_t>> row_of, column_of;
    for (size_t i = 0; i < table->size(); ++i) {
      const FlowCell& c = (*table)[i];
      flow_cell[i] = add(c.n, !c.hidden, c.n > 0 && !c.hidden);
      row_of[c.from].push_back(flow_cell[i]);
      column_of[c.to].push_back(flow_cell[i]);
      auto members = parts.find(c.from);
      if (members == parts.end()) continue;
      auto of_column = members->second.find(c.to);
      if (of_column != members->second.end()) relations.Add(flow_cell[i], of_column->second);
    }
    for (const auto& [group, members] : parts) {
      if (group == kColumnMargin) continue;
      auto exits = members.find(kExitsMargin);
      if (exits == members.end() || !row_of.count(group)) continue;
      int64_t n = 0;
      for (size_t i : exits->second) n += counts[i];
      const size_t margin = add(n, false, false);
      relations.Add(margin, exits->second);
      relations.Add(margin, row_of[group]);
    }
    for (const auto& [column, margins] : parts[kColumnMargin]) {
      if (column_of.count(column)) relations.Add(margins.front(), column_of[column]);
    }
    const std::vector<bool> before = known;
    if (!HideUntilNoLeaks(relations, counts, known, may_hide, threshold, &kept_hidden)) {
      for (size_t i : flow_cell) known[i] = false;
    }
    bool hid = false;
    for (size_t i = 0; i < table->size(); ++i) {
      if (before[flow_cell[i]] && !known[flow_cell[i]]) {
        (*table)[i].hidden = true;
        hid = true;
      }
    }
    return hid;
  };

  TidyFile t;
  t.file = "movement_flows.csv";
  t.filters = {
      EesFilter("from_group", "Left a school of", "Trust, or No trust", "Trust"),
      EesFilter("from_name", "The trust (or Maintained schools: every school in no trust)", "",
                "Maintained schools"),
      EesFilter("to_group", "Went to",
                "Trust, No trust (a school in this LA), Another LA, Same school, Home education, "
                "Missing education, No school in the records",
                "Trust"),
      EesFilter("to_name", "The trust, or where the pupil went", "", "Maintained schools"),
  };
  t.indicators = {
      EesIndicator("exits", "Exits (registrations ending in the year) from this LA's schools",
                   "Flow", 0),
  };
  for (auto& [la, table] : flows) {
    std::vector<FlowCell> cells;
    for (const auto& [key, n] : table) cells.push_back({key.first, key.second, n, false});
    std::sort(cells.begin(), cells.end(), [&](const FlowCell& a, const FlowCell& b) {
      return std::tuple{rank(a.from), rank(a.to)} < std::tuple{rank(b.from), rank(b.to)};
    });
    // Primary suppression, and the cells that are sums of school cells the
    // disclosure pass controls (a figure hidden there is hidden here).
    const auto& groups = schools_of[la];
    for (FlowCell& c : cells) {
      c.hidden = IsDisclosive(c.n, threshold);
      const int measure = c.to == kOtherLa            ? m_other_la
                          : c.to == kHomeEducation    ? m_ehe
                          : c.to == kMissingEducation ? m_cme
                          : c.to == c.from            ? m_same_trust
                                                      : -1;
      const auto members = groups.find(c.from);
      if (measure < 0 || members == groups.end()) continue;
      int64_t sum = 0;
      if (school_sum(members->second, measure, &sum)) c.hidden = true;
      if (sum != c.n) {
        return Status::Internal(
            fmt::format("movement flows: {} exits from {} to {} in LA {}, movement.csv {}", c.n,
                        name_of(c.from), column_name(c.to),
                        cube.units()[static_cast<size_t>(la)].geography.old_la_code, sum));
      }
    }
    // A margin the pass hid (an origin's exits, the LA's count of a
    // destination) needs a hidden cell in its line, or the shown cells
    // would add up to it.
    auto hide_smallest = [&](bool row, int key) {
      FlowCell* smallest = nullptr;
      for (FlowCell& c : cells) {
        if ((row ? c.from : c.to) != key) continue;
        if (c.hidden) return;
        if (smallest == nullptr || c.n < smallest->n) smallest = &c;
      }
      if (smallest != nullptr) smallest->hidden = true;
    };
    for (const auto& [group, members] : groups) {
      int64_t sum = 0;
      if (school_sum(members, m_exits, &sum)) hide_smallest(true, group);
    }
    for (const auto& [to, measure] :
         {std::pair{kOtherLa, m_other_la}, {kHomeEducation, m_ehe}, {kMissingEducation, m_cme}}) {
      for (int type = 0; type < kReportTypes; ++type) {
        if ((type == kTotalType || !InHeadlineTotal(type, ctx.policy)) &&
            la_hidden(la, type, measure)) {
          hide_smallest(false, to);
        }
      }
    }
    SuppressFlowTable(&cells, threshold);
    // Then the table and what movement.csv publishes beside it as one
    // linked table, hidden until the differencing audit finds nothing a
    // reader could work out (the table's rule above protects it against
    // its own margins only).
    for (int round = 0; round < 8 && HideLinkedFlows(la, groups, &cells); ++round) {
      SuppressFlowTable(&cells, threshold);
    }
    const GeographyRow& geo = cube.units()[static_cast<size_t>(la)].geography;
    for (const FlowCell& c : cells) {
      TidyRow row;
      row.time_period = ctx.time_period;
      row.time_identifier = "Academic year";
      row.geography = geo;
      row.filters = {c.from >= 0 ? "Trust" : "No trust", name_of(c.from), group_of_column(c.to),
                     column_name(c.to)};
      row.indicators = {c.hidden ? PublishedCell::Symbol(GssSymbol::kSuppressed)
                                 : PublishedCell::Count(c.n)};
      t.rows.push_back(std::move(row));
    }
  }
  *rows_written = t.rows.size();
  return WriteTidyOpenDataFile(t, dir);
}

}  // namespace lantern::outcomes
