#include "voice/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <unordered_map>

#include "aggregate/groups.h"
#include "common/parallel.h"
#include "derive/cohort.h"
#include "derive/enrolment_sessions.h"
#include "stats/intervals.h"
#include "suppress/suppression_problem.h"

namespace lantern::voice {

namespace {

// The voice reports' own topics, after the pupil topics of groups.h.
enum ExtraGroup { kPersistent = 0, kNotPersistent, kSevere, kNotSevere, kInAp, kNotInAp, kExtras };

struct GroupIndex {
  std::vector<VoiceGroup> groups;
  std::vector<VoiceTopic> topics;
  uint16_t extra = 0;  // the first extra group
  GroupIndex() {
    const auto& t = GroupTopics();
    for (size_t i = 0; i < t.size(); ++i) {
      VoiceTopic topic{std::string(t[i].label), static_cast<uint16_t>(groups.size()), 0};
      for (const auto& c : t[i].categories) {
        groups.push_back({std::string(t[i].label), std::string(c.id), std::string(c.display)});
      }
      topic.end = static_cast<uint16_t>(groups.size());
      topics.push_back(topic);
    }
    extra = static_cast<uint16_t>(groups.size());
    auto add = [&](const char* topic, const char* yes_id, const char* yes, const char* no_id,
                   const char* no) {
      VoiceTopic vt{topic, static_cast<uint16_t>(groups.size()), 0};
      groups.push_back({topic, yes_id, yes});
      groups.push_back({topic, no_id, no});
      vt.end = static_cast<uint16_t>(groups.size());
      topics.push_back(vt);
    };
    add("Persistent absence", "persistently_absent", "Persistently absent",
        "not_persistently_absent", "Not persistently absent");
    add("Severe absence", "severely_absent", "Severely absent", "not_severely_absent",
        "Not severely absent");
    add("Alternative provision", "in_ap", "In alternative provision", "not_in_ap",
        "Not in alternative provision");
  }
};
const GroupIndex& Groups() {
  static const GroupIndex g;
  return g;
}

constexpr size_t kMaxTopics = 16;
struct PupilGroups {
  std::array<int16_t, kMaxTopics> group{};  // per topic; topic 0: group 0
  int year_group = -100;
};

bool IsRegistration(uint8_t status) {
  auto s = static_cast<EnrolStatus>(status);
  return s == EnrolStatus::kCurrent || s == EnrolStatus::kMain;
}

// What a store says about pupils on a date: their enrolment at a school,
// absence to date (persistent, severe) and AP.
class PupilFacts {
 public:
  PupilFacts(const StoreState& s, const Policy& policy, int threads)
      : s_(s), policy_(policy), reader_(s.pupils, threads) {
    first_.assign(s.pupils.size(), kNoIndex);
    next_.assign(s.enrolments.size(), kNoIndex);
    for (size_t e = s.enrolments.size(); e-- > 0;) {
      const uint32_t p = s.enrolments.pupil[e];
      if (p >= first_.size()) continue;
      next_[e] = first_[p];
      first_[p] = static_cast<uint32_t>(e);
    }
    for (size_t a = 0; a < s.ap_placements.size(); ++a) {
      ap_[s.ap_placements.pupil[a]].push_back(static_cast<uint32_t>(a));
    }
    if (s.year && !s.marks.blocks.empty()) {
      treatments_ = policy.Treatments();
      counter_ = std::make_unique<SessionCounter>(s.marks, treatments_);
    }
  }

  uint32_t EnrolmentOn(uint32_t pupil, uint32_t school, int32_t date) const {
    if (pupil >= first_.size()) return kNoIndex;
    for (uint32_t e = first_[pupil]; e != kNoIndex; e = next_[e]) {
      if (s_.enrolments.school[e] == school && s_.enrolments.entry_date[e] <= date &&
          date <= s_.enrolments.leaving_date[e]) {
        return e;
      }
    }
    return kNoIndex;
  }

  PupilGroups Of(uint32_t pupil, uint32_t enrolment, int32_t date) {
    PupilGroups g;
    const auto all = reader_.All(pupil);
    for (size_t t = 0; t < all.size(); ++t) g.group[t] = all[t];
    g.year_group = s_.pupils.year_group[pupil];
    const size_t t0 = all.size();
    const uint16_t x = Groups().extra;
    bool persistent = false, severe = false;
    if (counter_ && enrolment != kNoIndex) {
      auto it = rules_.find(date);
      if (it == rules_.end()) {
        it = rules_
                 .emplace(date, std::make_unique<CohortRule>(s_, *s_.year, policy_,
                                                             s_.year->FirstDay(), Date{date}))
                 .first;
      }
      CountWindow w;
      if (it->second->Window(enrolment, &w)) {
        EnrolmentSessions n;
        counter_->Count(enrolment, w, &n);
        const double possible = n.n[kSessPossible], absent = n.n[kSessOverall];
        persistent = possible > 0 && absent >= policy_.persistent_absence_threshold * possible;
        severe = possible > 0 && absent >= policy_.severe_absence_threshold * possible;
      }
    }
    bool in_ap = false;
    if (auto it = ap_.find(pupil); it != ap_.end()) {
      for (uint32_t a : it->second) {
        if (s_.ap_placements.start_date[a] <= date && date <= s_.ap_placements.end_date[a]) {
          in_ap = true;
        }
      }
    }
    g.group[t0] = static_cast<int16_t>(x + (persistent ? kPersistent : kNotPersistent));
    g.group[t0 + 1] = static_cast<int16_t>(x + (severe ? kSevere : kNotSevere));
    g.group[t0 + 2] = static_cast<int16_t>(x + (in_ap ? kInAp : kNotInAp));
    return g;
  }

 private:
  const StoreState& s_;
  const Policy& policy_;
  PupilGroupReader reader_;
  std::vector<uint32_t> first_, next_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> ap_;
  CodeTreatments treatments_;
  std::unique_ptr<SessionCounter> counter_;
  std::map<int32_t, std::unique_ptr<CohortRule>> rules_;
};

int TermOf(int32_t days) {
  int y;
  unsigned m, d;
  Date{days}.ToCivil(&y, &m, &d);
  if (m >= 8) return 0;  // autumn
  return Date{days} <= EasterSunday(y) ? 1 : 2;
}

class Builder {
 public:
  Builder(const VoiceReportInput& in, VoiceReport* r) : in_(in), r_(*r), cat_(*in.catalogue) {
    r_.covers_england = StoreCoversEngland(*in.current);
  }

  Status AddStore(const StoreState& s) {
    const size_t n_topics = Groups().topics.size();
    if (n_topics > kMaxTopics) return Status::Internal("too many voice topics");
    // Respondents by school, responses by respondent (counting sorts).
    const VoiceRespondentTable& rt = s.voice_respondents;
    const VoiceResponseTable& t = s.voice_responses;
    r_.respondents += rt.size();
    r_.responses += t.size();
    std::vector<int> item_of_key(s.voice_items.size(), -1);
    for (size_t k = 0; k < s.voice_items.size(); ++k) {
      item_of_key[k] = cat_.FindItem(s.voice_items.item_id[k], s.voice_items.version[k]);
      if (item_of_key[k] < 0) {
        return Status::InvalidInput(fmt::format(
            "the store holds responses to {} version {}, which is not in the question bank",
            s.voice_items.item_id[k], s.voice_items.version[k]));
      }
    }
    std::vector<uint32_t> resp_start(rt.size() + 1, 0);
    for (size_t i = 0; i < t.size(); ++i) ++resp_start[t.respondent[i] + 1];
    for (size_t i = 0; i < rt.size(); ++i) resp_start[i + 1] += resp_start[i];
    // Responses are usually stored respondent by respondent (as a provider
    // writes them); only otherwise are they sorted by respondent here.
    const bool in_order = std::is_sorted(t.respondent.begin(), t.respondent.end());
    std::vector<uint32_t> resp_rows;
    if (!in_order) {
      resp_rows.resize(t.size());
      std::vector<uint32_t> fill(resp_start.begin(), resp_start.end() - 1);
      for (size_t i = 0; i < t.size(); ++i)
        resp_rows[fill[t.respondent[i]]++] = static_cast<uint32_t>(i);
    }
    std::vector<uint32_t> link(rt.size(), kNoIndex);
    for (size_t i = 0; i < s.voice_links.size(); ++i)
      link[s.voice_links.respondent[i]] = s.voice_links.pupil[i];
    // Enrolments by school (a counting sort): each school's roll is read
    // from its own enrolments, not a scan of every enrolment per school.
    std::vector<uint32_t> enrol_start(s.schools.size() + 1, 0);
    for (size_t e = 0; e < s.enrolments.size(); ++e) {
      if (s.enrolments.school[e] < s.schools.size()) ++enrol_start[s.enrolments.school[e] + 1];
    }
    for (size_t i = 0; i < s.schools.size(); ++i) enrol_start[i + 1] += enrol_start[i];
    std::vector<uint32_t> enrol_rows(enrol_start.back());
    {
      std::vector<uint32_t> fill(enrol_start.begin(), enrol_start.end() - 1);
      for (size_t e = 0; e < s.enrolments.size(); ++e) {
        const uint32_t sc = s.enrolments.school[e];
        if (sc < s.schools.size()) enrol_rows[fill[sc]++] = static_cast<uint32_t>(e);
      }
    }
    // Schools and waves.
    std::map<std::pair<uint32_t, int16_t>, std::vector<uint32_t>> by_school_wave;
    for (size_t i = 0; i < rt.size(); ++i) {
      by_school_wave[{rt.school[i], rt.wave[i]}].push_back(static_cast<uint32_t>(i));
    }
    PupilFacts facts(s, *in_.policy, in_.threads);
    const size_t n_items = cat_.items().size();
    const size_t n_groups = Groups().groups.size();
    // Each school and wave: its respondents and their groups (linked
    // respondents: from the store on the collection date), and who was
    // heard against the roll. One thread: the facts cache what they read.
    struct SchoolWave {
      uint32_t unit = 0;
      int16_t wave = 0;
      const std::vector<uint32_t>* respondents = nullptr;
      std::vector<PupilGroups> groups;
      std::vector<bool> linked;
    };
    std::vector<SchoolWave> sws;
    sws.reserve(by_school_wave.size());
    for (const auto& [sw, respondents] : by_school_wave) {
      const auto [school, wave] = sw;
      const uint32_t unit = SchoolUnit(s, school);
      const uint16_t w = WaveIndex(wave);
      (void)w;
      int32_t first = INT32_MAX, last = INT32_MIN;
      std::set<uint16_t> provider_rows;
      std::set<uint8_t> mode_codes;
      std::set<int> years;
      SchoolWave& out = sws.emplace_back();
      out.unit = unit;
      out.wave = wave;
      out.respondents = &respondents;
      std::vector<PupilGroups>& groups = out.groups;
      std::vector<bool>& linked = out.linked;
      linked.assign(respondents.size(), false);
      for (size_t k = 0; k < respondents.size(); ++k) {
        const uint32_t i = respondents[k];
        first = std::min(first, rt.collected[i]);
        last = std::max(last, rt.collected[i]);
        provider_rows.insert(rt.provider[i]);
        mode_codes.insert(rt.mode[i]);
        if (link[i] == kNoIndex) continue;
        if (groups.empty()) groups.resize(respondents.size());
        const uint32_t e = facts.EnrolmentOn(link[i], school, rt.collected[i]);
        groups[k] = facts.Of(link[i], e, rt.collected[i]);
        linked[k] = true;
        years.insert(groups[k].year_group);
      }
      // Coverage: respondents and the roll on the first collection day, in
      // the year groups surveyed.
      std::vector<int64_t> resp(n_groups, 0), roll(n_groups, 0);
      resp[0] = static_cast<int64_t>(respondents.size());
      for (size_t k = 0; k < respondents.size(); ++k) {
        if (!linked[k]) continue;
        for (size_t tp = 1; tp < n_topics; ++tp) ++resp[static_cast<size_t>(groups[k].group[tp])];
      }
      const EnrolmentTable& en = s.enrolments;
      for (uint32_t q = enrol_start[school]; q < enrol_start[school + 1]; ++q) {
        const uint32_t e = enrol_rows[q];
        if (!IsRegistration(en.status[e]) || en.entry_date[e] > first ||
            en.leaving_date[e] < first) {
          continue;
        }
        const uint32_t p = en.pupil[e];
        if (!years.count(s.pupils.year_group[p])) continue;
        PupilGroups g = facts.Of(p, static_cast<uint32_t>(e), first);
        ++roll[0];
        for (size_t tp = 1; tp < n_topics; ++tp) ++roll[static_cast<size_t>(g.group[tp])];
      }
      std::set<std::string> providers, modes;
      for (uint16_t p : provider_rows) providers.insert(s.voice_providers.provider_id[p]);
      for (uint8_t m : mode_codes) {
        modes.insert(std::string(CodeOf(VoiceModeCodes(), static_cast<VoiceMode>(m))));
      }
      std::string provider_list, mode_list;
      for (const auto& p : providers) provider_list += (provider_list.empty() ? "" : ";") + p;
      for (const auto& m : modes) mode_list += (mode_list.empty() ? "" : ";") + m;
      for (size_t g = 0; g < n_groups; ++g) {
        if (roll[g] == 0 && resp[g] == 0) continue;
        VoiceCoverage& c = Coverage(unit, wave, static_cast<uint16_t>(g));
        c.roll += roll[g];
        c.respondents += resp[g];
        c.first_date = std::min(c.first_date, first);
        c.last_date = std::max(c.last_date, last);
        c.modes = mode_list;
        c.providers = provider_list;
      }
      school_years_[{unit, wave}] = years;
      school_term_[{unit, wave}] = TermOf(first);
    }
    // Every school's distributions: counted on every thread, block by
    // block, and added to the report in school order (the order of the
    // distributions is the same on any number of threads).
    size_t max_categories = 0;
    for (const VoiceItem& item : cat_.items()) {
      max_categories = std::max(max_categories, cat_.ScaleOf(item).categories.size());
    }
    const size_t stride = max_categories + 1;  // the categories, then the base
    constexpr size_t kBlockSchools = 64;
    struct Counted {
      std::vector<size_t> school_ends;  // each school's end in `cells`
      std::vector<uint32_t> cells;      // item * n_groups + group, as first met
      std::vector<int64_t> counts;      // stride per cell
      std::vector<int32_t> dense;       // cell -> position in `cells`, or -1
    };
    auto count = [&](size_t b, Counted* c, int) {
      c->school_ends.clear();
      c->cells.clear();
      c->counts.clear();
      if (c->dense.empty()) c->dense.assign(n_items * n_groups, -1);
      for (size_t x = b * kBlockSchools; x < std::min(sws.size(), (b + 1) * kBlockSchools); ++x) {
        const SchoolWave& sw = sws[x];
        const size_t first_cell = c->cells.size();
        for (size_t k = 0; k < sw.respondents->size(); ++k) {
          const uint32_t i = (*sw.respondents)[k];
          const size_t topics = sw.linked[k] ? n_topics : 1;
          for (uint32_t p = resp_start[i]; p < resp_start[i + 1]; ++p) {
            const uint32_t row = in_order ? p : resp_rows[p];
            const size_t item = static_cast<size_t>(item_of_key[t.item[row]]);
            const uint8_t cat = t.category[row];
            for (size_t tp = 0; tp < topics; ++tp) {
              const size_t g = tp == 0 ? 0 : static_cast<size_t>(sw.groups[k].group[tp]);
              int32_t& d = c->dense[item * n_groups + g];
              if (d < 0) {
                d = static_cast<int32_t>(c->cells.size() - first_cell);
                c->cells.push_back(static_cast<uint32_t>(item * n_groups + g));
                c->counts.resize(c->counts.size() + stride, 0);
              }
              int64_t* n = &c->counts[(first_cell + static_cast<size_t>(d)) * stride];
              if (cat < max_categories) ++n[cat];
              ++n[max_categories];
            }
          }
        }
        for (size_t j = first_cell; j < c->cells.size(); ++j) c->dense[c->cells[j]] = -1;
        c->school_ends.push_back(c->cells.size());
      }
    };
    size_t next_school = 0;
    return WriteOrderedBlocks<Counted>(
        (sws.size() + kBlockSchools - 1) / kBlockSchools, in_.threads, count,
        [&](const Counted& c) {
          size_t j = 0;
          for (size_t end : c.school_ends) {
            const SchoolWave& sw = sws[next_school++];
            for (; j < end; ++j) {
              const uint16_t item = static_cast<uint16_t>(c.cells[j] / n_groups);
              const uint16_t g = static_cast<uint16_t>(c.cells[j] % n_groups);
              VoiceDistribution& dist = r_.distributions[Dist(sw.unit, sw.wave, item, g)];
              const int64_t* n = &c.counts[j * stride];
              for (size_t k = 0; k < dist.counts.size(); ++k) dist.counts[k] += n[k];
              dist.base += n[max_categories];
            }
          }
          return Status::Ok();
        });
  }

  // Adds every school's figures into its LA, region, England and trust.
  void Aggregate() {
    const size_t n_dists = r_.distributions.size();
    for (size_t d = 0; d < n_dists; ++d) {
      const VoiceDistribution src = r_.distributions[d];
      const VoiceUnit& u = r_.units[src.unit];
      if (!u.school || cat_.items()[src.item].local) continue;
      for (uint32_t a : Ancestors(src.unit)) {
        VoiceDistribution& dst = r_.distributions[Dist(a, src.wave, src.item, src.group)];
        for (size_t c = 0; c < src.counts.size(); ++c) dst.counts[c] += src.counts[c];
        dst.base += src.base;
        dst.schools += src.base > 0;
      }
    }
    for (auto& d : r_.distributions) {
      if (r_.units[d.unit].school) d.schools = 1;
    }
    const size_t n_cov = r_.coverage.size();
    for (size_t i = 0; i < n_cov; ++i) {
      const VoiceCoverage src = r_.coverage[i];
      if (!r_.units[src.unit].school) continue;
      for (uint32_t a : Ancestors(src.unit)) {
        VoiceCoverage& dst = Coverage(a, src.wave, src.group);
        dst.roll += src.roll;
        dst.respondents += src.respondents;
        dst.first_date = std::min(dst.first_date, src.first_date);
        dst.last_date = std::max(dst.last_date, src.last_date);
        dst.modes = Union(dst.modes, src.modes);
        dst.providers = Union(dst.providers, src.providers);
        if (src.group == 0) {
          area_schools_[{a, src.wave}] += 1;
          auto& years = area_years_[{a, src.wave}];
          const auto& sy = school_years_[{src.unit, src.wave}];
          years.insert(sy.begin(), sy.end());
          const int term = school_term_[{src.unit, src.wave}];
          auto [it, fresh] = area_term_.emplace(std::make_pair(a, src.wave), term);
          if (!fresh && it->second != term) it->second = -1;  // mixed windows
        }
      }
    }
  }

  // `built` is called once the relations are built, before the pass.
  void Suppress(const std::function<void()>& built) {
    SuppressionProblem problem;
    std::vector<bool> unpublished;
    std::vector<int64_t> cc;
    auto add_cell = [&](int64_t count, bool published) {
      const size_t c = problem.AddCell(count);
      cc.push_back(count);
      unpublished.push_back(!published);
      return c;
    };
    auto relate = [&](size_t margin, std::span<const size_t> members) {
      problem.AddGroup(margin, members);
    };
    const Policy& policy = *in_.policy;
    {
      // Room for the cells and relations made below (the areas' relations
      // have a member for each unit below them).
      std::vector<uint32_t> parents(r_.units.size(), 0);
      for (const auto& children : children_) {
        for (uint32_t ch : children) ++parents[ch];
      }
      size_t cells = 0, relations = 0, members = 0;
      for (const auto& d : r_.distributions) {
        const size_t k = d.counts.size();
        cells += k + 3;
        relations += 4 + (k + 3);
        members += 3 * k + 1 + (k + 3) * parents[d.unit];
      }
      for (const auto& c : r_.coverage) {
        cells += 3;
        relations += 3;
        members += 2 + 2 * parents[c.unit];
      }
      problem.Reserve(cells, relations, members);
      cc.reserve(cells);
      unpublished.reserve(cells);
    }
    // Cells: each distribution's base, then its categories; each coverage
    // row's roll, respondents and (never published) non-respondents.
    std::vector<size_t> members, positive, answered, base_parts;
    for (auto& d : r_.distributions) {
      d.first_cell = add_cell(d.base, true);
      for (int64_t n : d.counts) add_cell(n, true);
      members.clear();
      positive.clear();
      answered.clear();
      const VoiceItem& item = cat_.items()[d.item];
      const auto& cats = cat_.ScaleOf(item).categories;
      for (size_t c = 0; c < d.counts.size(); ++c) {
        members.push_back(d.first_cell + 1 + c);
        if (item.positive[c]) positive.push_back(d.first_cell + 1 + c);
        if (cats[c].kind != CategoryKind::kPreferNotToSay &&
            cats[c].kind != CategoryKind::kNotAnswered) {
          answered.push_back(d.first_cell + 1 + c);
        }
      }
      relate(d.first_cell, members);
      int64_t pos = 0;
      const int64_t ans = AnsweredCount(cat_, item, d.counts, &pos);
      d.positive_cell = add_cell(pos, true);  // first_cell + 1 + categories
      d.answered_cell = add_cell(ans, true);  // the one after
      relate(d.positive_cell, positive);
      relate(d.answered_cell, answered);
      base_parts.assign(1, d.answered_cell);
      for (size_t c = 0; c < d.counts.size(); ++c) {
        if (cats[c].kind == CategoryKind::kPreferNotToSay ||
            cats[c].kind == CategoryKind::kNotAnswered) {
          base_parts.push_back(d.first_cell + 1 + c);
        }
      }
      relate(d.first_cell, base_parts);
    }
    for (auto& c : r_.coverage) {
      c.first_cell = add_cell(c.roll, true);
      add_cell(c.respondents, true);
      const size_t non = add_cell(std::max<int64_t>(0, c.roll - c.respondents), false);
      if (c.roll >= c.respondents) relate(c.first_cell, std::array{c.first_cell + 1, non});
    }
    // Topics add up to all pupils; the nested groups (FSM within
    // disadvantaged, severe within persistent absence) differ by a group
    // that is never published.
    const auto& topics = Groups().topics;
    const auto fsm = FindCategory("fsm"), not_fsm = FindCategory("not_fsm"),
               dis = FindCategory("disadvantaged"), not_dis = FindCategory("not_disadvantaged");
    const uint16_t x = Groups().extra;
    auto topic_relations = [&](auto&& cell_of, size_t cells) {
      // cell_of(group, k) -> cell index or SIZE_MAX when the group has no row.
      for (size_t k = 0; k < cells; ++k) {
        const size_t total = cell_of(0, k);
        if (total == SIZE_MAX) continue;
        for (size_t tp = 1; tp < topics.size(); ++tp) {
          members.clear();
          int64_t sum = 0;
          for (uint16_t g = topics[tp].first; g < topics[tp].end; ++g) {
            const size_t c = cell_of(g, k);
            if (c == SIZE_MAX) continue;
            members.push_back(c);
            sum += cc[c];
          }
          // No group of the topic here (nobody linked): nothing to relate.
          if (members.empty()) continue;
          const int64_t rest = cc[total] - sum;
          if (rest > 0) members.push_back(add_cell(rest, false));  // not linked to a pupil
          if (!members.empty()) relate(total, members);
        }
        auto nested = [&](int outer, int inner, int not_outer, int not_inner) {
          const size_t o = cell_of(static_cast<uint16_t>(outer), k);
          const size_t i = cell_of(static_cast<uint16_t>(inner), k);
          if (o == SIZE_MAX || i == SIZE_MAX) return;
          const int64_t between = cc[o] - cc[i];
          if (between < 0) return;
          const size_t b = add_cell(between, false);
          relate(o, std::array{i, b});
          const size_t no = cell_of(static_cast<uint16_t>(not_outer), k);
          const size_t ni = cell_of(static_cast<uint16_t>(not_inner), k);
          if (no != SIZE_MAX && ni != SIZE_MAX) relate(ni, std::array{no, b});
        };
        if (fsm && dis && not_fsm && not_dis) nested(*dis, *fsm, *not_dis, *not_fsm);
        nested(x + kPersistent, x + kSevere, x + kNotPersistent, x + kNotSevere);
      }
    };
    // Distributions by (unit, wave, item): their indices sorted by key,
    // one run of groups for each; v holds a run's distribution by group.
    const size_t n_groups = Groups().groups.size();
    std::vector<std::pair<uint64_t, uint32_t>> by_key(r_.distributions.size());
    for (size_t i = 0; i < r_.distributions.size(); ++i) {
      const auto& d = r_.distributions[i];
      by_key[i] = {DistKey(d.unit, d.wave, d.item, d.group), static_cast<uint32_t>(i)};
    }
    std::sort(by_key.begin(), by_key.end());
    std::vector<std::pair<size_t, size_t>> runs;  // [begin, end) in by_key
    for (size_t b = 0, e = 0; b < by_key.size(); b = e) {
      e = b + 1;
      while (e < by_key.size() && (by_key[e].first >> 12) == (by_key[b].first >> 12)) ++e;
      runs.emplace_back(b, e);
    }
    std::vector<int32_t> v(n_groups, -1);
    auto load_run = [&](std::pair<size_t, size_t> run) {
      std::fill(v.begin(), v.end(), -1);
      for (size_t j = run.first; j < run.second; ++j) {
        v[r_.distributions[by_key[j].second].group] = static_cast<int32_t>(by_key[j].second);
      }
    };
    for (const auto& run : runs) {
      load_run(run);
      if (v[0] < 0) continue;
      // base, categories, positive, answered: contiguous cells.
      const size_t cells = 3 + r_.distributions[static_cast<size_t>(v[0])].counts.size();
      topic_relations(
          [&](uint16_t g, size_t k) {
            return v[g] < 0 ? SIZE_MAX : r_.distributions[static_cast<size_t>(v[g])].first_cell + k;
          },
          cells);
    }
    std::map<std::pair<uint32_t, int16_t>, std::vector<int32_t>> by_unit;
    for (size_t i = 0; i < r_.coverage.size(); ++i) {
      const auto& c = r_.coverage[i];
      auto& v = by_unit[{c.unit, c.wave}];
      if (v.empty()) v.assign(Groups().groups.size(), -1);
      v[c.group] = static_cast<int32_t>(i);
    }
    for (const auto& unit_cells : by_unit) {
      const std::vector<int32_t>& v = unit_cells.second;
      topic_relations(
          [&](uint16_t g, size_t k) {
            return v[g] < 0 ? SIZE_MAX : r_.coverage[static_cast<size_t>(v[g])].first_cell + k;
          },
          2);
    }
    // Geography: the units below each area add up to it.
    std::vector<size_t> child_first;
    for (const auto& run : runs) {
      const VoiceDistribution& d0 = r_.distributions[by_key[run.first].second];
      const auto& children = children_[d0.unit];
      if (children.empty()) continue;
      load_run(run);
      for (uint16_t g = 0; g < v.size(); ++g) {
        if (v[g] < 0) continue;
        const VoiceDistribution& d = r_.distributions[static_cast<size_t>(v[g])];
        child_first.clear();
        for (uint32_t ch : children) {
          auto it = dist_index_.find(DistKey(ch, d.wave, d.item, g));
          if (it != dist_index_.end())
            child_first.push_back(r_.distributions[it->second].first_cell);
        }
        for (size_t k = 0; k < d.counts.size() + 3; ++k) {
          members.clear();
          for (size_t f : child_first) members.push_back(f + k);
          relate(d.first_cell + k, members);
        }
      }
    }
    for (const auto& [key, v] : by_unit) {
      const auto [unit, wave] = key;
      const auto& children = children_[unit];
      if (children.empty()) continue;
      for (uint16_t g = 0; g < v.size(); ++g) {
        if (v[g] < 0) continue;
        const VoiceCoverage& c = r_.coverage[static_cast<size_t>(v[g])];
        for (size_t k = 0; k < 2; ++k) {
          members.clear();
          for (uint32_t ch : children) {
            auto it = coverage_index_.find(CoverageKey(ch, wave, g));
            if (it != coverage_index_.end())
              members.push_back(r_.coverage[it->second].first_cell + k);
          }
          relate(c.first_cell + k, members);
        }
      }
    }
    // Withheld before the pass: a school's distribution of fewer than the
    // minimum base; an area's of fewer respondents or schools than its
    // minimum; a sensitive item's with a response given by 1 or 2 pupils.
    std::vector<int64_t> counts = cc;
    std::vector<bool> hidden(counts.size(), false);
    auto withhold = [&](VoiceDistribution& d, std::string why) {
      if (d.withheld.empty()) d.withheld = std::move(why);
      for (size_t k = 0; k <= d.counts.size(); ++k) hidden[d.first_cell + k] = true;
      hidden[d.positive_cell] = hidden[d.answered_cell] = true;
    };
    for (auto& d : r_.distributions) {
      const bool school = r_.units[d.unit].school;
      if (school && d.base < policy.voice_school_min_base) {
        withhold(d, fmt::format("fewer than {} pupils", policy.voice_school_min_base));
      } else if (!school && (d.base < policy.voice_area_min_base ||
                             d.schools < policy.voice_area_min_schools)) {
        withhold(d, fmt::format("fewer than {} respondents or {} schools",
                                policy.voice_area_min_base, policy.voice_area_min_schools));
      } else if (cat_.items()[d.item].sensitive) {
        for (int64_t n : d.counts) {
          if (n > 0 && n < policy.suppress_below) {
            withhold(d, "a sensitive item with a response given by very few pupils");
            break;
          }
        }
      }
    }
    for (auto& c : r_.coverage) {
      if (!r_.units[c.unit].school) {
        auto it = area_schools_.find({c.unit, c.wave});
        if (it == area_schools_.end() || it->second < policy.voice_area_min_schools) {
          hidden[c.first_cell] = hidden[c.first_cell + 1] = true;
        }
      }
    }
    built();
    // The pass, again until a distribution with its base hidden has every
    // response hidden too (a response shown without its base is no figure),
    // and until exhaustive differencing over every relation finds nothing
    // (suppress/differencing_audit.h): where it finds a leak, the leaking
    // relation's margin (or its smallest published member) is hidden too.
    for (int audit = 0; audit < 60; ++audit) {
      r_.audit_rounds = audit + 1;
      for (int round = 0; round < 20; ++round) {
        hidden = problem.Solve(counts, policy.suppress_below, policy.secondary_suppression, hidden);
        bool more = false;
        for (auto& d : r_.distributions) {
          if (!hidden[d.first_cell]) continue;
          for (size_t k = 1; k <= d.counts.size() + 2; ++k) {
            if (!hidden[d.first_cell + k]) {
              hidden[d.first_cell + k] = true;
              more = true;
            }
          }
        }
        for (auto& c : r_.coverage) {
          if (hidden[c.first_cell] != hidden[c.first_cell + 1]) {
            hidden[c.first_cell] = hidden[c.first_cell + 1] = true;  // a rate needs both
            more = true;
          }
        }
        if (!more) break;
      }
      std::vector<bool> known(counts.size());
      for (size_t c = 0; c < known.size(); ++c) known[c] = !hidden[c] && !unpublished[c];
      std::vector<uint32_t> derived_by;
      const auto leaks =
          AuditDifferencing(problem.relations(), counts, known, policy.suppress_below, &derived_by);
      if (leaks.empty()) break;
      std::vector<bool> published(counts.size());
      for (size_t c = 0; c < counts.size(); ++c) published[c] = !hidden[c] && !unpublished[c];
      for (size_t c :
           CellsToBreakLeaks(problem.relations(), counts, leaks, published, derived_by)) {
        hidden[c] = true;
      }
    }
    for (auto& d : r_.distributions) {
      d.base_hidden = hidden[d.first_cell];
      d.hidden.resize(d.counts.size());
      for (size_t k = 0; k < d.counts.size(); ++k) d.hidden[k] = hidden[d.first_cell + 1 + k];
      d.share_hidden = d.base_hidden || hidden[d.positive_cell] || hidden[d.answered_cell];
      if (d.base_hidden && d.withheld.empty())
        d.withheld = "withheld so that others cannot be worked out";
    }
    for (auto& c : r_.coverage) {
      c.roll_hidden = hidden[c.first_cell];
      c.respondents_hidden = hidden[c.first_cell + 1];
    }
    r_.cell_counts = std::move(counts);
    r_.cell_hidden = std::move(hidden);
    r_.cell_unpublished = std::move(unpublished);
    r_.relations = problem.TakeRelations();
  }

  void UnderHeard() {
    const double ratio = in_.policy->voice_under_heard_ratio;
    std::map<std::pair<uint32_t, int16_t>, const VoiceCoverage*> totals;
    for (const auto& c : r_.coverage) {
      if (c.group == 0) totals[{c.unit, c.wave}] = &c;
    }
    for (auto& c : r_.coverage) {
      if (c.group == 0) continue;
      if (c.roll_hidden || c.respondents_hidden) {
        c.under_heard = true;
        c.under_heard_reason = "too few to show";
        continue;
      }
      const VoiceCoverage* total = totals[{c.unit, c.wave}];
      if (total == nullptr || total->roll == 0 || c.roll == 0) continue;
      const double overall =
          static_cast<double>(total->respondents) / static_cast<double>(total->roll);
      const double rate = static_cast<double>(c.respondents) / static_cast<double>(c.roll);
      if (rate < ratio * overall) {
        c.under_heard = true;
        c.under_heard_reason = fmt::format("response rate below {:g} of the overall rate", ratio);
      }
    }
  }

  void Changes(int16_t previous, int16_t current) {
    for (const auto& d : r_.distributions) {
      if (d.wave != current) continue;
      const VoiceItem& item = cat_.items()[d.item];
      // The previous year's distribution of the same item id: the same
      // version, or another (shown side by side, no difference).
      for (size_t j = 0; j < cat_.items().size(); ++j) {
        if (cat_.items()[j].id != item.id) continue;
        auto it = dist_index_.find(DistKey(d.unit, previous, static_cast<uint16_t>(j), d.group));
        if (it == dist_index_.end()) continue;
        const VoiceDistribution& p = r_.distributions[it->second];
        VoiceChange ch;
        ch.unit = d.unit;
        ch.item = d.item;
        ch.group = d.group;
        ch.previous_wave = previous;
        ch.current_wave = current;
        ch.current_answered = AnsweredCount(cat_, item, d.counts, &ch.current_positive);
        ch.previous_answered =
            AnsweredCount(cat_, cat_.items()[j], p.counts, &ch.previous_positive);
        ch.shown = !d.share_hidden && !p.share_hidden && ch.current_answered > 0 &&
                   ch.previous_answered > 0;
        ch.comparable = true;
        if (j != d.item) {
          ch.comparable = false;
          ch.reason = fmt::format("the item changed (version {} then {})", cat_.items()[j].version,
                                  item.version);
        } else if (YearsOf(d.unit, previous) != YearsOf(d.unit, current)) {
          ch.comparable = false;
          ch.reason = "different year groups were surveyed";
        } else if (TermFor(d.unit, previous) != TermFor(d.unit, current) ||
                   TermFor(d.unit, current) < 0) {
          ch.comparable = false;
          ch.reason = "collected in a different term";
        }
        if (!ch.shown) {
          ch.reason = ch.reason.empty() ? "withheld in one of the years" : ch.reason;
          ch.comparable = false;
        }
        if (ch.shown && ch.comparable) {
          const double p1 =
              static_cast<double>(ch.current_positive) / static_cast<double>(ch.current_answered);
          const double p2 =
              static_cast<double>(ch.previous_positive) / static_cast<double>(ch.previous_answered);
          const auto ci = stats::NewcombeDifference(
              static_cast<double>(ch.current_positive), static_cast<double>(ch.current_answered),
              static_cast<double>(ch.previous_positive), static_cast<double>(ch.previous_answered));
          ch.change = 100 * (p1 - p2);
          ch.lower = 100 * ci.lower;
          ch.upper = 100 * ci.upper;
          ch.conclusion = ci.lower > 0   ? "higher than last year"
                          : ci.upper < 0 ? "lower than last year"
                                         : "no clear change";
        } else if (ch.shown) {
          ch.conclusion = "not comparable";
        }
        r_.changes.push_back(std::move(ch));
      }
    }
  }

 private:
  static uint64_t DistKey(uint32_t unit, int16_t wave, uint16_t item, uint16_t group) {
    return (uint64_t{unit} << 40) | (uint64_t{static_cast<uint16_t>(wave) & 0xFFFu} << 28) |
           (uint64_t{item} << 12) | group;
  }
  static uint64_t CoverageKey(uint32_t unit, int16_t wave, uint16_t group) {
    return DistKey(unit, wave, 0xFFFF, group);
  }
  static std::string Union(const std::string& a, const std::string& b) {
    std::set<std::string> s;
    for (const std::string* x : {&a, &b}) {
      size_t start = 0;
      while (start < x->size()) {
        size_t end = x->find(';', start);
        if (end == std::string::npos) end = x->size();
        s.insert(x->substr(start, end - start));
        start = end + 1;
      }
    }
    std::string out;
    for (const auto& v : s) out += (out.empty() ? "" : ";") + v;
    return out;
  }

  uint16_t WaveIndex(int16_t wave) {
    auto it = std::find(r_.waves.begin(), r_.waves.end(), wave);
    if (it == r_.waves.end()) {
      r_.waves.push_back(wave);
      std::sort(r_.waves.begin(), r_.waves.end());
      it = std::find(r_.waves.begin(), r_.waves.end(), wave);
    }
    return static_cast<uint16_t>(it - r_.waves.begin());
  }

  uint32_t Unit(const std::string& key, GeographyRow g, bool school) {
    auto it = unit_index_.find(key);
    if (it != unit_index_.end()) return it->second;
    const auto u = static_cast<uint32_t>(r_.units.size());
    r_.units.push_back({key, std::move(g), {}, school});
    unit_index_[key] = u;
    children_.emplace_back();
    return u;
  }
  void Link(uint32_t child, uint32_t parent) {
    auto& p = r_.units[child].parents;
    if (std::find(p.begin(), p.end(), parent) != p.end()) return;
    p.push_back(parent);
    children_[parent].push_back(child);
  }

  uint32_t SchoolUnit(const StoreState& s, uint32_t school) {
    const SchoolTable& st = s.schools;
    // England only when the store covers it (StoreCoversEngland).
    uint32_t nat = kNoIndex;
    if (r_.covers_england) {
      GeographyRow england;
      england.level = GeographicLevel::kNational;
      nat = Unit("england", england, false);
    }
    GeographyRow la;
    la.level = GeographicLevel::kLocalAuthority;
    la.old_la_code = fmt::format("{:03d}", st.la_code[school]);
    for (size_t i = 0; i < s.local_authorities.size(); ++i) {
      if (s.local_authorities.old_la_code[i] != st.la_code[school]) continue;
      la.new_la_code = s.local_authorities.new_la_code[i];
      la.la_name = s.local_authorities.la_name[i];
      la.region_code = s.local_authorities.region_code[i];
      la.region_name = s.local_authorities.region_name[i];
    }
    uint32_t region = nat;
    if (!la.region_code.empty()) {
      GeographyRow rg;
      rg.level = GeographicLevel::kRegional;
      rg.region_code = la.region_code;
      rg.region_name = la.region_name;
      region = Unit("region:" + la.region_code, rg, false);
      if (nat != kNoIndex) Link(region, nat);
    }
    GeographyRow sg = la;
    const uint32_t la_unit = Unit("la:" + la.old_la_code, la, false);
    if (region != kNoIndex) Link(la_unit, region);
    sg.level = GeographicLevel::kSchool;
    sg.school_urn = std::to_string(st.urn[school]);
    sg.school_laestab = fmt::format("{}{:04d}", la.old_la_code, st.estab[school]);
    sg.school_name = st.name[school];
    if (!st.trust_id[school].empty()) {
      sg.trust_id = st.trust_id[school];
      for (size_t i = 0; i < s.trusts.size(); ++i) {
        if (s.trusts.trust_id[i] == sg.trust_id) sg.trust_name = s.trusts.trust_name[i];
      }
    }
    const uint32_t u = Unit("school:" + sg.school_urn, sg, true);
    Link(u, la_unit);
    if (!sg.trust_id.empty()) {
      GeographyRow tg;
      tg.level = GeographicLevel::kMat;
      tg.trust_id = sg.trust_id;
      tg.trust_name = sg.trust_name;
      const uint32_t trust = Unit("trust:" + sg.trust_id, tg, false);
      Link(u, trust);
    }
    return u;
  }

  // A school's LA, region, England and trust.
  std::vector<uint32_t> Ancestors(uint32_t unit) const {
    std::vector<uint32_t> out;
    std::vector<uint32_t> todo = r_.units[unit].parents;
    while (!todo.empty()) {
      const uint32_t u = todo.back();
      todo.pop_back();
      if (std::find(out.begin(), out.end(), u) != out.end()) continue;
      out.push_back(u);
      for (uint32_t p : r_.units[u].parents) todo.push_back(p);
    }
    return out;
  }

  size_t Dist(uint32_t unit, int16_t wave, uint16_t item, uint16_t group) {
    const uint64_t key = DistKey(unit, wave, item, group);
    auto [it, fresh] = dist_index_.emplace(key, r_.distributions.size());
    if (fresh) {
      VoiceDistribution d;
      d.unit = unit;
      d.wave = wave;
      d.item = item;
      d.group = group;
      d.counts.assign(cat_.ScaleOf(cat_.items()[item]).categories.size(), 0);
      r_.distributions.push_back(std::move(d));
    }
    return it->second;
  }
  VoiceCoverage& Coverage(uint32_t unit, int16_t wave, uint16_t group) {
    const uint64_t key = CoverageKey(unit, wave, group);
    auto [it, fresh] = coverage_index_.emplace(key, r_.coverage.size());
    if (fresh) {
      VoiceCoverage c;
      c.unit = unit;
      c.wave = wave;
      c.group = group;
      c.first_date = INT32_MAX;
      c.last_date = INT32_MIN;
      r_.coverage.push_back(c);
    }
    return r_.coverage[it->second];
  }
  std::set<int> YearsOf(uint32_t unit, int16_t wave) {
    if (r_.units[unit].school) return school_years_[{unit, wave}];
    return area_years_[{unit, wave}];
  }
  int TermFor(uint32_t unit, int16_t wave) {
    if (r_.units[unit].school) {
      auto it = school_term_.find({unit, wave});
      return it == school_term_.end() ? -1 : it->second;
    }
    auto it = area_term_.find({unit, wave});
    return it == area_term_.end() ? -1 : it->second;
  }

  const VoiceReportInput& in_;
  VoiceReport& r_;
  const VoiceCatalogue& cat_;
  std::unordered_map<std::string, uint32_t> unit_index_;
  std::vector<std::vector<uint32_t>> children_;
  std::unordered_map<uint64_t, size_t> dist_index_, coverage_index_;
  std::map<std::pair<uint32_t, int16_t>, std::set<int>> school_years_, area_years_;
  std::map<std::pair<uint32_t, int16_t>, int> school_term_, area_term_;
  std::map<std::pair<uint32_t, int16_t>, int> area_schools_;
};

}  // namespace

const std::vector<VoiceGroup>& VoiceGroups() { return Groups().groups; }
const std::vector<VoiceTopic>& VoiceTopics() { return Groups().topics; }

bool StoreCoversEngland(const StoreState& s) {
  std::set<int> las_with_schools(s.schools.la_code.begin(), s.schools.la_code.end());
  std::set<std::string> regions;
  for (size_t i = 0; i < s.local_authorities.size(); ++i) {
    const std::string& region = s.local_authorities.region_code[i];
    if (region.rfind("E12", 0) != 0) continue;  // an English region
    if (las_with_schools.count(s.local_authorities.old_la_code[i])) regions.insert(region);
  }
  return regions.size() >= kEnglishRegions;
}

bool VoiceDistribution::Published() const {
  if (base_hidden) return false;
  for (bool h : hidden) {
    if (h) return false;
  }
  return true;
}

int64_t AnsweredCount(const VoiceCatalogue& cat, const VoiceItem& item,
                      const std::vector<int64_t>& counts, int64_t* positive) {
  const auto& cats = cat.ScaleOf(item).categories;
  int64_t answered = 0, pos = 0;
  for (size_t c = 0; c < cats.size() && c < counts.size(); ++c) {
    if (cats[c].kind == CategoryKind::kPreferNotToSay ||
        cats[c].kind == CategoryKind::kNotAnswered) {
      continue;
    }
    answered += counts[c];
    if (item.positive[c]) pos += counts[c];
  }
  if (positive != nullptr) *positive = pos;
  return answered;
}

Result<WellbeingShares> MakeWellbeingShares(const StoreState& state, const Policy& policy,
                                            int threads) {
  WellbeingShares out;
  LANTERN_ASSIGN_OR_RETURN(std::string dir, FindCatalogueDir(""));
  LANTERN_ASSIGN_OR_RETURN(VoiceCatalogue cat,
                           LoadCatalogueWithLocalItems(dir, state.voice_local_items));
  const int item = cat.FindItem(kWellbeingItem, kWellbeingItemVersion);
  if (item < 0) return Status::Internal("the question bank has no wellbeing item");
  VoiceReportInput in;
  in.current = &state;
  in.catalogue = &cat;
  in.policy = &policy;
  in.threads = std::max(1, threads);
  LANTERN_ASSIGN_OR_RETURN(out.report, MakeVoiceReport(in));
  if (out.report.waves.empty()) return out;
  const int16_t wave = out.report.waves.back();
  const VoiceItem& wellbeing = cat.items()[static_cast<size_t>(item)];
  for (size_t i = 0; i < out.report.distributions.size(); ++i) {
    const VoiceDistribution& d = out.report.distributions[i];
    if (d.item != static_cast<uint16_t>(item) || d.group != 0 || d.wave != wave) continue;
    WellbeingShare share;
    share.distribution = i;
    share.answered = AnsweredCount(cat, wellbeing, d.counts, &share.positive);
    out.shares.push_back(share);
  }
  return out;
}

Result<VoiceReport> MakeVoiceReport(const VoiceReportInput& in) {
  const auto started = std::chrono::steady_clock::now();
  if (in.current == nullptr || in.catalogue == nullptr || in.policy == nullptr) {
    return Status::InvalidArgument("MakeVoiceReport: a store, the question bank and a policy");
  }
  VoiceReport r;
  Builder b(in, &r);
  auto lap = started;
  auto step = [&](const char* name) {
    const auto now = std::chrono::steady_clock::now();
    r.steps.emplace_back(name, std::chrono::duration<double>(now - lap).count());
    lap = now;
  };
  if (in.previous != nullptr) LANTERN_RETURN_IF_ERROR(b.AddStore(*in.previous));
  LANTERN_RETURN_IF_ERROR(b.AddStore(*in.current));
  step("read the responses");
  b.Aggregate();
  step("add up the areas");
  b.Suppress([&] { step("build the relations"); });
  step("the disclosure pass");
  b.UnderHeard();
  if (r.waves.size() >= 2) {
    b.Changes(r.waves[r.waves.size() - 2], r.waves.back());
  }
  step("under-heard and changes");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace lantern::voice
