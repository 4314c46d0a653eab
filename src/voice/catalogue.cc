#include "voice/catalogue.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/csv_table.h"

namespace lantern::voice {

namespace {

std::optional<int> ParseInt(std::string_view t, int min, int max) {
  int v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || v < min || v > max) return std::nullopt;
  return v;
}

bool IsCode(std::string_view t) {
  if (t.empty() || t.size() > 40) return false;
  for (char c : t) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status RowError(std::string_view file, size_t row, std::string_view column,
                std::string_view reason) {
  // Data rows start on line 2 (the bank's rows are one line each).
  return Status::InvalidInput(
      fmt::format("{} line {}, column {}: {}", file, row + 2, column, reason));
}

}  // namespace

const std::vector<std::string_view>& VoiceItemColumns() {
  static const std::vector<std::string_view> c = {
      "item_id",  "version",  "tier",      "domain",      "stem",  "scale_id",
      "polarity", "positive", "sensitive", "reading_age", "owner", "note"};
  return c;
}

int VoiceCatalogue::FindItem(std::string_view id, int version) const {
  for (size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].id == id && items_[i].version == version) return static_cast<int>(i);
  }
  return -1;
}

int VoiceCatalogue::FindCategory(const VoiceItem& item, std::string_view code) const {
  const auto& cats = scales_[item.scale].categories;
  for (size_t c = 0; c < cats.size(); ++c) {
    if (cats[c].code == code) return static_cast<int>(c);
  }
  return -1;
}

std::optional<ItemRowProblem> VoiceCatalogue::AddItemRow(
    const std::function<std::string_view(std::string_view)>& field, bool local) {
  VoiceItem item;
  auto problem = [](std::string_view col, std::string reason) {
    return std::optional<ItemRowProblem>(ItemRowProblem{std::string(col), std::move(reason)});
  };
  item.id = std::string(field("item_id"));
  if (!IsCode(item.id)) {
    return problem("item_id", "an item id is 1-40 of a-z, 0-9 and _");
  }
  auto version = ParseInt(field("version"), 1, 999);
  if (!version) return problem("version", "version must be a whole number from 1 to 999");
  item.version = *version;
  const std::string_view tier = field("tier");
  if (tier != "core" && tier != "local") return problem("tier", "tier must be core or local");
  if (local != (tier == "local")) {
    return problem("tier", local ? "a local items file holds only tier local"
                                 : "the shipped bank holds only tier core (local items come in "
                                   "voice_local_items.csv)");
  }
  item.local = local;
  item.domain = std::string(field("domain"));
  if (item.domain.empty()) return problem("domain", "domain is required");
  item.stem = std::string(field("stem"));
  if (item.stem.empty()) return problem("stem", "stem is required");
  const std::string_view scale_id = field("scale_id");
  size_t scale = scales_.size();
  for (size_t s = 0; s < scales_.size(); ++s) {
    if (scales_[s].id == scale_id) scale = s;
  }
  if (scale == scales_.size()) {
    return problem("scale_id", fmt::format("'{}' is not a scale in voice_scales.csv", scale_id));
  }
  item.scale = scale;
  const std::string_view polarity = field("polarity");
  if (polarity != "+" && polarity != "-") return problem("polarity", "polarity must be + or -");
  item.polarity = polarity[0];
  const VoiceScale& sc = scales_[scale];
  item.positive.assign(sc.categories.size(), false);
  std::string_view pos = field("positive");
  if (pos.empty())
    return problem("positive", "declare the positive categories (codes joined by ;)");
  while (!pos.empty()) {
    const size_t semi = pos.find(';');
    const std::string_view code = pos.substr(0, semi);
    pos = semi == std::string_view::npos ? std::string_view() : pos.substr(semi + 1);
    bool found = false;
    for (size_t c = 0; c < sc.categories.size(); ++c) {
      if (sc.categories[c].code != code) continue;
      if (sc.categories[c].kind != CategoryKind::kPoint) {
        return problem("positive", fmt::format("'{}' is not a point of scale {}: only scale "
                                               "points can be positive",
                                               code, sc.id));
      }
      item.positive[c] = true;
      found = true;
    }
    if (!found) {
      return problem("positive", fmt::format("'{}' is not a category of scale {}", code, sc.id));
    }
  }
  int n_positive = 0;
  for (bool p : item.positive) n_positive += p;
  if (n_positive == sc.points) {
    return problem("positive", "every point is positive: the change statistic would mean nothing");
  }
  const std::string_view sensitive = field("sensitive");
  if (sensitive != "Y" && sensitive != "N") return problem("sensitive", "sensitive must be Y or N");
  item.sensitive = sensitive == "Y";
  auto reading = ParseInt(field("reading_age"), 5, 18);
  if (!reading) return problem("reading_age", "reading_age must be a whole number from 5 to 18");
  item.reading_age = *reading;
  item.owner = std::string(field("owner"));
  if (local) {
    if (!ParseInt(item.owner, 100000, 999999)) {
      return problem("owner", "a local item's owner is the URN (6 digits) of the school it is for");
    }
  } else if (!item.owner.empty()) {
    return problem("owner", "a core item has no owner");
  }
  item.note = std::string(field("note"));
  for (const VoiceItem& other : items_) {
    if (other.id == item.id && other.version == item.version) {
      return problem("item_id",
                     fmt::format("{} version {} is already in the bank", item.id, item.version));
    }
    if (local && !other.local && other.id == item.id) {
      return problem("item_id", "a local item may not reuse a core item's id");
    }
  }
  items_.push_back(std::move(item));
  return std::nullopt;
}

Result<VoiceCatalogue> VoiceCatalogue::Load(const std::string& dir) {
  VoiceCatalogue cat;
  const std::string scales_path = dir + "/voice_scales.csv";
  const std::string items_path = dir + "/voice_items.csv";
  LANTERN_ASSIGN_OR_RETURN(CsvTable scales, CsvTable::Load(scales_path));
  if (scales.malformed_records() > 0) {
    return Status::InvalidInput(
        fmt::format("{}: {} malformed records", scales_path, scales.malformed_records()));
  }
  int cols[5];
  const char* scale_cols[5] = {"scale_id", "position", "code", "label", "kind"};
  for (int i = 0; i < 5; ++i) {
    LANTERN_ASSIGN_OR_RETURN(cols[i], scales.RequireColumn(scale_cols[i]));
  }
  for (size_t r = 0; r < scales.rows(); ++r) {
    const std::string& id = scales.Cell(r, cols[0]);
    if (!IsCode(id))
      return RowError(scales_path, r, "scale_id", "a scale id is 1-40 of a-z, 0-9, _");
    VoiceScale* scale = nullptr;
    for (auto& s : cat.scales_) {
      if (s.id == id) scale = &s;
    }
    if (scale == nullptr) {
      cat.scales_.push_back({id, {}, 0});
      scale = &cat.scales_.back();
    }
    auto pos = ParseInt(scales.Cell(r, cols[1]), 1, 50);
    if (!pos || static_cast<size_t>(*pos) != scale->categories.size() + 1) {
      return RowError(scales_path, r, "position",
                      "positions of a scale's categories run 1, 2, 3... in order");
    }
    const std::string& code = scales.Cell(r, cols[2]);
    if (!IsCode(code) || code == kPreferNotToSay || code == kNotAnswered) {
      return RowError(scales_path, r, "code",
                      fmt::format("'{}' is not a usable code (a-z, 0-9, _; prefer_not_to_say and "
                                  "not_answered are added to every scale by the engine)",
                                  code));
    }
    for (const auto& c : scale->categories) {
      if (c.code == code) return RowError(scales_path, r, "code", "the code appears twice");
    }
    if (scales.Cell(r, cols[3]).empty())
      return RowError(scales_path, r, "label", "label is required");
    const std::string& kind = scales.Cell(r, cols[4]);
    CategoryKind k;
    if (kind == "point") {
      k = CategoryKind::kPoint;
      if (scale->points != static_cast<int>(scale->categories.size())) {
        return RowError(scales_path, r, "kind", "scale points come before don't know");
      }
      ++scale->points;
    } else if (kind == "dont_know") {
      k = CategoryKind::kDontKnow;
    } else {
      return RowError(scales_path, r, "kind", "kind must be point or dont_know");
    }
    scale->categories.push_back({code, scales.Cell(r, cols[3]), k});
  }
  for (auto& s : cat.scales_) {
    if (s.points < 2) {
      return Status::InvalidInput(
          fmt::format("{}: scale {} has fewer than 2 points", scales_path, s.id));
    }
    s.categories.push_back(
        {std::string(kPreferNotToSay), "Prefer not to say", CategoryKind::kPreferNotToSay});
    s.categories.push_back({std::string(kNotAnswered), "Not answered", CategoryKind::kNotAnswered});
  }
  LANTERN_ASSIGN_OR_RETURN(CsvTable items, CsvTable::Load(items_path));
  if (items.malformed_records() > 0) {
    return Status::InvalidInput(
        fmt::format("{}: {} malformed records", items_path, items.malformed_records()));
  }
  std::vector<int> item_cols;
  for (std::string_view c : VoiceItemColumns()) {
    LANTERN_ASSIGN_OR_RETURN(int col, items.RequireColumn(c));
    item_cols.push_back(col);
  }
  for (size_t r = 0; r < items.rows(); ++r) {
    auto field = [&](std::string_view name) -> std::string_view {
      const auto& names = VoiceItemColumns();
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) return items.Cell(r, item_cols[i]);
      }
      return {};
    };
    if (auto p = cat.AddItemRow(field, /*local=*/false)) {
      return RowError(items_path, r, p->column, p->reason);
    }
  }
  if (cat.items_.empty()) return Status::InvalidInput(items_path + ": the bank holds no items");
  return cat;
}

Result<VoiceCatalogue> LoadCatalogueWithLocalItems(const std::string& dir,
                                                   const VoiceLocalItemTable& local) {
  LANTERN_ASSIGN_OR_RETURN(VoiceCatalogue cat, VoiceCatalogue::Load(dir));
  for (size_t r = 0; r < local.size(); ++r) {
    auto field = [&](std::string_view name) -> std::string_view {
      if (name == "item_id") return local.item_id[r];
      if (name == "version") return local.version[r];
      if (name == "tier") return local.tier[r];
      if (name == "domain") return local.domain[r];
      if (name == "stem") return local.stem[r];
      if (name == "scale_id") return local.scale_id[r];
      if (name == "polarity") return local.polarity[r];
      if (name == "positive") return local.positive[r];
      if (name == "sensitive") return local.sensitive[r];
      if (name == "reading_age") return local.reading_age[r];
      if (name == "owner") return local.owner[r];
      if (name == "note") return local.note[r];
      return {};
    };
    if (auto p = cat.AddItemRow(field, /*local=*/true)) {
      return Status::InvalidInput(fmt::format(
          "the store's local item {} version {} no longer fits the question bank ({}: {})",
          local.item_id[r], local.version[r], p->column, p->reason));
    }
  }
  return cat;
}

Status AddPreviousLocalItems(VoiceCatalogue& cat, const VoiceLocalItemTable& l) {
  for (size_t i = 0; i < l.size(); ++i) {
    if (cat.FindItem(l.item_id[i], std::atoi(l.version[i].c_str())) >= 0) continue;
    auto field = [&](std::string_view n) -> std::string_view {
      if (n == "item_id") return l.item_id[i];
      if (n == "version") return l.version[i];
      if (n == "tier") return l.tier[i];
      if (n == "domain") return l.domain[i];
      if (n == "stem") return l.stem[i];
      if (n == "scale_id") return l.scale_id[i];
      if (n == "polarity") return l.polarity[i];
      if (n == "positive") return l.positive[i];
      if (n == "sensitive") return l.sensitive[i];
      if (n == "reading_age") return l.reading_age[i];
      if (n == "owner") return l.owner[i];
      return l.note[i];
    };
    if (auto p = cat.AddItemRow(field, true)) {
      return Status::InvalidInput("the previous store's local item " + l.item_id[i] +
                                  " does not fit the bank: " + p->reason);
    }
  }
  return Status::Ok();
}

Result<std::string> FindCatalogueDir(const std::string& explicit_dir) {
  namespace fs = std::filesystem;
  auto ok = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p / "voice_items.csv", ec) &&
           fs::is_regular_file(p / "voice_scales.csv", ec);
  };
  if (!explicit_dir.empty()) {
    if (ok(explicit_dir)) return explicit_dir;
    return Status::NotFound(fmt::format(
        "{} is not a question bank folder (voice_items.csv and voice_scales.csv)", explicit_dir));
  }
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("LANTERN_CATALOGUE"); env != nullptr && *env != 0) {
    candidates.emplace_back(env);
  }
#ifdef LANTERN_SOURCE_DIR
  candidates.emplace_back(fs::path(LANTERN_SOURCE_DIR) / "catalogue");
#endif
  candidates.emplace_back(fs::current_path() / "catalogue");
  for (const auto& c : candidates) {
    if (ok(c)) return fs::absolute(c).lexically_normal().string();
  }
  return Status::NotFound(
      "cannot find the pupil voice question bank (catalogue/voice_items.csv); set "
      "LANTERN_CATALOGUE or pass --catalogue");
}

}  // namespace lantern::voice
