// lantern voice --store STORE --out OUT: the pupil voice reports.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/command_registry.h"
#include "model/policy.h"
#include "store/store.h"
#include "voice/catalogue.h"
#include "voice/report.h"

namespace lantern::cli {
namespace {

struct VoiceOptions {
  std::string store_dir, previous_store_dir, out_dir, policy_file, catalogue_dir;
  int threads = 0;
};

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Status RunVoice(const VoiceOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  LANTERN_ASSIGN_OR_RETURN(Policy policy, LoadPolicyOrDefault(o.policy_file));
  LANTERN_RETURN_IF_ERROR(policy.Validate());
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(o.store_dir, Store::Mode::kRead));
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load(true, o.threads));
  std::unique_ptr<StoreState> previous;
  if (!o.previous_store_dir.empty()) {
    LANTERN_ASSIGN_OR_RETURN(auto prev, Store::Open(o.previous_store_dir, Store::Mode::kRead));
    LANTERN_ASSIGN_OR_RETURN(StoreState p, prev->Load(true, o.threads));
    previous = std::make_unique<StoreState>(std::move(p));
  }
  const double opened = SecondsSince(started);
  LANTERN_ASSIGN_OR_RETURN(std::string dir, voice::FindCatalogueDir(o.catalogue_dir));
  LANTERN_ASSIGN_OR_RETURN(voice::VoiceCatalogue cat,
                           voice::LoadCatalogueWithLocalItems(dir, state.voice_local_items));
  if (previous) {
    // The previous store's local items too (the same rows again are fine).
    LANTERN_RETURN_IF_ERROR(voice::AddPreviousLocalItems(cat, previous->voice_local_items));
  }
  if (state.voice_respondents.size() == 0) {
    return Status::InvalidInput(o.store_dir +
                                " holds no pupil voice responses (ingest "
                                "voice_responses.csv first)");
  }
  voice::VoiceReportInput in;
  in.current = &state;
  in.previous = previous.get();
  in.catalogue = &cat;
  in.policy = &policy;
  in.threads = o.threads > 0 ? o.threads : 1;
  LANTERN_ASSIGN_OR_RETURN(voice::VoiceReport report, voice::MakeVoiceReport(in));
  const auto writing = std::chrono::steady_clock::now();
  LANTERN_RETURN_IF_ERROR(voice::WriteVoiceFiles(report, cat, o.out_dir, in.threads));
  const double written = SecondsSince(writing);
  // Who was not heard, first.
  size_t under = 0, shown = 0, withheld = 0;
  for (const auto& c : report.coverage) under += c.under_heard;
  for (const auto& d : report.distributions) (d.withheld.empty() ? shown : withheld) += 1;
  std::printf(
      "  under-heard groups (school or area, wave): %zu (voice_coverage.csv lists them first)\n",
      under);
  std::printf("  %llu respondents, %llu responses, %zu waves\n",
              static_cast<unsigned long long>(report.respondents),
              static_cast<unsigned long long>(report.responses), report.waves.size());
  std::printf("  distributions: %zu shown, %zu withheld; year-on-year rows: %zu\n", shown, withheld,
              report.changes.size());
  std::printf("  disclosure pass: %d solve-and-audit rounds\n", report.audit_rounds);
  std::printf("  store read in %.2f s; report %.2f s (", opened, report.seconds);
  for (size_t i = 0; i < report.steps.size(); ++i) {
    std::printf("%s%s %.2f s", i ? "; " : "", report.steps[i].first.c_str(),
                report.steps[i].second);
  }
  std::printf("); files written in %.2f s\n", written);
  return Status::Ok();
}

void AddVoice(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<VoiceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "voice",
      "Pupil voice (docs/pupil-voice.md): every item's full response distribution by pupil group "
      "for each school, LA, region, trust and England (England only when the store has schools "
      "in all nine English regions), who was heard and who was not, and the "
      "change since the previous year's wave, disclosure-controlled. Writes OUT/voice.csv, "
      "OUT/voice_coverage.csv and OUT/voice_change.csv, each with its .meta.csv. No mean, score "
      "or rank is computed.");
  cmd->add_option("--store", o->store_dir, "store holding this year's wave")->required();
  cmd->add_option("--previous-store", o->previous_store_dir,
                  "store holding last year's wave (for voice_change.csv)");
  cmd->add_option("--out", o->out_dir, "output folder (created if new)")->required();
  cmd->add_option("--policy", o->policy_file, "JSON file overriding policy defaults");
  cmd->add_option("--catalogue", o->catalogue_dir,
                  "question bank folder (default: $LANTERN_CATALOGUE or the repository's "
                  "catalogue/)");
  cmd->add_option("--threads", o->threads, "worker threads");
  cmd->footer(
      "Example:\n"
      "  lantern generate --scale la --la 805 --seed 1 --with-voice --out in19\n"
      "  lantern generate --scale la --la 805 --seed 2 --year 201718 --with-voice --out in18\n"
      "  lantern ingest in19 --store s19 && lantern ingest in18 --store s18\n"
      "  lantern voice --store s19 --previous-store s18 --out out/voice");
  cmd->callback([o, exit_code] {
    std::printf("lantern voice %s -> %s\n", o->store_dir.c_str(), o->out_dir.c_str());
    Status st = RunVoice(*o);
    if (!st.ok()) {
      *exit_code = ReportFailure("voice", st);
      return;
    }
    *exit_code = kExitOk;
  });
}

const CommandRegistrar kRegistrar({"voice", 45, AddVoice});

}  // namespace
}  // namespace lantern::cli
