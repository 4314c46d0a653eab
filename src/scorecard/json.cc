// OUT/scorecards/URN.json: one school's scorecard. Keys are the snake_case
// ids used in scorecard.csv and the registry; a figure is a JSON number or
// one of the strings "c", "x", "z" (definitions.md 9).

#include "common/json_text.h"
#include "common/rounding.h"
#include "scorecard/engine_internal.h"
#include "scorecard/writers.h"

namespace lantern::scorecard {
namespace {

void Str(std::string_view s, std::string* out) { AppendJsonString(s, out); }

void Key(std::string_view k, std::string* out) {
  Str(k, out);
  out->push_back(':');
}

void Cell(const PublishedCell& c, std::string* out) {
  if (c.is_number()) {
    *out += c.Text();
  } else {
    Str(GssSymbolText(c.symbol), out);
  }
}

// A comparison: the comparator's figure, the limits at this school's
// denominator (95% only for similar schools, as in the CSV), position and
// over-dispersion.
void Comparison(std::string_view key, const PublishedComparison& p, const lantern::Comparison& c,
                bool similar, std::string* out) {
  Key(key, out);
  if (!c.available) {
    Str("x", out);
    return;
  }
  *out += "{";
  Key("value", out);
  Cell(p.value, out);
  *out += ",";
  if (similar) {
    Key("lower_95", out);
    Cell(p.lower95, out);
    *out += ",";
    Key("upper_95", out);
    Cell(p.upper95, out);
    *out += ",";
  }
  Key("lower_99_8", out);
  Cell(p.lower998, out);
  *out += ",";
  Key("upper_99_8", out);
  Cell(p.upper998, out);
  *out += ",";
  Key("position", out);
  Str(p.position, out);
  *out += ",";
  Key("overdispersion", out);
  Str(p.overdispersion, out);
  *out += ",";
  Key("phi", out);
  Cell(p.phi, out);
  *out += ",";
  Key("schools", out);
  *out += std::to_string(c.schools);
  if (!similar) {
    *out += ",";
    Key("source", out);
    Str(c.source, out);
  }
  *out += "}";
}

// A published LA or England figure for an indicator the school lacks.
void AreaFigure(std::string_view key, const PublishedComparison& p, const lantern::Comparison& c,
                std::string* out) {
  Key(key, out);
  if (!c.available) {
    Str("x", out);
    return;
  }
  *out += "{";
  Key("value", out);
  Cell(p.value, out);
  *out += ",";
  Key("source", out);
  Str(c.source, out);
  *out += "}";
}

}  // namespace

void AppendSchoolJson(const SchoolPage& page, std::string* out) {
  const Scorecard& sc = *page.scorecard;
  const ScorecardInput& in = sc.input();
  const ScorecardSchool& s = in.schools[page.school];
  const auto& reg = ScorecardIndicators();
  out->reserve(out->size() + 24 * 1024);
  *out += "{";
  Key("school_urn", out);
  *out += std::to_string(s.urn);
  *out += ",";
  Key("school_name", out);
  Str(s.name, out);
  *out += ",";
  Key("school_laestab", out);
  Str(s.laestab, out);
  *out += ",";
  Key("school_phase", out);
  Str(ScorecardPhaseLabel(s.phase), out);
  *out += ",";
  Key("school_type", out);
  Str(s.type_label, out);
  *out += ",";
  Key("old_la_code", out);
  *out += std::to_string(s.la_code);
  *out += ",";
  Key("la_name", out);
  Str(page.la_name, out);
  *out += ",";
  Key("region_name", out);
  Str(page.region_name, out);
  *out += ",";
  Key("trust_id", out);
  Str(s.trust_id, out);
  *out += ",";
  Key("trust_name", out);
  Str(s.trust_name, out);
  *out += ",";
  Key("time_period", out);
  Str(in.time_period, out);
  *out += ",";
  Key("mode", out);
  Str(in.mode, out);
  *out += ",";
  Key("sources", out);
  Str(in.sources, out);
  *out += ",";
  Key("similarity_variables", out);
  *out += "[";
  const auto& vars = sc.SimilarityVariables(s.phase);
  for (size_t i = 0; i < vars.size(); ++i) {
    if (i) *out += ",";
    Str(vars[i], out);
  }
  *out += "],";
  Key("similar_schools", out);
  *out += "[";
  const auto& nbs = sc.Neighbours(page.school);
  for (size_t i = 0; i < nbs.size(); ++i) {
    if (i) *out += ",";
    const ScorecardSchool& n = in.schools[nbs[i].school];
    *out += "{";
    Key("school_urn", out);
    *out += std::to_string(n.urn);
    *out += ",";
    Key("distance", out);
    *out += FormatDecimal(nbs[i].distance, 3);
    *out += "}";
  }
  *out += "],";

  // Indicators: id -> [ one object per pupil group / breakdown ]. Labels,
  // units, definitions and why a figure is x are in scorecard_indicators.json.
  Key("indicators", out);
  *out += "{";
  const auto& cells = *page.cells;
  const auto& pub = *page.published;
  bool first_ind = true;
  for (size_t i = 0; i < cells.size();) {
    const ScorecardIndicator& ind = reg[cells[i].indicator];
    size_t j = i;
    while (j < cells.size() && cells[j].indicator == cells[i].indicator) ++j;
    if (!first_ind) *out += ",";
    first_ind = false;
    Key(ind.id, out);
    *out += "[";
    for (size_t k = i; k < j; ++k) {
      const ScorecardCell& c = cells[k];
      const PublishedScorecardCell& p = pub[k];
      if (k > i) *out += ",";
      *out += "{";
      Key("pupil_group", out);
      Str(PupilGroupId(c.group), out);
      *out += ",";
      Key("breakdown", out);
      Str(in.breakdowns[c.breakdown], out);
      *out += ",";
      Key("value", out);
      Cell(p.value, out);
      *out += ",";
      if (c.availability != Availability::kAvailable) {
        // Not in this source: the value's symbol and any published LA and
        // England figures, nothing else.
        AreaFigure("la", p.la, c.la, out);
        *out += ",";
        AreaFigure("england", p.england, c.england, out);
        *out += "}";
        continue;
      }
      Key("lower", out);
      Cell(p.lower, out);
      *out += ",";
      Key("upper", out);
      Cell(p.upper, out);
      *out += ",";
      Key("numerator", out);
      Cell(p.numerator, out);
      *out += ",";
      Key("denominator", out);
      Cell(p.denominator, out);
      *out += ",";
      Comparison("similar_schools", p.similar, c.similar, true, out);
      *out += ",";
      Key("percentile_band", out);
      Str(p.band, out);
      *out += ",";
      Comparison("la", p.la, c.la, false, out);
      *out += ",";
      Comparison("england", p.england, c.england, false, out);
      *out += ",";
      Key("expected", out);
      Cell(p.expected, out);
      *out += ",";
      Key("difference", out);
      Cell(p.difference, out);
      *out += ",";
      Key("difference_lower", out);
      Cell(p.difference_lower, out);
      *out += ",";
      Key("difference_upper", out);
      Cell(p.difference_upper, out);
      *out += ",";
      Key("enquiry", out);
      Str(c.enquiry > 0 ? "higher" : c.enquiry < 0 ? "lower" : c.suppressed ? "c" : "none", out);
      if (c.enquiry != 0) {
        *out += ",";
        Key("enquiry_text", out);
        Str(c.enquiry_text, out);
      }
      *out += ",";
      Key("comparison_note", out);
      Str(c.method_note, out);
      *out += "}";
    }
    *out += "]";
    i = j;
  }
  *out += "},";
  Key("lines_of_enquiry", out);
  *out += "[";
  bool first = true;
  for (const auto& c : cells) {
    if (c.enquiry == 0) continue;
    if (!first) *out += ",";
    first = false;
    *out += "{";
    Key("indicator", out);
    Str(reg[c.indicator].id, out);
    *out += ",";
    Key("pupil_group", out);
    Str(PupilGroupId(c.group), out);
    *out += ",";
    Key("direction", out);
    Str(c.enquiry > 0 ? "higher" : "lower", out);
    *out += ",";
    Key("text", out);
    Str(c.enquiry_text, out);
    *out += "}";
  }
  *out += "]}\n";
}

void AppendIndicatorsJson(const ScorecardInput& in, std::string* out) {
  const auto& reg = ScorecardIndicators();
  *out += "{";
  for (size_t i = 0; i < reg.size(); ++i) {
    const ScorecardIndicator& ind = reg[i];
    if (i) *out += ",";
    Key(ind.id, out);
    *out += "{";
    Key("label", out);
    Str(ind.label, out);
    *out += ",";
    Key("domain", out);
    Str(IndicatorDomainId(ind.domain), out);
    *out += ",";
    Key("kind", out);
    Str(IndicatorKindName(ind.kind), out);
    *out += ",";
    Key("unit", out);
    Str(ind.unit, out);
    *out += ",";
    Key("decimal_places", out);
    *out += std::to_string(ind.decimal_places);
    *out += ",";
    Key("min_denominator", out);
    *out += FormatDecimal(ind.min_denominator, 0);
    *out += ",";
    Key("numerator", out);
    Str(ind.numerator, out);
    *out += ",";
    Key("denominator", out);
    Str(ind.denominator, out);
    *out += ",";
    Key("source_note", out);
    Str(i < in.indicator_notes.size() ? in.indicator_notes[i] : "", out);
    *out += ",";
    Key("not_available_reason", out);
    Str(i < in.unavailable_reason.size() ? in.unavailable_reason[i] : "", out);
    *out += "}";
  }
  *out += "}\n";
}

}  // namespace lantern::scorecard
