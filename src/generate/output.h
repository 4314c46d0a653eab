// Writing the generated world as the input files of docs/input-schema.md.
// Record files are written here; marks are rendered and written by
// generate.cc (in parallel, school by school) through marks.h.
#ifndef LANTERN_GENERATE_OUTPUT_H_
#define LANTERN_GENERATE_OUTPUT_H_

#include <map>
#include <string>
#include <vector>

#include "generate/marks.h"
#include "generate/plan.h"
#include "generate/world.h"
#include "lantern/status.h"

namespace lantern::gen {

// A planned world, with each school's enrolments located in its LA plan.
struct Generated {
  uint64_t seed = 0;
  World world;
  std::vector<LaPlan> plans;
  std::vector<uint32_t> plan_of_school;                             // per school
  std::vector<std::pair<uint32_t, uint32_t>> enrolments_of_school;  // [begin, end) in its plan

  // Fills plan_of_school and enrolments_of_school (plans' enrolments are
  // sorted by school).
  void IndexSchools();
};

// Data rows written per file name.
using FileRows = std::map<std::string, uint64_t>;

// Writes local_authorities, trusts, schools, pupils, enrolments,
// suspensions, ap_placements and internal_units for the days in `window`
// (records after `through` are left out, and dates after it are blanked).
Status WriteRecordFiles(const Generated& g, const DayWindow& window, const std::string& dir,
                        FileRows* rows);

// The true moves (every ended current or main registration through
// `through` and where the pupil went) in DIR/movement_truth/movement_truth.csv:
// not an input file (movement_truth.cc).
Status WriteMovementTruth(const Generated& g, Date through, const std::string& dir, FileRows* rows);

// For --day: the enrolments that start or end that day and the pupils who
// join then.
Status WriteDayRecordFiles(const Generated& g, Date day, const std::string& dir, FileRows* rows);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_OUTPUT_H_
