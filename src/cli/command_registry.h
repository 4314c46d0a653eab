// Each `lantern` subcommand lives in its own src/cli/<name>_command.cc and
// registers itself here, so adding a command touches no other file.
#ifndef LANTERN_CLI_COMMAND_REGISTRY_H_
#define LANTERN_CLI_COMMAND_REGISTRY_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "lantern/status.h"

namespace lantern::cli {

// Exit codes, the same for every command.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;       // the command could not do its job
constexpr int kExitBadInput = 2;      // a file is missing, unreadable or has the wrong header
constexpr int kExitRowsRejected = 3;  // done, but some input rows were rejected
constexpr int kExitBusy = 4;          // the store is in use by another process: try again later

int ExitCodeFor(const Status& status);
// Prints "lantern <command>: <message>" to stderr and returns the exit code.
int ReportFailure(const std::string& command, const Status& status);

struct Command {
  std::string name;
  int order;  // position in --help
  // Adds the subcommand to app; the callback it installs stores the exit
  // code in *exit_code.
  std::function<void(CLI::App& app, int* exit_code)> add;
};

std::vector<Command>& Commands();

struct CommandRegistrar {
  explicit CommandRegistrar(Command c) { Commands().push_back(std::move(c)); }
};

}  // namespace lantern::cli

#endif  // LANTERN_CLI_COMMAND_REGISTRY_H_
