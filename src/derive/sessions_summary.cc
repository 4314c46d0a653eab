#include "derive/sessions_summary.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>

#include "model/register_codes.h"
#include "store/segment.h"

namespace lantern {

namespace {
constexpr char kMagic[8] = {'L', 'N', 'T', 'S', 'U', 'M', '0', '1'};
constexpr size_t kHeader = 4096;
}  // namespace

std::string CodeTreatmentFingerprint(const CodeTreatments& treatments) {
  std::string text = fmt::format("columns={};", static_cast<int>(kSessionColumns));
  auto codes = RegisterCodes();
  for (size_t i = 1; i < codes.size(); ++i) {
    text += fmt::format(
        "{}:{}:{}:{}:{};", codes[i].code, static_cast<int>(treatments[static_cast<MarkCode>(i)]),
        static_cast<int>(codes[i].reason), codes[i].approved_activity, codes[i].late);
  }
  return fmt::format("{:08x}-{}", Crc32(text.data(), text.size()), text.size());
}

Status SessionsSummary::Write(const std::string& path, const CodeTreatments& treatments,
                              std::span<const CountWindow> windows,
                              std::span<const EnrolmentSessions> sessions) {
  if (windows.size() != sessions.size()) return Status::Internal("summary sizes differ");
  std::string head(kMagic, sizeof kMagic);
  const uint64_t slots = windows.size();
  head.append(reinterpret_cast<const char*>(&slots), 8);
  const std::string fp = CodeTreatmentFingerprint(treatments);
  const uint32_t fp_len = static_cast<uint32_t>(fp.size());
  head.append(reinterpret_cast<const char*>(&fp_len), 4);
  head += fp;
  head.resize(kHeader, '\0');
  LANTERN_ASSIGN_OR_RETURN(auto w, BufferedWriter::Create(path, 1 << 24));
  w->Write(head);
  w->Write(std::string_view(reinterpret_cast<const char*>(windows.data()), windows.size_bytes()));
  w->Write(std::string_view(reinterpret_cast<const char*>(sessions.data()), sessions.size_bytes()));
  return w->Close(/*sync=*/true);
}

Result<std::unique_ptr<SessionsSummary>> SessionsSummary::Open(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  std::string_view d = file->data();
  if (d.size() < kHeader || std::memcmp(d.data(), kMagic, 8) != 0) {
    return Status::Corruption(path + ": not a sessions summary");
  }
  std::unique_ptr<SessionsSummary> s(new SessionsSummary());
  std::memcpy(&s->slots_, d.data() + 8, 8);
  uint32_t fp_len = 0;
  std::memcpy(&fp_len, d.data() + 16, 4);
  if (20 + fp_len > kHeader) return Status::Corruption(path + ": bad header");
  s->fingerprint_.assign(d.data() + 20, fp_len);
  const uint64_t need = kHeader + s->slots_ * (sizeof(CountWindow) + sizeof(EnrolmentSessions));
  if (d.size() != need) return Status::Corruption(path + ": wrong size");
  s->windows_ = reinterpret_cast<const CountWindow*>(d.data() + kHeader);
  s->sessions_ = reinterpret_cast<const EnrolmentSessions*>(d.data() + kHeader +
                                                            s->slots_ * sizeof(CountWindow));
  s->file_ = std::move(file);
  return s;
}

SavedCounts OpenSavedCounts(const Store& store, const MarksSet& marks,
                            const CodeTreatments& treatments) {
  SavedCounts saved;
  if (store.summary_path().empty() || store.summary_blocks().empty()) return saved;
  std::vector<const MarksBlock*> blocks;
  for (const std::string& name : store.summary_blocks()) {
    for (const auto& b : marks.blocks) {
      if (std::filesystem::path(b->file().path()).filename() == name) blocks.push_back(b.get());
    }
  }
  if (blocks.size() != store.summary_blocks().size()) return saved;
  auto summary = SessionsSummary::Open(store.summary_path());
  if (!summary.ok() || (*summary)->fingerprint() != CodeTreatmentFingerprint(treatments)) {
    return saved;
  }
  saved.summary = std::move(summary).value();
  saved.blocks = std::move(blocks);
  return saved;
}

}  // namespace lantern
