#include "indicators/catalogue.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "aggregate/groups.h"

namespace lantern {

// The family declarations (one file each in this folder).
FamilyDecl AttendanceFamily();
FamilyDecl SuspensionsFamily();
FamilyDecl Ks4DestinationsFamily();
FamilyDecl ScorecardFamily();
FamilyDecl MovementFamily();
FamilyDecl EmployerFamily();
FamilyDecl SendSufficiencyFamily();
std::vector<std::string_view> ScorecardOrder();

std::string_view IndicatorKindName(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kCount:
      return "count";
    case IndicatorKind::kPercent:
      return "percent";
    case IndicatorKind::kRatio:
      return "ratio";
    case IndicatorKind::kRatePer100:
      return "rate per 100";
    case IndicatorKind::kRatePer1000:
      return "rate per 1,000";
    case IndicatorKind::kMean:
      return "mean";
  }
  return "count";
}

std::string_view IndicatorDomainId(IndicatorDomain domain) {
  switch (domain) {
    case IndicatorDomain::kContext:
      return "context";
    case IndicatorDomain::kFormalOutcome:
      return "formal_outcome";
    case IndicatorDomain::kAdditional:
      return "additional";
  }
  return "context";
}

int64_t Indicator::multiplier() const {
  switch (decl->kind) {
    case IndicatorKind::kPercent:
    case IndicatorKind::kRatio:
    case IndicatorKind::kRatePer100:
      return 100;
    case IndicatorKind::kRatePer1000:
      return 1000;
    case IndicatorKind::kCount:
    case IndicatorKind::kMean:
      return 1;
  }
  return 1;
}

namespace {

bool SnakeCase(std::string_view s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool IsCount(const MeasureDecl& m) {
  return m.power == 1 && (m.quantity == Quantity::kPupils || m.quantity == Quantity::kEnrolments ||
                          m.quantity == Quantity::kEvents);
}

// Collects the problems of one catalogue.
class Checker {
 public:
  Checker() {
    for (GrainId g : kAllGrains) {
      const auto measures = GrainMeasures(g);
      for (size_t i = 0; i < measures.size(); ++i) {
        if (!measures_.emplace(measures[i].id, MeasureRef{g, static_cast<int>(i), -1}).second) {
          Problem(fmt::format("measure '{}' is declared twice", measures[i].id));
        }
      }
    }
  }

  void Problem(std::string p) { problems_.push_back(std::move(p)); }
  const std::map<std::string_view, MeasureRef>& measures() const { return measures_; }

  // Resolves a reference of indicator `id` (role: "numerator"...), or none
  // when it is empty.
  MeasureRef Resolve(std::string_view id, std::string_view role, MeasureName name) {
    if (name.empty()) {
      if (!name.group.empty()) Problem(fmt::format("{}: {} has a group but no measure", id, role));
      return {};
    }
    auto it = measures_.find(name.measure);
    if (it == measures_.end()) {
      Problem(fmt::format("{}: {} '{}' is not a measure of any grain", id, role, name.measure));
      return {};
    }
    MeasureRef ref = it->second;
    if (!name.group.empty()) {
      auto cat = FindCategory(name.group);
      if (!cat) {
        Problem(fmt::format("{}: {} group '{}' is not a pupil group", id, role, name.group));
      } else {
        ref.category = *cat;
      }
    }
    return ref;
  }

  Status Result() const {
    if (problems_.empty()) return Status::Ok();
    std::string text = fmt::format("the indicator catalogue has {} problem(s):", problems_.size());
    for (const auto& p : problems_) text += "\n  " + p;
    return Status::Internal(text);
  }

 private:
  std::map<std::string_view, MeasureRef> measures_;
  std::vector<std::string> problems_;
};

void CheckIndicator(const IndicatorDecl& d, const Indicator& ind, bool measured, Checker& c) {
  const std::string_view id = d.id;
  if (!SnakeCase(id) || id.size() > 50) {
    c.Problem(fmt::format("'{}': an id is snake_case, at most 50 characters (EES)", id));
  }
  if (d.label.empty() || d.label.size() > 100) {
    c.Problem(fmt::format("{}: a label is 1 to 100 characters (EES)", id));
  }
  if (d.decimal_places < 0 || d.decimal_places > 5) {
    c.Problem(fmt::format("{}: decimal places must be 0 to 5", id));
  }
  if (d.definition.empty()) c.Problem(fmt::format("{}: no definition", id));
  if (!ind.numerator.ok()) {
    // Only the scorecard shows figures the store does not hold (x, with a reason).
    if (measured) c.Problem(fmt::format("{}: a published indicator needs a numerator", id));
    if (!d.denominator.empty() || !d.hidden_with.empty()) {
      c.Problem(fmt::format("{}: a denominator or person count without a numerator", id));
    }
    return;
  }
  const MeasureDecl& num = ind.numerator.decl();
  const MeasureDecl* den = ind.denominator.ok() ? &ind.denominator.decl() : nullptr;
  auto need = [&](bool ok, std::string_view what) {
    if (!ok) c.Problem(fmt::format("{} ({}): {}", id, IndicatorKindName(d.kind), what));
  };
  switch (d.kind) {
    case IndicatorKind::kCount:
      need(den == nullptr, "a count has no denominator");
      need(num.power == 1, "a count counts something, not squares");
      break;
    case IndicatorKind::kPercent:
      need(den != nullptr, "a percentage needs a denominator");
      need(IsCount(num) && den != nullptr && IsCount(*den),
           "a percentage is a count of pupils, enrolments or events over another");
      need(den == nullptr || num.quantity == den->quantity ||
               (num.quantity == Quantity::kPupils && den->quantity == Quantity::kEnrolments) ||
               (num.quantity == Quantity::kEnrolments && den->quantity == Quantity::kPupils),
           "a percentage's numerator and denominator count the same thing");
      break;
    case IndicatorKind::kRatio:
      need(den != nullptr && num.quantity == den->quantity && num.power == 1 && den->power == 1,
           "a ratio is two sums of the same thing");
      break;
    case IndicatorKind::kRatePer100:
    case IndicatorKind::kRatePer1000:
      need(den != nullptr &&
               (den->quantity == Quantity::kPupils || den->quantity == Quantity::kEnrolments),
           "a rate is per pupil or enrolment");
      need(num.power == 1, "a rate counts events or sessions, not squares");
      break;
    case IndicatorKind::kMean:
      need(den != nullptr && IsCount(*den), "a mean is over the people scored");
      need(num.power == 1 && (num.quantity == Quantity::kScore || num.quantity == Quantity::kHours),
           "a mean sums a score or hours");
      break;
  }
  if (ind.numerator.grain != ind.denominator.grain && den != nullptr &&
      ind.numerator.category != ind.denominator.category && ind.denominator.category >= 0) {
    c.Problem(fmt::format("{}: the denominator may not be fixed to another group", id));
  }
  if (!ind.hidden_with.ok()) {
    c.Problem(fmt::format("{}: no person count to hide it with (hidden_with)", id));
  } else if (!ind.hidden_with.decl().disclosure_controlled()) {
    c.Problem(fmt::format("{}: hidden_with '{}' is not a count of pupils, enrolments or events", id,
                          d.hidden_with));
  }
  auto squares = [&](const MeasureRef& r, std::string_view role) {
    if (r.ok() && r.decl().power != 2)
      c.Problem(fmt::format("{}: {} is not a sum of squares", id, role));
  };
  squares(ind.sum_squares, "sum_squares");
  squares(ind.cross_products, "cross_products");
  squares(ind.denominator_squares, "denominator_squares");
  if (d.kind == IndicatorKind::kRatio && ind.sum_squares.ok() &&
      !(ind.cross_products.ok() && ind.denominator_squares.ok() && ind.units.ok())) {
    c.Problem(fmt::format("{}: a ratio's interval needs units and all three sums of squares", id));
  }
  if (d.kind == IndicatorKind::kMean && ind.sum_squares.ok() &&
      ind.sum_squares.decl().scale != num.scale * num.scale) {
    c.Problem(fmt::format("{}: sum_squares is not on the numerator's scale squared", id));
  }
}

}  // namespace

Result<Catalogue> Catalogue::Build(std::span<const FamilyDecl> families,
                                   std::span<const std::string_view> scorecard_order) {
  Catalogue cat;
  Checker c;
  std::set<std::string_view> ids, files;
  // Pupil groups must fit the cube's 16-bit key.
  {
    size_t combinations = 1;
    for (const GroupTopic& t : GroupTopics())
      combinations *= std::max<size_t>(1, t.categories.size());
    if (combinations > 65536) c.Problem("the pupil groups have more than 65,536 combinations");
    std::set<std::string_view> cat_ids;
    for (int k = 0; k < CategoryCount(); ++k) {
      if (!cat_ids.insert(Category(k).id).second) {
        c.Problem(fmt::format("pupil group id '{}' is declared twice", Category(k).id));
      }
      if (Category(k).label.size() > 120) {
        c.Problem(fmt::format("pupil group '{}': a filter item is at most 120 characters (EES)",
                              Category(k).id));
      }
    }
  }
  for (size_t f = 0; f < families.size(); ++f) {
    const FamilyDecl& fd = families[f];
    Family fam;
    fam.decl = &fd;
    const bool published = !fd.file.empty();
    if (published && !files.insert(fd.file).second) {
      c.Problem(fmt::format("family {}: file {} is written twice", fd.id, fd.file));
    }
    if (published) {
      fam.row_count = c.Resolve(fd.id, "row_count", {fd.row_count, {}});
      if (fam.row_count.ok() && !fam.row_count.decl().disclosure_controlled()) {
        c.Problem(
            fmt::format("family {}: the row count must be a count of pupils or enrolments", fd.id));
      }
    }
    for (const IndicatorDecl& d : fd.indicators) {
      if (!ids.insert(d.id).second)
        c.Problem(fmt::format("indicator '{}' is declared twice", d.id));
      Indicator ind;
      ind.decl = &d;
      ind.family = f;
      ind.numerator = c.Resolve(d.id, "numerator", d.numerator);
      ind.denominator = c.Resolve(d.id, "denominator", d.denominator);
      ind.hidden_with = c.Resolve(d.id, "hidden_with", {d.hidden_with, {}});
      ind.units = c.Resolve(d.id, "units", {d.units, {}});
      ind.sum_squares = c.Resolve(d.id, "sum_squares", {d.sum_squares, {}});
      ind.cross_products = c.Resolve(d.id, "cross_products", {d.cross_products, {}});
      ind.denominator_squares = c.Resolve(d.id, "denominator_squares", {d.denominator_squares, {}});
      CheckIndicator(d, ind, published, c);
      if (published && ind.numerator.category >= 0) {
        c.Problem(
            fmt::format("{}: a published indicator's numerator is read in every row's own "
                        "group",
                        d.id));
      }
      fam.indicators.push_back(cat.indicators_.size());
      cat.indicators_.push_back(ind);
    }
    cat.families_.push_back(std::move(fam));
  }
  // Each family's counts start from its row count; a count may belong to
  // one family only.
  for (const Family& fam : cat.families_) {
    if (!fam.row_count.ok()) continue;
    for (size_t i : fam.indicators) {
      MeasureRef h = cat.indicators_[i].hidden_with;
      h.category = -1;
      if (!h.ok() || h == fam.row_count) continue;
      auto it = std::find_if(cat.within_.begin(), cat.within_.end(),
                             [&](const auto& w) { return w.first == h; });
      if (it == cat.within_.end()) {
        cat.within_.emplace_back(h, fam.row_count);
      } else if (!(it->second == fam.row_count)) {
        c.Problem(fmt::format("{}: its person count belongs to two families' rows",
                              cat.indicators_[i].decl->id));
      }
    }
  }
  for (Indicator& ind : cat.indicators_) {
    const auto* sc = ind.decl->scorecard ? &*ind.decl->scorecard : nullptr;
    if (sc == nullptr) continue;
    for (const ScorecardBreakdown& b : sc->breakdowns) {
      MeasureRef r = c.Resolve(ind.decl->id, "a breakdown", {b.measure, {}});
      ind.breakdowns.push_back(r);
      if (r.ok() && ind.numerator.ok() && r.decl().quantity != ind.numerator.decl().quantity) {
        c.Problem(fmt::format("{}: breakdown '{}' counts something else than the numerator",
                              ind.decl->id, b.label));
      }
      if (b.label.size() > 120) {
        c.Problem(
            fmt::format("{}: breakdown '{}' is longer than 120 characters", ind.decl->id, b.label));
      }
    }
  }
  std::set<std::string_view> shown;
  for (std::string_view id : scorecard_order) {
    const Indicator* ind = cat.Find(id);
    if (ind == nullptr) {
      c.Problem(fmt::format("scorecard: '{}' is not an indicator", id));
    } else if (!ind->decl->scorecard) {
      c.Problem(fmt::format("scorecard: '{}' has no scorecard settings", id));
    } else if (!shown.insert(id).second) {
      c.Problem(fmt::format("scorecard: '{}' is listed twice", id));
    } else {
      cat.scorecard_.push_back(static_cast<size_t>(ind - cat.indicators_.data()));
    }
  }
  for (const Indicator& ind : cat.indicators_) {
    if (ind.decl->scorecard && !shown.count(ind.decl->id)) {
      c.Problem(fmt::format("{}: has scorecard settings but is not in the scorecard's list",
                            ind.decl->id));
    }
  }
  LANTERN_RETURN_IF_ERROR(c.Result());
  return cat;
}

const Family* Catalogue::FindFamily(std::string_view id) const {
  for (const Family& f : families_) {
    if (f.decl->id == id) return &f;
  }
  return nullptr;
}

const Indicator* Catalogue::Find(std::string_view id) const {
  for (const Indicator& i : indicators_) {
    if (i.decl->id == id) return &i;
  }
  return nullptr;
}

std::optional<MeasureRef> Catalogue::FindMeasure(std::string_view id) const {
  for (GrainId g : kAllGrains) {
    const auto measures = GrainMeasures(g);
    for (size_t i = 0; i < measures.size(); ++i) {
      if (measures[i].id == id) return MeasureRef{g, static_cast<int>(i), -1};
    }
  }
  return std::nullopt;
}

MeasureRef Catalogue::WithinOf(const MeasureRef& m) const {
  MeasureRef key = m;
  key.category = -1;
  for (const auto& [count, within] : within_) {
    if (count == key) return within;
  }
  return {};
}

std::vector<std::pair<GrainId, std::vector<int>>> Catalogue::MeasuresOf(
    std::span<const size_t> indicators, std::span<const MeasureRef> extra, bool intervals) const {
  std::map<GrainId, std::set<int>> by_grain;
  auto add = [&](const MeasureRef& r) {
    if (r.ok()) by_grain[r.grain].insert(r.index);
  };
  for (size_t i : indicators) {
    const Indicator& ind = indicators_[i];
    for (const MeasureRef* r : {&ind.numerator, &ind.denominator, &ind.hidden_with}) add(*r);
    if (!intervals) continue;
    for (const MeasureRef* r :
         {&ind.units, &ind.sum_squares, &ind.cross_products, &ind.denominator_squares}) {
      add(*r);
    }
    for (const MeasureRef& r : ind.breakdowns) add(r);
  }
  for (const MeasureRef& r : extra) add(r);
  std::vector<std::pair<GrainId, std::vector<int>>> out;
  for (GrainId g : kAllGrains) {
    auto it = by_grain.find(g);
    if (it != by_grain.end())
      out.emplace_back(g, std::vector<int>(it->second.begin(), it->second.end()));
  }
  return out;
}

std::span<const FamilyDecl> DeclaredFamilies() {
  static const std::vector<FamilyDecl> families = {
      AttendanceFamily(),      SuspensionsFamily(), MovementFamily(),       ScorecardFamily(),
      Ks4DestinationsFamily(), EmployerFamily(),    SendSufficiencyFamily()};
  return families;
}

std::span<const std::string_view> DeclaredScorecardOrder() {
  static const std::vector<std::string_view> order = ScorecardOrder();
  return order;
}

Result<const Catalogue*> DefaultCatalogue() {
  static const Result<Catalogue> catalogue =
      Catalogue::Build(DeclaredFamilies(), DeclaredScorecardOrder());
  if (!catalogue.ok()) return catalogue.status();
  return &catalogue.value();
}

}  // namespace lantern
