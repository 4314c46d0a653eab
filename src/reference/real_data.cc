#include "reference/real_data.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace lantern {

Result<std::string> FindRealDataDir(const std::string& explicit_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> tried;
  auto ok = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p / "perf_tables_2019_census_school", ec);
  };
  if (!explicit_dir.empty()) {
    if (ok(explicit_dir)) return fs::absolute(explicit_dir).lexically_normal().string();
    return Status::NotFound(
        fmt::format("{} is not the real-data folder (it has no perf_tables_2019_census_school/)",
                    explicit_dir));
  }
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("LANTERN_REAL_DATA"); env != nullptr && *env != 0) {
    candidates.emplace_back(env);
  }
#ifdef LANTERN_SOURCE_DIR
  candidates.emplace_back(fs::path(LANTERN_SOURCE_DIR) / ".." / "shared" / "data" / "real");
#endif
  candidates.emplace_back(fs::current_path() / ".." / "shared" / "data" / "real");
  for (const auto& c : candidates) {
    if (ok(c)) return fs::absolute(c).lexically_normal().string();
    tried.push_back(c.string());
  }
  std::string list;
  for (auto& t : tried) list += "\n  " + t;
  return Status::NotFound(
      "cannot find the real published data (../shared/data/real); set LANTERN_REAL_DATA or "
      "pass --real-data. Tried:" +
      list);
}

}  // namespace lantern
