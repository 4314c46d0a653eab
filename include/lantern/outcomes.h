// The Local Outcomes Framework (docs/local-outcomes.md): how well a place
// serves all its young people, in two modes.
//
//  - Open data: every LA in England, every year the Department's published
//    LA files hold (LAIT, NCCIS NEET, SEN2, in-year attendance, exclusions,
//    AP, PRU absence, SEN of children in need, area SEND inspections), with
//    England, the region and the ten statistical neighbours beside each.
//  - Pupil level: from a store, for LAs by school location and by
//    residence, regions, England, trusts and user-defined places, every
//    period in the store: attendance, suspensions and exclusions (the
//    build's own measures), elective home education, children missing
//    education, pupil movement and unexplained exits, by pupil group with
//    gaps to peers.
#ifndef LANTERN_OUTCOMES_H_
#define LANTERN_OUTCOMES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lantern/status.h"
#include "lantern/store.h"

namespace lantern {

struct OutcomesReport {
  uint64_t rows = 0;           // rows of local_outcomes.csv
  uint64_t places = 0;         // distinct places
  uint64_t periods = 0;        // distinct periods
  uint64_t measures = 0;       // distinct measures
  uint64_t movement_rows = 0;  // pupil-level mode
  uint64_t unexplained_exit_rows = 0;
  uint64_t trust_rows = 0;
  uint64_t net_flow_rows = 0;
  uint64_t movement_flow_rows = 0;
  uint64_t cme_cases = 0, cme_open = 0;
  double seconds = 0;
  // Where the time went, in order (pupil-level mode): step name, seconds.
  std::vector<std::pair<std::string, double>> steps;
  // Work that ran side by side within the last step, one list of steps for
  // each lane: their times overlap, so together they add up to more than
  // that step took.
  std::vector<std::vector<std::pair<std::string, double>>> lanes;
  std::string notes;  // sources not found, LAs a source could not place
  std::string Summary() const;
};

// The framework's measures in words (docs/local-outcomes.md), for pages and
// the API: id, label, a one-sentence definition, polarity ("higher is
// better", "lower is better", "neither"), unit and domain.
struct OutcomeMeasureText {
  std::string id, label, definition, polarity, unit, domain;
};
std::vector<OutcomeMeasureText> OutcomeMeasureCatalogue();

// Open-data mode: OUT/local_outcomes.csv (+ .meta.csv) from the published
// files under real_data_dir. `suppress_below`: the disclosure threshold
// applied again to the published counts (the policy's, default 3).
Status RunOpenDataOutcomes(const std::string& real_data_dir, const std::string& out_dir,
                           int suppress_below, OutcomesReport* report);

struct PupilLevelOutcomesOptions {
  std::string policy_file;    // JSON overrides (docs/definitions.md); empty: defaults
  std::string places_file;    // user-defined places (docs/local-outcomes.md); empty: none
  std::string real_data_dir;  // for statistical neighbours; empty: found, or none
  // Earlier years' stores (one store holds one academic year): their
  // framework rows are added to OUT/local_outcomes.csv, so that each
  // measure has a trend. Each is run on its own, with the same places and
  // policy; a store of the same year as the main one is refused.
  std::vector<std::string> earlier_stores;
  // Only OUT/local_outcomes.csv (+ .meta.csv): what an earlier year gives
  // the trend, without its other files (its case list is pupil-level).
  bool local_outcomes_only = false;
  int threads = 0;
};

// Pupil-level mode: OUT/local_outcomes.csv, movement.csv,
// movement_flows.csv, unexplained_exits.csv, trust_contribution.csv,
// net_flows.csv (each + .meta.csv) and the pupil-level
// OUT/children_missing_education.csv (for the home LA only).
Status RunPupilLevelOutcomes(const std::string& store_dir, const PupilLevelOutcomesOptions& options,
                             const std::string& out_dir, OutcomesReport* report);
// The same over a store already loaded: the daily job (`lantern ingest DAY
// --outcomes OUT`) refreshes the place measures from the state it committed.
Status RunPupilLevelOutcomes(const LoadedStore& store, const PupilLevelOutcomesOptions& options,
                             const std::string& out_dir, OutcomesReport* report);

}  // namespace lantern

#endif  // LANTERN_OUTCOMES_H_
