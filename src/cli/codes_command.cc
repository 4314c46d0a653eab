// lantern codes: print the register-code table (code, treatment, reason) as
// CSV, with any policy overrides applied. The DuckDB peer benchmark reads it
// so both engines use one definition.
#include <cstdio>

#include "cli/command_registry.h"
#include "common/csv_writer.h"
#include "model/policy.h"
#include "model/register_codes.h"

namespace lantern::cli {
namespace {

void AddCodes(CLI::App& app, int* exit_code) {
  auto policy_file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "codes", "Print the attendance register codes and how the statistics treat each (CSV).");
  cmd->footer("Example:\n  lantern codes > codes.csv");
  cmd->add_option("--policy", *policy_file, "JSON file overriding policy defaults");
  cmd->callback([policy_file, exit_code] {
    Policy policy;
    if (!policy_file->empty()) {
      auto p = LoadPolicy(*policy_file);
      if (!p.ok()) {
        *exit_code = ReportFailure("codes", p.status());
        return;
      }
      policy = *p;
    }
    const CodeTreatments treatments = policy.Treatments();
    std::printf("code,treatment,approved_activity,historic,meaning\n");
    auto codes = RegisterCodes();
    for (size_t i = 1; i < codes.size(); ++i) {
      const RegisterCode& c = codes[i];
      std::printf("%s,%s,%s,%s,%s\n", CsvQuote(c.code).c_str(),
                  std::string(TreatmentName(treatments[static_cast<MarkCode>(i)])).c_str(),
                  c.approved_activity ? "Y" : "N", c.historic ? "Y" : "N",
                  CsvQuote(c.meaning).c_str());
    }
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"codes", 91, AddCodes});

}  // namespace
}  // namespace lantern::cli
