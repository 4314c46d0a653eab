// Pupil-level mode's parts (pupil_level.cc, movement_outputs.cc). Internal to
// src/outcomes.
#ifndef LANTERN_OUTCOMES_PUPIL_LEVEL_H_
#define LANTERN_OUTCOMES_PUPIL_LEVEL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "aggregate/cube.h"
#include "compute/compute.h"
#include "indicators/catalogue.h"
#include "lantern/outcomes.h"
#include "model/geography.h"
#include "model/policy.h"
#include "store/store.h"
#include "suppress/disclosure_pass.h"

namespace lantern::outcomes {

// A place named by schools or postcode districts (and LAs beside them): its
// schools (rows of the schools table).
struct SchoolPlace {
  std::string code, name;
  std::vector<uint32_t> schools;
};

// The --places file (docs/local-outcomes.md): a CSV of place_code,
// place_name, kind (la, school, postcode_district) and member. A place of
// LAs only is a place of the cube (by school location and by residence, a
// pupil counted once); any other is its schools' cells added up (by school
// location). A postcode district is matched to the schools' postcodes: the
// store holds no pupil's home postcode.
struct UserPlaces {
  std::vector<std::pair<std::string, std::string>> names;  // code, name, in file order
  std::vector<Place> cube_places;
  std::vector<SchoolPlace> school_places;
};
Result<UserPlaces> ReadPlacesFile(const std::string& path, const StoreState& state);

// The measures the framework reads (its indicators, the movement family and
// the counts its outputs add up), added to a computation's request, with
// intervals. A build that also writes the framework asks for them (the daily
// job: one computation for both).
Status AddFrameworkMeasures(const Catalogue& catalogue, ComputeRequest* request);

// A file already written from the same computation, with its metadata
// beside it.
struct WrittenFile {
  std::string path;
  uint64_t rows = 0;
};

// One year's Year 11 leavers at 17: December to February a year on, their
// young-person months NEET or not known and in all (the destination grain's
// neet_nk_dec_feb_17 and cohort_dec_feb_17), by place row and group, and
// whether the published figure hides them. Those months are the same winter
// as the next year's leavers at 16, so the next year's run adds the two:
// the Department's NEET or not known at 16-17 for that winter.
struct SeventeenCounts {
  struct Cell {
    int64_t neet_nk = 0, cohort = 0;
    bool hidden = false;
  };
  std::string time_period;            // the leavers' KS4 year
  std::map<std::string, Cell> cells;  // by SeventeenKey
};
// A framework row's place (level, location basis, codes) and group.
std::string SeventeenKey(const AggregateUnit& unit, int category);

// What a framework run takes from, and gives to, the runs beside it.
struct FrameworkShared {
  // The same computation's movement.csv, already written (the build's, in
  // the daily job): put in OUT under a second name, not written again.
  const WrittenFile* movement_written = nullptr;
  // The year before's leavers at 17, for NEET or not known at 16-17.
  const SeventeenCounts* year_before = nullptr;
  // Filled with this year's leavers at 17 (for the year after's run).
  SeventeenCounts* seventeen = nullptr;
  // Earlier years' local_outcomes.csv rows (no header), each year's text:
  // added after this year's rows in the same file, for the trend.
  const std::vector<std::string>* earlier_rows = nullptr;
};

// Every file of the framework (lantern/outcomes.h RunPupilLevelOutcomes) from
// a computation whose request had AddFrameworkMeasures, and `places`' cube
// places, into a staging folder moved into OUT when all are written. Adds
// each step's time to report->steps.
Status WriteFramework(const StoreState& state, const Policy& policy, const Catalogue& catalogue,
                      const Computation& computation, const UserPlaces& places,
                      const PupilLevelOutcomesOptions& options, const std::string& out_dir,
                      OutcomesReport* report, const FrameworkShared& shared = {});

struct PupilLevelContext {
  const StoreState& state;
  const Policy& policy;
  const Cube& cube;
  const DisclosureFlags& flags;
  const Computation& computation;
  const Catalogue& catalogue;
  std::string time_period;
  int threads = 1;  // for the case list's rows
};

// OUT/unexplained_exits.csv: each school and trust with pupils in Years 7 to
// 11, its unexplained exits per 100 with a Wilson interval, against its
// similar schools' pooled rate and funnel limits (docs/local-outcomes.md).
Status WriteUnexplainedExits(const PupilLevelContext& ctx, const std::string& dir, uint64_t* rows);
// OUT/trust_contribution.csv: each trust in each LA where it has schools.
Status WriteTrustContribution(const PupilLevelContext& ctx, const std::string& dir, uint64_t* rows);
// OUT/net_flows.csv: each school, and each trust's schools of one type in
// each LA, with anyone joining or leaving its roll during the year: the
// joiners and leavers of each group (SEN support, EHC plan, disadvantaged,
// previously suspended), the net flow, and each side's share of the group
// against the place's other schools of the type, with Newcombe's interval
// for the difference: a question, never a verdict (docs/local-outcomes.md).
Status WriteNetFlows(const PupilLevelContext& ctx, const std::string& dir, uint64_t* rows);
// OUT/movement_flows.csv: for each LA (by school location), the year's
// exits from its schools (movement.csv's) from each trust, or the schools
// in no trust, to the next school's trust (or no trust), another LA, the
// same school, home education, children missing education or no school in
// the records; a two-way table controlled as one (primary, and secondary
// until no row or column gives a hidden cell back by subtraction from its
// margin: docs/local-outcomes.md).
Status WriteMovementFlows(const PupilLevelContext& ctx, const std::string& dir, uint64_t* rows);
// One cell of an LA's flows table: from a row (origin) to a column
// (destination), its count, and whether it is hidden.
struct FlowCell {
  int from = 0, to = 0;
  int64_t n = 0;
  bool hidden = false;
};
// Secondary suppression of a two-way table whose margins (each row's and
// column's total) are published elsewhere, after primary suppression has
// set `hidden`: to a fixed point, a row or column with a hidden cell gets
// another, its smallest shown nonzero cell (one not alone in its other line
// first), until it has at least two adding up to at least `threshold`, so
// no hidden cell is its margin less the shown ones. A line whose nonzero
// cells are all hidden stays as it is: its margin is their sum (one cell:
// that cell, which its margin's own control must hide).
void SuppressFlowTable(std::vector<FlowCell>* cells, int threshold);
// OUT/children_missing_education.csv: one row per case (pupil-level; for the
// home LA only).
Status WriteCmeCases(const PupilLevelContext& ctx, const std::string& dir, uint64_t* cases,
                     uint64_t* open);

}  // namespace lantern::outcomes

#endif  // LANTERN_OUTCOMES_PUPIL_LEVEL_H_
