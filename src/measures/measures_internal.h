// What one run of the KS4 measures holds: each pupil's results, slots and
// progress, shared by the school summary, the pupil view and the writer.
#ifndef LANTERN_MEASURES_MEASURES_INTERNAL_H_
#define LANTERN_MEASURES_MEASURES_INTERNAL_H_

#include <array>
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

// A pupil's total and element points under one slot declaration (points
// are whole or half points, exact in a float).
struct SlotTotals {
  double total = 0;
  std::array<float, kMaxSlotElements> elements{};
};

struct MeasuresPupil {
  uint32_t pupil = 0, school = 0;
  uint32_t rows_begin = 0, rows_end = 0;  // the pupil's rows in MeasuresRun::rows
  SlotTotals a8, p5, broader;
  std::optional<double> ks2_average;
  int pag = 0;
  bool in_model = false;
  bool vocational = false;  // an entry in a technical award, VRQ, functional skills or entry level
  // Attempted entries, and those technical or vocational (the pathway).
  uint8_t entries = 0, technical_entries = 0;
};

// A pupil's pathway from the share of their attempted entries that are
// technical or vocational (docs/measures.md): under a quarter, mainly
// academic; a quarter to under a half, mixed; a half or more, mainly
// technical or vocational. Pupils with no attempted entry have none.
enum class Pathway : uint8_t { kNone, kAcademic, kMixed, kTechnical };
Pathway PathwayOf(int entries, int technical_entries);
const char* PathwayLabel(Pathway pathway);

struct PupilDestination {
  uint32_t pupil = 0, school = 0;
  MonthlyActivity months{};
};

struct MeasuresRun {
  Policy policy;
  QualCatalogue catalogue;
  const SlotDeclaration *a8 = nullptr, *p5 = nullptr, *broader = nullptr;
  int year = 0;
  std::vector<uint32_t> rows;         // ks4_results rows of the year, grouped by pupil
  std::vector<MeasuresPupil> pupils;  // in the order of the pupils table
  ProgressScores p8_scores, p5_scores;
  std::string p8_source, p5_source;
  std::vector<PupilDestination> destinations;  // in the order of the pupils table
  std::vector<uint32_t> destination_of_pupil;  // pupil row -> index, or kNoIndex

  const PupilDestination* DestinationOf(uint32_t pupil) const {
    if (pupil >= destination_of_pupil.size() || destination_of_pupil[pupil] == kNoIndex) {
      return nullptr;
    }
    return &destinations[destination_of_pupil[pupil]];
  }
};

Result<MeasuresRun> RunMeasures(const StoreState& state, const MeasuresOptions& options);

// Pupil i's results of the run (rows coded through the catalogue: one
// with an unknown qualification or a grade off its scale is left out, as
// ingest would have rejected it) into `results`; sets the pupil's entries,
// technical_entries and vocational (any technical entry) on `entries`
// when it is not null.
void PupilResults(const StoreState& state, const MeasuresRun& run, const MeasuresPupil& pupil,
                  std::vector<KsResult>* results, MeasuresPupil* entries = nullptr);

}  // namespace lantern

#endif  // LANTERN_MEASURES_MEASURES_INTERNAL_H_
