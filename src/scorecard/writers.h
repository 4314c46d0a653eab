// The scorecard's output writers (docs/scorecard.md, "Outputs"): the
// per-school JSON that the API serves and the offline pages inline. The CSV
// files and the orchestration are in outputs.cc. Internal to src/scorecard.
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

// A school's name, or "School URN n" where the source has none.
std::string SchoolDisplayName(const ScorecardSchool& s);

}  // namespace lantern::scorecard

#endif  // LANTERN_SCORECARD_WRITERS_H_
