#include "flags/rules.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace lantern {

namespace {

struct MeasureInfo {
  TriggerMeasure measure;
  std::string_view name;
  // Which windows the measure can be counted over.
  bool counts_events;  // months, days or term
  bool school_days;    // "N school days"
  bool no_window;      // "none"
};

constexpr MeasureInfo kMeasures[] = {
    {TriggerMeasure::kSuspensionsStarted, "suspensions_started", true, false, false},
    {TriggerMeasure::kAttendancePercent, "attendance_percent", false, true, false},
    {TriggerMeasure::kApPlacementsStarted, "ap_placements_started", true, false, false},
    {TriggerMeasure::kInternalSuspensionsStarted, "internal_suspensions_started", true, false,
     false},
    {TriggerMeasure::kMainSchools, "main_schools", true, false, false},
    {TriggerMeasure::kEhcpWaitWeeks, "ehcp_wait_weeks", false, false, true},
    {TriggerMeasure::kPermanentExclusions, "permanent_exclusions", true, false, false},
};

// Names that would make a characteristic of the pupil, not something that
// happened, a trigger (Equality Act 2010 protected characteristics, and SEN,
// disadvantage, care and language as such).
constexpr std::string_view kProtected[] = {"sex",
                                           "gender",
                                           "ethnicity",
                                           "ethnic_group",
                                           "race",
                                           "religion",
                                           "belief",
                                           "disability",
                                           "sen",
                                           "sen_provision",
                                           "sen_need",
                                           "sen_primary_need",
                                           "ehc_plan",
                                           "ehcp",
                                           "fsm",
                                           "fsm_eligible",
                                           "disadvantaged",
                                           "disadvantage",
                                           "pupil_premium",
                                           "eal",
                                           "first_language",
                                           "language",
                                           "looked_after",
                                           "age",
                                           "birth_date",
                                           "pregnancy",
                                           "maternity",
                                           "sexual_orientation",
                                           "gender_reassignment",
                                           "marriage",
                                           "civil_partnership",
                                           "nationality",
                                           "home_la_code",
                                           "postcode"};

Status FileError(const std::string& path, int64_t line, const std::string& reason) {
  return Status::InvalidInput(fmt::format("{}:{}: {}", path, line, reason));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<TriggerWindow> ParseWindow(std::string_view text) {
  TriggerWindow w;
  w.text = std::string(text);
  const std::string t = Lower(text);
  if (t == "none") return w;
  if (t == "term" || t == "current term") {
    w.kind = WindowKind::kTerm;
    return w;
  }
  size_t i = 0;
  int n = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
    n = n * 10 + (t[i] - '0');
    if (n > 100000) return std::nullopt;
    ++i;
  }
  if (i == 0 || n <= 0) return std::nullopt;
  while (i < t.size() && t[i] == ' ') ++i;
  const std::string unit = t.substr(i);
  w.n = n;
  if (unit == "month" || unit == "months") {
    w.kind = WindowKind::kMonths;
  } else if (unit == "day" || unit == "days") {
    w.kind = WindowKind::kDays;
  } else if (unit == "school day" || unit == "school days") {
    w.kind = WindowKind::kSchoolDays;
  } else {
    return std::nullopt;
  }
  return w;
}

int64_t LineOf(const toml::node& n, int64_t fallback) {
  const int64_t l = static_cast<int64_t>(n.source().begin.line);
  return l > 0 ? l : fallback;
}

// Reads one [[trigger]] table.
Result<Trigger> ReadTrigger(const toml::table& t, const std::string& path) {
  const int64_t line = LineOf(t, 1);
  constexpr std::string_view kKeys[] = {"id", "meaning", "measure", "window", "threshold"};
  for (const auto& [k, v] : t) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k.str()) == std::end(kKeys)) {
      std::string why = fmt::format(
          "unknown key '{}' in [[trigger]] (known keys: id, meaning, measure, window, threshold)",
          k.str());
      if (k.str() == "enabled" || k.str() == "disabled" || k.str() == "off") {
        why = fmt::format("'{}': a trigger cannot be switched off in a rules file", k.str());
      }
      return FileError(path, static_cast<int64_t>(k.source().begin.line), why);
    }
  }
  Trigger tr;
  auto text = [&](std::string_view key, std::string* out) -> Status {
    const toml::node* v = t.get(key);
    if (v == nullptr) return FileError(path, line, fmt::format("[[trigger]] has no '{}'", key));
    const auto* s = v->as_string();
    if (s == nullptr || s->get().empty()) {
      return FileError(path, LineOf(*v, line), fmt::format("'{}' must be a non-empty string", key));
    }
    *out = s->get();
    return Status::Ok();
  };
  LANTERN_RETURN_IF_ERROR(text("id", &tr.id));
  for (char c : tr.id) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return FileError(
          path, LineOf(*t.get("id"), line),
          fmt::format("trigger id '{}' must be lower-case letters, digits and _", tr.id));
    }
  }
  LANTERN_RETURN_IF_ERROR(text("meaning", &tr.meaning));
  LANTERN_RETURN_IF_ERROR(text("measure", &tr.measure_name));
  const int64_t measure_line = LineOf(*t.get("measure"), line);
  const std::string measure = Lower(tr.measure_name);
  if (std::find(std::begin(kProtected), std::end(kProtected), measure) != std::end(kProtected)) {
    return FileError(path, measure_line,
                     fmt::format("trigger '{}': '{}' is a characteristic of the pupil (a protected "
                                 "characteristic, or SEN, disadvantage, care or language as such) "
                                 "and cannot be a trigger",
                                 tr.id, tr.measure_name));
  }
  const MeasureInfo* info = nullptr;
  for (const MeasureInfo& m : kMeasures) {
    if (m.name == measure) info = &m;
  }
  if (info == nullptr) {
    std::string known;
    for (const MeasureInfo& m : kMeasures)
      known += (known.empty() ? "" : ", ") + std::string(m.name);
    return FileError(path, measure_line,
                     fmt::format("trigger '{}': unknown measure '{}' (known: {})", tr.id,
                                 tr.measure_name, known));
  }
  tr.measure = info->measure;
  std::string window;
  LANTERN_RETURN_IF_ERROR(text("window", &window));
  const int64_t window_line = LineOf(*t.get("window"), line);
  auto w = ParseWindow(window);
  if (!w) {
    return FileError(path, window_line,
                     fmt::format("trigger '{}': window '{}' must be \"N months\", \"N days\", "
                                 "\"N school days\", \"term\" or \"none\"",
                                 tr.id, window));
  }
  const bool fits = (w->kind == WindowKind::kNone && info->no_window) ||
                    (w->kind == WindowKind::kSchoolDays && info->school_days) ||
                    ((w->kind == WindowKind::kMonths || w->kind == WindowKind::kDays ||
                      w->kind == WindowKind::kTerm) &&
                     info->counts_events);
  if (!fits) {
    return FileError(path, window_line,
                     fmt::format("trigger '{}': measure '{}' cannot be counted over window '{}'",
                                 tr.id, tr.measure_name, window));
  }
  if ((w->kind == WindowKind::kMonths && w->n > 60) ||
      (w->kind == WindowKind::kDays && w->n > 1830) ||
      (w->kind == WindowKind::kSchoolDays && w->n > 400)) {
    return FileError(
        path, window_line,
        fmt::format("trigger '{}': window '{}' is longer than five years", tr.id, window));
  }
  tr.window = *w;
  const toml::node* th = t.get("threshold");
  if (th == nullptr) return FileError(path, line, "[[trigger]] has no 'threshold'");
  if (const auto* i = th->as_integer()) {
    tr.threshold = static_cast<double>(i->get());
  } else if (const auto* f = th->as_floating_point()) {
    tr.threshold = f->get();
  } else {
    return FileError(path, LineOf(*th, line),
                     fmt::format("trigger '{}': 'threshold' must be a number", tr.id));
  }
  const bool percent = tr.measure == TriggerMeasure::kAttendancePercent;
  if (!(tr.threshold > 0) || (percent && tr.threshold > 100) || (!percent && tr.threshold > 1000)) {
    return FileError(path, LineOf(*th, line),
                     fmt::format("trigger '{}': threshold {} is out of range ({})", tr.id,
                                 tr.threshold, percent ? "above 0, at most 100" : "above 0"));
  }
  return tr;
}

bool SameDefinition(const Trigger& a, const Trigger& b) {
  return a.measure == b.measure && a.window.kind == b.window.kind && a.window.n == b.window.n &&
         a.threshold == b.threshold;
}

}  // namespace

const Trigger* AtRiskRules::Find(std::string_view id) const {
  for (const Trigger& t : triggers) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const std::vector<std::string>& CoreTriggerIds() {
  static const std::vector<std::string> ids = {"repeat_suspension", "low_attendance",
                                               "repeat_ap",         "repeat_internal_suspension",
                                               "third_school",      "ehcp_wait"};
  return ids;
}

std::string_view MeasureName(TriggerMeasure m) {
  for (const MeasureInfo& i : kMeasures) {
    if (i.measure == m) return i.name;
  }
  return "?";
}

AtRiskRules NationalPart(const AtRiskRules& rules) {
  AtRiskRules out = rules;
  out.version = rules.national_version;
  out.triggers.clear();
  for (const Trigger& t : rules.triggers) {
    if (t.national) out.triggers.push_back(t);
  }
  return out;
}

bool IsNationalRulesText(std::string_view text) {
  try {
    toml::table root = toml::parse(text);
    const auto* s = root.get_as<std::string>("scope");
    return s != nullptr && s->get() == "national";
  } catch (const toml::parse_error&) {
    return false;
  }
}

const AtRiskRules& DefaultRules() {
  static const AtRiskRules rules = [] {
    auto r = ParseAtRiskRules(NationalRulesText(), "rules/at-risk-1.toml", AtRiskRules());
    // The compiled-in file is checked by rules_test.cc; an empty set would
    // flag nobody rather than crash.
    return r.ok() ? std::move(r).value() : AtRiskRules();
  }();
  return rules;
}

Result<AtRiskRules> ParseAtRiskRules(std::string_view text, const std::string& path,
                                     const AtRiskRules& national) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return FileError(path, static_cast<int64_t>(e.source().begin.line),
                     std::string(e.description()));
  }
  for (const auto& [k, v] : root) {
    const std::string key(k.str());
    if (key != "scope" && key != "version" && key != "title" && key != "trigger" &&
        key != "extends") {
      return FileError(path, static_cast<int64_t>(k.source().begin.line),
                       fmt::format("unknown key '{}' (known: scope, version, title, extends, "
                                   "[[trigger]])",
                                   key));
    }
  }
  const auto* scope = root.get_as<std::string>("scope");
  if (scope == nullptr || (scope->get() != "national" && scope->get() != "local")) {
    return FileError(path, scope ? LineOf(*scope, 1) : 1,
                     "'scope' must be \"national\" or \"local\"");
  }
  const bool is_national = scope->get() == "national";
  const auto* version = root.get_as<std::string>("version");
  if (version == nullptr || version->get().empty() || version->get().size() > 40 ||
      version->get().find_first_of(" ;,\"") != std::string::npos) {
    return FileError(path, version ? LineOf(*version, 1) : 1,
                     "'version' must be a short string with no spaces (\"1\", \"805-2\")");
  }
  AtRiskRules rules;
  if (const auto* title = root.get_as<std::string>("title")) rules.title = title->get();
  if (!is_national) {
    if (national.triggers.empty()) {
      return FileError(path, 1, "a local rules file needs the national core in force");
    }
    if (const auto* ext = root.get_as<std::string>("extends")) {
      if (ext->get() != national.national_version) {
        return FileError(path, LineOf(*ext, 1),
                         fmt::format("this local file extends national version {}, but version "
                                     "{} is in force",
                                     ext->get(), national.national_version));
      }
    }
    rules.triggers = national.triggers;
    rules.national_version = national.national_version;
    rules.version = national.national_version + "+" + version->get();
    if (rules.title.empty()) rules.title = national.title;
  } else {
    rules.national_version = version->get();
    rules.version = version->get();
  }
  const toml::node* list_node = root.get("trigger");
  if (list_node == nullptr) {
    if (is_national) return FileError(path, 1, "a national rules file has no [[trigger]]");
    return rules;
  }
  const toml::array* list = list_node->as_array();
  if (list == nullptr || !list->is_array_of_tables()) {
    return FileError(path, LineOf(*list_node, 1),
                     "'trigger' must be a list of tables: write each as [[trigger]]");
  }
  std::set<std::string> seen;
  for (const auto& t : rules.triggers) seen.insert(t.id);
  const auto& core = CoreTriggerIds();
  for (const toml::node& item : *list) {
    const toml::table& t = *item.as_table();
    LANTERN_ASSIGN_OR_RETURN(Trigger tr, ReadTrigger(t, path));
    const int64_t id_line = LineOf(*t.get("id"), LineOf(t, 1));
    const bool is_core = std::find(core.begin(), core.end(), tr.id) != core.end();
    if (!is_national && is_core) {
      const Trigger* in_force = national.Find(tr.id);
      return FileError(path, id_line,
                       fmt::format("'{}' is a national core trigger: a local file cannot change "
                                   "or switch it off{}",
                                   tr.id,
                                   in_force != nullptr && SameDefinition(*in_force, tr)
                                       ? " (it is in force already; remove it from this file)"
                                       : ""));
    }
    if (!seen.insert(tr.id).second) {
      return FileError(path, id_line, fmt::format("trigger '{}' is defined twice", tr.id));
    }
    tr.core = is_national && is_core;
    tr.national = is_national;
    rules.triggers.push_back(std::move(tr));
  }
  if (is_national) {
    for (const std::string& id : core) {
      if (rules.Find(id) == nullptr) {
        return FileError(path, 1,
                         fmt::format("national core trigger '{}' is missing: the core cannot be "
                                     "switched off",
                                     id));
      }
    }
    // The core first, in the order of CoreTriggerIds, then national additions.
    std::stable_sort(rules.triggers.begin(), rules.triggers.end(),
                     [&](const Trigger& a, const Trigger& b) {
                       auto rank = [&](const Trigger& t) {
                         auto it = std::find(core.begin(), core.end(), t.id);
                         return it == core.end() ? core.size() : size_t(it - core.begin());
                       };
                       return rank(a) < rank(b);
                     });
  }
  return rules;
}

}  // namespace lantern
