// docs/scorecard.md documents every indicator of the registry.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lantern/scorecard.h"

namespace lantern {
namespace {

std::string ReadDoc(const char* name) {
  std::ifstream f(std::string(LANTERN_SOURCE_DIR) + "/docs/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(ScorecardDocsTest, EveryIndicatorIsDocumented) {
  const std::string doc = ReadDoc("scorecard.md");
  ASSERT_FALSE(doc.empty()) << "docs/scorecard.md is missing";
  for (const auto& ind : ScorecardIndicators()) {
    EXPECT_NE(doc.find("| `" + std::string(ind.id) + "` | " + std::string(ind.label) + " |"),
              std::string::npos)
        << ind.id << " is not in the indicator tables of docs/scorecard.md";
  }
  ASSERT_FALSE(ScorecardIndicators().empty());
  for (PupilGroup g : ScorecardPupilGroups()) {
    std::string quoted = "`";
    quoted += PupilGroupId(g);
    quoted += '`';
    EXPECT_NE(doc.find(quoted), std::string::npos) << quoted;
  }
  EXPECT_NE(ReadDoc("benchmarking.md").find("## Group size: 50"), std::string::npos);
}

}  // namespace
}  // namespace lantern
