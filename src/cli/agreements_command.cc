// lantern agreements import|list: the data-sharing agreements between
// trusts and local authorities (docs/access.md; the file format in
// docs/access-db.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/accounts_db.h"
#include "cli/command_registry.h"
#include "server/accounts.h"

namespace lantern::cli {
namespace {

void AddAgreements(CLI::App& app, int* exit_code) {
  CLI::App* agreements = app.add_subcommand(
      "agreements",
      "Data-sharing agreements: which data classes a trust shares with a local authority about "
      "the LA's residents at its academies, and when.");
  agreements->require_subcommand(1);
  agreements->footer(
      "Examples:\n"
      "  lantern agreements import agreements.toml --store S\n"
      "  lantern agreements list --store S\n"
      "The file format is in docs/access-db.md.");

  {
    auto db = std::make_shared<DbChoice>();
    auto file = std::make_shared<std::string>();
    CLI::App* cmd = agreements->add_subcommand(
        "import",
        "Replace every agreement with those in a TOML file, all or nothing: a file with an error "
        "is refused with its line and reason, and the agreements stay as they were.");
    cmd->add_option("file", *file, "the agreements file (TOML)")->required();
    AddDbOptions(cmd, db.get());
    cmd->footer(
        "Example:\n"
        "  lantern agreements import agreements.toml --store S\n"
        "where agreements.toml holds one table per agreement:\n"
        "  [[agreement]]\n"
        "  id = \"TR00048-841\"\n"
        "  trust_id = \"TR00048\"\n"
        "  la_code = 841\n"
        "  classes = [\"attendance\", \"suspensions\", \"ap\", \"internal_units\", \"sen\"]\n"
        "  start = 2018-09-01\n"
        "  end = 2019-08-31      # optional: open-ended without it");
    cmd->callback([db, file, exit_code] {
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("agreements import", accounts.status());
        return;
      }
      if (Status st = (*accounts)->ImportAgreements(*file); !st.ok()) {
        *exit_code = ReportFailure("agreements import", st);
        return;
      }
      auto list = (*accounts)->ListAgreements();
      if (!list.ok()) {
        *exit_code = ReportFailure("agreements import", list.status());
        return;
      }
      std::printf("imported %zu agreement%s from %s\n", list->size(), list->size() == 1 ? "" : "s",
                  file->c_str());
      *exit_code = kExitOk;
    });
  }

  {
    auto db = std::make_shared<DbChoice>();
    CLI::App* cmd = agreements->add_subcommand("list", "List the agreements in force or not.");
    AddDbOptions(cmd, db.get());
    cmd->footer("Example:\n  lantern agreements list --store out/demo/store");
    cmd->callback([db, exit_code] {
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("agreements list", accounts.status());
        return;
      }
      auto list = (*accounts)->ListAgreements();
      if (!list.ok()) {
        *exit_code = ReportFailure("agreements list", list.status());
        return;
      }
      size_t wid = 2, wtrust = 5;
      for (const server::Agreement& a : *list) {
        wid = std::max(wid, a.id.size());
        wtrust = std::max(wtrust, a.trust_id.size());
      }
      std::printf("%-*s  %-*s  %-3s  %-10s  %-10s  %s\n", static_cast<int>(wid), "id",
                  static_cast<int>(wtrust), "trust", "la", "start", "end", "classes");
      for (const server::Agreement& a : *list) {
        std::string classes;
        for (const std::string& c : a.classes) classes += (classes.empty() ? "" : ",") + c;
        std::printf("%-*s  %-*s  %03d  %-10s  %-10s  %s\n", static_cast<int>(wid), a.id.c_str(),
                    static_cast<int>(wtrust), a.trust_id.c_str(), a.la_code, a.start.c_str(),
                    a.end.empty() ? "(open)" : a.end.c_str(), classes.c_str());
      }
      if (list->empty()) std::printf("(no agreements)\n");
      *exit_code = kExitOk;
    });
  }
}

const CommandRegistrar kRegistrar({"agreements", 71, AddAgreements});

}  // namespace
}  // namespace lantern::cli
