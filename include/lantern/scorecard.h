// The Inclusion and Participation Scorecard (capability C1; seed 003 §1.1.1):
// for every school, its context, its formal inclusion outcomes and additional
// school data, each with its uncertainty, set against schools in similar
// contexts, its local authority and England, with plain-words lines of
// enquiry. A mirror, never a league table: no output ranks schools, and no
// output is sorted by performance.
//
// The engine is source-independent. A front end fills a ScorecardInput:
//   - the schools, and the local authorities they belong to;
//   - per school x indicator x pupil group (x breakdown) one
//     IndicatorObservation holding the raw ingredients: numerator and
//     denominator for proportions and rates, mean + pupil SD + n for means, a
//     count for counts; or Availability::kNotAvailable (published as "x",
//     never as zero);
//   - optionally published LA and England figures (AreaValue), which become
//     the LA and England comparators where given; otherwise those comparators
//     are pooled from the schools.
// Open-data mode (LoadOpenDataScorecardInput) fills what the Department's
// published files hold; pupil-level mode (LoadPupilLevelScorecardInput)
// fills everything the store's records support.
//
// Then Scorecard::Build fits what needs every school (similar-school groups,
// comparator targets, over-dispersion, the contextual expectation models) and
// Scorecard::ScoreSchool gives one school's cells on demand, so memory stays
// proportional to one school per thread. WriteScorecardOutputs writes the
// tidy CSV, metadata, similar_schools.csv, per-school JSON and HTML and the
// LA summaries (docs/scorecard.md). Nothing throws: failures are a Status.
#ifndef LANTERN_SCORECARD_H_
#define LANTERN_SCORECARD_H_

#include <cstdint>
#include <ctime>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/indicators.h"
#include "lantern/status.h"
#include "lantern/store.h"

namespace lantern {

// ---------------------------------------------------------------------------
// Vocabulary

// Schools are compared only with schools of the same phase.
enum class ScorecardPhase : uint8_t {
  kPrimary,
  kSecondary,
  kSpecial,
  kAlternativeProvision,  // pupil referral units and AP academies
  kNursery,
  kOther,
};
inline constexpr int kScorecardPhaseCount = 6;
std::string_view ScorecardPhaseLabel(ScorecardPhase phase);  // "Secondary"

// How an indicator is compared (proportion, rate, mean or count), from its
// kind: a ratio of sums (the absence rate) is compared as a mean with its
// enrolment-clustered standard error.
enum class CompareAs : uint8_t { kProportion, kRate, kMean, kCount };
CompareAs CompareAsOf(IndicatorKind kind);
// x100 (percentages, ratios, rates per 100), x1000 or x1.
double DisplayScale(IndicatorKind kind);

// ---------------------------------------------------------------------------
// The scorecard's indicators: the engine's catalogue entries that carry
// scorecard settings (src/indicators/: one declaration each, whatever its
// family), in the order the scorecard shows them.

struct ScorecardIndicator {
  std::string_view id{};     // snake_case: CSV `indicator` value and JSON key
  std::string_view label{};  // for people
  IndicatorDomain domain = IndicatorDomain::kContext;
  IndicatorKind kind = IndicatorKind::kCount;
  Polarity polarity = Polarity::kNeutral;
  int decimal_places = 0;
  // Below this denominator (pupils, episodes) a figure is shown but not
  // assessed against comparators and raises no line of enquiry.
  double min_denominator = 0;
  std::string_view unit{};         // "%", "per 100 pupils", "points", "pupils"
  std::string_view numerator{};    // what is counted
  std::string_view denominator{};  // over whom
  // The line of enquiry when the school is above / below its similar
  // schools' 99.8% limits; "{pupils}" becomes the group's noun.
  std::string_view enquiry_higher{};
  std::string_view enquiry_lower{};
  // Context variables that define similar schools and the expectation model.
  bool similarity = false;
  bool similarity_log = false;  // enters as log(value) (school size)
  std::string_view definition{};
};

// Empty when the catalogue does not build (DefaultCatalogue reports why).
const std::vector<ScorecardIndicator>& ScorecardIndicators();
// The index of an indicator id among ScorecardIndicators(); an error naming
// the id when there is none (never a silent default).
Result<uint16_t> ScorecardIndicatorIndex(std::string_view id);

// ---------------------------------------------------------------------------
// Input

enum class Availability : uint8_t {
  kAvailable,
  kNotAvailable,   // published as x: not collected / not in this source
  kNotApplicable,  // published as z: does not apply (boys at a girls' school)
};

struct ScorecardSchool {
  int urn = 0;
  std::string name;
  int la_code = 0;       // 3-digit DfE LA code
  std::string laestab;   // 7 digits, LA code + establishment number
  std::string trust_id;  // empty when not in a trust (or not known)
  std::string trust_name;
  ScorecardPhase phase = ScorecardPhase::kOther;
  std::string type_label;  // "State-funded secondary", "Academy converter", ...
  // A school whose published figures serve only as a comparator (similar
  // schools, pooled LA and England figures) for the schools scored: a store
  // that does not cover England is compared with the published figures of
  // the rest of it. Not scored, not written.
  bool reference = false;
};

struct ScorecardLocalAuthority {
  int la_code = 0;
  std::string new_la_code, la_name, region_code, region_name;
};

// One school x indicator x pupil group x breakdown. Which fields count
// depends on how the indicator is compared (CompareAsOf its kind):
//   proportion  numerator (pupils with the outcome), denominator (pupils);
//   rate        numerator (events), denominator (pupils);
//   mean        mean, sd (pupil-level SD; for a ratio of sums, the value
//               that makes sd / sqrt(n) its standard error), denominator (n);
//   count       numerator (the count).
// `suppressed` and `denominator_suppressed` are the source's disclosure
// decision (pupil-level: the engine's one disclosure pass; open data: what
// the Department withheld), which every output follows.
// A published interval (published_lower/upper, in display units) is used as
// the school's interval when given (open-data Progress 8).
struct IndicatorObservation {
  static constexpr float kNoValue = std::numeric_limits<float>::quiet_NaN();

  uint32_t school = 0;     // index into ScorecardInput::schools
  uint16_t indicator = 0;  // index into ScorecardIndicators()
  PupilGroup group = kAllPupils;
  uint16_t breakdown = 0;  // index into ScorecardInput::breakdowns (0 = "Total")
  Availability availability = Availability::kAvailable;
  // The numerator was reconstructed from a published percentage (not a
  // published count): it is used for intervals but shown as x.
  bool numerator_estimated = false;
  double numerator = 0;
  double denominator = 0;
  double mean = 0;
  float sd = kNoValue;
  float published_lower = kNoValue;
  float published_upper = kNoValue;
  bool suppressed = false;              // the figure and all it reveals are c
  bool denominator_suppressed = false;  // the denominator too
};

// A published figure for a local authority (la_code) or England (la_code 0),
// in display units (a percentage, a rate per 100, a mean).
struct AreaValue {
  uint16_t indicator = 0;
  PupilGroup group = kAllPupils;
  uint16_t breakdown = 0;
  ScorecardPhase phase = ScorecardPhase::kOther;
  int la_code = 0;
  double value = 0;
  std::string source;  // "LAIT SecTotAbs 2018/19"
};

struct ScorecardInput {
  std::string mode;         // "open data" | "pupil-level"
  std::string time_period;  // "201819"
  std::string time_identifier = "Academic year";
  std::string sources;  // named on every page
  std::vector<ScorecardSchool> schools;
  std::vector<ScorecardLocalAuthority> local_authorities;
  std::vector<std::string> breakdowns{"Total"};
  std::vector<IndicatorObservation> observations;
  std::vector<AreaValue> area_values;
  // Why an indicator is x in this source, by registry index (may be shorter
  // than the registry; empty = no reason given).
  std::vector<std::string> unavailable_reason;
  // Notes on how this source fills particular indicators, by registry index.
  std::vector<std::string> indicator_notes;
  // Why the similar-school and England comparators are what they are (for
  // example, published figures because the store covers one LA); "" when
  // they are the input's own schools.
  std::string comparator_note;
  // Whether comparators may be pooled from the input's schools (similar
  // schools; England and LAs where no published figure is given). False
  // when the schools do not make up the area the comparator is named for
  // and nothing published can stand in: the comparator is then absent (x)
  // with comparator_note as the reason.
  bool pool_similar = true, pool_england = true, pool_la = true;
};

// ---------------------------------------------------------------------------
// Engine

struct ScorecardOptions {
  int similar_group_size = 50;  // docs/benchmarking.md
  // Weight of each similarity variable by indicator id; 1 when not listed.
  std::map<std::string, double> similarity_weights;
  double inner_level = 0.95;
  double enquiry_level = 0.998;
  // Fewest comparator schools with data for a funnel or percentile band.
  int min_comparator_schools = 10;
  // Fewest schools for an LA's own over-dispersion estimate (else England's).
  int min_la_schools_for_overdispersion = 20;
  // Widen funnel limits for over-dispersion where the data show it (off only
  // for sensitivity checks).
  bool adjust_overdispersion = true;
  int threads = 0;  // 0: one per core
};

enum class FunnelPosition : uint8_t {
  kNotAssessed,
  kWithin95,
  kAbove95,  // above the 95% limit, within 99.8%
  kBelow95,
  kAbove998,  // above the 99.8% limit
  kBelow998,
};
std::string_view FunnelPositionId(FunnelPosition p);  // "above_99_8"

// Where the school's value sits among its similar schools' values.
enum class PercentileBand : uint8_t {
  kNotAssessed,
  kLowest10,
  kLow10To25,
  kMiddle50,
  kHigh75To90,
  kHighest10,
};
std::string_view PercentileBandText(PercentileBand b);  // "in the middle 50%"

struct Comparison {
  bool available = false;
  double target = 0;  // the comparator's rate, display units
  // Control limits at this school's denominator, display units.
  double lower95 = 0, upper95 = 0, lower998 = 0, upper998 = 0;
  int schools = 0;   // schools in the comparator set with data
  double sigma = 0;  // pupil-level SD behind the limits (means)
  double phi = 0, tau2 = 0;
  bool od_estimated = false, od_applied = false, od_borrowed = false;
  FunnelPosition position = FunnelPosition::kNotAssessed;
  std::string source;
};

struct ScorecardCell {
  uint32_t school = 0;
  uint16_t indicator = 0;
  PupilGroup group = kAllPupils;
  uint16_t breakdown = 0;
  int64_t observation = -1;  // index into input observations; -1 = none
  Availability availability = Availability::kNotAvailable;
  bool assessable = false;                 // available and denominator >= min_denominator
  double value = 0, lower = 0, upper = 0;  // display units (NaN: no interval)
  double numerator = 0, denominator = 0;
  bool numerator_estimated = false;  // shown as x (see IndicatorObservation)
  // Disclosure control (definitions.md 9), as the source decided it (the
  // engine's one disclosure pass in pupil-level mode), so that every output
  // agrees with the published files: the value, its interval, numerator and
  // everything school-specific are c when `suppressed`; the denominator (and
  // the limits drawn at it) also when `denominator_suppressed`.
  bool suppressed = false;
  bool denominator_suppressed = false;
  Comparison similar, la, england;
  PercentileBand band = PercentileBand::kNotAssessed;
  bool has_expected = false;
  double expected = 0, difference = 0, difference_lower = 0, difference_upper = 0;
  int8_t enquiry = 0;  // +1: above similar schools' 99.8% limit; -1: below
  std::string enquiry_text;
  std::string method_note;  // one line: how the comparison was made
};

struct Neighbour {
  uint32_t school = 0;
  float distance = 0;
};

struct ScorecardModelSummary {
  std::string indicator, group, breakdown, phase;
  int schools = 0;
  std::string scale;  // "logit", "log", "identity"
  double residual_tau2 = 0;
  std::vector<std::pair<std::string, double>> coefficients;  // per standardised variable
};

class Scorecard {
 public:
  ~Scorecard();
  Scorecard(Scorecard&&) noexcept;
  Scorecard& operator=(Scorecard&&) noexcept;

  // Fits everything that needs all schools. `input` must outlive the result.
  static Result<Scorecard> Build(const ScorecardInput& input, const ScorecardOptions& options);

  const ScorecardInput& input() const;
  const ScorecardOptions& options() const;
  // The school has at least one available observation.
  bool Scored(uint32_t school) const;
  size_t scored_schools() const;
  // The school's similar schools, nearest first (the order is by distance in
  // context; it is not a ranking of schools).
  const std::vector<Neighbour>& Neighbours(uint32_t school) const;
  // Similarity variables used for a phase (indicator ids), after dropping
  // those the source does not hold.
  const std::vector<std::string>& SimilarityVariables(ScorecardPhase phase) const;
  // One school's cells: every indicator for all pupils (x where not
  // available) and every observed group and breakdown, in registry order.
  std::vector<ScorecardCell> ScoreSchool(uint32_t school) const;
  std::vector<ScorecardModelSummary> ModelSummaries() const;

  struct Impl;
  // For the output writers in src/scorecard (Impl is not part of the API).
  const Impl& internals() const { return *impl_; }

 private:
  explicit Scorecard(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------
// Outputs and runs

struct ScorecardReport {
  std::string mode, time_period;
  size_t schools_in_input = 0, schools_scored = 0;
  size_t csv_rows = 0, html_pages = 0, json_files = 0;
  size_t cells_suppressed = 0;
  size_t assessed = 0;       // cells compared with similar schools at 99.8%
  size_t enquiry_flags = 0;  // cells outside similar schools' 99.8% limits
  std::map<std::string, size_t> flags_by_indicator;
  std::map<std::string, size_t> assessed_by_indicator;
  double seconds_load = 0, seconds_build = 0, seconds_write = 0, seconds = 0;
  std::string Summary() const;
};

// The marker in the offline page template (web/dist-single/scorecard.html)
// that a school's data replaces.
inline constexpr std::string_view kOfflineMarker = "__LANTERN_OFFLINE_DATA__";

struct ScorecardOutputOptions {
  std::string out_dir;
  bool json = true;  // OUT/scorecards/URN.json
  // OUT/scorecards/URN.html: the web app's school page as one file that
  // works offline, the school's data inlined.
  bool pages = false;
  std::string page_template;  // default: web/dist-single/scorecard.html beside the sources
  int threads = 0;
  // The time the pages say they were generated (to the minute, UTC);
  // 0: now. Two runs with the same input and time write the same pages.
  std::time_t generated_at = 0;
};

// OUT/scorecard.csv (+ .meta.csv), OUT/similar_schools.csv,
// OUT/scorecards/URN.json (and URN.html with pages), OUT/la_summary.csv.
Status WriteScorecardOutputs(const Scorecard& scorecard, const ScorecardOutputOptions& options,
                             ScorecardReport* report);

// Open-data mode: the 2018/19 performance-tables files, LAIT and the LA
// lookup under real_data_dir (see docs/scorecard.md for what each holds).
// Published counts below `suppress_below` (the policy's threshold) are c,
// with their complements.
Result<ScorecardInput> LoadOpenDataScorecardInput(const std::string& real_data_dir, int threads = 0,
                                                  int suppress_below = 3);

struct ScorecardRunOptions {
  std::string open_data_dir;
  ScorecardOptions engine;
  ScorecardOutputOptions output;
};

// One school's page as JSON (what OUT/scorecards/URN.json holds), made on
// demand (the server).
std::string SchoolScorecardJson(const Scorecard& scorecard, uint32_t school);
// Every indicator's label, unit, definition, and the source's notes (what
// OUT/scorecard_indicators.json holds).
std::string ScorecardIndicatorsJson(const ScorecardInput& input);
// The lines of enquiry a school's cells raise (indicator id, pupil group id,
// breakdown label, +1 higher / -1 lower, the question in words).
struct SchoolEnquiry {
  std::string indicator, pupil_group, breakdown;
  int direction = 0;
  std::string text;
};
std::vector<SchoolEnquiry> SchoolEnquiries(const Scorecard& scorecard, uint32_t school);

// Loads the open data, builds the scorecard and writes every output.
Status RunOpenDataScorecard(const ScorecardRunOptions& options, ScorecardReport* report);

// Pupil-level mode: every indicator the store's records support, for every
// pupil group, from a store opened read-only (docs/scorecard.md,
// "Pupil-level mode"). Absence is the attendance family's figure, exactly as
// `lantern build` computes it with the same policy.
struct PupilLevelOptions {
  std::string policy_file;  // optional JSON overrides (docs/definitions.md), as for build
  int threads = 0;          // 0: one per core
  // The real published data, for the comparators of a store that does not
  // cover England (default: found as FindRealDataDir finds it).
  std::string real_data_dir;
};
Result<ScorecardInput> LoadPupilLevelScorecardInput(const std::string& store_dir,
                                                    const PupilLevelOptions& options);
// The same from a store already loaded (the server's).
Result<ScorecardInput> LoadPupilLevelScorecardInput(const LoadedStore& store,
                                                    const PupilLevelOptions& options);

// Loads the store, builds the scorecard and writes every output
// (options.open_data_dir is not used).
Status RunPupilLevelScorecard(const std::string& store_dir, const PupilLevelOptions& pupil_level,
                              const ScorecardRunOptions& options, ScorecardReport* report);

}  // namespace lantern

#endif  // LANTERN_SCORECARD_H_
