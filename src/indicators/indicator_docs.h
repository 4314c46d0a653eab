// docs/indicators.md, made from the indicator registries so the page can
// never drift from the code (tests/indicator_docs_test.cc compares them).
#ifndef LANTERN_INDICATORS_INDICATOR_DOCS_H_
#define LANTERN_INDICATORS_INDICATOR_DOCS_H_

#include <string>

namespace lantern {

std::string IndicatorDocsMarkdown();

}  // namespace lantern

#endif  // LANTERN_INDICATORS_INDICATOR_DOCS_H_
