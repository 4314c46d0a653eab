// What one run of the KS4 measures holds: each pupil's results, slots and
// progress, shared by the school summary, the pupil view and the writer.
#ifndef LANTERN_MEASURES_MEASURES_INTERNAL_H_
#define LANTERN_MEASURES_MEASURES_INTERNAL_H_

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lantern/measures.h"
#include "measures/destinations.h"
#include "measures/progress.h"
#include "measures/qualifications.h"
#include "measures/slots.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

struct MeasuresPupil {
  uint32_t pupil = 0, school = 0;
  std::vector<KsResult> results;  // discounted
  SlotOutcome a8, p5, broader;
  std::optional<double> ks2_average;
  int pag = 0;
  bool in_model = false;
  bool vocational = false;  // an entry in a technical award, VRQ, functional skills or entry level
};

struct PupilDestination {
  uint32_t school = 0;
  MonthlyActivity months{};
};

struct MeasuresRun {
  Policy policy;
  QualCatalogue catalogue;
  const SlotDeclaration *a8 = nullptr, *p5 = nullptr, *broader = nullptr;
  int year = 0;
  std::vector<MeasuresPupil> pupils;  // by pupil row
  ProgressScores p8_scores, p5_scores;
  std::string p8_source, p5_source;
  std::unordered_map<uint32_t, PupilDestination> destinations;  // by pupil row
};

Result<MeasuresRun> RunMeasures(const StoreState& state, const MeasuresOptions& options);

}  // namespace lantern

#endif  // LANTERN_MEASURES_MEASURES_INTERNAL_H_
