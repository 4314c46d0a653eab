// The pupil voice question bank (docs/pupil-voice.md): response scales and
// items, shipped in the repository (catalogue/voice_scales.csv,
// catalogue/voice_items.csv) and read and checked at run time, plus the
// local items a provider sends in voice_local_items.csv (same columns,
// tier "local").
//
// Every scale has its points in order (low to high), then "Don't know"
// where the scale offers it, then two categories the engine adds to every
// scale and never merges into a point: "Prefer not to say" and "Not
// answered" (pupil-voice.md 4.1.1, 5.1).
#ifndef LANTERN_VOICE_CATALOGUE_H_
#define LANTERN_VOICE_CATALOGUE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"
#include "store/tables.h"

namespace lantern::voice {

enum class CategoryKind : uint8_t { kPoint, kDontKnow, kPreferNotToSay, kNotAnswered };

inline constexpr std::string_view kPreferNotToSay = "prefer_not_to_say";
inline constexpr std::string_view kNotAnswered = "not_answered";

struct VoiceCategory {
  std::string code;   // as written in voice_responses.csv: "often"
  std::string label;  // for people: "Often"
  CategoryKind kind = CategoryKind::kPoint;
};

struct VoiceScale {
  std::string id;
  std::vector<VoiceCategory> categories;
  int points = 0;  // how many of the categories are scale points
};

struct VoiceItem {
  std::string id;
  int version = 1;
  bool local = false;  // tier "local": reported only for its owner, never pooled
  std::string domain, stem;
  size_t scale = 0;            // index into VoiceCatalogue::scales()
  char polarity = '+';         // '+' or '-': ordering of the diverging chart only
  std::vector<bool> positive;  // per category of the scale: counted in the change statistic
  bool sensitive = false;      // pupil-voice.md 4.3.2
  int reading_age = 0;
  std::string owner;  // a local item's owner: the URN of the school
  std::string note;

  std::string Key() const { return id + "@" + std::to_string(version); }
};

// A problem with one row of an item file.
struct ItemRowProblem {
  std::string column, reason;
};

class VoiceCatalogue {
 public:
  // Reads DIR/voice_scales.csv and DIR/voice_items.csv; the first bad row
  // fails the whole catalogue, naming file, line, column and reason.
  static Result<VoiceCatalogue> Load(const std::string& dir);

  const std::vector<VoiceScale>& scales() const { return scales_; }
  const std::vector<VoiceItem>& items() const { return items_; }
  const VoiceScale& ScaleOf(const VoiceItem& item) const { return scales_[item.scale]; }
  // The item with this id and version, or -1.
  int FindItem(std::string_view id, int version) const;
  // A category of an item's scale by code, or -1.
  int FindCategory(const VoiceItem& item, std::string_view code) const;

  // Checks one item row (`field` gives a column's text by name) and, when
  // it is good, adds the item. `local` rows must say tier "local" and name
  // an owner; core rows must not.
  std::optional<ItemRowProblem> AddItemRow(
      const std::function<std::string_view(std::string_view)>& field, bool local);

 private:
  std::vector<VoiceScale> scales_;
  std::vector<VoiceItem> items_;
};

// The bank with the store's local items added (checked again: a stored
// row the bank refuses fails the whole read).
Result<VoiceCatalogue> LoadCatalogueWithLocalItems(const std::string& dir,
                                                   const VoiceLocalItemTable& local);

// Adds the previous year's store's local items not in cat already (the same
// item and version again is fine), for year-on-year change.
Status AddPreviousLocalItems(VoiceCatalogue& cat, const VoiceLocalItemTable& previous);

// The item file's columns, in order.
const std::vector<std::string_view>& VoiceItemColumns();

// The folder holding the question bank: `explicit_dir`, else
// $LANTERN_CATALOGUE, else the repository's catalogue/ folder.
Result<std::string> FindCatalogueDir(const std::string& explicit_dir);

}  // namespace lantern::voice

#endif  // LANTERN_VOICE_CATALOGUE_H_
