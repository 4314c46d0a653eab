// lantern indicators: print docs/indicators.md from the catalogue.
#include <cstdio>

#include "cli/command_registry.h"
#include "indicators/indicator_docs.h"

namespace lantern::cli {
namespace {

void AddIndicators(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "indicators",
      "Print every published indicator as Markdown (the text of docs/indicators.md).");
  cmd->footer("Example:\n  lantern indicators > docs/indicators.md");
  cmd->callback([exit_code] {
    auto catalogue = DefaultCatalogue();
    if (!catalogue.ok()) {
      *exit_code = ReportFailure("indicators", catalogue.status());
      return;
    }
    std::fputs(IndicatorDocsMarkdown(**catalogue).c_str(), stdout);
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"indicators", 90, AddIndicators});

}  // namespace
}  // namespace lantern::cli
