#include <CLI/CLI.hpp>
#include <fmt/format.h>

int main(int argc, char** argv) {
  CLI::App app{"Lantern: fair, contextual, place-level evidence from pupil-level records"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
