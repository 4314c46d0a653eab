// The indicator catalogue: one declaration per published indicator,
// whatever its family (attendance.cc, suspensions.cc, scorecard.cc in this
// folder), with its numerator and denominator as references to measures of
// the fact grains (derive/facts.h). The catalogue is built once at start-up
// (DefaultCatalogue): every reference is resolved and checked against what
// its measure counts, and a declaration that does not make sense is an
// error then, naming the indicator, never a silent default. The output
// writers, the metadata, the disclosure pass, the scorecard and
// docs/indicators.md all read it.
#ifndef LANTERN_INDICATORS_CATALOGUE_H_
#define LANTERN_INDICATORS_CATALOGUE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "derive/facts.h"
#include "lantern/indicators.h"
#include "lantern/status.h"

namespace lantern {

// A reference to a measure as declared: its id, and optionally a pupil
// group (a category id of aggregate/groups.h) it is read in whatever row it
// is shown for (the scorecard's context shares: pupils with SEN support
// over all pupils).
struct MeasureName {
  std::string_view measure;
  std::string_view group;
  bool empty() const { return measure.empty(); }
};

// A second breakdown of one scorecard indicator for all pupils (AP by
// setting and by reason): its label (an EES filter item) and the measure
// counted instead of the indicator's numerator.
struct ScorecardBreakdown {
  std::string label;
  std::string measure;
};

// How the scorecard compares an indicator (docs/scorecard.md), declared
// beside it.
struct ScorecardSettings {
  IndicatorDomain domain = IndicatorDomain::kContext;
  // Below this denominator a figure is shown but not compared.
  double min_denominator = 0;
  std::string_view unit{};         // for people: "%", "per 100 pupils", "pupils"
  std::string_view numerator{};    // in words: what is counted
  std::string_view denominator{};  // in words: over whom
  // The line of enquiry when the school is above / below its similar
  // schools' 99.8% limits; "{pupils}" becomes the group's noun.
  std::string_view enquiry_higher{}, enquiry_lower{};
  bool similarity = false;      // defines similar schools and the expectation model
  bool similarity_log = false;  // enters as log(value) (school size)
  std::vector<ScorecardBreakdown> breakdowns{};
  // z (does not apply) at primary and nursery schools (key stage 2 intake,
  // key stage 4), or at nursery schools only (absence: outside the cohort).
  bool not_at_primary = false;
  bool not_at_nursery = false;
};

struct IndicatorDecl {
  std::string_view id{};        // the Department's column name where it has one
  std::string_view label{};     // for people (EES label: at most 100 characters)
  std::string_view grouping{};  // EES indicator_grouping
  IndicatorKind kind = IndicatorKind::kCount;
  MeasureName numerator{}, denominator{};
  // The count of pupils, enrolments or events whose suppression hides the
  // figure (definitions.md 9): a count of 1 or 2 is c, and so is what it
  // would reveal.
  std::string_view hidden_with{};
  // Intervals: the units of a ratio (enrolments) or the people of a mean,
  // and the sums of squares behind the standard error (a ratio: numerator
  // squared, numerator x denominator, denominator squared; a mean: the
  // score squared, in sum_squares).
  std::string_view units{};
  std::string_view sum_squares{}, cross_products{}, denominator_squares{};
  int decimal_places = 1;  // EES indicator_dp: how many to show
  Polarity polarity = Polarity::kNeutral;
  std::string_view definition{};  // one sentence for docs/indicators.md
  std::string_view source{};      // where the definition comes from
  // Set when the scorecard shows the indicator.
  std::optional<ScorecardSettings> scorecard{};
};

// One output of `lantern build`: a file in the Department's open-data
// layout, its indicators, and the count that makes a row (a row is written
// where any of the family's measures is not zero; num_schools counts the
// schools with a non-zero row count).
struct FamilyDecl {
  std::string_view id;               // "attendance"
  std::string_view file;             // "attendance.csv" (and attendance.meta.csv)
  std::string_view title;            // for docs/indicators.md
  std::string_view row_count;        // a measure id: "enrolments"
  std::string_view row_count_label;  // "enrolments" (the num_schools note)
  std::vector<IndicatorDecl> indicators;
};

// A resolved measure reference.
struct MeasureRef {
  GrainId grain = GrainId::kEnrolment;
  int index = -1;     // into GrainMeasures(grain); -1: none
  int category = -1;  // the fixed pupil group, or -1
  bool ok() const { return index >= 0; }
  const MeasureDecl& decl() const { return GrainMeasures(grain)[static_cast<size_t>(index)]; }
  bool operator==(const MeasureRef& o) const {
    return grain == o.grain && index == o.index && category == o.category;
  }
};

struct Indicator {
  const IndicatorDecl* decl = nullptr;
  size_t family = 0;  // index into Catalogue::families()
  MeasureRef numerator, denominator, hidden_with, units, sum_squares, cross_products,
      denominator_squares;
  std::vector<MeasureRef> breakdowns;  // the scorecard's, in order
  // x100, x1000 or x1 (counts, means).
  int64_t multiplier() const;
};

struct Family {
  const FamilyDecl* decl = nullptr;
  MeasureRef row_count;
  std::vector<size_t> indicators;  // into Catalogue::indicators()
};

class Catalogue {
 public:
  // Resolves and checks `families` (which must outlive the catalogue) and
  // the scorecard's list (ids of indicators with scorecard settings, in the
  // order the scorecard shows them). Every problem is listed in the error.
  static Result<Catalogue> Build(std::span<const FamilyDecl> families,
                                 std::span<const std::string_view> scorecard_order);

  const std::vector<Family>& families() const { return families_; }
  const std::vector<Indicator>& indicators() const { return indicators_; }
  const Family* FindFamily(std::string_view id) const;
  // The indicator with this id (ids are unique), or null.
  const Indicator* Find(std::string_view id) const;
  // The scorecard's indicators, in order.
  const std::vector<size_t>& scorecard() const { return scorecard_; }
  // The measure with this id (ids are unique across grains).
  std::optional<MeasureRef> FindMeasure(std::string_view id) const;

  // The count a disclosure-controlled count starts from: the row count of
  // the published family whose figures it hides (persistent absentees start
  // from the enrolments hidden); none for row counts and the scorecard's own
  // counts. A property of the measure, whoever asks.
  MeasureRef WithinOf(const MeasureRef& m) const;

  // Every measure the given indicators read, by grain (measure indices, in
  // grain order, no repeats): their numerators, denominators and person
  // counts, and with `intervals` also what their intervals and breakdowns
  // need (the scorecard; the build's files need none of it).
  std::vector<std::pair<GrainId, std::vector<int>>> MeasuresOf(
      std::span<const size_t> indicators, std::span<const MeasureRef> extra = {},
      bool intervals = true) const;

 private:
  std::vector<Family> families_;
  std::vector<Indicator> indicators_;
  std::vector<size_t> scorecard_;
  std::vector<std::pair<MeasureRef, MeasureRef>> within_;
};

// The families declared in this folder and the catalogue built from them,
// once. An error here is a bug in a declaration: front ends refuse to start.
std::span<const FamilyDecl> DeclaredFamilies();
std::span<const std::string_view> DeclaredScorecardOrder();
Result<const Catalogue*> DefaultCatalogue();

}  // namespace lantern

#endif  // LANTERN_INDICATORS_CATALOGUE_H_
