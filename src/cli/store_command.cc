// lantern store --store STORE [--verify]: what a store holds (year, tables,
// marks, recent runs), and a full integrity check on request.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "store/store.h"

namespace lantern::cli {
namespace {

void AddStore(CLI::App& app, int* exit_code) {
  auto dir = std::make_shared<std::string>();
  auto verify = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "store", "Describe a store: its academic year, tables, marks and recent runs.");
  cmd->footer("Example:\n  lantern store --store out/demo/store --verify");
  cmd->add_option("--store", *dir, "store folder")->required();
  cmd->add_flag("--verify", *verify, "recompute every checksum and check every marks file");
  cmd->callback([dir, verify, exit_code] {
    auto store = Store::Open(*dir, Store::Mode::kRead);
    if (!store.ok()) {
      *exit_code = ReportFailure("store", store.status());
      return;
    }
    auto state = (*store)->Load();
    if (!state.ok()) {
      *exit_code = ReportFailure("store", state.status());
      return;
    }
    const StoreState& s = *state;
    std::printf("store %s, generation %llu, academic year %s\n", dir->c_str(),
                static_cast<unsigned long long>((*store)->generation()),
                s.year ? s.year->Label().c_str() : "(not set)");
    std::printf("  %-18s %12zu\n", "local authorities", s.local_authorities.size());
    std::printf("  %-18s %12zu\n", "trusts", s.trusts.size());
    std::printf("  %-18s %12zu\n", "schools", s.schools.size());
    std::printf("  %-18s %12zu\n", "pupils", s.pupils.size());
    std::printf("  %-18s %12zu\n", "enrolments", s.enrolments.size());
    std::printf("  %-18s %12zu\n", "suspensions", s.suspensions.size());
    std::printf("  %-18s %12zu\n", "AP placements", s.ap_placements.size());
    std::printf("  %-18s %12zu\n", "internal units", s.internal_units.size());
    if (s.voice_respondents.size() > 0) {
      std::printf("  %-18s %12zu\n", "voice providers", s.voice_providers.size());
      std::printf("  %-18s %12zu\n", "voice respondents", s.voice_respondents.size());
      std::printf("  %-18s %12zu\n", "voice responses", s.voice_responses.size());
      std::printf("  %-18s %12zu\n", "voice links", s.voice_links.size());
    }
    auto dates = s.marks.Dates();
    std::printf("  marks: %zu dates (%s to %s), %zu block(s), %zu day file(s), %.1f MB\n",
                dates.size(), dates.empty() ? "-" : FormatIsoDate(Date{dates.front()}).c_str(),
                dates.empty() ? "-" : FormatIsoDate(Date{dates.back()}).c_str(),
                s.marks.blocks.size(), s.marks.days.size(),
                static_cast<double>(s.marks.MarkBytes()) / 1e6);
    auto j = nlohmann::json::parse((*store)->manifest_text(), nullptr, false);
    if (!j.is_discarded() && j.contains("history")) {
      std::printf("  recent runs:\n");
      const auto& h = j["history"];
      for (size_t i = h.size() > 5 ? h.size() - 5 : 0; i < h.size(); ++i) {
        std::printf("    generation %s: %s %s\n",
                    h[i].value("generation", nlohmann::json()).dump().c_str(),
                    h[i].value("command", "").c_str(), h[i].value("run", "").c_str());
      }
    }
    if (*verify) {
      Status st = (*store)->Verify();
      if (!st.ok()) {
        *exit_code = ReportFailure("store", st);
        return;
      }
      std::printf("  verified: every checksum matches\n");
    }
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"store", 40, AddStore});

}  // namespace
}  // namespace lantern::cli
