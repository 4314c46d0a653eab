// The scorecard's output writers (docs/scorecard.md, "Outputs"): the
// per-school JSON and HTML pages and the LA pages. The CSV files and the
// orchestration are in outputs.cc. Internal to src/scorecard.
#ifndef LANTERN_SCORECARD_WRITERS_H_
#define LANTERN_SCORECARD_WRITERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "lantern/scorecard.h"
#include "scorecard/published.h"

namespace lantern::scorecard {

// Everything the page writers need about one school.
struct SchoolPage {
  const Scorecard* scorecard = nullptr;
  uint32_t school = 0;
  const std::vector<ScorecardCell>* cells = nullptr;
  const std::vector<PublishedScorecardCell>* published = nullptr;
  std::string la_name, region_name;
};

void AppendSchoolJson(const SchoolPage& page, std::string* out);
// OUT/scorecard_indicators.json: every indicator's label, unit, definition,
// and this source's notes and reasons for x.
void AppendIndicatorsJson(const ScorecardInput& input, std::string* out);
void AppendSchoolHtml(const SchoolPage& page, std::string* out);

// One line of enquiry raised for one school, for the LA summaries.
struct EnquiryRecord {
  uint32_t school = 0;
  uint16_t indicator = 0;
  PupilGroup group = kAllPupils;
  uint16_t breakdown = 0;
  int8_t direction = 0;
  std::string text;
};

// How many schools of an LA were assessed on a series (for "n of m").
struct AssessedRecord {
  int la_code = 0;
  uint16_t indicator = 0;
  PupilGroup group = kAllPupils;
  uint16_t breakdown = 0;
};

struct LaPage {
  const Scorecard* scorecard = nullptr;
  int la_code = 0;
  std::string la_name, region_name;
  std::vector<uint32_t> schools;                // alphabetical
  std::vector<const EnquiryRecord*> enquiries;  // grouped by line, alphabetical
  // (indicator, group, breakdown) -> schools assessed
  std::vector<std::pair<std::tuple<uint16_t, uint16_t, uint16_t>, int>> assessed;
  // Published LA and England figures for this LA, by indicator and phase.
  std::vector<const AreaValue*> la_values;
  std::vector<const AreaValue*> england_values;
};

void AppendLaHtml(const LaPage& page, std::string* out);

// HTML text escaping.
void AppendEscaped(std::string_view text, std::string* out);
std::string SchoolDisplayName(const ScorecardSchool& s);

}  // namespace lantern::scorecard

#endif  // LANTERN_SCORECARD_WRITERS_H_
