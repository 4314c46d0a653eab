#include "flags/run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/csv_writer.h"
#include "common/file_util.h"
#include "common/parallel.h"
#include "flags/flags.h"
#include "model/policy.h"
#include "model/upn.h"
#include "suppress/disclosure.h"

namespace lantern {

namespace {

// The metadata of a case list or table: what each column means.
Status WriteMeta(const std::string& path,
                 const std::vector<std::pair<std::string, std::string>>& columns) {
  auto w = CsvWriter::InMemory();
  w->Row(std::vector<std::string_view>{"col_name", "description"});
  for (const auto& [name, description] : columns) {
    w->Field(name).Field(description);
    w->EndRow();
  }
  return WriteFileAtomic(path, w->raw_writer().contents());
}

// A pupil-level list: its header, then rows formatted on every worker, in
// blocks written in order to a temporary file renamed into place, so a
// reader sees the last list or this one. Not synced to disk: like the
// build's files, it can be written again from the store, whose commit is.
template <typename Format>
Status WriteListFile(const std::string& out_dir, const std::string& name, std::string_view header,
                     size_t rows, int threads, Format&& format) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", out_dir, ec.message()));
  const std::string path = out_dir + "/" + name, tmp = path + ".tmp";
  LANTERN_ASSIGN_OR_RETURN(auto file, CsvWriter::Create(tmp));
  file->raw_writer().Write(header);
  LANTERN_RETURN_IF_ERROR(
      WriteCsvInBlocks(rows, 16384, ResolveThreads(threads), format, [&](std::string_view text) {
        file->raw_writer().Write(text);
        return Status::Ok();
      }));
  LANTERN_RETURN_IF_ERROR(file->Close());
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IoError(
        fmt::format("cannot rename {} to {}: {}", tmp, path, std::strerror(errno)));
  }
  return Status::Ok();
}

// The first columns of a flag's row: upn, urn (empty: no school), home LA;
// what the first and last mean in both lists' metadata.
constexpr const char* kUpnMeaning =
    "The pupil's unique pupil number. PUPIL-LEVEL: for the pupil's school, trust and LA under "
    "their agreements only; never published.";
constexpr const char* kHomeLaMeaning = "The LA the pupil lives in (three-digit code).";
void PupilColumns(const StoreState& s, uint32_t pupil, uint32_t school, CsvWriter& w) {
  char upn[13];
  UnpackUpn(s.pupils.upn[pupil], upn);
  w.Raw(std::string_view(upn, 13));
  if (school < s.schools.size()) {
    w.Int(s.schools.urn[school]);
  } else {
    w.Empty();
  }
  char la[8];
  w.Raw(std::string_view(la,
                         fmt::format_to_n(la, sizeof la, "{:03d}", s.pupils.home_la[pupil]).size));
}

Status WriteFlagsCsv(const StoreState& s, const AtRiskRules& rules,
                     const std::vector<FlagResult>& flags, const FlagTable& history,
                     const std::string& out_dir, int threads) {
  LANTERN_RETURN_IF_ERROR(WriteListFile(
      out_dir, "flags.csv", "upn,urn,home_la_code,trigger_id,since,reason,rules_version\n",
      flags.size(), threads, [&](size_t i, CsvWriter& w) {
        const FlagResult& f = flags[i];
        PupilColumns(s, f.pupil, f.school, w);
        thread_local std::string scratch;
        w.Field(rules.triggers[f.trigger].id)
            .Raw(DateText(f.since))
            .Field(FlagReason(rules, f, history, &scratch));
        w.Field(rules.version);
        w.EndRow();
      }));
  std::string triggers;
  for (const Trigger& t : rules.triggers) {
    triggers += fmt::format("{}{} ({})", triggers.empty() ? "" : "; ", t.id, t.meaning);
  }
  return WriteMeta(
      out_dir + "/flags.meta.csv",
      {{"upn", kUpnMeaning},
       {"urn", "The school of the pupil's main (or single) registration on the day (empty: none)."},
       {"home_la_code", kHomeLaMeaning},
       {"trigger_id",
        "The trigger that holds on the day, one row per pupil and trigger: " + triggers},
       {"since",
        "The first day of the current run of days on which the trigger has held "
        "(YYYY-MM-DD)."},
       {"reason", "Why, in words, with the numbers and dates from the pupil's record."},
       {"rules_version",
        "The version of the at-risk rules in force (rules/at-risk-VERSION.toml; N+LOCAL for the "
        "national core N with local additions)."}});
}

// The history's rows raised or cleared on a day from `first` to `last`, in
// row order.
std::vector<uint32_t> RowsChanged(const FlagTable& history, int32_t first, int32_t last) {
  std::vector<uint32_t> rows;
  const auto within = [&](int32_t d) { return d >= first && d <= last; };
  for (size_t r = 0; r < history.size(); ++r) {
    if (within(history.raised[r]) || within(history.until[r])) {
      rows.push_back(static_cast<uint32_t>(r));
    }
  }
  return rows;
}

// OUT/flag_changes.csv: the history rows raised or cleared on a day from
// `first` to `last` (the days a run covered), one row each.
Status WriteFlagChangesCsv(const StoreState& s, const FlagTable& history, int32_t first,
                           int32_t last, const std::string& out_dir, int threads) {
  const std::vector<uint32_t> rows = RowsChanged(history, first, last);
  LANTERN_RETURN_IF_ERROR(
      WriteListFile(out_dir, "flag_changes.csv",
                    "upn,urn,home_la_code,trigger_id,change,since,until,reason,rules_version\n",
                    rows.size(), threads, [&](size_t i, CsvWriter& w) {
                      const uint32_t r = rows[i];
                      PupilColumns(s, history.pupil[r], history.school[r], w);
                      w.Field(history.trigger_id[r]);
                      const bool open = history.until[r] == kNoDate;
                      const bool raised = history.raised[r] >= first && history.raised[r] <= last;
                      w.Field(!raised ? "cleared" : open ? "raised" : "raised_and_cleared");
                      w.Raw(DateText(history.since[r]));
                      if (open) {
                        w.Empty();
                      } else {
                        w.Raw(DateText(history.until[r]));
                      }
                      w.Field(history.reason[r]).Field(history.rules_version[r]);
                      w.EndRow();
                    }));
  return WriteMeta(
      out_dir + "/flag_changes.meta.csv",
      {{"upn", kUpnMeaning},
       {"urn", "The school of the pupil's main (or single) registration when the flag was raised."},
       {"home_la_code", kHomeLaMeaning},
       {"trigger_id", "The trigger (rules/at-risk-VERSION.toml)."},
       {"change",
        "raised: the trigger began to hold (a new flag, which raises a referral); cleared: it no "
        "longer holds; raised_and_cleared: both within the days this run covered."},
       {"since", "The first day of the run of days on which the trigger held (YYYY-MM-DD)."},
       {"until", "The first day it no longer held (YYYY-MM-DD); empty while it holds."},
       {"reason", "Why it was raised, in words, with the numbers and dates of that day."},
       {"rules_version", "The version of the at-risk rules in force when it was raised."}});
}

int32_t LastRunDay(const FlagRunTable& runs) {
  int32_t last = kNoDate;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (last == kNoDate || runs.as_of[i] > last) last = runs.as_of[i];
  }
  return last;
}

// The latest run strictly before `day`, or kNoDate.
int32_t CoveredThrough(const FlagRunTable& runs, int32_t day) {
  int32_t best = kNoDate;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs.as_of[i] < day && (best == kNoDate || runs.as_of[i] > best)) best = runs.as_of[i];
  }
  return best;
}

// Whether a run for a day run before (`last_run`) finds raises of that day
// the history has no raise day for: the flag runs count more raised on the
// day than the history's rows raised that day.
bool RaisesUnrecorded(const StoreState& next, int32_t day, int32_t last_run) {
  if (day != last_run) return false;
  uint64_t counted = 0, recorded = 0;
  for (size_t i = 0; i < next.flag_runs.size(); ++i) {
    if (next.flag_runs.as_of[i] == day) counted += next.flag_runs.raised[i];
  }
  for (size_t r = 0; r < next.flags.size(); ++r) recorded += next.flags.raised[r] == day;
  return recorded < counted;
}

// The attendance windows the last run saved, if they end on the school
// day before `day` and nothing since has changed them but what the
// evaluation reads anew: the one commit since (the daily job's ingest)
// added marks for later days only and changed no block, and the pupils
// whose enrolments it changed are forgotten. Else none (every window is
// worked out from the marks).
AttendanceRings SavedRings(const Store& store, const FlagEvaluator& evaluator,
                           const StoreState& state, const CommitChanges* changes, int32_t day,
                           int threads) {
  // The file must be the one the last commit but the ingest's saved (the
  // manifest says so, and its head; a run that saved over it and then
  // failed to commit left a head that says otherwise).
  if (changes == nullptr || changes->blocks_changed || store.flag_state_path().empty() ||
      store.flag_state_generation() != changes->generation_before) {
    return {};
  }
  const auto& dates = evaluator.calendar().dates();
  const auto it = std::lower_bound(dates.begin(), dates.end(), day);
  if (it == dates.begin() || it == dates.end() || *it != day) return {};
  const int32_t before = *(it - 1);
  for (int32_t d : changes->mark_dates) {
    if (d <= before) return {};  // an earlier day's marks changed
  }
  auto saved = AttendanceRings::Load(store.flag_state_path(), changes->generation_before,
                                     evaluator.RingKey(), threads);
  if (!saved.ok() || saved->day != before || saved->windows() != evaluator.RingWindows()) {
    return {};
  }
  const auto& windows = saved->windows();
  for (TableId t : changes->changed_tables) {
    if (t != TableId::kEnrolments) continue;
    const auto rows = changes->changed_rows.find(t);
    if (rows == changes->changed_rows.end()) return {};
    for (uint32_t r : rows->second) {
      const uint32_t p = r < state.enrolments.size() ? state.enrolments.pupil[r] : kNoIndex;
      if (p >= saved->pupils()) continue;
      for (size_t b = 0; b < windows.size(); ++b)
        AttendanceRings::Forget(saved->at(b, p), windows[b]);
    }
  }
  return std::move(saved).value();
}

// The counts of a day's flags, every one given (in pupil order).
FlagCounts CountFlags(const std::vector<FlagResult>& flags, size_t triggers) {
  FlagCounts c;
  c.flags = flags.size();
  c.by_trigger.assign(triggers, 0);
  for (size_t i = 0; i < flags.size(); ++i) {
    ++c.by_trigger[flags[i].trigger];
    c.pupils += i == 0 || flags[i].pupil != flags[i - 1].pupil;
  }
  return c;
}

}  // namespace

std::string FlagsReport::Summary() const {
  std::string s = fmt::format(
      "  as of {} under rules version {}{}: {} flags for {} pupils ({} raised, {} cleared{})\n",
      as_of, rules_version, rules_adopted ? " (adopted now)" : "", flags, pupils_flagged, raised,
      cleared, days_run > 1 ? fmt::format(" over {} school days run in turn", days_run) : "");
  for (const auto& [id, n] : by_trigger) s += fmt::format("    {:<28} {:>8}\n", id, n);
  if (history_updated) {
    s += fmt::format("  referrals: {} raised, {} escalated, {} open\n", referrals_raised,
                     referrals_escalated, referrals_open);
    if (windows_carried > 0) {
      s += fmt::format(
          "  attendance: {} pupils' windows carried over from the last run and moved on by the "
          "day's marks (the rest read from the marks)\n",
          windows_carried);
    }
    if (changes_kept) {
      s += "  flag_changes.csv: left as this day's first run wrote it (that run was made by an "
           "earlier Lantern, which did not record the day each flag was raised, so its flags "
           "cannot be listed again)\n";
    }
  } else {
    s += "  a day before the store's last flags run: history and referrals unchanged\n";
  }
  s += fmt::format("  {:.2f} s (evaluate {:.2f} s", seconds, seconds_evaluate);
  if (days_run > 1) s += fmt::format("; the last day's step {:.2f} s", seconds_last_day);
  s += ")\n";
  if (!steps.empty()) {
    s += "  steps:";
    for (size_t i = 0; i < steps.size(); ++i) {
      s += fmt::format("{} {} {:.2f} s", i ? ";" : "", steps[i].first, steps[i].second);
    }
    s += "\n";
  }
  return s;
}

namespace {

// The first difference between two rule sets, in words ("" when the same
// triggers, in the same order, read the same measures over the same windows
// at the same thresholds, with the same meanings).
std::string FirstDifference(const AtRiskRules& a, const AtRiskRules& b) {
  for (size_t i = 0; i < std::max(a.triggers.size(), b.triggers.size()); ++i) {
    if (i >= a.triggers.size()) return fmt::format("{} added", b.triggers[i].id);
    if (i >= b.triggers.size()) return fmt::format("{} removed", a.triggers[i].id);
    const Trigger& x = a.triggers[i];
    const Trigger& y = b.triggers[i];
    if (x.id != y.id) return fmt::format("{} in place of {}", y.id, x.id);
    if (x.measure != y.measure || x.window.kind != y.window.kind || x.window.n != y.window.n ||
        x.threshold != y.threshold || x.meaning != y.meaning) {
      return fmt::format("{} changed", x.id);
    }
  }
  return "";
}

// `state` is read; its flag history, runs and referrals start the new state.
// They are copied, or moved out of `owned` (the same state, when the caller
// has no further use for it: the command that opened the store itself).
Status RunFlagsOn(Store& store, const StoreState& state, StoreState* owned,
                  const FlagsOptions& options, FlagsReport* report) {
  const auto started = std::chrono::steady_clock::now();
  *report = FlagsReport();
  auto lap = started;
  // Adds the time since the last step to the step `name` (a step run once
  // a day over several days adds up).
  auto step = [&](const char* name) {
    const auto now = std::chrono::steady_clock::now();
    const double t = std::chrono::duration<double>(now - lap).count();
    lap = now;
    for (auto& [n, seconds] : report->steps) {
      if (n == name) {
        seconds += t;
        return;
      }
    }
    report->steps.emplace_back(name, t);
  };
  LANTERN_ASSIGN_OR_RETURN(Policy policy, LoadPolicyOrDefault(options.policy_file));
  LANTERN_ASSIGN_OR_RETURN(AtRiskRules rules, RulesInForce(state));
  // What changes in the store: these tables, copied or handed over (after
  // this, read them from `next` only).
  StoreState next;
  next.at_risk_rules = state.at_risk_rules;
  if (owned != nullptr) {
    next.flags = std::move(owned->flags);
    next.flag_runs = std::move(owned->flag_runs);
    next.referrals = std::move(owned->referrals);
  } else {
    next.flags = state.flags;
    next.flag_runs = state.flag_runs;
    next.referrals = state.referrals;
  }

  int32_t day = StoreLastDay(state);
  if (!options.as_of.empty()) {
    auto d = ParseIsoDate(options.as_of);
    if (!d) return Status::InvalidArgument("--as-of must be a date, YYYY-MM-DD");
    day = d->days;
  }
  if (day == kNoDate) return Status::FailedPrecondition("the store is empty: nothing to flag");

  bool adopt = false;
  std::string rules_text;
  if (!options.rules_file.empty()) {
    auto text = ReadFileToString(options.rules_file);
    if (!text.ok()) {
      return Status::InvalidInput(
          fmt::format("{}: cannot read the rules file; the rules in force "
                      "(version {}) stay in force",
                      options.rules_file, rules.version));
    }
    // A local file builds on the national rules in force.
    const AtRiskRules national = NationalPart(rules);
    auto parsed = ParseAtRiskRules(*text, options.rules_file, national);
    if (!parsed.ok()) {
      return Status::InvalidInput(fmt::format("{}; the rules in force (version {}) stay in force",
                                              parsed.status().message(), rules.version));
    }
    // A version names one set of rules: the same version with other
    // triggers would record flags under rules they were not raised by.
    if (parsed->version == rules.version) {
      const std::string changed = FirstDifference(rules, *parsed);
      if (!changed.empty()) {
        return Status::InvalidInput(fmt::format(
            "{}: version {} is in force with other rules ({}); changed rules need a new "
            "version, so that each flag records the rules that raised it; the rules in force "
            "(version {}) stay in force",
            options.rules_file, parsed->version, changed, rules.version));
      }
    }
    if (parsed->version != rules.version || next.at_risk_rules.size() == 0) {
      adopt = parsed->version != rules.version;
      rules_text = *text;
    }
    rules = std::move(parsed).value();
    report->rules_adopted = adopt;
  }
  report->as_of = DateText(day);
  report->rules_version = rules.version;

  const int32_t last_run = LastRunDay(next.flag_runs);
  const bool newest = last_run == kNoDate || day >= last_run;
  if (!newest && adopt) {
    return Status::InvalidArgument(fmt::format(
        "--rules with --as-of {} before the last flags run ({}): rules are adopted on the "
        "newest day only",
        DateText(day), DateText(last_run)));
  }
  // The days to run: the day, or with --from every school day from then
  // to the day that no run has covered yet, in order (as the daily job
  // would have), then the day itself.
  StoreCalendar calendar(state.marks.Dates());
  std::vector<int32_t> run_days;
  if (newest && !options.from.empty()) {
    auto from = ParseIsoDate(options.from);
    if (!from || from->days > day) {
      return Status::InvalidArgument("--from must be a date, YYYY-MM-DD, not after the day");
    }
    for (int32_t d : calendar.dates()) {
      if (d >= from->days && d < day && (last_run == kNoDate || d > last_run)) {
        run_days.push_back(d);
      }
    }
  }
  run_days.push_back(day);

  FlagEvaluator evaluator(state, rules, policy.Treatments(), calendar);
  const SchoolDays days(state, calendar);  // the referrals' clocks
  step("prepare");
  // The flags of the last day run: every one holding when the whole list
  // is written, else the new ones only, the rest counted.
  std::vector<FlagResult> flags;
  FlagCounts counts;
  const bool whole_list = !options.out_dir.empty() && options.list;
  CommitPlan plan;
  if (!newest) {
    const auto eval_started = std::chrono::steady_clock::now();
    flags = evaluator.EvaluateAll(day, nullptr, kNoDate, options.threads);
    counts = CountFlags(flags, rules.triggers.size());
    report->seconds_evaluate =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_started).count();
    step("evaluate");
  } else {
    std::vector<uint32_t> flag_rows, referral_rows;  // sorted and made unique before the commit
    // Each day's attendance windows move on to the next day of the run (its
    // marks are the store's, unchanged in between); the first day's from
    // those the last run saved, when they still hold. They are kept by the
    // daily job (for the next day's) and by a run over several days; a run
    // for one day on its own (the first run of a store, say) neither reads
    // nor saves them: nothing after it could move them on, and keeping them
    // costs it half a second for England.
    const bool keep_windows = options.changes != nullptr || run_days.size() > 1;
    AttendanceRings rings =
        SavedRings(store, evaluator, state, options.changes, run_days.front(), options.threads);
    step("read the saved windows");
    for (int32_t d : run_days) {
      const auto eval_started = std::chrono::steady_clock::now();
      const auto day_done = [&] {
        report->seconds_last_day =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_started).count();
      };
      const std::vector<OpenRun> open = OpenRuns(rules, next.flags, options.threads);
      const bool whole = whole_list && d == run_days.back();
      flags =
          evaluator.EvaluateAll(d, &next.flags, CoveredThrough(next.flag_runs, d), options.threads,
                                &open, whole ? nullptr : &counts, keep_windows ? &rings : nullptr);
      if (whole) counts = CountFlags(flags, rules.triggers.size());
      if (d == run_days.front()) report->windows_carried = rings.moved_on;
      report->seconds_evaluate +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_started).count();
      step("evaluate");
      HistoryUpdate h = UpdateFlagHistory(rules, d, &flags, &next.flags, options.threads, &open,
                                          whole ? nullptr : &counts.held);
      report->raised += h.raised;
      report->cleared += h.cleared;
      flag_rows.insert(flag_rows.end(), h.changed_rows.begin(), h.changed_rows.end());
      step("history");
      const size_t before = next.referrals.size();
      std::vector<uint32_t> changed =
          RaiseReferrals(state, next.flags, h.raised_rows, d, options.lipas, &next.referrals);
      for (uint32_t r : changed) report->referrals_raised += r >= before;
      step("raise referrals");
      std::vector<uint32_t> escalated = EscalateReferrals(d, days, options.lipas, &next.referrals);
      step("escalate");
      report->referrals_escalated += escalated.size();
      referral_rows.insert(referral_rows.end(), changed.begin(), changed.end());
      referral_rows.insert(referral_rows.end(), escalated.begin(), escalated.end());
      // A run for the same day again replaces that day's run row.
      bool replaced = false;
      for (size_t i = 0; i < next.flag_runs.size(); ++i) {
        if (next.flag_runs.as_of[i] == d) {
          next.flag_runs.rules_version[i] = rules.version;
          next.flag_runs.holding[i] = static_cast<uint32_t>(counts.flags);
          next.flag_runs.raised[i] += h.raised;
          next.flag_runs.cleared[i] += h.cleared;
          replaced = true;
        }
      }
      if (!replaced) {
        next.flag_runs.as_of.push_back(d);
        next.flag_runs.rules_version.push_back(rules.version);
        next.flag_runs.holding.push_back(static_cast<uint32_t>(counts.flags));
        next.flag_runs.raised.push_back(h.raised);
        next.flag_runs.cleared.push_back(h.cleared);
      }
      day_done();
    }
    for (size_t r = 0; r < next.referrals.size(); ++r) {
      report->referrals_open +=
          next.referrals.status[r] != static_cast<uint8_t>(ReferralStatus::kClosed);
    }
    if (adopt) {
      next.at_risk_rules.version.push_back(rules.version);
      next.at_risk_rules.adopted.push_back(run_days.front());
      next.at_risk_rules.source.push_back(options.rules_file);
      next.at_risk_rules.text.push_back(rules_text);
      plan.changed_tables.push_back(TableId::kAtRiskRules);
    }
    for (auto* rows : {&flag_rows, &referral_rows}) {
      std::sort(rows->begin(), rows->end());
      rows->erase(std::unique(rows->begin(), rows->end()), rows->end());
    }
    plan.changed_tables.push_back(TableId::kFlagRuns);
    if (!flag_rows.empty()) {
      plan.changed_tables.push_back(TableId::kFlags);
      plan.changed_rows[TableId::kFlags] = std::move(flag_rows);
    }
    if (!referral_rows.empty()) {
      plan.changed_tables.push_back(TableId::kReferrals);
      plan.changed_rows[TableId::kReferrals] = std::move(referral_rows);
    }
    plan.state = &next;
    // The day's windows, for the next day's run.
    if (!rings.windows().empty() && rings.day == day) {
      // Written over the file they were read from, or to a new one.
      const bool in_place =
          !store.flag_state_file().empty() && rings.file() == store.flag_state_path();
      plan.flag_state_file = in_place ? store.flag_state_file() : store.NewFileName("fst", "rings");
      LANTERN_RETURN_IF_ERROR(rings.Save(store.PathOf(plan.flag_state_file), store.generation() + 1,
                                         evaluator.RingKey(), options.threads));
      step("save the windows");
    }
    nlohmann::json note;
    note["command"] = "flags";
    note["as_of"] = DateText(day);
    note["days"] = run_days.size();
    note["rules_version"] = rules.version;
    note["raised"] = report->raised;
    note["cleared"] = report->cleared;
    plan.history_note = note.dump();
    step("plan the commit");
    LANTERN_RETURN_IF_ERROR(store.Commit(plan));
    step("commit");
    // The changes of the days run, from the history's raise and clear
    // days: a second run for a day lists the day's changes again, with any
    // its corrections made. A store whose first run of the day was made
    // before the raise day was kept cannot list that run's flags: its file,
    // the day's changes as that run wrote them, is left as it is.
    if (!options.out_dir.empty() && !RaisesUnrecorded(next, day, last_run)) {
      LANTERN_RETURN_IF_ERROR(WriteFlagChangesCsv(state, next.flags, run_days.front(), day,
                                                  options.out_dir, options.threads));
      step("flag_changes.csv");
    } else if (!options.out_dir.empty()) {
      report->changes_kept = true;
    }
    report->history_updated = true;
    report->days_run = run_days.size();
  }

  for (size_t k = 0; k < rules.triggers.size(); ++k) {
    report->by_trigger.push_back({rules.triggers[k].id, counts.by_trigger[k]});
  }
  report->flags = counts.flags;
  report->pupils_flagged = counts.pupils;
  if (whole_list) {
    LANTERN_RETURN_IF_ERROR(
        WriteFlagsCsv(state, rules, flags, next.flags, options.out_dir, options.threads));
    step("flags.csv");
    // The effectiveness table reads the referrals and history as committed
    // (or as they were, for a day before the last run).
    LANTERN_RETURN_IF_ERROR(WriteLipaEffectiveness(state, next.flags, next.referrals, day,
                                                   options.out_dir, options.lipas,
                                                   policy.suppress_below, days));
    step("lipa_effectiveness.csv");
  }
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Status::Ok();
}

}  // namespace

Status RunFlags(Store& store, const StoreState& state, const FlagsOptions& options,
                FlagsReport* report) {
  return RunFlagsOn(store, state, nullptr, options, report);
}

Status RunFlags(Store& store, StoreState* state, const FlagsOptions& options, FlagsReport* report) {
  return RunFlagsOn(store, *state, state, options, report);
}

Status RunFlags(const FlagsOptions& options, FlagsReport* report) {
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(options.store_dir, Store::Mode::kWrite));
  if (store->empty()) {
    return Status::NotFound(
        fmt::format("no store at {} (run `lantern ingest` first)", options.store_dir));
  }
  const auto started = std::chrono::steady_clock::now();
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load(true, options.threads));
  const double load =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  LANTERN_RETURN_IF_ERROR(RunFlagsOn(*store, state, &state, options, report));
  report->steps.insert(report->steps.begin(), {"store read", load});
  return Status::Ok();
}

}  // namespace lantern
