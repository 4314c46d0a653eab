// Generate: synthetic pupil-level input files for real schools.
//
// For every real state-funded primary, secondary and special school and
// pupil referral unit in the chosen local authorities (from the January 2019
// census in the real-data folder), writes the input files of
// docs/input-schema.md: local authorities, generated trusts, schools, pupils,
// enrolments with in-year movement, twice-daily attendance marks (long
// and/or compact form), suspensions and permanent exclusions, alternative
// provision placements and internal-unit spells, plus
// generation_report.json. Pupils' characteristics match each school's
// published shares, and absence is calibrated to each school's published
// overall and persistent absence (docs/generator.md).
//
// The output is a function of the options alone: the same seed gives the
// same bytes whatever the number of threads, and --day D writes exactly the
// marks a full-year run gives for day D. With with_errors, a known set of bad
// rows of every kind the schema lists is appended to the files and listed in
// expected_rejects.csv (file, line, column, check).
#ifndef LANTERN_GENERATE_H_
#define LANTERN_GENERATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lantern/status.h"

namespace lantern {

enum class GenerateScale { kLocalAuthority, kRegion, kNational };

struct GenerateOptions {
  GenerateScale scale = GenerateScale::kLocalAuthority;
  std::vector<int> la_codes;  // kLocalAuthority: DfE LA numbers, e.g. 805
  std::string region;         // kRegion: "North East" or "E12000001"
  uint64_t seed = 1;
  std::string out_dir;
  bool with_errors = false;
  // Also write a pupil voice wave (voice_*.csv; docs/pupil-voice.md).
  bool with_voice = false;
  std::string year = "201819";  // academic year of the calendar ("201819" or "2018/19")
  // "long", "compact" or "both"; empty: long for LA and region scale,
  // compact for national.
  std::string form;
  std::string through;        // ISO date: marks up to and including this day (default: year end)
  std::string day;            // ISO date: write only this school day's files
  std::string real_data_dir;  // default: FindRealDataDir()
  int threads = 0;            // 0: one per core
  bool progress = true;       // a few progress lines on stderr
};

struct GenerateFileSummary {
  std::string file;
  uint64_t rows = 0;  // data rows (header excluded; injected bad rows included)
  uint64_t bytes = 0;
};

struct GenerateReport {
  uint64_t schools = 0, trusts = 0, pupils = 0, enrolments = 0;
  uint64_t attendance_rows = 0;  // long-form rows, or compact rows
  uint64_t suspensions = 0, permanent_exclusions = 0, ap_placements = 0, unit_spells = 0;
  uint64_t injected_errors = 0;
  uint64_t ks4_pupils = 0;  // pupils at the end of KS4 (KS4 results and destinations)
  // Calibration: schools whose fitted expected absence meets the target.
  uint64_t schools_calibrated = 0, schools_not_converged = 0;
  std::vector<GenerateFileSummary> files;
  double seconds = 0;
  // A few lines for people.
  std::string Summary() const;
};

Status Generate(const GenerateOptions& options, GenerateReport* report);

}  // namespace lantern

#endif  // LANTERN_GENERATE_H_
