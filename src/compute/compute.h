// The engine's one computation, used by the build, the scorecard and the
// published check: for a set of catalogue indicators, derive the facts
// their measures need (derive/facts.h), add them into the cube
// (aggregate/cube.h) and choose the cells to hide (suppress/
// disclosure_pass.h), under one policy, for one period. Each count is
// controlled the same way whoever asks (its `within` count comes from the
// catalogue), so the build's files and the scorecard hide the same cells.
#ifndef LANTERN_COMPUTE_COMPUTE_H_
#define LANTERN_COMPUTE_COMPUTE_H_

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "aggregate/cube.h"
#include "derive/exits.h"
#include "indicators/catalogue.h"
#include "suppress/disclosure_pass.h"

namespace lantern {

// Where each measure a family reads is in the cube.
class CubeMeasures {
 public:
  // grains: the grain of each of the cube's grain requests, in order; the
  // requests' measures as the cube was built.
  CubeMeasures(const Cube& cube, std::vector<std::pair<GrainId, std::vector<int>>> grains);
  // The cube's index of a measure, or -1 when the cube does not hold it.
  int Index(const MeasureRef& ref) const;

 private:
  std::vector<size_t> offset_;  // the cube index of each request's first measure
  std::vector<std::pair<GrainId, std::vector<int>>> grains_;
};

struct ComputeRequest {
  const StoreState* state = nullptr;
  const Store* store = nullptr;  // saved session counts; may be null
  const Policy* policy = nullptr;
  const Catalogue* catalogue = nullptr;
  std::vector<size_t> indicators;  // into catalogue->indicators()
  std::vector<MeasureRef> extra;   // further measures (row counts)
  std::vector<Place> places;
  // The period counted: the store's academic year unless set.
  std::optional<Date> first_day, last_day;
  bool full_scan = false;
  // Also the measures of intervals and breakdowns (the scorecard, the check).
  bool intervals = true;
  int threads = 0;
};

struct Computation {
  AcademicYear year{2018};
  Date first_day, last_day;  // the period counted
  // The period's exits, when a grain needed them: classified once, kept for
  // the outputs that list them (the case list of children missing
  // education).
  std::shared_ptr<const ExitSet> exits;
  std::vector<std::unique_ptr<FactGrain>> grains;
  std::vector<std::pair<GrainId, std::vector<int>>> measures;  // per grain request
  Cube cube;
  std::unique_ptr<CubeMeasures> where;
  DisclosureFlags flags;
  bool used_saved_counts = false;
  double seconds_aggregate = 0, seconds_suppress = 0;

  // The cube index of a measure (-1: not computed).
  int Index(const MeasureRef& ref) const { return where->Index(ref); }
};

Result<Computation> Compute(const ComputeRequest& request);

// The counts of pupils, enrolments or events the indicators are hidden by,
// with the count each starts from (catalogue.h WithinOf).
std::vector<MeasureRef> ControlledMeasures(const Catalogue& catalogue,
                                           std::span<const size_t> indicators,
                                           bool intervals = true);

}  // namespace lantern

#endif  // LANTERN_COMPUTE_COMPUTE_H_
