// lantern: the command-line front end. Each subcommand is a thin wrapper over
// the engine API in include/lantern/; see src/cli/*_command.cc.
#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/command_registry.h"

namespace lantern::cli {

std::vector<Command>& Commands() {
  static std::vector<Command> commands;
  return commands;
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  if (status.code() == StatusCode::kInvalidInput || status.code() == StatusCode::kNotFound) {
    return kExitBadInput;
  }
  return kExitFailure;
}

int ReportFailure(const std::string& command, const Status& status) {
  std::fprintf(stderr, "lantern %s: %s\n", command.c_str(), status.ToString().c_str());
  return ExitCodeFor(status);
}

}  // namespace lantern::cli

int main(int argc, char** argv) {
  using namespace lantern::cli;
  CLI::App app{
      "Lantern: fair, contextual, place-level evidence from pupil-level education records.\n"
      "See README.md and docs/ for inputs, outputs and definitions."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lantern 0.1.0");
  int exit_code = kExitOk;
  auto& commands = Commands();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.order < b.order; });
  for (auto& c : commands) c.add(app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
