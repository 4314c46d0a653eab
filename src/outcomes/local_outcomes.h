// The Local Outcomes Framework's one table (docs/local-outcomes.md): one row
// per place x period x measure x school type x pupil group, with the value,
// its interval where one can be had, and its comparators (England, the
// region, the LA's ten statistical neighbours, the group's peers in the
// same place and in England). Both modes fill the same rows: open-data mode
// from the Department's published LA files (open_data.cc), pupil-level mode
// from the cube (pupil_level.cc). The comparators are added here, once, and
// the rows go to the one publisher (publish/open_data_writer.h,
// WriteTidyOpenDataFile). Internal to src/outcomes.
#ifndef LANTERN_OUTCOMES_LOCAL_OUTCOMES_H_
#define LANTERN_OUTCOMES_LOCAL_OUTCOMES_H_

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"
#include "model/geography.h"
#include "publish/open_data_writer.h"
#include "publish/published_cell.h"
#include "stats/intervals.h"

namespace lantern::outcomes {

// Which way is better, as the Department's LAIT says (Polarity column);
// "neither" for counts and context.
enum class Polarity { kHigherBetter, kLowerBetter, kNeither };
std::string_view PolarityText(Polarity p);  // "higher is better", ...

enum class MeasureUnit { kPercent, kRatePer100, kCount, kMean };

// What a percentage's or rate's numerator counts, which decides the
// interval of a gap between two of its figures (AddComparators):
//   kPeople    pupils, enrolments, plans or young people among the
//              denominator's: binomial counts, so Newcombe's interval from
//              the two sides' counts;
//   kSessions  sessions, clustered in pupils (a binomial interval on them is
//              far too narrow): MOVER from the two figures' own intervals
//              (pupil-level mode's clustered ratio interval), none without;
//   kEvents    events per 100 pupils (suspensions, exits): MOVER from the
//              figures' own intervals (exact Poisson), none without.
enum class MeasureCounts { kPeople, kSessions, kEvents };

// One measure of the framework, named as the Department names it where it
// has a name (susp_rate, enrolments_pa_10_exact_percent, NEET_percent...).
struct MeasureInfo {
  std::string_view id;
  std::string_view label;
  MeasureUnit unit;
  Polarity polarity;
  std::string_view domain;      // attendance, behaviour, send, participation, movement, ...
  std::string_view definition;  // one sentence, in words (docs/local-outcomes.md has the detail)
  // No published LA-level file holds it: only pupil-level mode computes it
  // (open-data mode writes one x row a place, saying so).
  bool store_only = false;
  MeasureCounts counts = MeasureCounts::kPeople;
};
const std::vector<MeasureInfo>& Measures();
const MeasureInfo* FindMeasure(std::string_view id);

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();
inline bool Has(double v) { return !std::isnan(v); }

// A figure: a number (value), or a symbol (x: not available; c: hidden by
// the disclosure rule; z: not applicable). lower/upper: its 95% interval
// (NaN: none can be had from the source). numerator/denominator: the counts
// behind it where published or counted (NaN: not available); a numerator
// reconstructed from a published percentage is kept for the interval but
// published as x (numerator_published = false).
struct Figure {
  GssSymbol symbol = GssSymbol::kNone;
  double value = kNoValue;
  double lower = kNoValue, upper = kNoValue;
  double numerator = kNoValue, denominator = kNoValue;
  bool numerator_published = true;
  bool ok() const { return symbol == GssSymbol::kNone && Has(value); }
};

// A percentage (or rate per 100) from counts, with its Wilson interval.
Figure ProportionFigure(double numerator, double denominator, bool numerator_published = true);
// A published value with no counts behind it.
Figure PublishedFigure(double value);
// Not available (x) / hidden (c).
Figure SymbolFigure(GssSymbol s);

struct OutcomeRow {
  std::string time_period, time_identifier;
  // The place, shared by its rows (LAIT gives each LA hundreds).
  std::shared_ptr<const GeographyRow> place;
  const GeographyRow& geography() const { return *place; }
  std::string measure;
  std::string school_type = "Total";
  std::string location_basis = "Not applicable";  // School location / Pupil residence
  std::string breakdown_topic = "Total", breakdown = "Total";
  std::string source;
  Figure figure;

  // Comparators (AddComparators).
  double england_value = kNoValue, region_value = kNoValue;
  double sn_mean = kNoValue;
  int sn_count = -1;  // -1: not an LA row / no neighbour list
  std::string quartile = "not assessed";
  std::string peer_breakdown;  // empty: no peer group
  double peer_value = kNoValue;
  double gap = kNoValue, gap_lower = kNoValue, gap_upper = kNoValue;
  double england_peer_value = kNoValue, gap_to_england_peers = kNoValue;
  double gap_to_england_lower = kNoValue, gap_to_england_upper = kNoValue;
};

// The peers of a pupil group in the same place ("FSM eligible" -> "Not FSM
// eligible", "EHC plan" -> "No SEN", "Looked after" -> "Total"...); empty
// when the group has none.
std::string PeerOf(std::string_view breakdown_topic, std::string_view breakdown);

// Statistical neighbours: old LA code -> its ten, closest first.
using NeighbourMap = std::map<int, std::vector<int>>;

// Fills the comparators of every row from the other rows: England and the
// region (the National and Regional rows of the same period, measure,
// school type, basis and group), the mean of the LA's statistical
// neighbours that have a value, the quarter of LAs the value falls in
// (context, never a rank), and the gap to the group's peers in the place
// and in England, each with its interval where both figures allow one
// (GapInterval).
void AddComparators(std::vector<OutcomeRow>& rows, const NeighbourMap& neighbours);

// The 95% interval of the gap f - p between two figures of measure m, in
// the figures' units, or NaN limits: Newcombe's method 10 from the counts
// for a measure of people where both figures have counts; otherwise MOVER
// from the two figures' own intervals where both have one (session rates,
// event rates, a figure of people without counts); none for counts and
// means, or where a side has no interval (a session rate from published
// counts has none: its binomial one would be far too narrow).
stats::Interval GapInterval(const MeasureInfo* m, const Figure& f, const Figure& p);

// Applies the disclosure rule (suppress/disclosure.h) to a row's counts: a
// numerator or denominator of 1 .. threshold-1 hides the figure (c).
void ApplyDisclosure(std::vector<OutcomeRow>& rows, int threshold);

// Whether a sum of school cells (a place named by schools, a trust within an
// LA) must be hidden under the one rule: its count is 1 .. threshold-1, or
// subtracting the shown cells would reveal hidden ones (exactly one hidden
// cell in it, or hidden cells adding up to less than the threshold).
bool SchoolSumHidden(int64_t sum, int hidden_cells, int64_t hidden_total, int threshold);

// OUT/local_outcomes.csv and its .meta.csv, through the one publisher.
Status WriteLocalOutcomes(const std::vector<OutcomeRow>& rows, const std::string& dir);

// Decimal places a measure's value is written with.
int FilePrecision(const MeasureInfo* m);

}  // namespace lantern::outcomes

#endif  // LANTERN_OUTCOMES_LOCAL_OUTCOMES_H_
