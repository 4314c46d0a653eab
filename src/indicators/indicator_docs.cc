#include "indicators/indicator_docs.h"

#include <fmt/format.h>

#include "aggregate/groups.h"

namespace lantern {

namespace {

// A measure reference in words: its id and what it counts.
std::string Words(const MeasureRef& r) {
  if (!r.ok()) return "";
  std::string s = fmt::format("`{}` ({})", r.decl().id, r.decl().description);
  if (r.category >= 0) s += fmt::format(", {} only", Category(r.category).display);
  return s;
}

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string IndicatorDocsMarkdown(const Catalogue& catalogue) {
  std::string s =
      "# Indicators\n\n"
      "Generated from the indicator catalogue (`src/indicators/`) by `lantern indicators`; do "
      "not edit by hand.\n"
      "Column names follow the Department for Education's open data. In the build's files "
      "rates,\n"
      "percentages and means are written to 5 decimal places; `dp` is how many to show (the\n"
      "metadata's `indicator_dp`). A figure is `c` when the count it is hidden with (the last\n"
      "column), or its row's count, is suppressed by the one disclosure pass "
      "(docs/definitions.md),\n"
      "`z` when its denominator is zero.\n";
  for (const Family& f : catalogue.families()) {
    const FamilyDecl& d = *f.decl;
    s +=
        fmt::format("\n## {}{}\n\n", d.title,
                    d.file.empty() ? std::string() : fmt::format(" (`lantern build`: {})", d.file));
    if (!d.file.empty()) {
      s += fmt::format(
          "A row for every school, trust, local authority (by school location and by pupil "
          "residence), region and England, school type and pupil group with at least one {} "
          "or figure. `num_schools` counts the schools with at least one {} in the row (`x` "
          "for rows by pupil residence).\n\n",
          d.row_count_label, d.row_count_label);
    }
    s += "| id | label | kind | dp | numerator | denominator | definition | hidden with |\n"
         "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
    for (size_t i : f.indicators) {
      const Indicator& ind = catalogue.indicators()[i];
      const IndicatorDecl& id = *ind.decl;
      s += fmt::format(
          "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n", id.id, Escape(id.label),
          IndicatorKindName(id.kind), id.decimal_places,
          ind.numerator.ok() ? Escape(Words(ind.numerator)) : "not held in the store",
          Escape(Words(ind.denominator)), Escape(id.definition),
          ind.hidden_with.ok() ? fmt::format("`{}`", ind.hidden_with.decl().id) : std::string());
    }
  }
  s += "\n## Counts that split one another\n\n"
       "In every cell the whole is its parts added up, with a rest when they do not cover it: "
       "a count no file publishes, which a reader gets by subtracting. The disclosure pass holds "
       "each split as it holds a table's total and groups, so neither a hidden part nor a rest "
       "of 1 or 2 follows from the others (docs/definitions.md).\n\n"
       "| whole | parts | rest (not published) |\n"
       "| --- | --- | --- |\n";
  for (GrainId grain : kAllGrains) {
    for (const CountSplit& split : GrainSplits(grain)) {
      std::string parts;
      for (std::string_view p : split.parts) {
        if (p.empty()) break;
        parts += fmt::format("{}`{}`", parts.empty() ? "" : " + ", p);
      }
      s += fmt::format("| `{}` | {} | {} |\n", split.whole, parts,
                       split.rest.empty()
                           ? std::string("none: the parts are the whole")
                           : fmt::format("`{}`: {}", split.rest, Escape(split.rest_description)));
    }
  }
  s += "\n## On the scorecard (`lantern scorecard`), in this order\n\n"
       "| id | domain | compared from | similarity variable | breakdowns |\n"
       "| --- | --- | --- | --- | --- |\n";
  for (size_t i : catalogue.scorecard()) {
    const Indicator& ind = catalogue.indicators()[i];
    const ScorecardSettings& sc = *ind.decl->scorecard;
    s += fmt::format(
        "| `{}` | {} | {} counted | {} | {} |\n", ind.decl->id, IndicatorDomainId(sc.domain),
        sc.min_denominator > 0 ? fmt::format("{}", sc.min_denominator) : "any",
        sc.similarity ? (sc.similarity_log ? "yes (log)" : "yes") : "",
        sc.breakdowns.empty() ? std::string()
                              : fmt::format("{} (AP setting, reason)", sc.breakdowns.size()));
  }
  return s;
}

}  // namespace lantern
