#include "scorecard/published.h"

#include <cmath>

namespace lantern::scorecard {
namespace {

PublishedCell Sym(GssSymbol s) { return PublishedCell::Symbol(s); }

PublishedCell Num(double v, int dp) {
  if (!std::isfinite(v)) return Sym(GssSymbol::kNotAvailable);
  return PublishedCell::Number(v, dp);
}

PublishedComparison PublishComparison(const Comparison& c, const ScorecardIndicator& ind,
                                      const ScorecardCell& cell) {
  PublishedComparison p;
  const int dp = ind.decimal_places;
  const PublishedCell x = Sym(GssSymbol::kNotAvailable), z = Sym(GssSymbol::kNotApplicable);
  if (!c.available) {
    p.value = p.lower95 = p.upper95 = p.lower998 = p.upper998 = p.phi = x;
    p.position = "x";
    p.overdispersion = "x";
    return p;
  }
  p.value = Num(c.target, dp);
  const bool no_limits =
      CompareAsOf(ind.kind) == CompareAs::kCount || cell.availability != Availability::kAvailable ||
      (CompareAsOf(ind.kind) == CompareAs::kMean && !(c.sigma > 0)) || !(cell.denominator > 0);
  if (CompareAsOf(ind.kind) == CompareAs::kCount) {
    p.lower95 = p.upper95 = p.lower998 = p.upper998 = p.phi = z;
    p.position = "z";
    p.overdispersion = "z";
    return p;
  }
  if (no_limits) {
    p.lower95 = p.upper95 = p.lower998 = p.upper998 = x;
  } else if (cell.denominator_suppressed) {
    // Limits drawn at a suppressed denominator would reveal it.
    p.lower95 = p.upper95 = p.lower998 = p.upper998 = Sym(GssSymbol::kSuppressed);
  } else {
    p.lower95 = Num(c.lower95, ind.decimal_places);
    p.upper95 = Num(c.upper95, ind.decimal_places);
    p.lower998 = Num(c.lower998, ind.decimal_places);
    p.upper998 = Num(c.upper998, ind.decimal_places);
  }
  p.phi = c.od_estimated ? Num(c.phi, 2) : x;
  p.position = FunnelPositionId(c.position);
  if (cell.availability != Availability::kAvailable) {
    // Only the comparator's own figure is shown beside an x.
    p.position = "x";
    p.overdispersion = "x";
    return p;
  }
  if (!c.od_estimated) {
    p.overdispersion = "not estimated";
  } else if (c.od_borrowed) {
    p.overdispersion =
        c.od_applied ? "applied (England's estimate)" : "not needed (England's estimate)";
  } else {
    p.overdispersion = c.od_applied ? "applied" : "not needed";
  }
  return p;
}

}  // namespace

PublishedScorecardCell Publish(const ScorecardCell& cell) {
  const ScorecardIndicator& ind = ScorecardIndicators()[cell.indicator];
  PublishedScorecardCell p;
  const int dp = ind.decimal_places;
  const PublishedCell x = Sym(GssSymbol::kNotAvailable), z = Sym(GssSymbol::kNotApplicable),
                      c = Sym(GssSymbol::kSuppressed);
  p.similar = PublishComparison(cell.similar, ind, cell);
  p.la = PublishComparison(cell.la, ind, cell);
  p.england = PublishComparison(cell.england, ind, cell);
  if (cell.availability != Availability::kAvailable) {
    const PublishedCell s = cell.availability == Availability::kNotApplicable ? z : x;
    p.value = p.lower = p.upper = p.numerator = p.denominator = s;
    p.expected = p.difference = p.difference_lower = p.difference_upper = s;
    p.band = GssSymbolText(s.symbol);
    return p;
  }
  p.value = Num(cell.value, dp);
  p.lower = Num(cell.lower, dp);
  p.upper = Num(cell.upper, dp);
  switch (CompareAsOf(ind.kind)) {
    case CompareAs::kCount:
      p.lower = p.upper = z;
      p.numerator = Num(cell.numerator, 0);
      p.denominator = z;
      break;
    case CompareAs::kMean:
      p.numerator = z;
      p.denominator = Num(cell.denominator, 0);
      break;
    default:
      p.numerator = cell.numerator_estimated ? x : Num(cell.numerator, 0);
      p.denominator = Num(cell.denominator, 0);
      break;
  }
  p.band = PercentileBandText(cell.band);
  if (cell.band == PercentileBand::kNotAssessed) p.band = "not assessed";
  if (cell.has_expected) {
    p.expected = Num(cell.expected, dp);
    p.difference = Num(cell.difference, dp);
    p.difference_lower = Num(cell.difference_lower, dp);
    p.difference_upper = Num(cell.difference_upper, dp);
  } else {
    p.expected = p.difference = p.difference_lower = p.difference_upper = x;
  }
  if (cell.suppressed) {
    p.any_suppressed = true;
    p.value = p.lower = p.upper = c;
    if (CompareAsOf(ind.kind) != CompareAs::kMean) p.numerator = c;
    p.difference = p.difference_lower = p.difference_upper = c;
    p.band = "c";
    // Where a withheld figure stands against a comparator would tell what it is.
    p.similar.position = p.la.position = p.england.position = "c";
  }
  if (cell.denominator_suppressed) {
    p.denominator = c;
    if (CompareAsOf(ind.kind) == CompareAs::kCount) p.numerator = c;
  }
  return p;
}

std::string DisplayText(const PublishedCell& cell, std::string_view unit) {
  if (!cell.is_number()) return std::string(GssSymbolText(cell.symbol));
  std::string t = cell.Text();
  if (cell.decimal_places == 0 && (t.size() > 4 || (t.size() > 3 && t[0] != '-'))) {
    const bool neg = t[0] == '-';
    std::string d = neg ? t.substr(1) : t, out;
    for (size_t i = 0; i < d.size(); ++i) {
      if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
      out += d[i];
    }
    t = neg ? "-" + out : out;
  }
  if (unit == "%") t += "%";
  return t;
}

}  // namespace lantern::scorecard
