// KS4 measures: Attainment 8, Progress 8, Progress 5, broader attainment and
// destinations (definitions.md 3 and 4; docs/measures.md).
//
// From a store holding ks2_results, ks4_results and destinations
// (docs/input-schema.md) and the qualification catalogue
// (catalogue/qualifications.csv, catalogue/point_scales.csv), each pupil at
// the end of KS4 gets their slots filled under the Attainment 8 rules and
// under the Progress 5 declaration; progress is measured against national
// estimates by KS2 prior-attainment group, computed from the cohort in the
// store or read from the Department's published file (--estimates FILE, the
// layout of p8_pupil_coefficients_file.csv), with the Department's capping
// of extreme negative scores. School figures carry 95% intervals from the
// national standard deviation, a band and a percentile band among all
// schools (never a rank).
//
// WriteMeasures writes OUT/measures.csv (one row per school) and
// OUT/destinations.csv (every level of the cube), each with its .meta.csv,
// through the one open-data writer and the one disclosure rule.
#ifndef LANTERN_MEASURES_H_
#define LANTERN_MEASURES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lantern/status.h"
#include "lantern/store.h"

namespace lantern {

struct MeasuresOptions {
  std::string store_dir;
  std::string out_dir;
  // Published national estimates in the layout of the Department's
  // p8_pupil_coefficients_file.csv (ks2emss_grp, p8est, p8esteng, p8estmat,
  // p8estebac, p8estopen). Empty: estimates from the cohort in the store.
  std::string estimates_file;
  // The qualification catalogue folder (qualifications.csv, point_scales.csv,
  // prior_attainment_groups.csv). Empty: the catalogue shipped with Lantern
  // (the folder named by LANTERN_CATALOGUE_DIR, else ./catalogue).
  std::string catalogue_dir;
  std::string policy_file;  // optional JSON overrides (docs/definitions.md)
  int threads = 0;          // 0: one per core
  // The KS4 year measured (academic year start, 2018 for 2018/19); 0: the
  // year most pupils in ks4_results finished KS4.
  int ks4_year = 0;
};

// A band of a progress score against zero with its 95% interval
// (definitions.md 3.7).
enum class ProgressBand : uint8_t { kNone, kWellBelow, kBelow, kAverage, kAbove, kWellAbove };
const char* ProgressBandName(ProgressBand band);  // "well_below" ... ; "" for kNone
// The coarse band used to compare P8 with P5: below, in line, above.
const char* ProgressBand3Name(ProgressBand band);  // "below" | "in_line" | "above" | ""

struct ProgressFigure {
  bool available = false;       // false: no pupil in the measure (published as z)
  int32_t pupils = 0;           // pupils in the measure (with KS2 prior attainment)
  double score = 0;             // mean adjusted pupil score
  double lower = 0, upper = 0;  // 95% interval, national SD
  double unadjusted = 0;        // mean before capping
  int32_t capped = 0;           // pupils whose score was capped
  // Element means, in the order of the declaration's elements (P8: english,
  // maths, ebacc, open).
  std::vector<double> elements;
  ProgressBand band = ProgressBand::kNone;
  int percentile_band = 0;  // 1..10: the decile of schools its score is in
};

struct SchoolMeasures {
  int32_t urn = 0;
  std::string name;
  int16_t la_code = 0;
  std::string trust_id;
  std::string school_type;   // the store's phase/type code
  int32_t ks4_pupils = 0;    // pupils at the end of KS4 (with a KS4 result row)
  double att8 = 0;           // mean Attainment 8 over ks4_pupils
  double broader = 0;        // mean broader attainment points (docs/measures.md)
  double p5_attainment = 0;  // mean Progress 5 attainment score
  int32_t att8_percentile_band = 0;
  ProgressFigure p8, p5;
  bool band_moves = false;  // the 3-way band differs between P8 and P5
  // For the comparison: shares of the school's KS4 pupils (0..1).
  double share_sen = 0, share_disadvantaged = 0, share_vocational = 0;
  // Sustained destination share of the school's KS4 cohort (-1: no records).
  double sustained_destination = -1;
};

// A pupil's slots, for entitled users (the server checks access and audits).
struct PupilSlot {
  std::string slot;  // "english", "maths", "ebacc", "open", or the P5 slot name
  std::string qual_id, title, grade;
  double points = 0;
  int weight = 1;
};
struct PupilMeasures {
  std::string upn;
  double att8 = 0;
  std::optional<double> ks2_average;  // KS2 average scaled score
  int pag = 0;                        // prior-attainment group, 0: none
  std::optional<double> p8, p8_adjusted, p5, p5_adjusted;
  double p5_attainment = 0, broader = 0;
  std::vector<PupilSlot> a8_slots, p5_slots;
};

struct MeasuresResult {
  int ks4_year = 0;
  std::string estimates_source;  // "cohort" or the file name
  double z_star_p8 = 0, z_star_p5 = 0;
  double sd_p8 = 0, sd_p5 = 0;  // national pupil-level SD of (adjusted) scores
  double national_att8 = 0, national_p8 = 0, national_p5 = 0;
  int64_t pupils = 0, pupils_with_prior = 0;
  std::vector<SchoolMeasures> schools;  // by URN
};

struct MeasuresReport {
  MeasuresResult result;
  std::vector<std::string> files;  // written, relative to out_dir
  double seconds = 0;
  std::string Summary() const;
};

// Every school's measures, in memory (the server's measures pages).
Result<MeasuresResult> ComputeMeasures(const LoadedStore& store, const MeasuresOptions& options);
// One school's pupils and their slots (pupil-level: only for entitled users).
Result<std::vector<PupilMeasures>> ComputePupilMeasures(const LoadedStore& store,
                                                        const MeasuresOptions& options,
                                                        int32_t urn);
// `lantern measures --store STORE --out OUT [--estimates FILE]`.
Status WriteMeasures(const MeasuresOptions& options, MeasuresReport* report);
Status WriteMeasures(const LoadedStore& store, const MeasuresOptions& options,
                     MeasuresReport* report);

// `lantern measures --open-data [DIR]`: the same files from the real 2019
// published files (perf_tables_2019_ks4_provisional_school for att8, P8 and
// its interval; perf_tables_ks4_destinations_school for destinations) in
// real_data_dir, where they allow (no P5: it needs pupil results).
struct OpenDataMeasuresOptions {
  std::string real_data_dir;  // ../shared/data/real or LANTERN_REAL_DATA
  std::string out_dir;
};
Result<MeasuresResult> OpenDataMeasures(const std::string& real_data_dir);
Status WriteOpenDataMeasures(const OpenDataMeasuresOptions& options, MeasuresReport* report);

}  // namespace lantern

#endif  // LANTERN_MEASURES_H_
