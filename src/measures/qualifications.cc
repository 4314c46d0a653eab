#include "measures/qualifications.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "common/csv_table.h"

namespace lantern {

namespace {

constexpr std::pair<std::string_view, uint32_t> kTokens[] = {
    {"english_language", kTokEnglishLanguage},
    {"english_literature", kTokEnglishLiterature},
    {"maths", kTokMaths},
    {"ebacc", kTokEbacc},
    {"open", kTokOpen},
    {"functional_english", kTokFunctionalEnglish},
    {"functional_maths", kTokFunctionalMaths},
    {"science", kTokScience},
    {"computer_science", kTokComputerScience},
    {"humanities", kTokHumanities},
    {"languages", kTokLanguages},
};

std::optional<double> ToNumber(std::string_view t) {
  double v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

// Splits "a|b|c" into its tokens' bits; an unknown word is an error.
Result<uint32_t> Tokens(std::string_view text, const std::string& where) {
  uint32_t bits = 0;
  while (!text.empty()) {
    size_t bar = text.find('|');
    std::string_view word = text.substr(0, bar);
    uint32_t b = SlotTokenBit(word);
    if (b == 0) return Status::InvalidInput(fmt::format("{}: unknown slot word '{}'", where, word));
    bits |= b;
    text = bar == std::string_view::npos ? std::string_view() : text.substr(bar + 1);
  }
  return bits;
}

Result<bool> YesNoCell(std::string_view t, const std::string& where) {
  if (t == "Y") return true;
  if (t == "N") return false;
  return Status::InvalidInput(fmt::format("{}: expected Y or N, found '{}'", where, t));
}

}  // namespace

uint32_t SlotTokenBit(std::string_view word) {
  for (const auto& [w, b] : kTokens) {
    if (w == word) return b;
  }
  return 0;
}

std::string DefaultCatalogueDir() {
  if (const char* env = std::getenv("LANTERN_CATALOGUE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef LANTERN_SOURCE_DIR
  return std::string(LANTERN_SOURCE_DIR) + "/catalogue";
#else
  return "catalogue";
#endif
}

Result<QualCatalogue> QualCatalogue::Load(const std::string& dir) {
  QualCatalogue c;
  c.dir_ = dir;
  // Point scales.
  std::map<std::string, std::unordered_map<std::string, double>> scales;
  {
    const std::string path = dir + "/point_scales.csv";
    LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(path));
    LANTERN_ASSIGN_OR_RETURN(int cs, t.RequireColumn("scale"));
    LANTERN_ASSIGN_OR_RETURN(int cg, t.RequireColumn("grade"));
    LANTERN_ASSIGN_OR_RETURN(int cp, t.RequireColumn("points"));
    for (size_t r = 0; r < t.rows(); ++r) {
      auto p = ToNumber(t.Cell(r, cp));
      if (!p || *p < 0 || t.Cell(r, cg) == "X") {
        return Status::InvalidInput(fmt::format(
            "{} row {}: points must be a number of 0 or more, and X is reserved", path, r + 2));
      }
      scales[t.Cell(r, cs)][t.Cell(r, cg)] = *p;
    }
  }
  // Qualifications.
  {
    const std::string path = dir + "/qualifications.csv";
    LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(path));
    const char* names[] = {
        "qual_id",           "title",          "type",  "level",       "subject_area",
        "discount_code",     "ebacc_category", "slots", "point_scale", "counts_in_a8",
        "counts_in_broader", "provenance"};
    int col[12];
    for (int i = 0; i < 12; ++i) {
      LANTERN_ASSIGN_OR_RETURN(col[i], t.RequireColumn(names[i]));
    }
    const int slot_count_col = t.Column("slot_count");
    std::unordered_map<std::string, int> groups;
    for (size_t r = 0; r < t.rows(); ++r) {
      const std::string where = fmt::format("{} row {}", path, r + 2);
      Qualification q;
      q.id = t.Cell(r, col[0]);
      q.title = t.Cell(r, col[1]);
      q.type = t.Cell(r, col[2]);
      q.level = t.Cell(r, col[3]);
      q.subject_area = t.Cell(r, col[4]);
      q.discount_code = t.Cell(r, col[5]);
      q.ebacc_category = t.Cell(r, col[6]);
      q.point_scale = t.Cell(r, col[8]);
      q.provenance = t.Cell(r, col[11]);
      if (q.id.empty()) return Status::InvalidInput(where + ": empty qual_id");
      if (q.provenance.empty())
        return Status::InvalidInput(where + ": every rule needs a provenance");
      LANTERN_ASSIGN_OR_RETURN(q.tokens, Tokens(t.Cell(r, col[7]), where));
      if (!q.ebacc_category.empty()) {
        const uint32_t b = SlotTokenBit(q.ebacc_category);
        if ((b & (kTokScience | kTokComputerScience | kTokHumanities | kTokLanguages)) == 0) {
          return Status::InvalidInput(
              fmt::format("{}: unknown ebacc_category '{}'", where, q.ebacc_category));
        }
        q.tokens |= b;
      }
      LANTERN_ASSIGN_OR_RETURN(q.counts_in_a8, YesNoCell(t.Cell(r, col[9]), where));
      LANTERN_ASSIGN_OR_RETURN(q.counts_in_broader, YesNoCell(t.Cell(r, col[10]), where));
      if (slot_count_col >= 0 && !t.Cell(r, slot_count_col).empty()) {
        auto n = ToNumber(t.Cell(r, slot_count_col));
        if (!n || (*n != 1 && *n != 2))
          return Status::InvalidInput(where + ": slot_count is 1 or 2");
        q.slot_count = static_cast<int>(*n);
      }
      auto sc = scales.find(q.point_scale);
      if (sc == scales.end()) {
        return Status::InvalidInput(
            fmt::format("{}: point_scale '{}' is not in point_scales.csv", where, q.point_scale));
      }
      if (c.by_id_.count(q.id) > 0) {
        return Status::InvalidInput(fmt::format("{}: qual_id '{}' appears twice", where, q.id));
      }
      const std::string group_key = q.discount_code.empty() ? "#" + q.id : "D" + q.discount_code;
      auto [g, fresh] = groups.try_emplace(group_key, static_cast<int>(groups.size()));
      q.discount_group = g->second;
      q.technical = q.type != "gcse" && q.type != "level2_certificate";
      c.by_id_[q.id] = static_cast<int>(c.quals_.size());
      c.scale_of_qual_.push_back(sc->second);
      c.quals_.push_back(std::move(q));
    }
  }
  // Qualification ids and grades interned, points by array look-up.
  for (const Qualification& q : c.quals_) c.qual_codes_.Add(q.id);
  for (const auto& scale : c.scale_of_qual_) {
    for (const auto& [grade, points] : scale) c.grade_codes_.Add(grade);
  }
  c.points_.assign(c.quals_.size() * c.grade_codes_.size(),
                   std::numeric_limits<double>::quiet_NaN());
  for (size_t q = 0; q < c.quals_.size(); ++q) {
    for (const auto& [grade, points] : c.scale_of_qual_[q]) {
      c.points_[q * c.grade_codes_.size() + static_cast<size_t>(c.grade_codes_.Find(grade))] =
          points;
    }
  }
  // Prior-attainment groups.
  {
    const std::string path = dir + "/prior_attainment_groups.csv";
    LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(path));
    LANTERN_ASSIGN_OR_RETURN(int cg, t.RequireColumn("pag"));
    LANTERN_ASSIGN_OR_RETURN(int cu, t.RequireColumn("ks2_average_to"));
    for (size_t r = 0; r < t.rows(); ++r) {
      auto g = ToNumber(t.Cell(r, cg));
      auto u = ToNumber(t.Cell(r, cu));
      if (!g || !u || *g != static_cast<double>(r + 1) ||
          (!c.pag_upper_.empty() && *u <= c.pag_upper_.back())) {
        return Status::InvalidInput(fmt::format(
            "{} row {}: groups must be numbered 1, 2, ... with rising upper bounds", path, r + 2));
      }
      c.pag_upper_.push_back(*u);
    }
    if (c.pag_upper_.empty()) return Status::InvalidInput(path + ": no groups");
  }
  // Slot declarations.
  {
    const std::string path = dir + "/slot_declarations.csv";
    LANTERN_ASSIGN_OR_RETURN(CsvTable t, CsvTable::Load(path));
    const char* names[] = {"measure", "order",    "element", "slots",
                           "weight",  "eligible", "rule",    "requires"};
    int col[8];
    for (int i = 0; i < 8; ++i) {
      LANTERN_ASSIGN_OR_RETURN(col[i], t.RequireColumn(names[i]));
    }
    for (size_t r = 0; r < t.rows(); ++r) {
      const std::string where = fmt::format("{} row {}", path, r + 2);
      const std::string& measure = t.Cell(r, col[0]);
      SlotDeclaration* d = nullptr;
      for (auto& x : c.declarations_) {
        if (x.measure == measure) d = &x;
      }
      if (d == nullptr) {
        c.declarations_.push_back({});
        d = &c.declarations_.back();
        d->measure = measure;
      }
      auto order = ToNumber(t.Cell(r, col[1]));
      if (!order || *order != static_cast<double>(d->elements.size() + 1)) {
        return Status::InvalidInput(where + ": each measure's elements are in order 1, 2, ...");
      }
      SlotElement e;
      e.name = t.Cell(r, col[2]);
      auto slots = ToNumber(t.Cell(r, col[3]));
      auto weight = ToNumber(t.Cell(r, col[4]));
      if (!slots || !weight || *slots < 1 || *slots > 10 || *weight < 1 || *weight > 5 ||
          *slots != static_cast<int>(*slots) || *weight != static_cast<int>(*weight)) {
        return Status::InvalidInput(where + ": slots (1-10) and weight (1-5) are whole numbers");
      }
      e.slots = static_cast<int>(*slots);
      e.weight = static_cast<int>(*weight);
      LANTERN_ASSIGN_OR_RETURN(e.eligible, Tokens(t.Cell(r, col[5]), where));
      const std::string& rule = t.Cell(r, col[6]);
      if (rule == "a8_english") {
        if (e.slots != 1)
          return Status::InvalidInput(where + ": the a8_english rule fills one slot");
        e.a8_english = true;
      } else if (!rule.empty()) {
        return Status::InvalidInput(fmt::format("{}: unknown rule '{}'", where, rule));
      }
      const std::string& req = t.Cell(r, col[7]);
      SlotRequirement rq;
      if (req == "a8") {
        rq = SlotRequirement::kA8;
      } else if (req == "broader") {
        rq = SlotRequirement::kBroader;
      } else {
        return Status::InvalidInput(
            fmt::format("{}: requires is a8 or broader, not '{}'", where, req));
      }
      if (d->elements.size() >= kMaxSlotElements) {
        return Status::InvalidInput(
            fmt::format("{}: a measure has at most {} elements", where, kMaxSlotElements));
      }
      if (!d->elements.empty() && rq != d->requires_) {
        return Status::InvalidInput(where + ": one requirement per measure");
      }
      d->requires_ = rq;
      d->elements.push_back(std::move(e));
    }
    for (const char* m : {"a8", "p5"}) {
      if (c.Declaration(m) == nullptr) {
        return Status::InvalidInput(fmt::format("{}: no declaration of '{}'", path, m));
      }
    }
  }
  return c;
}

uint64_t TextCodes::Hash(std::string_view text) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  return h ^ (h >> 29);
}

void TextCodes::Rehash(size_t slots) {
  slots_.assign(slots, -1);
  for (size_t k = 0; k < keys_.size(); ++k) {
    size_t i = Hash(keys_[k]) & (slots - 1);
    while (slots_[i] >= 0) i = (i + 1) & (slots - 1);
    slots_[i] = static_cast<int32_t>(k);
  }
}

int TextCodes::Add(std::string_view text) {
  const int found = Find(text);
  if (found >= 0) return found;
  keys_.emplace_back(text);
  if (slots_.size() < 4 * keys_.size()) {
    Rehash(std::bit_ceil(std::max<size_t>(64, 8 * keys_.size())));  // a power of two
  } else {
    size_t i = Hash(text) & (slots_.size() - 1);
    while (slots_[i] >= 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = static_cast<int32_t>(keys_.size() - 1);
  }
  return static_cast<int>(keys_.size() - 1);
}

int TextCodes::Find(std::string_view text) const {
  if (slots_.empty()) return -1;
  const size_t mask = slots_.size() - 1;
  for (size_t i = Hash(text) & mask;; i = (i + 1) & mask) {
    const int32_t k = slots_[i];
    if (k < 0) return -1;
    if (keys_[static_cast<size_t>(k)] == text) return k;
  }
}

int QualCatalogue::Find(std::string_view id) const { return qual_codes_.Find(id); }

int QualCatalogue::Find(const std::string& id) const { return qual_codes_.Find(id); }

std::optional<double> QualCatalogue::Points(int q, std::string_view grade) const {
  if (q < 0 || static_cast<size_t>(q) >= quals_.size()) return std::nullopt;
  const int g = GradeCode(grade);
  if (g < 0) return std::nullopt;
  const double v = PointsOfCode(q, g);
  if (std::isnan(v)) return std::nullopt;
  return v;
}

std::optional<double> QualCatalogue::Points(int q, const std::string& grade) const {
  if (q < 0 || static_cast<size_t>(q) >= quals_.size()) return std::nullopt;
  const auto& scale = scale_of_qual_[static_cast<size_t>(q)];
  auto it = scale.find(grade);
  if (it == scale.end()) return std::nullopt;
  return it->second;
}

int QualCatalogue::Pag(double ks2_average) const {
  for (size_t g = 0; g < pag_upper_.size(); ++g) {
    if (ks2_average <= pag_upper_[g]) return static_cast<int>(g + 1);
  }
  return static_cast<int>(pag_upper_.size());
}

const SlotDeclaration* QualCatalogue::Declaration(std::string_view measure) const {
  for (const auto& d : declarations_) {
    if (d.measure == measure) return &d;
  }
  return nullptr;
}

}  // namespace lantern
