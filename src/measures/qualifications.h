// The qualification catalogue (catalogue/, shipped with Lantern; its columns
// in docs/input-schema.md, the provenance of every rule in
// catalogue/README.md): which qualifications count, in which slots, at how
// many points; the prior-attainment groups; and the slot declarations of
// Attainment 8, Progress 5 and broader attainment (docs/measures.md).
#ifndef LANTERN_MEASURES_QUALIFICATIONS_H_
#define LANTERN_MEASURES_QUALIFICATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lantern/status.h"

namespace lantern {

// The words a qualification's `slots` and `ebacc_category` may use; each is
// a bit of SlotTokens, and a slot element names the tokens it accepts.
enum SlotToken : uint32_t {
  kTokEnglishLanguage = 1u << 0,
  kTokEnglishLiterature = 1u << 1,
  kTokMaths = 1u << 2,
  kTokEbacc = 1u << 3,
  kTokOpen = 1u << 4,
  kTokFunctionalEnglish = 1u << 5,
  kTokFunctionalMaths = 1u << 6,
  kTokScience = 1u << 7,  // ebacc_category values
  kTokComputerScience = 1u << 8,
  kTokHumanities = 1u << 9,
  kTokLanguages = 1u << 10,
};
// The token's bit, or 0 when the word is not a token.
uint32_t SlotTokenBit(std::string_view word);

struct Qualification {
  std::string id, title, type, level, subject_area, discount_code, ebacc_category;
  std::string point_scale, provenance;
  uint32_t tokens = 0;  // slots and ebacc_category, as SlotToken bits
  bool counts_in_a8 = false;
  bool counts_in_broader = false;
  // Not a GCSE or level 2 certificate: a technical award, VRQ, functional
  // skills or entry level (a pupil's pathway, docs/measures.md).
  bool technical = false;
  int slot_count = 1;
  // Qualifications that count once together share this number: one per
  // discount code, or the qualification's own without a code.
  int discount_group = 0;
  // An EBacc subject (English, maths, an EBacc science, humanity or
  // language): the first entry counts (docs/measures.md).
  bool ebacc_subject() const {
    return (tokens & (kTokEnglishLanguage | kTokEnglishLiterature | kTokMaths | kTokEbacc)) != 0;
  }
};

// One element of a slot measure: `slots` slots of `weight` each, filled by
// qualifications carrying any of the `eligible` tokens.
struct SlotElement {
  std::string name;
  int slots = 1;
  int weight = 1;
  uint32_t eligible = 0;
  // The Attainment 8 English rule (definitions.md 3.2): the higher of
  // language and literature, at `weight` only when both were attempted,
  // else at weight 1; the other may fill a later element.
  bool a8_english = false;
};

// The most elements a slot declaration may have (a pupil's element points
// are kept in a fixed array).
constexpr size_t kMaxSlotElements = 6;

// Codes for the few distinct texts of a column (qualification ids, grades):
// an open-addressing table over the texts, so that coding a row costs one
// hash of a short string and no allocation.
class TextCodes {
 public:
  // Adds `text` with the next code (0, 1, ...), or returns its code.
  int Add(std::string_view text);
  // The code of `text`, or -1.
  int Find(std::string_view text) const;
  size_t size() const { return keys_.size(); }

 private:
  static uint64_t Hash(std::string_view text);
  void Rehash(size_t slots);
  std::vector<std::string> keys_;
  std::vector<int32_t> slots_;  // -1 empty, else index into keys_
};

enum class SlotRequirement : uint8_t { kA8, kBroader };

struct SlotDeclaration {
  std::string measure;  // "a8", "p5", "broader"
  SlotRequirement requires_ = SlotRequirement::kA8;
  std::vector<SlotElement> elements;  // in fill order
  // The divisor of the progress score: the sum of slot weights (10 for A8).
  int divisor() const {
    int d = 0;
    for (const auto& e : elements) d += e.slots * e.weight;
    return d;
  }
};

class QualCatalogue {
 public:
  // Reads DIR/qualifications.csv, point_scales.csv,
  // prior_attainment_groups.csv and slot_declarations.csv; any problem is
  // an error naming the file and row.
  static Result<QualCatalogue> Load(const std::string& dir);

  const std::vector<Qualification>& qualifications() const { return quals_; }
  // Index of a qualification by id, or -1.
  int Find(std::string_view id) const;
  int Find(const std::string& id) const;
  // Points of a grade of qualification q (per slot, for a double award), or
  // nullopt when the grade is not on its scale. "X" (absent) is not here.
  std::optional<double> Points(int q, std::string_view grade) const;
  std::optional<double> Points(int q, const std::string& grade) const;
  std::optional<double> Points(int q, const char* grade) const {
    return Points(q, std::string_view(grade));
  }
  int Find(const char* id) const { return Find(std::string_view(id)); }
  // Grades interned: the code of a grade text (any scale), or -1; and the
  // points of qualification q at a grade code (NaN when not on its scale).
  // The same answers as Points(), by array look-up.
  int GradeCode(std::string_view grade) const { return grade_codes_.Find(grade); }
  double PointsOfCode(int q, int grade_code) const {
    return points_[static_cast<size_t>(q) * grade_codes_.size() + static_cast<size_t>(grade_code)];
  }
  // The prior-attainment group (1..n) of a KS2 average scaled score.
  int Pag(double ks2_average) const;
  int pag_count() const { return static_cast<int>(pag_upper_.size()); }
  const SlotDeclaration* Declaration(std::string_view measure) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<Qualification> quals_;
  std::unordered_map<std::string, int> by_id_;
  TextCodes qual_codes_, grade_codes_;  // qual code = index into quals_
  std::vector<double> points_;          // [qual x grade code]
  std::vector<std::unordered_map<std::string, double>> scale_of_qual_;
  std::vector<double> pag_upper_;
  std::vector<SlotDeclaration> declarations_;
};

// The catalogue shipped with Lantern: $LANTERN_CATALOGUE_DIR, else the
// source tree's catalogue/ folder.
std::string DefaultCatalogueDir();

}  // namespace lantern

#endif  // LANTERN_MEASURES_QUALIFICATIONS_H_
