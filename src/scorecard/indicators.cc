// The scorecard's view of the indicator catalogue (src/indicators/): the
// entries with scorecard settings, in the order the scorecard shows them.
#include <fmt/format.h>

#include "indicators/catalogue.h"
#include "lantern/scorecard.h"

namespace lantern {

namespace {

std::vector<ScorecardIndicator> MakeView() {
  std::vector<ScorecardIndicator> v;
  auto catalogue = DefaultCatalogue();
  if (!catalogue.ok()) return v;
  for (size_t i : (*catalogue)->scorecard()) {
    const IndicatorDecl& d = *(*catalogue)->indicators()[i].decl;
    const ScorecardSettings& sc = *d.scorecard;
    v.push_back({.id = d.id,
                 .label = d.label,
                 .domain = sc.domain,
                 .kind = d.kind,
                 .polarity = d.polarity,
                 .decimal_places = d.decimal_places,
                 .min_denominator = sc.min_denominator,
                 .unit = sc.unit,
                 .numerator = sc.numerator,
                 .denominator = sc.denominator,
                 .enquiry_higher = sc.enquiry_higher,
                 .enquiry_lower = sc.enquiry_lower,
                 .similarity = sc.similarity,
                 .similarity_log = sc.similarity_log,
                 .definition = d.definition});
  }
  return v;
}

}  // namespace

const std::vector<ScorecardIndicator>& ScorecardIndicators() {
  static const std::vector<ScorecardIndicator> view = MakeView();
  return view;
}

Result<uint16_t> ScorecardIndicatorIndex(std::string_view id) {
  const auto& v = ScorecardIndicators();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].id == id) return static_cast<uint16_t>(i);
  }
  return Status::Internal(fmt::format("'{}' is not a scorecard indicator", id));
}

CompareAs CompareAsOf(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kPercent:
      return CompareAs::kProportion;
    case IndicatorKind::kRatePer100:
    case IndicatorKind::kRatePer1000:
      return CompareAs::kRate;
    case IndicatorKind::kRatio:
    case IndicatorKind::kMean:
      return CompareAs::kMean;
    case IndicatorKind::kCount:
      return CompareAs::kCount;
  }
  return CompareAs::kCount;
}

double DisplayScale(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kPercent:
    case IndicatorKind::kRatePer100:
      return 100;
    case IndicatorKind::kRatePer1000:
      return 1000;
    default:
      return 1;  // means and ratios are observed in display units; counts as they are
  }
}

std::string_view ScorecardPhaseLabel(ScorecardPhase phase) {
  switch (phase) {
    case ScorecardPhase::kPrimary:
      return "Primary";
    case ScorecardPhase::kSecondary:
      return "Secondary";
    case ScorecardPhase::kSpecial:
      return "Special";
    case ScorecardPhase::kAlternativeProvision:
      return "Alternative provision";
    case ScorecardPhase::kNursery:
      return "Nursery";
    case ScorecardPhase::kOther:
      return "Other";
  }
  return "Other";
}

std::string_view FunnelPositionId(FunnelPosition p) {
  switch (p) {
    case FunnelPosition::kNotAssessed:
      return "not_assessed";
    case FunnelPosition::kWithin95:
      return "within_95";
    case FunnelPosition::kAbove95:
      return "above_95";
    case FunnelPosition::kBelow95:
      return "below_95";
    case FunnelPosition::kAbove998:
      return "above_99_8";
    case FunnelPosition::kBelow998:
      return "below_99_8";
  }
  return "not_assessed";
}

std::string_view PercentileBandText(PercentileBand b) {
  switch (b) {
    case PercentileBand::kNotAssessed:
      return "not assessed";
    case PercentileBand::kLowest10:
      return "in the lowest 10%";
    case PercentileBand::kLow10To25:
      return "in the lowest 25% (not the lowest 10%)";
    case PercentileBand::kMiddle50:
      return "in the middle 50%";
    case PercentileBand::kHigh75To90:
      return "in the highest 25% (not the highest 10%)";
    case PercentileBand::kHighest10:
      return "in the highest 10%";
  }
  return "not assessed";
}

}  // namespace lantern
