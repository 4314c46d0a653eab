// docs/indicators.md, made from the indicator catalogue so the page can
// never drift from the code (tests/indicator_docs_test.cc compares them).
#ifndef LANTERN_INDICATORS_INDICATOR_DOCS_H_
#define LANTERN_INDICATORS_INDICATOR_DOCS_H_

#include <string>

#include "indicators/catalogue.h"

namespace lantern {

std::string IndicatorDocsMarkdown(const Catalogue& catalogue);

}  // namespace lantern

#endif  // LANTERN_INDICATORS_INDICATOR_DOCS_H_
