// lantern: the command-line front end. Each subcommand is a thin wrapper over
// the engine API in include/lantern/; see src/cli/*_command.cc.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

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
  if (status.code() == StatusCode::kUnavailable) return kExitBusy;
  return kExitFailure;
}

int ReportFailure(const std::string& command, const Status& status) {
  std::fprintf(stderr, "lantern %s: %s\n", command.c_str(), status.ToString().c_str());
  if (status.code() == StatusCode::kUnavailable) {
    std::fprintf(stderr,
                 "lantern %s: nothing was done; try again when the other process has finished "
                 "(a server started with --inbox DIR takes a day's folder itself)\n",
                 command.c_str());
  }
  return ExitCodeFor(status);
}

namespace {

// Lantern's national runs allocate gigabytes of columns and strings, and on
// virtual machines each first touch of a 4 KiB page is costly: a national
// flags run took a third of its time in page faults. glibc's allocator
// asks the kernel for transparent huge pages (2 MiB) when the tunable
// glibc.malloc.hugetlb=1 is set, which it reads only at start-up; so the
// process starts itself again once with it set (same pid, same arguments).
// A tunable the user set, or a failed exec, leaves things as they are.
void UseHugePagesForTheHeap(char** argv) {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  const std::string now = tunables == nullptr ? "" : tunables;
  if (now.find("glibc.malloc.hugetlb") != std::string::npos) return;
  const std::string with = now.empty() ? "glibc.malloc.hugetlb=1" : now + ":glibc.malloc.hugetlb=1";
  if (setenv("GLIBC_TUNABLES", with.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Not restarted: go on as we are, without the tunable in the
  // environment of anything we start.
  if (tunables == nullptr) {
    unsetenv("GLIBC_TUNABLES");
  } else {
    setenv("GLIBC_TUNABLES", now.c_str(), 1);
  }
}

}  // namespace

}  // namespace lantern::cli

int main(int argc, char** argv) {
  using namespace lantern::cli;
  UseHugePagesForTheHeap(argv);
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
