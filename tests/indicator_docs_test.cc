#include "indicators/indicator_docs.h"

#include <gtest/gtest.h>

#include "common/file_util.h"

namespace lantern {
namespace {

TEST(IndicatorDocsTest, DocsPageMatchesTheCatalogue) {
  auto catalogue = DefaultCatalogue();
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  auto page = ReadFileToString(std::string(LANTERN_SOURCE_DIR) + "/docs/indicators.md");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(*page, IndicatorDocsMarkdown(**catalogue))
      << "docs/indicators.md is out of date: run `build/lantern indicators > docs/indicators.md`";
}

}  // namespace
}  // namespace lantern
