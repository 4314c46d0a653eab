// lantern users add|list|disable|token: the server's accounts
// (docs/access.md, docs/access-db.md). A password is read from standard
// input, never from the command line; a token is printed once.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/accounts_db.h"
#include "cli/command_registry.h"
#include "server/accounts.h"

namespace lantern::cli {
namespace {

// Overwrites a secret before it is freed.
void Wipe(std::string& s) {
  volatile char* p = s.data();
  for (size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

// One line from standard input, without echo when it is a terminal.
bool ReadSecretLine(const char* prompt, std::string* out) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios old{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    std::fflush(stderr);
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool got = static_cast<bool>(std::getline(std::cin, *out));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::fprintf(stderr, "\n");
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return got;
}

Result<std::string> ReadPassword(const std::string& user) {
  std::string password;
  const std::string prompt = "password for " + user + " (10 characters or more): ";
  if (!ReadSecretLine(prompt.c_str(), &password)) {
    return Status::InvalidArgument("no password: give it as the first line of standard input");
  }
  if (::isatty(STDIN_FILENO) != 0) {
    std::string again;
    ReadSecretLine("the same password again: ", &again);
    const bool same = again == password;
    Wipe(again);
    if (!same) {
      Wipe(password);
      return Status::InvalidArgument("the two passwords differ");
    }
  }
  return password;
}

void AddUsers(CLI::App& app, int* exit_code) {
  CLI::App* users = app.add_subcommand(
      "users",
      "Manage the server's accounts: add, list, disable, and make API tokens for scripts.");
  users->require_subcommand(1);
  users->footer(
      "Examples:\n"
      "  printf '%s\\n' \"$PASSWORD\" | lantern users add head1 --role school --scope 111581 "
      "--store S\n"
      "  lantern users list --store S\n"
      "  lantern users disable head1 --store S\n"
      "  lantern users token la805 --label nightly-export --store S\n"
      "Roles and scopes: national (none), la (an LA code: 805), trust (a trust id: TR00048),\n"
      "school (a URN: 111581), board (LA codes: 805,806). See docs/access.md.");

  {
    auto db = std::make_shared<DbChoice>();
    auto name = std::make_shared<std::string>();
    auto role = std::make_shared<std::string>();
    auto scope = std::make_shared<std::string>();
    CLI::App* cmd = users->add_subcommand(
        "add",
        "Add an account. The password (10 characters or more) is read from the first line of "
        "standard input, or asked for without echo at a terminal; never give it as an argument.");
    cmd->add_option("name", *name, "username: 1 to 64 of A-Z a-z 0-9 . _ -")->required();
    cmd->add_option("--role", *role, "national, la, trust, school or board")->required();
    cmd->add_option("--scope", *scope, "what the role covers: LA code, trust id, URN or LA codes");
    AddDbOptions(cmd, db.get());
    cmd->footer(
        "Example:\n"
        "  printf '%s\\n' \"$PASSWORD\" | lantern users add la805 --role la --scope 805 --store S");
    cmd->callback([db, name, role, scope, exit_code] {
      const auto r = server::ParseRole(*role);
      if (!r) {
        *exit_code = ReportFailure(
            "users add", Status::InvalidArgument("unknown role '" + *role +
                                                 "' (national, la, trust, school or board)"));
        return;
      }
      // Checked before asking for a password.
      if (Status st = server::CheckScope(*r, *scope); !st.ok()) {
        *exit_code = ReportFailure("users add", st);
        return;
      }
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("users add", accounts.status());
        return;
      }
      auto password = ReadPassword(*name);
      if (!password.ok()) {
        *exit_code = ReportFailure("users add", password.status());
        return;
      }
      auto user = (*accounts)->AddUser(*name, *r, *scope, *password);
      Wipe(*password);
      if (!user.ok()) {
        *exit_code = ReportFailure("users add", user.status());
        return;
      }
      std::printf("added user %s (%s%s%s)\n", user->username.c_str(),
                  std::string(server::RoleName(user->role)).c_str(), user->scope.empty() ? "" : " ",
                  user->scope.c_str());
      *exit_code = kExitOk;
    });
  }

  {
    auto db = std::make_shared<DbChoice>();
    CLI::App* cmd = users->add_subcommand("list", "List the accounts.");
    AddDbOptions(cmd, db.get());
    cmd->footer("Example:\n  lantern users list --store out/demo/store");
    cmd->callback([db, exit_code] {
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("users list", accounts.status());
        return;
      }
      auto users = (*accounts)->ListUsers();
      if (!users.ok()) {
        *exit_code = ReportFailure("users list", users.status());
        return;
      }
      size_t wname = 8, wscope = 5;
      for (const server::User& u : *users) {
        wname = std::max(wname, u.username.size());
        wscope = std::max(wscope, u.scope.size());
      }
      std::printf("%-*s  %-8s  %-*s  %-8s  %s\n", static_cast<int>(wname), "username", "role",
                  static_cast<int>(wscope), "scope", "disabled", "created");
      for (const server::User& u : *users) {
        std::printf("%-*s  %-8s  %-*s  %-8s  %s\n", static_cast<int>(wname), u.username.c_str(),
                    std::string(server::RoleName(u.role)).c_str(), static_cast<int>(wscope),
                    u.scope.empty() ? "-" : u.scope.c_str(), u.disabled ? "yes" : "no",
                    u.created_at.c_str());
      }
      *exit_code = kExitOk;
    });
  }

  {
    auto db = std::make_shared<DbChoice>();
    auto name = std::make_shared<std::string>();
    CLI::App* cmd = users->add_subcommand(
        "disable",
        "Disable an account: it can no longer log in, and its sessions and API "
        "tokens end at once.");
    cmd->add_option("name", *name, "username")->required();
    AddDbOptions(cmd, db.get());
    cmd->footer("Example:\n  lantern users disable head1 --store S");
    cmd->callback([db, name, exit_code] {
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("users disable", accounts.status());
        return;
      }
      if (Status st = (*accounts)->DisableUser(*name); !st.ok()) {
        *exit_code = ReportFailure("users disable", st);
        return;
      }
      std::printf("disabled user %s: its sessions and API tokens have ended\n", name->c_str());
      *exit_code = kExitOk;
    });
  }

  {
    auto db = std::make_shared<DbChoice>();
    auto name = std::make_shared<std::string>();
    auto label = std::make_shared<std::string>();
    CLI::App* cmd = users->add_subcommand(
        "token",
        "Make an API token for an account, for scripts (Authorization: Bearer TOKEN). The token "
        "is printed once, on standard output alone, and kept only as its SHA-256.");
    cmd->add_option("name", *name, "username")->required();
    cmd->add_option("--label", *label, "what the token is for");
    AddDbOptions(cmd, db.get());
    cmd->footer(
        "Example:\n"
        "  lantern users token la805 --label nightly-export --store S > la805.token");
    cmd->callback([db, name, label, exit_code] {
      auto accounts = OpenDb(*db);
      if (!accounts.ok()) {
        *exit_code = ReportFailure("users token", accounts.status());
        return;
      }
      auto token = (*accounts)->CreateApiToken(*name, *label);
      if (!token.ok()) {
        *exit_code = ReportFailure("users token", token.status());
        return;
      }
      std::printf("%s\n", token->c_str());
      std::fflush(stdout);
      Wipe(*token);
      std::fprintf(stderr,
                   "lantern users token: a token for %s; keep it now, it cannot be shown again\n",
                   name->c_str());
      *exit_code = kExitOk;
    });
  }
}

const CommandRegistrar kRegistrar({"users", 70, AddUsers});

}  // namespace
}  // namespace lantern::cli
