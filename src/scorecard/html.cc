// OUT/scorecards/URN.html and OUT/la/<code>.html: self-contained pages
// (inline CSS, inline SVG funnel plots, no script, no external assets) that
// read offline and print on A4. Figures come from the same PublishedCells as
// the CSV, so suppression (c) and not-available (x) agree everywhere.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "common/rounding.h"
#include "scorecard/engine_internal.h"
#include "scorecard/writers.h"
#include "stats/funnel.h"
#include "stats/intervals.h"

namespace lantern::scorecard {

void AppendEscaped(std::string_view text, std::string* out) {
  size_t plain = 0;
  while (plain < text.size()) {
    const char ch = text[plain];
    if (ch == '&' || ch == '<' || ch == '>' || ch == '"') break;
    ++plain;
  }
  out->append(text.data(), plain);
  for (char c : text.substr(plain)) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        *out += "&quot;";
        break;
      default:
        out->push_back(c);
    }
  }
}

std::string SchoolDisplayName(const ScorecardSchool& s) {
  if (!s.name.empty()) return s.name;
  return fmt::format("School URN {}", s.urn);
}

namespace {

const char* kCss =
    "*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,Arial,sans-serif;color:#1d1d1b}"
    "main{max-width:960px;margin:0 auto;padding:20px 24px 40px}h1{font-size:28px;margin:4px 0}"
    "h2{font-size:20px;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid #1d70b8}"
    "h3{font-size:16px;margin:0 0 4px}.kicker,.meta,.ci,.note,footer,svg "
    "text{color:#505a5f;fill:#505a5f}"
    ".kicker,.meta{margin:0 0 8px}.mirror{background:#f3f2f1;border-left:5px solid #1d70b8;"
    "padding:10px 14px}table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:14px}"
    "th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #d8d8d8;vertical-align:top}"
    "th{background:#f3f2f1}td.n{text-align:right;white-space:nowrap}.card{display:flex;gap:16px;"
    "flex-wrap:wrap;border:1px solid #d8d8d8;padding:12px;margin:10px 0;break-inside:avoid}"
    ".txt{flex:1 1 380px}.big{font-size:22px;font-weight:700;margin:2px 0}.ci{font-size:14px;"
    "font-weight:400}.band{margin:2px 0 6px;font-weight:600;color:#1d70b8}.note{font-size:13px;"
    "margin:4px 0}.cmp td{border:0;padding:2px 8px 2px 0}.x{color:#6f777b}.flag{background:#fff3cd;"
    "border:1px solid #c99a00;padding:0 5px;font-size:12px;margin-left:6px}svg text{font-size:11px}"
    ".l998,.l95{fill:none;stroke:#1d1d1b}.l95{stroke-dasharray:4 3}.tg{stroke:#1d70b8}"
    ".pts{stroke:#9aa0a3;stroke-width:6;stroke-linecap:round}.me{fill:#d4351c;stroke:#fff}"
    ".fr{fill:none;stroke:#d8d8d8}dt{font-weight:600;margin-top:6px}dd{margin:0}"
    "footer{margin-top:32px;font-size:12px;border-top:1px solid #d8d8d8;padding-top:8px}"
    "a{color:#1d70b8}@media print{body{font-size:11pt}main{padding:0}h2{break-after:avoid}"
    "a{color:inherit;text-decoration:none}}";

void Esc(std::string_view t, std::string* out) { AppendEscaped(t, out); }

std::string Capitalise(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string T(const PublishedCell& c, std::string_view unit) { return DisplayText(c, unit); }

std::string Range(const PublishedScorecardCell& p, std::string_view unit) {
  if (!p.lower.is_number() || !p.upper.is_number()) {
    if (p.lower.symbol == GssSymbol::kSuppressed) return "c";
    return "";
  }
  return T(p.lower, unit) + " to " + T(p.upper, unit);
}

// A funnel plot of the school against its similar schools: their values by
// denominator (grey dots), the comparator's combined figure (blue line), 95%
// (dashed) and 99.8% (solid) limits, and the school (red diamond).
void AppendFunnel(const Scorecard& sc, uint32_t school, const ScorecardCell& cell,
                  const PublishedScorecardCell& pub, int plot_id, std::string* out) {
  const auto& im = sc.internals();
  const ScorecardIndicator& ind = ScorecardIndicators()[cell.indicator];
  const double scale = DisplayScale(ind.kind);
  const Comparison& cmp = cell.similar;
  const CompareAs as = CompareAsOf(ind.kind);
  if (!cmp.available || as == CompareAs::kCount) return;
  if (as == CompareAs::kMean && !(cmp.sigma > 0)) return;
  // The series of this cell, and the similar schools' points (only figures
  // that are published: one withheld by disclosure control is not drawn).
  const Series* series = nullptr;
  for (uint32_t si : im.series_of_indicator[cell.indicator]) {
    const Series& s = im.series[si];
    if (s.group == cell.group && s.breakdown == cell.breakdown) series = &s;
  }
  if (series == nullptr) return;
  std::vector<std::pair<double, double>> pts;  // (n, display value)
  for (const Neighbour& nb : im.neighbours[school]) {
    const int32_t oi = series->obs[nb.school];
    if (oi < 0) continue;
    const IndicatorObservation& o = sc.input().observations[static_cast<size_t>(oi)];
    Point p = PointOf(o, as);
    if (!p.ok || o.suppressed || o.denominator_suppressed) continue;
    pts.emplace_back(p.n, p.y * scale);
  }
  const bool me_shown = !cell.suppressed && !cell.denominator_suppressed;
  double nmin = 1e300, nmax = 0;
  for (auto& [n, y] : pts) {
    nmin = std::min(nmin, n);
    nmax = std::max(nmax, n);
  }
  if (me_shown) {
    nmin = std::min(nmin, cell.denominator);
    nmax = std::max(nmax, cell.denominator);
  }
  if (!(nmax > 0)) return;
  nmin = std::max(1.0, nmin / 1.25);
  nmax = nmax * 1.25;
  if (nmax / nmin < 4) {
    const double mid = std::sqrt(nmin * nmax);
    nmin = std::max(1.0, mid / 2);
    nmax = mid * 2;
  }
  stats::Overdispersion od;
  od.estimated = cmp.od_estimated;
  od.applied = cmp.od_applied;
  od.phi = cmp.phi;
  od.tau2 = cmp.tau2;
  const stats::FunnelKind fk = FunnelKindOf(as);
  const double theta0 = cmp.target / scale;
  const int kSamples = 16;
  std::vector<double> ns(kSamples);
  std::vector<stats::Limits> l95(kSamples), l998(kSamples);
  for (int i = 0; i < kSamples; ++i) {
    ns[i] = nmin * std::pow(nmax / nmin, i / static_cast<double>(kSamples - 1));
    l95[i] = stats::FunnelLimits(fk, theta0, ns[i], sc.options().inner_level, cmp.sigma, od);
    l998[i] = stats::FunnelLimits(fk, theta0, ns[i], sc.options().enquiry_level, cmp.sigma, od);
  }
  // y range: the points, the school, the target and the limits from the
  // smallest plotted unit up (limits at tiny n would squash everything).
  double ymin = cmp.target, ymax = cmp.target;
  for (auto& [n, y] : pts) {
    ymin = std::min(ymin, y);
    ymax = std::max(ymax, y);
  }
  if (me_shown) {
    ymin = std::min(ymin, cell.value);
    ymax = std::max(ymax, cell.value);
  }
  for (int i = kSamples / 4; i < kSamples; ++i) {
    ymin = std::min(ymin, l998[i].lower * scale);
    ymax = std::max(ymax, l998[i].upper * scale);
  }
  double pad = (ymax - ymin) * 0.08;
  if (!(pad > 0)) pad = std::max(1e-3, std::fabs(ymax) * 0.1 + 0.01);
  ymin -= pad;
  ymax += pad;
  if (ind.unit == "%") {
    ymin = std::max(0.0, ymin);
    ymax = std::min(100.0, ymax);
  } else if (CompareAsOf(ind.kind) == CompareAs::kRate) {
    ymin = std::max(0.0, ymin);
  }
  const double W = 330, H = 210, L = 46, R = 10, Tp = 10, B = 34;
  auto X = [&](double n) { return L + (W - L - R) * std::log(n / nmin) / std::log(nmax / nmin); };
  auto Y = [&](double y) {
    y = std::clamp(y, ymin, ymax);
    return Tp + (H - Tp - B) * (ymax - y) / (ymax - ymin);
  };
  // "x y" in whole pixels, without a formatting library call per point.
  auto pt = [&](double x, double y) {
    char buf[32];
    char* p = std::to_chars(buf, buf + 12, std::lround(x)).ptr;
    *p++ = ' ';
    p = std::to_chars(p, buf + sizeof buf, std::lround(y)).ptr;
    return std::string(buf, p);
  };
  *out += fmt::format(
      "<svg viewBox=\"0 0 {0:.0f} {1:.0f}\" width=\"{0:.0f}\" height=\"{1:.0f}\" role=\"img\" "
      "aria-labelledby=\"f{2}\"><title id=\"f{2}\">",
      W, H, plot_id);
  Esc(fmt::format("Funnel plot: {} for this school and its similar schools", ind.label), out);
  *out += "</title>";
  *out += fmt::format(
      "<rect class=\"fr\" x=\"{:.0f}\" y=\"{:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\"/>", L, Tp,
      W - L - R, H - Tp - B);
  auto curve = [&](const char* cls, bool upper, const std::vector<stats::Limits>& lim) {
    *out += "<path class=\"";
    *out += cls;
    *out += "\" d=\"M";
    for (int i = 0; i < kSamples; ++i) {
      if (i) *out += "L";
      *out += pt(X(ns[i]), Y((upper ? lim[i].upper : lim[i].lower) * scale));
    }
    *out += "\"/>";
  };
  curve("l998", true, l998);
  curve("l998", false, l998);
  curve("l95", true, l95);
  curve("l95", false, l95);
  *out +=
      fmt::format("<line class=\"tg\" x1=\"{:.0f}\" x2=\"{:.0f}\" y1=\"{:.0f}\" y2=\"{:.0f}\"/>", L,
                  W - R, Y(cmp.target), Y(cmp.target));
  if (!pts.empty()) {
    *out += "<path class=\"pts\" d=\"";
    for (auto& [n, y] : pts) {
      out->push_back('M');
      *out += pt(X(n), Y(y));
      *out += "h0";
    }
    *out += "\"/>";
  }
  if (me_shown) {
    const double x = X(cell.denominator), y = Y(cell.value);
    *out += fmt::format("<path class=\"me\" d=\"M{:.0f} {:.0f}l6 6-6 6-6-6z\"/>", x, y - 6);
  }
  const int dp = ind.decimal_places;
  auto ylabel = [&](double v) {
    std::string s = FormatDecimal(v, dp);
    return ind.unit == "%" ? s + "%" : s;
  };
  *out += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"end\">{}</text>", L - 4,
                      Tp + 10, ylabel(ymax));
  *out += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"end\">{}</text>", L - 4, H - B,
                      ylabel(ymin));
  // The comparator's figure, labelled on the axis beside its line, unless it
  // would sit on top of the top or bottom label.
  const double ty = Y(cmp.target);
  if (ty > Tp + 22 && ty < H - B - 12) {
    *out += fmt::format(
        "<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"end\" "
        "style=\"fill:#1d70b8\">{}</text>",
        L - 4, ty + 4, ylabel(cmp.target));
  }
  *out += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{:.0f}</text>", L, H - B + 14, nmin);
  *out += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"end\">{:.0f}</text>", W - R,
                      H - B + 14, nmax);
  *out += fmt::format(
      "<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">{} (log scale)</text>",
      (L + W - R) / 2, H - 6,
      CompareAsOf(ind.kind) == CompareAs::kMean ? "pupils in the measure" : "pupils counted");
  *out += "</svg>";
  (void)pub;
}

std::string CompLine(const PublishedComparison& p, const Comparison& c, std::string_view unit) {
  if (!c.available) return "x";
  return T(p.value, unit);
}

const char* DirectionWord(int8_t e) { return e > 0 ? "higher" : "lower"; }

}  // namespace

void AppendSchoolHtml(const SchoolPage& page, std::string* out) {
  const Scorecard& sc = *page.scorecard;
  const ScorecardInput& in = sc.input();
  const ScorecardSchool& s = in.schools[page.school];
  const auto& reg = ScorecardIndicators();
  const auto& cells = *page.cells;
  const auto& pub = *page.published;
  const std::string name = SchoolDisplayName(s);
  const std::string phase_lower = [&] {
    std::string p(ScorecardPhaseLabel(s.phase));
    std::transform(p.begin(), p.end(), p.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    return p;
  }();
  const auto& nbs = sc.Neighbours(page.school);
  const auto& vars = sc.SimilarityVariables(s.phase);
  std::string label_year = in.time_period.size() == 6
                               ? in.time_period.substr(0, 4) + "/" + in.time_period.substr(4)
                               : in.time_period;
  out->reserve(out->size() + 40 * 1024);
  *out +=
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
  Esc("Inclusion and Participation Scorecard: " + name, out);
  *out += "</title><style>";
  *out += kCss;
  *out +=
      "</style></head><body><main>\n<header><p class=\"kicker\">Inclusion and Participation "
      "Scorecard &middot; ";
  Esc(label_year, out);
  *out += " &middot; ";
  Esc(in.mode, out);
  *out += "</p><h1>";
  Esc(name, out);
  *out += "</h1><p class=\"meta\">URN ";
  *out += std::to_string(s.urn);
  if (!s.laestab.empty()) {
    *out += " &middot; LAESTAB ";
    Esc(s.laestab, out);
  }
  *out += " &middot; ";
  Esc(s.type_label.empty() ? std::string(ScorecardPhaseLabel(s.phase)) : s.type_label, out);
  if (!page.la_name.empty()) {
    *out += " &middot; ";
    Esc(page.la_name, out);
    *out += fmt::format(" (<a href=\"../la/{}.html\">LA page</a>)", s.la_code);
  }
  if (!page.region_name.empty()) {
    *out += " &middot; ";
    Esc(page.region_name, out);
  }
  *out +=
      "</p></header>\n<div class=\"mirror\"><strong>A mirror, not a league table.</strong> "
      "This page sets the school beside the ";
  *out += std::to_string(nbs.size());
  *out += " ";
  Esc(phase_lower, out);
  *out +=
      " schools in England most like it in the pupils they serve, beside its local authority "
      "and beside England. Every figure comes with a range: the true value is likely to lie "
      "within it. A line of enquiry is raised only where the school lies outside the range "
      "expected of its similar schools (99.8% funnel limits) and enough pupils are counted to "
      "say anything. Schools are not ranked or graded, and nothing here is a judgement of "
      "the school.</div>\n";

  // Lines of enquiry.
  *out += "<section><h2>Lines of enquiry</h2>";
  int n_enq = 0;
  for (size_t k = 0; k < cells.size(); ++k) {
    const ScorecardCell& c = cells[k];
    if (c.enquiry == 0) continue;
    if (n_enq++ == 0) *out += "<ul class=\"enq\">";
    const ScorecardIndicator& ind = reg[c.indicator];
    *out += "<li><strong>";
    Esc(ind.label, out);
    if (c.group != kAllPupils) {
      *out += " (";
      Esc(PupilGroupLabel(c.group), out);
      *out += ")";
    }
    *out += "</strong>: ";
    Esc(c.enquiry_text, out);
    *out += " <span class=\"fig\">This school ";
    Esc(T(pub[k].value, ind.unit), out);
    const std::string range = Range(pub[k], ind.unit);
    if (!range.empty() && range != "c") {
      *out += " (range ";
      Esc(range, out);
      *out += ")";
    }
    *out += "; similar schools ";
    Esc(CompLine(pub[k].similar, c.similar, ind.unit), out);
    *out += "; their 99.8% limits for a school of this size ";
    Esc(T(pub[k].similar.lower998, ind.unit) + " to " + T(pub[k].similar.upper998, ind.unit), out);
    *out += ".</span></li>";
  }
  if (n_enq > 0) {
    *out +=
        "</ul><p class=\"note\">These are questions to explore, not conclusions: a figure can "
        "differ from similar schools for reasons this data cannot see.</p>";
  } else {
    *out +=
        "<p>None. On every measure that could be assessed, the school is within the range "
        "expected of its similar schools.</p>";
  }
  *out += "</section>\n";

  // Context table.
  *out +=
      "<section><h2>Context: the pupils the school serves</h2><table><thead><tr><th>Measure"
      "</th><th>This school</th><th>Range (95%)</th><th>Similar schools</th><th>Among "
      "similar schools</th><th>";
  Esc(page.la_name.empty() ? "Local authority" : page.la_name, out);
  *out += "</th><th>England</th></tr></thead><tbody>";
  std::vector<size_t> missing;
  for (size_t k = 0; k < cells.size(); ++k) {
    const ScorecardCell& c = cells[k];
    const ScorecardIndicator& ind = reg[c.indicator];
    if (ind.domain != IndicatorDomain::kContext || c.group != kAllPupils) continue;
    if (c.availability != Availability::kAvailable) {
      if (c.availability == Availability::kNotAvailable) missing.push_back(k);
      continue;
    }
    *out += "<tr><td>";
    Esc(ind.label, out);
    *out += "</td><td class=\"n\">";
    Esc(T(pub[k].value, ind.unit), out);
    *out += "</td><td class=\"n\">";
    Esc(Range(pub[k], ind.unit), out);
    *out += "</td><td class=\"n\">";
    Esc(CompLine(pub[k].similar, c.similar, ind.unit), out);
    *out += "</td><td>";
    Esc(pub[k].band, out);
    *out += "</td><td class=\"n\">";
    Esc(CompLine(pub[k].la, c.la, ind.unit), out);
    *out += "</td><td class=\"n\">";
    Esc(CompLine(pub[k].england, c.england, ind.unit), out);
    *out += "</td></tr>";
  }
  *out += "</tbody></table><p class=\"note\">Similar schools were chosen on ";
  for (size_t i = 0; i < vars.size(); ++i) {
    if (i) *out += i + 1 == vars.size() ? " and " : ", ";
    auto idx = ScorecardIndicatorIndex(vars[i]);
    Esc(idx.ok() ? std::string(reg[*idx].label) : vars[i], out);
  }
  *out += ". Their figure is the figure of all their pupils together.</p></section>\n";

  // Outcomes and additional data: a card per available all-pupils figure.
  int plot_id = 0;
  auto domain_section = [&](IndicatorDomain domain, const char* title) {
    *out += "<section><h2>";
    *out += title;
    *out += "</h2>";
    int shown = 0;
    for (size_t k = 0; k < cells.size(); ++k) {
      const ScorecardCell& c = cells[k];
      const ScorecardIndicator& ind = reg[c.indicator];
      if (ind.domain != domain || c.group != kAllPupils || c.breakdown != 0) continue;
      if (c.availability != Availability::kAvailable) {
        if (c.availability == Availability::kNotAvailable) missing.push_back(k);
        continue;
      }
      ++shown;
      const PublishedScorecardCell& p = pub[k];
      *out += "<div class=\"card\"><div class=\"txt\"><h3>";
      Esc(ind.label, out);
      if (c.enquiry != 0) {
        *out += "<span class=\"flag\">line of enquiry</span>";
      }
      *out += "</h3><p class=\"big\">";
      Esc(T(p.value, ind.unit), out);
      if (ind.unit != "%" && !ind.unit.empty() && p.value.is_number()) {
        *out += " <span class=\"ci\">";
        Esc(ind.unit, out);
        *out += "</span>";
      }
      const std::string range = Range(p, ind.unit);
      if (!range.empty()) {
        *out += " <span class=\"ci\">(range ";
        Esc(range, out);
        *out += ")</span>";
      }
      *out += "</p>";
      if (c.band != PercentileBand::kNotAssessed && p.value.is_number()) {
        *out += "<p class=\"band\">";
        Esc(Capitalise(std::string(PercentileBandText(c.band))), out);
        *out += " of similar schools</p>";
      }
      *out += "<table class=\"cmp\">";
      auto row = [&](std::string_view label, const std::string& value) {
        *out += "<tr><td>";
        Esc(label, out);
        *out += "</td><td>";
        Esc(value, out);
        *out += "</td></tr>";
      };
      row("Similar schools", CompLine(p.similar, c.similar, ind.unit));
      if (c.has_expected && p.expected.is_number()) {
        std::string e = T(p.expected, ind.unit);
        if (p.difference.is_number()) {
          std::string d = T(p.difference, "");
          if (p.difference.value > 0) d = "+" + d;
          const char* pts = ind.unit == "%" ? " percentage points" : "";
          e += " (this school " + d + pts;
          if (p.difference_lower.is_number() && p.difference_upper.is_number()) {
            e += ", range " + T(p.difference_lower, "") + " to " + T(p.difference_upper, "");
          }
          e += ")";
        }
        row("Expected for its context", e);
      }
      row(page.la_name.empty() ? "Local authority" : page.la_name, CompLine(p.la, c.la, ind.unit));
      row("England", CompLine(p.england, c.england, ind.unit));
      *out += "</table><p class=\"note\">";
      Esc(c.method_note, out);
      *out += "</p>";
      if (c.indicator < in.indicator_notes.size() && !in.indicator_notes[c.indicator].empty()) {
        *out += "<p class=\"note\">";
        Esc(in.indicator_notes[c.indicator], out);
        *out += "</p>";
      }
      *out += "</div>";
      AppendFunnel(sc, page.school, c, p, ++plot_id, out);
      *out += "</div>";
    }
    if (shown == 0) {
      *out +=
          "<p class=\"x\">None of these figures is available for this school in this source "
          "(see below).</p>";
    }
    *out += "</section>\n";
  };
  domain_section(IndicatorDomain::kFormalOutcome, "Formal inclusion outcomes");

  // Gaps between groups.
  *out += "<section><h2>Groups of pupils</h2>";
  bool any_group = false;
  for (size_t k = 0; k < cells.size(); ++k) {
    const ScorecardCell& c = cells[k];
    if (c.group == kAllPupils || c.availability != Availability::kAvailable) continue;
    const ScorecardIndicator& ind = reg[c.indicator];
    if (!any_group) {
      *out +=
          "<table><thead><tr><th>Measure</th><th>Pupils</th><th>This school</th><th>Range "
          "(95%)</th><th>Similar schools, same pupils</th><th>Among similar schools</th>"
          "</tr></thead><tbody>";
      any_group = true;
    }
    *out += "<tr><td>";
    Esc(ind.label, out);
    if (c.breakdown != 0) {
      *out += " [";
      Esc(in.breakdowns[c.breakdown], out);
      *out += "]";
    }
    *out += "</td><td>";
    Esc(PupilGroupLabel(c.group), out);
    if (c.enquiry != 0) *out += "<span class=\"flag\">line of enquiry</span>";
    *out += "</td><td class=\"n\">";
    Esc(T(pub[k].value, ind.unit), out);
    *out += "</td><td class=\"n\">";
    Esc(Range(pub[k], ind.unit), out);
    *out += "</td><td class=\"n\">";
    Esc(CompLine(pub[k].similar, c.similar, ind.unit), out);
    *out += "</td><td>";
    Esc(pub[k].band, out);
    *out += "</td></tr>";
  }
  if (any_group) {
    *out += "</tbody></table>";
    // Gaps for proportions, each group beside the usual group of its topic
    // (disadvantaged beside not disadvantaged, SEN support beside no SEN),
    // with Newcombe's interval.
    std::vector<std::pair<PupilGroup, PupilGroup>> pairs;
    for (PupilGroup g : ScorecardPupilGroups()) {
      if (auto other = ComparisonGroup(g)) pairs.emplace_back(g, *other);
    }
    for (const auto& [a, b] : pairs) {
      for (size_t k = 0; k < cells.size(); ++k) {
        if (cells[k].group != a || cells[k].availability != Availability::kAvailable) continue;
        for (size_t m = 0; m < cells.size(); ++m) {
          const ScorecardCell& ca = cells[k];
          const ScorecardCell& cb = cells[m];
          if (cb.group != b || cb.indicator != ca.indicator || cb.breakdown != ca.breakdown ||
              cb.availability != Availability::kAvailable) {
            continue;
          }
          const ScorecardIndicator& ind = reg[ca.indicator];
          if (CompareAsOf(ind.kind) != CompareAs::kProportion || ca.suppressed || cb.suppressed) {
            continue;
          }
          auto d = stats::NewcombeDifference(ca.numerator, ca.denominator, cb.numerator,
                                             cb.denominator, sc.options().inner_level);
          *out += "<p>";
          Esc(fmt::format("{}, {} minus {}: {} percentage points (range {} to {})", ind.label,
                          PupilGroupNoun(a), PupilGroupNoun(b),
                          FormatDecimal((ca.value - cb.value), 1), FormatDecimal(d.lower * 100, 1),
                          FormatDecimal(d.upper * 100, 1)),
              out);
          if (ca.similar.available && cb.similar.available) {
            Esc(fmt::format("; in similar schools {} points.",
                            FormatDecimal(ca.similar.target - cb.similar.target, 1)),
                out);
          } else {
            *out += ".";
          }
          *out += "</p>";
        }
      }
    }
  } else {
    *out += "<p class=\"x\">This source holds no figures by pupil group for this school.</p>";
  }
  *out += "</section>\n";

  domain_section(IndicatorDomain::kAdditional, "Additional school data");

  // Not available: grouped by reason, so the page says each reason once.
  *out += "<section><h2>Not available, and why</h2>";
  if (missing.empty()) {
    *out += "<p>Every indicator is available.</p>";
  } else {
    std::sort(missing.begin(), missing.end());
    *out += "<p>Shown as x in the data files: not available in this source, never zero.</p><ul>";
    std::vector<bool> done(missing.size(), false);
    for (size_t a = 0; a < missing.size(); ++a) {
      if (done[a]) continue;
      const uint16_t ia = cells[missing[a]].indicator;
      const std::string& why =
          ia < in.unavailable_reason.size() ? in.unavailable_reason[ia] : std::string();
      *out += "<li><strong>";
      for (size_t b = a; b < missing.size(); ++b) {
        const uint16_t ib = cells[missing[b]].indicator;
        const std::string& wb =
            ib < in.unavailable_reason.size() ? in.unavailable_reason[ib] : std::string();
        if (done[b] || wb != why) continue;
        if (b != a) *out += "; ";
        Esc(reg[ib].label, out);
        done[b] = true;
      }
      *out += "</strong>. ";
      Esc(why.empty() ? "Not in this source." : why, out);
      *out += "</li>";
    }
    *out += "</ul>";
    // Published LA and England figures for measures the school lacks.
    bool table = false;
    for (size_t k : missing) {
      const ScorecardCell& c = cells[k];
      if (!c.la.available && !c.england.available) continue;
      const ScorecardIndicator& ind = reg[c.indicator];
      if (!table) {
        *out +=
            "<p>Published for the local authority and England only:</p><table><thead><tr>"
            "<th>Measure</th><th>";
        Esc(page.la_name.empty() ? "Local authority" : page.la_name, out);
        *out += "</th><th>England</th><th>Source</th></tr></thead><tbody>";
        table = true;
      }
      *out += "<tr><td>";
      Esc(ind.label, out);
      *out += "</td><td class=\"n\">";
      Esc(CompLine(pub[k].la, c.la, ind.unit), out);
      *out += "</td><td class=\"n\">";
      Esc(CompLine(pub[k].england, c.england, ind.unit), out);
      *out += "</td><td>";
      Esc(c.england.available ? c.england.source : c.la.source, out);
      *out += "</td></tr>";
    }
    if (table) *out += "</tbody></table>";
  }
  *out += "</section>\n";

  // The similar schools.
  *out += "<section><h2>The similar schools</h2><p>The ";
  *out += std::to_string(nbs.size());
  *out += " ";
  Esc(phase_lower, out);
  *out +=
      " schools in England closest to this one on the context measures above (each measured "
      "in standard deviations across the phase). The list is ordered by closeness in "
      "context, not by any result. The 10 closest:</p><table><thead><tr><th>School</th>"
      "<th>URN</th><th>Distance</th></tr></thead><tbody>";
  for (size_t i = 0; i < nbs.size() && i < 10; ++i) {
    const ScorecardSchool& n = in.schools[nbs[i].school];
    *out += fmt::format("<tr><td><a href=\"{}.html\">", n.urn);
    Esc(SchoolDisplayName(n), out);
    *out += fmt::format("</a></td><td>{}</td><td class=\"n\">{}</td></tr>", n.urn,
                        FormatDecimal(nbs[i].distance, 2));
  }
  *out +=
      "</tbody></table><p class=\"note\">All of them, with distances, are in "
      "similar_schools.csv and in this school's JSON file.</p></section>\n";

  // How to read.
  *out += R"HTML(<section><h2>How to read this page</h2><dl>
<dt>Range (95%)</dt><dd>One year's figure is affected by chance, more for small schools; the true figure is likely to lie in the range (Wilson for percentages, exact Poisson for rates, the Department's interval for Progress 8).</dd>
<dt>Similar schools</dt><dd>The schools of the same phase closest in context; their figure is over all their pupils together.</dd>
<dt>Funnel plot</dt><dd>Grey dots: similar schools; red diamond: this school; blue line: their figure; dashed and solid curves: 95% and 99.8% limits for a school of each size, widened where schools differ more than chance explains. Outside the solid curve, a line of enquiry is raised.</dd>
<dt>Among similar schools</dt><dd>Where the school's figure sits among theirs (lowest 10%, lowest 25%, middle 50%, highest 25%, highest 10%): a position, not a grade.</dd>
<dt>Expected for its context</dt><dd>The average for a school with this context, from one model fitted on all schools of the phase in England: a second baseline, which can differ from the similar schools' figure.</dd>
<dt>Symbols</dt><dd>c: hidden to protect pupils (a count of 1 or 2); x: not available in this source; z: does not apply.</dd>
</dl></section>
)HTML";
  *out += "<footer>";
  Esc(in.sources, out);
  *out += " Produced by Lantern. Not an accountability measure.</footer></main></body></html>\n";
}

void AppendLaHtml(const LaPage& page, std::string* out) {
  const Scorecard& sc = *page.scorecard;
  const ScorecardInput& in = sc.input();
  const auto& reg = ScorecardIndicators();
  std::string label_year = in.time_period.size() == 6
                               ? in.time_period.substr(0, 4) + "/" + in.time_period.substr(4)
                               : in.time_period;
  const std::string title =
      page.la_name.empty() ? fmt::format("LA {}", page.la_code) : page.la_name;
  *out +=
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
  Esc("Inclusion and Participation Scorecard: " + title, out);
  *out += "</title><style>";
  *out += kCss;
  *out +=
      "</style></head><body><main><header><p class=\"kicker\">Inclusion and Participation "
      "Scorecard &middot; local authority summary &middot; ";
  Esc(label_year, out);
  *out += " &middot; ";
  Esc(in.mode, out);
  *out += "</p><h1>";
  Esc(title, out);
  *out += "</h1><p class=\"meta\">LA code ";
  *out += std::to_string(page.la_code);
  if (!page.region_name.empty()) {
    *out += " &middot; ";
    Esc(page.region_name, out);
  }
  *out += fmt::format(" &middot; {} schools</p></header>", page.schools.size());
  *out +=
      "<div class=\"mirror\"><strong>Where support may be needed.</strong> The lines of "
      "enquiry raised for this authority's schools, grouped by question. A school appears "
      "under a question when it lies outside the 99.8% limits of its own similar schools. "
      "Schools are listed alphabetically: this is not a ranking, and a school with no line of "
      "enquiry is not thereby judged.</div>";

  *out += "<section><h2>Lines of enquiry</h2>";
  if (page.enquiries.empty()) {
    *out +=
        "<p>No school in this authority lies outside its similar schools' 99.8% limits on "
        "any measure that could be assessed.</p>";
  }
  auto assessed_for = [&](uint16_t ind, PupilGroup g, uint16_t b) {
    for (const auto& [key, n] : page.assessed) {
      if (key == std::make_tuple(ind, g.category, b)) return n;
    }
    return 0;
  };
  for (size_t i = 0; i < page.enquiries.size();) {
    const EnquiryRecord* first = page.enquiries[i];
    size_t j = i;
    while (j < page.enquiries.size() && page.enquiries[j]->indicator == first->indicator &&
           page.enquiries[j]->group == first->group &&
           page.enquiries[j]->breakdown == first->breakdown &&
           page.enquiries[j]->direction == first->direction) {
      ++j;
    }
    const ScorecardIndicator& ind = reg[first->indicator];
    *out += "<h3>";
    Esc(ind.label, out);
    if (first->group != kAllPupils) {
      *out += " (";
      Esc(PupilGroupLabel(first->group), out);
      *out += ")";
    }
    *out += fmt::format(": {} than similar schools</h3><p>", DirectionWord(first->direction));
    Esc(first->text, out);
    *out += fmt::format(" <span class=\"note\">{} of the {} schools assessed.</span></p><ul>",
                        j - i, assessed_for(first->indicator, first->group, first->breakdown));
    for (size_t k = i; k < j; ++k) {
      const ScorecardSchool& s = in.schools[page.enquiries[k]->school];
      *out += fmt::format("<li><a href=\"../scorecards/{}.html\">", s.urn);
      Esc(SchoolDisplayName(s), out);
      *out += "</a> <span class=\"note\">";
      Esc(ScorecardPhaseLabel(s.phase), out);
      *out += fmt::format(", URN {}</span></li>", s.urn);
    }
    *out += "</ul>";
    i = j;
  }
  // What was assessed, so "no line of enquiry" can be read as such.
  if (!page.assessed.empty()) {
    *out += "<p class=\"note\">Assessed against similar schools in this authority: ";
    for (size_t i = 0; i < page.assessed.size(); ++i) {
      const auto& [key, n] = page.assessed[i];
      if (i) *out += "; ";
      Esc(reg[std::get<0>(key)].label, out);
      const PupilGroup g{std::get<1>(key)};
      if (g != kAllPupils) {
        *out += " (";
        Esc(PupilGroupLabel(g), out);
        *out += ")";
      }
      *out += fmt::format(", {} schools", n);
    }
    *out += ".</p>";
  }
  *out += "</section>";

  if (!page.la_values.empty()) {
    *out +=
        "<section><h2>The authority's own figures</h2><p>Published for the authority as a "
        "whole (Local Authority Interactive Tool), including measures not available school "
        "by school in this source.</p><table><thead><tr><th>Measure</th><th>Phase</th><th>";
    Esc(title, out);
    *out += "</th><th>England</th><th>Source</th></tr></thead><tbody>";
    for (const AreaValue* av : page.la_values) {
      const ScorecardIndicator& ind = reg[av->indicator];
      const AreaValue* eng = nullptr;
      for (const AreaValue* e : page.england_values) {
        if (e->indicator == av->indicator && e->phase == av->phase) eng = e;
      }
      *out += "<tr><td>";
      Esc(ind.label, out);
      *out += "</td><td>";
      Esc(ScorecardPhaseLabel(av->phase), out);
      *out += "</td><td class=\"n\">";
      Esc(FormatDecimal(av->value, ind.decimal_places) + (ind.unit == "%" ? "%" : ""), out);
      *out += "</td><td class=\"n\">";
      Esc(eng ? FormatDecimal(eng->value, ind.decimal_places) + (ind.unit == "%" ? "%" : "") : "x",
          out);
      *out += "</td><td>";
      Esc(av->source, out);
      *out += "</td></tr>";
    }
    *out += "</tbody></table></section>";
  }

  *out +=
      "<section><h2>Schools</h2><table><thead><tr><th>School</th><th>Phase</th><th>URN</th>"
      "</tr></thead><tbody>";
  for (uint32_t si : page.schools) {
    const ScorecardSchool& s = in.schools[si];
    *out += fmt::format("<tr><td><a href=\"../scorecards/{}.html\">", s.urn);
    Esc(SchoolDisplayName(s), out);
    *out += "</a></td><td>";
    Esc(ScorecardPhaseLabel(s.phase), out);
    *out += fmt::format("</td><td>{}</td></tr>", s.urn);
  }
  *out += "</tbody></table></section><footer>";
  Esc(in.sources, out);
  *out += " Produced by Lantern.</footer></main></body></html>\n";
}

}  // namespace lantern::scorecard
