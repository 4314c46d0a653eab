// lantern audit verify|list: the audit log of pupil-level reads
// (docs/access-db.md). verify walks the hash chain and names the first
// entry changed, removed or reordered.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "cli/accounts_db.h"
#include "cli/command_registry.h"
#include "server/accounts.h"

namespace lantern::cli {
namespace {

bool IsUpnShaped(std::string_view w) {
  if (w.size() != 13 || !std::isalpha(static_cast<unsigned char>(w[0]))) return false;
  for (size_t i = 1; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(w[i]))) return false;
  }
  return std::isalnum(static_cast<unsigned char>(w[12])) != 0;
}

// A UPN is never printed: the value of "pupil:..." and any word shaped like
// a UPN (a letter, 11 digits, a digit or letter) are withheld.
std::string WithholdUpns(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isalnum(static_cast<unsigned char>(text[i]))) {
      out += text[i++];
      continue;
    }
    size_t j = i;
    while (j < text.size() && std::isalnum(static_cast<unsigned char>(text[j]))) ++j;
    const std::string_view word = text.substr(i, j - i);
    const bool after_pupil = out.size() >= 6 && out.compare(out.size() - 6, 6, "pupil:") == 0;
    out += after_pupil || IsUpnShaped(word) ? std::string("(UPN withheld)") : std::string(word);
    i = j;
  }
  return out;
}

void AddAudit(CLI::App& app, int* exit_code) {
  CLI::App* audit = app.add_subcommand(
      "audit", "The audit log of pupil-level reads: check its hash chain, or list it.");
  audit->require_subcommand(1);
  audit->footer(
      "Examples:\n"
      "  lantern audit verify --store S        # exit 0: the chain holds; 1: it is broken\n"
      "  lantern audit list --store S --after 100 --limit 20");

  {
    auto db = std::make_shared<DbChoice>();
    CLI::App* cmd = audit->add_subcommand(
        "verify",
        "Check every entry's hash and its link to the one before; names the first entry changed, "
        "removed or reordered. Exit code 0: the chain holds; 1: it is broken.");
    AddDbOptions(cmd, db.get());
    cmd->footer("Example:\n  lantern audit verify --store out/demo/store");
    cmd->callback([db, exit_code] {
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("audit verify", accounts.status());
        return;
      }
      auto report = (*accounts)->VerifyAudit();
      if (!report.ok()) {
        *exit_code = ReportFailure("audit verify", report.status());
        return;
      }
      if (report->ok) {
        std::printf("audit log: %lld entries, chain intact\n",
                    static_cast<long long>(report->entries));
        // The last hash, to note elsewhere: the chain alone cannot show
        // entries removed from its end if SQLite's own counter is reset too.
        // (An intact chain has ids 1 to N.)
        auto last = (*accounts)->AuditEntries(report->entries - 1, 1);
        if (last.ok() && !last->empty()) {
          std::printf("last entry: %lld, hash %s\n", static_cast<long long>(last->back().id),
                      last->back().hash.c_str());
        }
        *exit_code = kExitOk;
        return;
      }
      std::printf("audit log: %lld entries, chain BROKEN at entry %lld: %s\n",
                  static_cast<long long>(report->entries),
                  static_cast<long long>(report->first_bad_id), report->problem.c_str());
      *exit_code = kExitFailure;
    });
  }

  {
    auto db = std::make_shared<DbChoice>();
    auto after = std::make_shared<int64_t>(0);
    auto limit = std::make_shared<int64_t>(100);
    CLI::App* cmd = audit->add_subcommand(
        "list",
        "List audit entries in order: when, who (username, role, scope), what, and on "
        "what basis. UPNs are withheld.");
    cmd->add_option("--after", *after, "only entries after this id (default 0: from the start)");
    cmd->add_option("--limit", *limit, "at most this many entries (default 100)");
    AddDbOptions(cmd, db.get());
    cmd->footer("Example:\n  lantern audit list --store out/demo/store --after 0 --limit 20");
    cmd->callback([db, after, limit, exit_code] {
      if (*limit < 0 || *after < 0) {
        *exit_code = ReportFailure(
            "audit list", Status::InvalidArgument("--after and --limit cannot be negative"));
        return;
      }
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("audit list", accounts.status());
        return;
      }
      auto entries = (*accounts)->AuditEntries(*after, *limit);
      if (!entries.ok()) {
        *exit_code = ReportFailure("audit list", entries.status());
        return;
      }
      std::printf("%-6s  %-20s  %-12s  %-8s  %-8s  %s | %s | %s\n", "id", "at", "username", "role",
                  "scope", "action", "target", "basis");
      for (const server::AuditEntry& e : *entries) {
        std::printf("%-6lld  %-20s  %-12s  %-8s  %-8s  %s | %s | %s\n",
                    static_cast<long long>(e.id), e.at.c_str(), e.username.c_str(), e.role.c_str(),
                    e.scope.empty() ? "-" : e.scope.c_str(), WithholdUpns(e.action).c_str(),
                    WithholdUpns(e.target).c_str(), WithholdUpns(e.basis).c_str());
      }
      if (entries->empty()) std::printf("(no entries)\n");
      *exit_code = kExitOk;
    });
  }
}

const CommandRegistrar kRegistrar({"audit", 72, AddAudit});

}  // namespace
}  // namespace lantern::cli
