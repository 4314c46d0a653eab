// lantern flags: the at-risk early warning on a day (docs/early-warning.md);
// lantern referrals list|show|update: the referrals its new flags raised,
// with their clocks in school days.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/audit_read.h"
#include "cli/command_registry.h"
#include "cli/lipas.h"
#include "common/file_util.h"
#include "flags/evaluate.h"
#include "flags/run.h"
#include "model/upn.h"

namespace lantern::cli {
namespace {

void AddFlags(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<FlagsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "flags",
      "The at-risk early warning: every trigger of the rules in force that holds for a pupil on "
      "the day, since when and why, in OUT/flags.csv (pupil-level: for the entitled only), with "
      "OUT/lipa_effectiveness.csv. On the store's newest day the flag history is updated in the "
      "store (a flag clears when its condition clears), the flags raised and cleared are written "
      "to OUT/flag_changes.csv, new flags raise referrals and breached response standards "
      "escalate. A rules file with an error is refused with its line and "
      "reason, and the rules in force stay in force (exit 2).");
  cmd->add_option("--store", opts->store_dir, "store folder")->required();
  cmd->add_option("--out", opts->out_dir,
                  "folder for flags.csv, flag_changes.csv and lipa_effectiveness.csv")
      ->required();
  cmd->add_option("--rules", opts->rules_file,
                  "a rules file to adopt (rules/at-risk-VERSION.toml, national; or a local file "
                  "of additions); default: the rules in force (the national core at first)");
  cmd->add_option("--as-of", opts->as_of, "the day, YYYY-MM-DD (default: the store's last day)");
  cmd->add_option("--from", opts->from,
                  "run every school day from this date to the day in turn, as the daily job "
                  "would have, so a store ingested in bulk gets its flag history and referrals");
  cmd->add_option("--policy", opts->policy_file, "JSON file overriding policy defaults");
  cmd->add_option("--threads", opts->threads, "worker threads (default: one per core)");
  cmd->footer(
      "Examples:\n"
      "  lantern flags --store out/demo/store --out out/demo/flags\n"
      "  lantern flags --store S --out O --rules rules/at-risk-1.toml --as-of 2019-03-29\n"
      "  lantern flags --store S --out O --from 2018-09-01     # replay the year day by day\n"
      "The referrals are routed by the LIPAs in the agreements (lantern agreements import).");
  cmd->callback([opts, exit_code] {
    auto lipas = LoadLipas(opts->store_dir);
    if (!lipas.ok()) {
      *exit_code = ReportFailure("flags", lipas.status());
      return;
    }
    opts->lipas = std::move(lipas).value();
    FlagsReport report;
    Status st = AuditCommandRead(opts->store_dir, "lantern flags",
                                 "flags.csv and flag_changes.csv to " + opts->out_dir);
    if (st.ok()) st = RunFlags(*opts, &report);
    if (!st.ok()) {
      *exit_code = ReportFailure("flags", st);
      return;
    }
    std::printf("lantern flags %s -> %s\n%s", opts->store_dir.c_str(), opts->out_dir.c_str(),
                report.Summary().c_str());
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kFlags({"flags", 45, AddFlags});

void AddEvaluate(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<EvaluateOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "evaluate-flags",
      "Does the early warning work? The at-risk rules against later outcomes on a held-out "
      "cohort: recall, precision and weeks ahead per trigger and for the set, by pupil group, "
      "and a weighted risk-of-NEET score and a logistic model fitted on earlier cohorts at "
      "the set's precision (docs/early-warning.md). Each store needs its flag history (lantern "
      "flags --from).");
  cmd->add_option("--train", opts->train_stores,
                  "an earlier cohort's store (repeat for more: the model is fitted on all)")
      ->required();
  cmd->add_option("--train-outcomes", opts->train_outcomes,
                  "its later outcomes (upn,outcome,date: generate writes "
                  "DIR/evaluation/later_outcomes.csv), one per --train, in the same order")
      ->required();
  cmd->add_option("--test", opts->test_store, "the held-out cohort's store")->required();
  cmd->add_option("--test-outcomes", opts->test_outcomes, "its later outcomes")->required();
  cmd->add_option("--out", *out, "write the tables (Markdown) to this file too");
  cmd->add_option("--threads", opts->threads, "worker threads (default: one per core)");
  cmd->footer(
      "Example (scripts/evaluate-flags does all of it):\n"
      "  lantern evaluate-flags --train A/store --train-outcomes "
      "A/in/evaluation/later_outcomes.csv "
      "--test B/store --test-outcomes B/in/evaluation/later_outcomes.csv");
  cmd->callback([opts, out, exit_code] {
    auto report = EvaluateFlags(*opts);
    if (!report.ok()) {
      *exit_code = ReportFailure("evaluate-flags", report.status());
      return;
    }
    std::fputs(report->c_str(), stdout);
    if (!out->empty()) {
      if (Status st = WriteFileAtomic(*out, *report); !st.ok()) {
        *exit_code = ReportFailure("evaluate-flags", st);
        return;
      }
    }
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kEvaluate({"evaluate-flags", 47, AddEvaluate});

// ---------------------------------------------------------------- referrals

std::string DateOrDash(int32_t d) { return DateText(d, "-"); }

// A deadline, marked when it has passed by the day.
std::string DueText(int32_t due, int32_t day) {
  return due == kNoDate ? "-" : DateOrDash(due) + (due < day ? " late" : "");
}

struct Loaded {
  std::unique_ptr<Store> store;
  StoreState state;
  int32_t day = kNoDate;
  std::vector<LipaTerms> lipas;
};

Result<Loaded> LoadForReferrals(const std::string& dir, const std::string& as_of, bool write) {
  Loaded l;
  LANTERN_ASSIGN_OR_RETURN(l.store,
                           Store::Open(dir, write ? Store::Mode::kWrite : Store::Mode::kRead));
  LANTERN_ASSIGN_OR_RETURN(l.state, l.store->Load(true));
  l.day = StoreLastDay(l.state);
  if (!as_of.empty()) {
    auto d = ParseIsoDate(as_of);
    if (!d) return Status::InvalidArgument("--as-of must be a date, YYYY-MM-DD");
    l.day = d->days;
  }
  LANTERN_ASSIGN_OR_RETURN(l.lipas, LoadLipas(dir));
  return l;
}

size_t StepsOf(const Loaded& l, size_t r) {
  for (const LipaTerms& x : l.lipas) {
    if (x.agreement_id == l.state.referrals.agreement_id[r] && !x.escalation.empty()) {
      return x.escalation.size();
    }
  }
  return 2;
}

void AddReferrals(CLI::App& app, int* exit_code) {
  CLI::App* referrals = app.add_subcommand(
      "referrals",
      "Referrals raised by new at-risk flags, routed by the pupil's school, trust and home LA "
      "under the LIPAs; each with its status and a clock in school days (docs/early-warning.md).");
  referrals->require_subcommand(1);
  referrals->footer(
      "Examples:\n"
      "  lantern referrals list --store S --open\n"
      "  lantern referrals show 12 --store S\n"
      "  lantern referrals update 12 --status acknowledged --store S");
  {
    auto store = std::make_shared<std::string>();
    auto as_of = std::make_shared<std::string>();
    auto la = std::make_shared<int>(0);
    auto trust = std::make_shared<std::string>();
    auto urn = std::make_shared<int>(0);
    auto open_only = std::make_shared<bool>(false);
    auto escalated = std::make_shared<bool>(false);
    CLI::App* cmd = referrals->add_subcommand(
        "list",
        "One line per referral: id, school, home LA, triggers, status, school days open, "
        "the next deadline and the escalation step.");
    cmd->add_option("--store", *store, "store folder")->required();
    cmd->add_option("--as-of", *as_of, "the day the clocks run to (default: the store's last day)");
    cmd->add_option("--la", *la, "only pupils living in this LA (home LA code)");
    cmd->add_option("--trust", *trust, "only pupils at this trust's schools");
    cmd->add_option("--urn", *urn, "only pupils at this school");
    cmd->add_flag("--open", *open_only, "only referrals not closed");
    cmd->add_flag("--escalated", *escalated, "only referrals escalated");
    cmd->footer("Example:\n  lantern referrals list --store out/demo/store --open --la 805");
    cmd->callback([=] {
      auto l = LoadForReferrals(*store, *as_of, false);
      if (!l.ok()) {
        *exit_code = ReportFailure("referrals list", l.status());
        return;
      }
      const auto& r = l->state.referrals;
      const auto& s = l->state;
      if (Status st = AuditCommandRead(*store, "lantern referrals list",
                                       fmt::format("referrals:{}", r.size()));
          !st.ok()) {
        *exit_code = ReportFailure("referrals list", st);
        return;
      }
      StoreCalendar calendar(s.marks.Dates());
      SchoolDays days(s, calendar);
      std::printf("%-6s %-7s %-4s %-12s %-40s %-13s %5s %-15s %s\n", "id", "urn", "home", "raised",
                  "triggers", "status", "days", "next due", "escalation");
      size_t shown = 0;
      for (size_t i = 0; i < r.size(); ++i) {
        const bool closed = r.status[i] == static_cast<uint8_t>(ReferralStatus::kClosed);
        if (*open_only && closed) continue;
        if (*escalated && r.escalation_level[i] == 0) continue;
        if (*la != 0 && r.home_la[i] != *la) continue;
        if (!trust->empty() && r.trust_id[i] != *trust) continue;
        const int school_urn = r.school[i] < s.schools.size() ? s.schools.urn[r.school[i]] : 0;
        if (*urn != 0 && school_urn != *urn) continue;
        const ReferralClock c = ClockOf(r, i, l->day, days, StepsOf(*l, i));
        std::printf(
            "%-6zu %-7d %03d  %-12s %-40s %-13s %5d %-15s %s\n", i + 1, school_urn, r.home_la[i],
            DateOrDash(r.raised_date[i]).c_str(), std::string(r.triggers[i]).c_str(),
            std::string(ReferralStatusName(static_cast<ReferralStatus>(r.status[i]))).c_str(),
            c.open_days, DueText(c.next_deadline, l->day).c_str(),
            r.escalation_level[i] == 0 ? "-"
                                       : fmt::format("step {} since {}", r.escalation_level[i],
                                                     DateOrDash(r.escalated_date[i]))
                                             .c_str());
        ++shown;
      }
      std::printf("%zu of %zu referrals, clocks to %s\n", shown, r.size(),
                  DateOrDash(l->day).c_str());
      *exit_code = kExitOk;
    });
  }
  {
    auto store = std::make_shared<std::string>();
    auto as_of = std::make_shared<std::string>();
    auto id = std::make_shared<size_t>(0);
    CLI::App* cmd = referrals->add_subcommand(
        "show",
        "One referral in full: the pupil, the route, the standards, the clock and the "
        "notes (flags raised, escalations, changes of status).");
    cmd->add_option("id", *id, "the referral's id (from list)")->required();
    cmd->add_option("--store", *store, "store folder")->required();
    cmd->add_option("--as-of", *as_of, "the day the clock runs to (default: the store's last day)");
    cmd->footer("Example:\n  lantern referrals show 12 --store out/demo/store");
    cmd->callback([=] {
      auto l = LoadForReferrals(*store, *as_of, false);
      if (!l.ok()) {
        *exit_code = ReportFailure("referrals show", l.status());
        return;
      }
      const auto& r = l->state.referrals;
      const auto& s = l->state;
      if (*id == 0 || *id > r.size()) {
        *exit_code =
            ReportFailure("referrals show", Status::NotFound(fmt::format("no referral {}", *id)));
        return;
      }
      const size_t i = *id - 1;
      if (Status st = AuditCommandRead(
              *store, "lantern referrals show",
              fmt::format("referral:{} pupil:{}", *id, UnpackUpn(s.pupils.upn[r.pupil[i]])));
          !st.ok()) {
        *exit_code = ReportFailure("referrals show", st);
        return;
      }
      StoreCalendar calendar(s.marks.Dates());
      SchoolDays days(s, calendar);
      const ReferralClock c = ClockOf(r, i, l->day, days, StepsOf(*l, i));
      std::string text;
      text += fmt::format("referral {}\n", *id);
      text += fmt::format("  pupil        {} (home LA {:03d})\n",
                          UnpackUpn(s.pupils.upn[r.pupil[i]]), r.home_la[i]);
      text += fmt::format(
          "  school       {}\n",
          r.school[i] < s.schools.size()
              ? fmt::format("{} (URN {}, LA {:03d}){}", s.schools.name[r.school[i]],
                            s.schools.urn[r.school[i]], s.schools.la_code[r.school[i]],
                            r.trust_id[i].empty() ? "" : ", trust " + std::string(r.trust_id[i]))
              : std::string("none"));
      text += fmt::format("  triggers     {}\n", r.triggers[i]);
      text +=
          fmt::format("  agreement    {}\n",
                      r.agreement_id[i].empty() ? "none (national standards)" : r.agreement_id[i]);
      text += fmt::format("  routed to    {}\n", r.routed_to[i]);
      text += fmt::format("  standards    acknowledge within {} school days, plan within {}\n",
                          r.acknowledge_days[i], r.plan_days[i]);
      text += fmt::format("  status       {} (raised {}, acknowledged {}, plan {}, closed {}{})\n",
                          ReferralStatusName(static_cast<ReferralStatus>(r.status[i])),
                          DateOrDash(r.raised_date[i]), DateOrDash(r.acknowledged_date[i]),
                          DateOrDash(r.plan_date[i]), DateOrDash(r.closed_date[i]),
                          r.outcome[i].empty() ? "" : ": " + std::string(r.outcome[i]));
      text += fmt::format(
          "  clock        {} school days open to {}; to acknowledge {}; to plan {}; next due {}\n",
          c.open_days, DateOrDash(l->day),
          c.to_acknowledge < 0 ? std::string("-") : std::to_string(c.to_acknowledge),
          c.to_plan < 0 ? std::string("-") : std::to_string(c.to_plan),
          DueText(c.next_deadline, l->day));
      text += fmt::format("  escalation   {}\n",
                          r.escalation_level[i] == 0
                              ? std::string("none")
                              : fmt::format("step {} since {}", r.escalation_level[i],
                                            DateOrDash(r.escalated_date[i])));
      text += "  notes\n";
      const std::string notes = ReferralNotes(r, i, s.flags);
      size_t at = 0;
      while (at < notes.size()) {
        size_t end = notes.find(" | ", at);
        if (end == std::string::npos) end = notes.size();
        text += "    " + notes.substr(at, end - at) + "\n";
        at = end + 3;
      }
      std::fputs(text.c_str(), stdout);
      *exit_code = kExitOk;
    });
  }
  {
    auto store = std::make_shared<std::string>();
    auto id = std::make_shared<size_t>(0);
    auto status = std::make_shared<std::string>();
    auto on = std::make_shared<std::string>();
    auto outcome = std::make_shared<std::string>();
    auto note = std::make_shared<std::string>();
    CLI::App* cmd = referrals->add_subcommand(
        "update",
        "Record a response: acknowledged, plan_agreed or closed (with an outcome). "
        "Dates may not go backwards; the change is committed to the store.");
    cmd->add_option("id", *id, "the referral's id (from list)")->required();
    cmd->add_option("--store", *store, "store folder")->required();
    cmd->add_option("--status", *status, "acknowledged | plan_agreed | closed")->required();
    cmd->add_option("--on", *on, "the day it happened, YYYY-MM-DD (default: the store's last day)");
    cmd->add_option("--outcome", *outcome,
                    "for closed: support_in_school, early_help, ehc_assessment, ap_placement, "
                    "managed_move, social_care, no_further_action, permanently_excluded, "
                    "left_education, moved_away");
    cmd->add_option("--note", *note, "a note kept with the referral (no pupil names)");
    cmd->footer(
        "Examples:\n"
        "  lantern referrals update 12 --status acknowledged --store S\n"
        "  lantern referrals update 12 --status closed --outcome early_help --on 2019-07-01 "
        "--store S");
    cmd->callback([=] {
      auto l = LoadForReferrals(*store, *on, true);
      if (!l.ok()) {
        *exit_code = ReportFailure("referrals update", l.status());
        return;
      }
      auto to = ParseReferralStatus(*status);
      if (!to) {
        *exit_code = ReportFailure(
            "referrals update",
            Status::InvalidArgument("--status must be acknowledged, plan_agreed or closed"));
        return;
      }
      StoreState next;
      next.referrals = l->state.referrals;
      if (*id == 0) {
        *exit_code = ReportFailure("referrals update", Status::NotFound("no referral 0"));
        return;
      }
      Status st = UpdateReferral(&next.referrals, *id - 1, *to, l->day, *outcome, *note);
      if (st.ok()) {
        st = AuditCommandRead(*store, "lantern referrals update",
                              fmt::format("referral:{} status:{}", *id, ReferralStatusName(*to)));
      }
      if (!st.ok()) {
        *exit_code = ReportFailure("referrals update", st);
        return;
      }
      CommitPlan plan;
      plan.state = &next;
      plan.changed_tables = {TableId::kReferrals};
      plan.changed_rows[TableId::kReferrals] = {static_cast<uint32_t>(*id - 1)};
      plan.history_note =
          fmt::format(R"({{"command":"referrals update","referral":{},"status":"{}"}})", *id,
                      ReferralStatusName(*to));
      st = l->store->Commit(plan);
      if (!st.ok()) {
        *exit_code = ReportFailure("referrals update", st);
        return;
      }
      std::printf("referral %zu: %s on %s\n", *id, std::string(ReferralStatusName(*to)).c_str(),
                  DateOrDash(l->day).c_str());
      *exit_code = kExitOk;
    });
  }
}

const CommandRegistrar kReferrals({"referrals", 46, AddReferrals});

}  // namespace
}  // namespace lantern::cli
