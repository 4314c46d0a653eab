#include "ingest/voice_ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/csv_reader.h"
#include "common/parallel.h"
#include "ingest/for_each_row.h"
#include "model/upn.h"
#include "store/table_ops.h"
#include "voice/catalogue.h"

namespace lantern {

namespace {

bool IsProviderId(std::string_view t) {
  if (t.empty() || t.size() > 32) return false;
  for (char c : t) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

std::string DateOrOpen(int32_t days) { return DateText(days, "open-ended"); }

// The survey wave: the academic year it was collected in, "2018/19".
std::optional<int16_t> Wave(RowCheck& check, size_t c) {
  if (!check.RequiredPresent(c)) return std::nullopt;
  auto y = AcademicYear::Parse(check.Text(c));
  if (!y) {
    check.Fail(c, "wave", "wave is the academic year of the survey, e.g. 2018/19");
    return std::nullopt;
  }
  return static_cast<int16_t>(y->start_year());
}

std::string RespondentIndexKey(uint32_t provider, int16_t wave, std::string_view key) {
  std::string k = fmt::format("{}:{}:", provider, wave);
  k.append(key);
  return k;
}

struct ProviderIndex {
  std::unordered_map<std::string, uint32_t> by_id;
  explicit ProviderIndex(const VoiceProviderTable& t) {
    for (size_t i = 0; i < t.size(); ++i) by_id[t.provider_id[i]] = static_cast<uint32_t>(i);
  }
  uint32_t Find(std::string_view id) const {
    auto it = by_id.find(std::string(id));
    return it == by_id.end() ? kNoIndex : it->second;
  }
};

}  // namespace

void IngestVoiceProviders(IngestContext& ctx, InputSource& src) {
  VoiceProviderTable& t = ctx.state().voice_providers;
  ProviderIndex index(t);
  std::vector<uint8_t> seen(t.size(), 0);
  bool changed = false;
  ForEachRow(src, [&](RowCheck& check) {
    if (check.RequiredPresent(0) && !IsProviderId(check.Text(0))) {
      check.Fail(0, "code", "provider_id is 1-32 letters, digits, - or _");
    }
    check.RequiredPresent(1);
    auto from = check.DateField(2);
    auto to = check.DateField(3);
    if (from && to && *to < *from) check.Fail(3, "date", "accredited_to is before accredited_from");
    if (!check.ok()) return;
    const std::string id(check.Text(0));
    const int32_t to_days = to ? to->days : kNoDate;
    uint32_t row = index.Find(id);
    if (row != kNoIndex && row < seen.size() && seen[row]) {
      check.FailRow("duplicate", "the same provider_id appears earlier in this file");
      return;
    }
    if (row == kNoIndex) {
      if (t.size() >= 65535) {
        check.FailRow("limit", "the store holds 65535 providers already");
        return;
      }
      row = static_cast<uint32_t>(t.size());
      t.provider_id.push_back(id);
      t.provider_name.emplace_back(check.Text(1));
      t.accredited_from.push_back(from->days);
      t.accredited_to.push_back(to_days);
      index.by_id[id] = row;
      seen.push_back(1);
      ++src.counts.inserted;
      changed = true;
      return;
    }
    seen[row] = 1;
    if (t.provider_name[row] == check.Text(1) && t.accredited_from[row] == from->days &&
        t.accredited_to[row] == to_days) {
      ++src.counts.unchanged;
      return;
    }
    t.provider_name[row] = std::string(check.Text(1));
    t.accredited_from[row] = from->days;
    t.accredited_to[row] = to_days;
    ++src.counts.updated;
    changed = true;
  });
  if (changed) ctx.changed_tables.insert(TableId::kVoiceProviders);
}

void IngestVoiceLocalItems(IngestContext& ctx, InputSource& src) {
  VoiceLocalItemTable& t = ctx.state().voice_local_items;
  bool changed = false;
  ForEachRow(src, [&](RowCheck& check) {
    auto field = [&](std::string_view name) -> std::string_view {
      for (size_t c = 0; c < src.schema->columns.size(); ++c) {
        if (name == src.schema->columns[c].name) return check.Text(c);
      }
      return {};
    };
    auto column_of = [&](std::string_view name) -> size_t {
      for (size_t c = 0; c < src.schema->columns.size(); ++c) {
        if (name == src.schema->columns[c].name) return c;
      }
      return 0;
    };
    // The bank (with the local items stored so far) checks the row and
    // takes the item; a row naming a stored local item again replaces it.
    voice::VoiceCatalogue& cat = *ctx.voice_catalogue;
    const int existing_item =
        cat.FindItem(check.Text(0), std::atoi(std::string(check.Text(1)).c_str()));
    size_t stored_row = t.size();
    for (size_t i = 0; i < t.size(); ++i) {
      if (t.item_id[i] == check.Text(0) && t.version[i] == check.Text(1)) stored_row = i;
    }
    if (existing_item >= 0 && stored_row == t.size()) {
      check.Fail(0, "duplicate", "this item id and version is already in the question bank");
      return;
    }
    if (stored_row < t.size()) {
      // Stored already: the same wording again, or a change, which needs a new version.
      bool same = true;
      VoiceLocalItemTable probe;
      ForEachColumn<VoiceLocalItemTable>([&](auto col) {
        const auto& stored = t.*col.member;
        size_t c = 0;
        for (; c < src.schema->columns.size(); ++c) {
          if (std::string_view(col.name) == src.schema->columns[c].name) break;
        }
        if (stored[stored_row] != check.Text(c)) same = false;
      });
      if (!same) {
        check.FailRow("version",
                      "a stored local item changed: an item's wording and scale never "
                      "change within a version (give it the next version)");
        return;
      }
      ++src.counts.unchanged;
      return;
    }
    if (auto urn = check.Urn(column_of("owner")); urn && ctx.SchoolRow(*urn) == kNoIndex) {
      check.Fail(column_of("owner"), "unknown_school",
                 "the owner is not a school in schools.csv or the store");
    }
    if (!check.ok()) return;
    if (auto p = cat.AddItemRow(field, /*local=*/true)) {
      check.Fail(column_of(p->column), "item", p->reason);
      return;
    }
    std::string cols[12];
    for (size_t c = 0; c < 12; ++c) cols[c] = std::string(check.Text(c));
    t.item_id.push_back(cols[0]);
    t.version.push_back(cols[1]);
    t.tier.push_back(cols[2]);
    t.domain.push_back(cols[3]);
    t.stem.push_back(cols[4]);
    t.scale_id.push_back(cols[5]);
    t.polarity.push_back(cols[6]);
    t.positive.push_back(cols[7]);
    t.sensitive.push_back(cols[8]);
    t.reading_age.push_back(cols[9]);
    t.owner.push_back(cols[10]);
    t.note.push_back(cols[11]);
    ++src.counts.inserted;
    changed = true;
  });
  if (changed) ctx.changed_tables.insert(TableId::kVoiceLocalItems);
}

namespace {

// Respondents by provider, wave and key: an open-addressing table of
// respondent rows (no string kept twice, no allocation per lookup).
class RespondentIndex {
 public:
  explicit RespondentIndex(const VoiceRespondentTable& rt) : rt_(rt) {
    Rehash(std::max<size_t>(1024, rt.size() * 2));
    for (size_t i = 0; i < rt.size(); ++i) {
      Insert(static_cast<uint32_t>(i), Hash(rt.provider[i], rt.wave[i], rt.key[i]));
    }
  }
  static uint64_t Hash(uint16_t provider, int16_t wave, std::string_view key) {
    uint64_t h = std::hash<std::string_view>{}(key);
    h ^= (uint64_t{provider} << 16 | static_cast<uint16_t>(wave)) * 0x9E3779B97F4A7C15ull;
    return h * 0xBF58476D1CE4E5B9ull;
  }
  uint32_t Find(uint16_t provider, int16_t wave, std::string_view key, uint64_t h) const {
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) return kNoIndex;
      const auto r = static_cast<uint32_t>(slot);
      if (static_cast<uint32_t>(slot >> 32) == tag && rt_.provider[r] == provider &&
          rt_.wave[r] == wave && rt_.key[r] == key) {
        return r;
      }
    }
  }
  // Room for n respondents in all without growing.
  void Reserve(size_t n) {
    if (n * 2 > slots_.size()) Rehash(n * 2);
  }
  void Insert(uint32_t r, uint64_t h) {
    if ((count_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    Place(r, h);
    ++count_;
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  void Place(uint32_t r, uint64_t h) {
    size_t i = h & mask_;
    while (slots_[i] != kEmpty) i = (i + 1) & mask_;
    slots_[i] = (h >> 32) << 32 | r;
  }
  void Rehash(size_t want) {
    size_t n = 1;
    while (n < want) n <<= 1;
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(n, kEmpty);
    mask_ = n - 1;
    for (uint64_t slot : old) {
      if (slot == kEmpty) continue;
      const auto r = static_cast<uint32_t>(slot);
      Place(r, Hash(rt_.provider[r], rt_.wave[r], rt_.key[r]));
    }
  }
  const VoiceRespondentTable& rt_;
  std::vector<uint64_t> slots_;
  size_t mask_ = 0, count_ = 0;
};

// One response row that passed every check a row can pass alone, resolved
// to integers (the respondent and the duplicate checks need the rows before
// it, so they run in file order afterwards).
// Kept small (a national wave passes 120 million of them from the parsing
// threads to the merging one): the row's text is found again from `at`
// only when the merge rejects it.
struct ParsedResponse {
  uint64_t at = 0;      // the record's offset in the file's body
  uint32_t key_at = 0;  // the respondent key: body[at + key_at], or the chunk's keys[key_at]
  uint32_t school = kNoIndex;
  int32_t collected = 0;
  uint16_t provider = 0;
  int16_t wave = 0;
  uint16_t item = 0;  // index into the catalogue's items
  uint8_t category = 0;
  uint8_t mode = 0;
  uint8_t key_size = 0;  // at most 64
  uint8_t flags = 0;     // kKeyInChunk, kSameRespondent
};
// The key was unquoted by the reader, so is not in the body as it reads.
constexpr uint8_t kKeyInChunk = 1;
// The same provider, wave and key as the row before it in the chunk.
constexpr uint8_t kSameRespondent = 2;

struct ResponseChunk {
  std::vector<ParsedResponse> rows;
  std::string keys;  // keys the reader unquoted (kKeyInChunk)
  RejectList rejects;
  uint64_t rows_read = 0, rejected = 0;

  std::string_view Key(const ParsedResponse& p, std::string_view body) const {
    return p.flags & kKeyInChunk ? std::string_view(keys).substr(p.key_at, p.key_size)
                                 : body.substr(p.at + p.key_at, p.key_size);
  }
};

// The checks of one response row that need no other row: run on every
// core, one chunk of the file each, reading the store and the bank only.
// Files come sorted by respondent (a respondent's items together) and by
// school, so each field keeps the last text it parsed and its value.
class ResponseRowParser {
 public:
  ResponseRowParser(const IngestContext& ctx, const InputSource& src,
                    const ProviderIndex& providers)
      : ctx_(ctx), src_(src), s_(ctx.state()), cat_(*ctx.voice_catalogue), providers_(providers) {
    for (size_t i = 0; i < cat_.items().size(); ++i) {
      items_by_id_[cat_.items()[i].id].push_back(static_cast<int>(i));
    }
    item_after_.assign(cat_.items().size() + 1, -1);
    standard_layout_ = src.header.field_count() == 9;
    for (size_t c = 0; c < 9 && standard_layout_; ++c) {
      standard_layout_ = src.header[c] == static_cast<int>(c);
    }
    if (ctx.year) {
      year_first_ = ctx.year->FirstDay().days;
      year_last_ = ctx.year->LastDay().days;
    }
  }

  void Parse(const CsvChunk& chunk, ResponseChunk* out) {
    CsvReader reader(chunk.data, chunk.first_line);
    reader.set_expected_fields(src_.header.field_count());
    CsvRecord rec;
    out->rows.reserve(chunk.data.size() / 64);
    while (reader.Next(&rec)) {
      ++out->rows_read;
      if (RejectUnreadableRow(rec, &out->rejects)) {
        ++out->rejected;
        continue;
      }
      RowCheck check(*src_.schema, src_.header, rec, &out->rejects);
      ParsedResponse p;
      // A row whose text up to its item is the row before's (the same
      // respondent's next answer) takes that row's respondent fields as
      // they were checked: the same text gives the same values.
      const std::string_view prefix = RespondentText(rec);
      bool same_prefix = false, ok = false;
      if (!prefix.empty() && prefix == last_prefix_) {
        p = prefix_row_;
        same_prefix = true;
        ok = CheckItemFields(check, &p);
      } else {
        const bool respondent_ok = CheckRespondentFields(check, &p);
        if (respondent_ok && !prefix.empty()) {
          last_prefix_.assign(prefix);
          prefix_row_ = p;
          ++prefix_id_;
        } else {
          last_prefix_.clear();
          ++prefix_id_;
        }
        ok = CheckItemFields(check, &p) && respondent_ok;
      }
      if (ok) {
        const std::string_view key = check.Text(3);
        p.at = static_cast<uint64_t>(rec.raw.data() - src_.body.data());
        p.key_size = static_cast<uint8_t>(key.size());
        if (key.data() >= rec.raw.data() &&
            key.data() + key.size() <= rec.raw.data() + rec.raw.size()) {
          p.key_at = static_cast<uint32_t>(key.data() - rec.raw.data());
        } else {
          p.flags |= kKeyInChunk;
          p.key_at = static_cast<uint32_t>(out->keys.size());
          out->keys.append(key);
        }
        if (!out->rows.empty()) {
          const ParsedResponse& before = out->rows.back();
          if ((same_prefix && pushed_prefix_id_ == prefix_id_) ||
              (before.provider == p.provider && before.wave == p.wave &&
               out->Key(before, src_.body) == out->Key(p, src_.body))) {
            p.flags |= kSameRespondent;
          }
        }
        pushed_prefix_id_ = prefix_id_;
        out->rows.push_back(p);
      } else {
        ++out->rejected;
      }
    }
  }

 private:
  // The record's text from its start to just past the mode field (the
  // respondent fields provider_id to mode), when the file has the
  // standard column order and those fields are read from the text as it
  // is (not unquoted into the reader's scratch); else empty.
  std::string_view RespondentText(const CsvRecord& rec) const {
    if (!standard_layout_ || rec.fields.size() < 9) return {};
    const char* begin = rec.raw.data();
    const char* end = begin + rec.raw.size();
    for (size_t f = 0; f < 6; ++f) {
      const std::string_view v = rec.fields[f];
      if (v.data() < begin || v.data() + v.size() > end) return {};
    }
    const std::string_view mode = rec.fields[5];
    // One byte past the mode: its closing quote or the comma after it.
    const size_t n = static_cast<size_t>(mode.data() + mode.size() - begin) + 1;
    return n <= rec.raw.size() ? rec.raw.substr(0, n) : std::string_view();
  }

  // The columns: provider_id, wave, urn, respondent_key, collected_date,
  // mode, item_id, item_version, response. A row is checked in two parts;
  // every check of both runs, so a row gets a reject line for each problem.

  // The fields that say who answered, where, when and how (provider_id to
  // mode) and the checks between them; sets p's school (kNoIndex if not
  // known) and, when they all pass, its provider, wave, date and mode.
  bool CheckRespondentFields(RowCheck& check, ParsedResponse* p) {
    uint32_t provider = kNoIndex;
    if (check.RequiredPresent(0)) {
      if (check.Text(0) == provider_text_) {
        provider = provider_;
      } else {
        provider = providers_.Find(check.Text(0));
        if (provider != kNoIndex) {
          provider_text_ = std::string(check.Text(0));
          provider_ = provider;
        }
      }
      if (provider == kNoIndex) {
        check.Fail(0, "unknown_provider",
                   "the provider is not in voice_providers.csv or the store: only an accredited "
                   "provider may submit responses");
      }
    }
    std::optional<int16_t> wave;
    if (!check.Text(1).empty() && check.Text(1) == wave_text_) {
      wave = wave_;
    } else {
      wave = Wave(check, 1);
      if (wave) {
        wave_text_ = std::string(check.Text(1));
        wave_ = *wave;
      }
    }
    uint32_t school = kNoIndex;
    if (!check.Text(2).empty() && check.Text(2) == urn_text_) {
      school = school_;
    } else if (auto urn = check.Urn(2)) {
      school = ctx_.SchoolRow(*urn);
      if (school == kNoIndex) {
        check.Fail(2, "unknown_school", "no school with this URN in schools.csv or the store");
      } else {
        urn_text_ = std::string(check.Text(2));
        urn_ = *urn;
        school_ = school;
      }
    }
    const std::string_view key = check.Text(3);
    if (check.RequiredPresent(3)) {
      uint64_t packed = 0;
      if (key.size() > 64) {
        check.Fail(3, "respondent_key", "respondent_key is at most 64 characters");
      } else if (ParseUpn(key, &packed) == UpnProblem::kNone) {
        check.Fail(3, "not_upn",
                   "respondent_key must not be a UPN: pupil identifiers stay out of the "
                   "responses (link them in voice_linkage.csv)");
      }
    }
    std::optional<Date> collected;
    if (!check.Text(4).empty() && check.Text(4) == date_text_) {
      collected = date_;
    } else {
      collected = check.DateField(4);
      if (collected) {
        date_text_ = std::string(check.Text(4));
        date_ = *collected;
      }
    }
    auto mode = check.Code(5, VoiceModeCodes());
    if (wave && collected) {
      if (*wave != range_wave_) {  // the wave's first and last days, once per wave
        range_wave_ = *wave;
        wave_first_ = AcademicYear(*wave).FirstDay().days;
        wave_last_ = AcademicYear(*wave).LastDay().days;
      }
      if (collected->days < wave_first_ || collected->days > wave_last_) {
        check.Fail(
            4, "date",
            fmt::format("collected_date is outside the wave {}", AcademicYear(*wave).Label()));
      }
    }
    if (collected && ctx_.year && (collected->days < year_first_ || collected->days > year_last_)) {
      check.Fail(4, "date",
                 fmt::format("collected_date is outside the store's year {}: the roll on the "
                             "collection date must be in the store (one store per year)",
                             ctx_.year->Label()));
    }
    if (provider != kNoIndex && collected) {
      const int32_t from = s_.voice_providers.accredited_from[provider];
      const int32_t to = s_.voice_providers.accredited_to[provider];
      if (collected->days < from || collected->days > to) {
        check.Fail(0, "accreditation",
                   fmt::format("provider {} was not accredited on {} (accredited {} to {}): "
                               "responses are taken only from a provider accredited on the "
                               "collection date",
                               check.Text(0), FormatIsoDate(*collected), DateOrOpen(from),
                               DateOrOpen(to)));
      }
    }
    p->school = school;
    if (!check.ok()) return false;
    p->collected = collected->days;
    p->provider = static_cast<uint16_t>(provider);
    p->wave = *wave;
    p->mode = static_cast<uint8_t>(*mode);
    return true;
  }

  // item_id, item_version and response; sets p's item and category when
  // they pass (a local item is checked against p's school).
  bool CheckItemFields(RowCheck& check, ParsedResponse* p) {
    const uint32_t school = p->school;
    int item = -1;
    if (check.RequiredPresent(6) && check.RequiredPresent(7)) {
      const std::string_view id = check.Text(6);
      const std::string_view version_text = check.Text(7);
      int version = -1;
      if (std::from_chars(version_text.data(), version_text.data() + version_text.size(), version)
              .ptr != version_text.data() + version_text.size()) {
        version = -1;
      }
      // A respondent's items come in the order the one before answered
      // them: the item that followed this row's predecessor last time is
      // tried before the lookup.
      const int guess = item_after_[static_cast<size_t>(last_item_ + 1)];
      if (guess >= 0 && cat_.items()[static_cast<size_t>(guess)].version == version &&
          cat_.items()[static_cast<size_t>(guess)].id == id) {
        item = guess;
      } else if (auto it = items_by_id_.find(id); it != items_by_id_.end()) {
        for (int i : it->second) {
          if (cat_.items()[static_cast<size_t>(i)].version == version) item = i;
        }
      }
      item_after_[static_cast<size_t>(last_item_ + 1)] = item;
      last_item_ = item;
      if (item < 0) {
        check.Fail(6, "unknown_item",
                   fmt::format("{} version {} is not in the question bank (catalogue/"
                               "voice_items.csv or the store's local items)",
                               id, version_text));
      } else {
        const voice::VoiceItem& v = cat_.items()[static_cast<size_t>(item)];
        if (v.local && school != kNoIndex && v.owner != std::to_string(urn_)) {
          check.Fail(
              6, "local_item",
              fmt::format("{} is a local item of school {}, not of this school", v.id, v.owner));
        }
      }
    }
    int category = -1;
    if (item >= 0 && check.RequiredPresent(8)) {
      const voice::VoiceItem& it = cat_.items()[static_cast<size_t>(item)];
      category = cat_.FindCategory(it, check.Text(8));
      if (category < 0) {
        std::string codes;
        for (const auto& c : cat_.ScaleOf(it).categories)
          codes += (codes.empty() ? "" : ", ") + c.code;
        check.Fail(
            8, "unknown_category",
            fmt::format("not a response of scale {} (one of: {})", cat_.ScaleOf(it).id, codes));
      }
    }
    // (A failed respondent field fails the row too: check.ok() says so.)
    if (!check.ok() || item < 0 || category < 0) return false;
    p->item = static_cast<uint16_t>(item);
    p->category = static_cast<uint8_t>(category);
    return true;
  }

  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view t) const { return std::hash<std::string_view>{}(t); }
  };
  const IngestContext& ctx_;
  const InputSource& src_;
  const StoreState& s_;
  const voice::VoiceCatalogue& cat_;
  const ProviderIndex& providers_;
  std::unordered_map<std::string, std::vector<int>, TextHash, std::equal_to<>> items_by_id_;
  // The item that followed each item (index + 1; 0: none before) in the
  // last row read after it, and the last row's item (-1: none or unknown).
  std::vector<int> item_after_;
  int last_item_ = -1;
  // The columns are provider_id .. response in that order (RespondentText).
  bool standard_layout_ = false;
  // The respondent text of the last row whose respondent fields passed,
  // those fields as checked, a number for each such text met, and that
  // number for the last row kept.
  std::string last_prefix_;
  ParsedResponse prefix_row_;
  uint64_t prefix_id_ = 0, pushed_prefix_id_ = ~uint64_t{0};
  std::string provider_text_, wave_text_, urn_text_, date_text_;
  uint32_t provider_ = kNoIndex, school_ = kNoIndex;
  int32_t urn_ = 0;
  int16_t wave_ = 0;
  Date date_{0};
  int16_t range_wave_ = INT16_MIN;
  int32_t wave_first_ = 0, wave_last_ = 0, year_first_ = 0, year_last_ = 0;
};

}  // namespace

// Parsing and the row-alone checks run on every core, a group of chunks at
// a time; the checks that need earlier rows (the respondent's school, date
// and mode agree; an item answered once) and the appends to the store run
// in file order on one worker while the next group is parsed.
void IngestVoiceResponses(IngestContext& ctx, InputSource& src) {
  StoreState& s = ctx.state();
  const voice::VoiceCatalogue& cat = *ctx.voice_catalogue;
  ProviderIndex providers(s.voice_providers);
  VoiceRespondentTable& rt = s.voice_respondents;
  VoiceResponseTable& t = s.voice_responses;
  VoiceItemKeyTable& keys = s.voice_items;
  // Respondents by provider, wave and key; each respondent's stored
  // responses as a chain, with a mask of the first 64 stored items they
  // answered (so a new answer needs no walk of the chain).
  RespondentIndex respondent_of(rt);
  std::vector<uint32_t> first(rt.size(), kNoIndex), next(t.size(), kNoIndex);
  std::vector<uint64_t> mask(rt.size(), 0);
  for (size_t r = t.size(); r-- > 0;) {
    next[r] = first[t.respondent[r]];
    first[t.respondent[r]] = static_cast<uint32_t>(r);
    if (t.item[r] < 64) mask[t.respondent[r]] |= uint64_t{1} << t.item[r];
  }
  // The items each respondent answered in this file (stored or appended):
  // a second answer to one is a duplicate. A mask for the first 64 item
  // keys, a set for the others.
  const size_t stored_rows = t.size();
  std::vector<uint64_t> in_file(rt.size(), 0);
  std::unordered_set<uint64_t> in_file_beyond_64;
  auto answered_in_file = [&](uint32_t respondent, uint16_t item_key) {
    if (item_key < 64) {
      const uint64_t bit = uint64_t{1} << item_key;
      const bool before = (in_file[respondent] & bit) != 0;
      in_file[respondent] |= bit;
      return before;
    }
    return !in_file_beyond_64.insert(uint64_t{respondent} << 16 | item_key).second;
  };
  // Catalogue item -> stored item key, made as items are met.
  std::vector<int> key_of_item(cat.items().size(), -1);
  for (size_t k = 0; k < keys.size(); ++k) {
    const int i = cat.FindItem(keys.item_id[k], keys.version[k]);
    if (i >= 0) key_of_item[static_cast<size_t>(i)] = static_cast<int>(k);
  }
  bool changed_respondents = false, changed_responses = false, changed_keys = false;
  RejectList merge_rejects;
  std::vector<CsvChunk> chunks;  // the file's chunks (below)
  auto reject = [&](const ParsedResponse& p, std::string_view check, std::string reason) {
    // The row's line and text, read again from where it starts.
    auto c =
        std::upper_bound(chunks.begin(), chunks.end(), p.at, [&](uint64_t at, const CsvChunk& k) {
          return at < static_cast<uint64_t>(k.data.data() - src.body.data());
        });
    const CsvChunk& chunk = *(c - 1);
    const auto from = static_cast<uint64_t>(chunk.data.data() - src.body.data());
    const std::string_view rest = src.body.substr(p.at);
    CsvReader reader(
        rest, chunk.first_line + static_cast<uint64_t>(std::count(src.body.data() + from,
                                                                  src.body.data() + p.at, '\n')));
    CsvRecord rec;
    reader.Next(&rec);
    merge_rejects.Add(rec.line, "", "", check, std::move(reason), rec.raw);
    ++src.counts.rejected;
  };
  // The last respondent met: a respondent's rows come together. Whether
  // the row before in the chunk set it (only then does its kSameRespondent
  // say this row's respondent).
  uint32_t last_respondent = kNoIndex;
  bool last_is_row_before = false;
  auto merge = [&](const ParsedResponse& p, const ResponseChunk& chunk) {
    const bool same = last_is_row_before && (p.flags & kSameRespondent);
    last_is_row_before = false;
    uint32_t respondent = kNoIndex;
    uint64_t hash = 0;
    const std::string_view key = chunk.Key(p, src.body);
    if (same) {
      respondent = last_respondent;
    } else {
      hash = RespondentIndex::Hash(p.provider, p.wave, key);
      respondent = respondent_of.Find(p.provider, p.wave, key, hash);
    }
    if (respondent != kNoIndex) {
      if (rt.school[respondent] != p.school || rt.collected[respondent] != p.collected ||
          rt.mode[respondent] != p.mode) {
        reject(p, "inconsistent",
               "this respondent's school, collected_date or mode differs from an earlier "
               "row of the same respondent");
        return;
      }
    }
    // The stored item key.
    int k = key_of_item[p.item];
    if (k < 0) {
      if (keys.size() >= 65535) {
        reject(p, "limit", "the store holds 65535 items already");
        return;
      }
      k = static_cast<int>(keys.size());
      keys.item_id.push_back(cat.items()[p.item].id);
      keys.version.push_back(static_cast<uint16_t>(cat.items()[p.item].version));
      key_of_item[p.item] = k;
      changed_keys = true;
    }
    const auto item_key = static_cast<uint16_t>(k);
    if (respondent == kNoIndex) {
      respondent = static_cast<uint32_t>(rt.size());
      rt.key.emplace_back(key);
      rt.provider.push_back(p.provider);
      rt.wave.push_back(p.wave);
      rt.school.push_back(p.school);
      rt.collected.push_back(p.collected);
      rt.mode.push_back(p.mode);
      respondent_of.Insert(respondent, hash);
      first.push_back(kNoIndex);
      mask.push_back(0);
      in_file.push_back(0);
      changed_respondents = true;
    }
    last_respondent = respondent;
    last_is_row_before = true;
    // The response: new, the same, or a correction.
    if (answered_in_file(respondent, item_key)) {
      reject(p, "duplicate", "the same respondent and item appear earlier in this file");
      return;
    }
    uint32_t existing = kNoIndex;
    if (item_key >= 64 || (mask[respondent] >> item_key & 1)) {
      for (uint32_t r = first[respondent]; r != kNoIndex; r = next[r]) {
        if (t.item[r] == item_key) existing = r;
      }
    }
    if (existing != kNoIndex) {
      if (t.category[existing] == p.category) {
        ++src.counts.unchanged;
      } else {
        t.category[existing] = p.category;
        ++src.counts.updated;
        changed_responses = true;
        ctx.changed_rows[TableId::kVoiceResponses].push_back(existing);
      }
      return;
    }
    t.respondent.push_back(respondent);
    t.item.push_back(item_key);
    t.category.push_back(p.category);
    ++src.counts.inserted;
    changed_responses = true;
  };

  // Chunks of about 32 MB, parsed a group at a time (the parsed rows of a
  // national wave would not fit in memory at once).
  constexpr size_t kChunkBytes = size_t{32} << 20;
  const int threads = std::max(1, ctx.threads());
  const int n_chunks = std::max(threads, static_cast<int>(src.body.size() / kChunkBytes) + 1);
  chunks = SplitCsvChunks(src.body, src.body_first_line, n_chunks, /*min_bytes=*/1 << 20, threads);
  const ResponseRowParser parser_proto(ctx, src, providers);
  std::vector<ResponseRowParser> parsers(static_cast<size_t>(threads), parser_proto);
  const size_t group = static_cast<size_t>(threads) * 2;
  std::vector<ResponseChunk> ready, parsing;
  bool reserved = false;
  auto merge_group = [&](std::vector<ResponseChunk>& g) {
    for (ResponseChunk& c : g) {
      src.counts.rows += c.rows_read;
      src.counts.rejected += c.rejected;
      src.rejects.Append(std::move(c.rejects));
      last_is_row_before = false;  // a chunk's first row: looked up
      for (const ParsedResponse& p : c.rows) merge(p, c);
    }
  };
  for (size_t begin = 0; begin < chunks.size() || !ready.empty(); begin += group) {
    const size_t end = std::min(chunks.size(), begin + group);
    // Reuse the buffers of two groups ago (their pages are mapped already).
    parsing.resize(end > begin ? end - begin : 0);
    for (ResponseChunk& c : parsing) {
      c.rows.clear();
      c.keys.clear();
      c.rejects = RejectList();
      c.rows_read = c.rejected = 0;
    }
    // Task 0 merges the group parsed before (in file order); the others
    // parse this group's chunks, taken by whichever worker is free.
    ParallelFor(1 + parsing.size(), threads, 1, [&](size_t b, size_t e, int worker) {
      for (size_t k = b; k < e; ++k) {
        if (k == 0) {
          merge_group(ready);
        } else {
          parsers[static_cast<size_t>(worker)].Parse(chunks[begin + k - 1], &parsing[k - 1]);
        }
      }
    });
    if (!reserved && !parsing.empty()) {
      // Room for the whole file's responses, from the first group's rows per byte.
      size_t rows = 0, bytes = 0, respondents = 0;
      for (size_t k = 0; k < parsing.size(); ++k) {
        rows += parsing[k].rows.size();
        bytes += chunks[begin + k].data.size();
        // Respondents: a row whose key differs from the row before.
        for (const ParsedResponse& p : parsing[k].rows) respondents += !(p.flags & kSameRespondent);
      }
      if (bytes > 0) {
        const double scale =
            static_cast<double>(src.body.size()) / static_cast<double>(bytes) * 1.02;
        const auto expect = static_cast<size_t>(static_cast<double>(rows) * scale);
        const auto expect_respondents =
            static_cast<size_t>(static_cast<double>(respondents) * scale);
        respondent_of.Reserve(rt.size() + expect_respondents);
        rt.key.reserve(rt.size() + expect_respondents);
        t.respondent.reserve(t.size() + expect);
        t.item.reserve(t.size() + expect);
        t.category.reserve(t.size() + expect);
      }
      reserved = true;
    }
    std::swap(ready, parsing);
  }
  src.rejects.Append(std::move(merge_rejects));
  src.rejects.SortByLine();
  if (changed_respondents) ctx.changed_tables.insert(TableId::kVoiceRespondents);
  if (changed_keys) ctx.changed_tables.insert(TableId::kVoiceItems);
  if (changed_responses) ctx.changed_tables.insert(TableId::kVoiceResponses);
  // The changed rows list every row new or different: with a correction
  // listed, the rows appended are listed too (or the commit would write the
  // corrections alone as a delta and lose them).
  if (auto it = ctx.changed_rows.find(TableId::kVoiceResponses); it != ctx.changed_rows.end()) {
    for (size_t r = stored_rows; r < t.size(); ++r) it->second.push_back(static_cast<uint32_t>(r));
  }
}

void IngestVoiceLinkage(IngestContext& ctx, InputSource& src) {
  StoreState& s = ctx.state();
  ProviderIndex providers(s.voice_providers);
  const VoiceRespondentTable& rt = s.voice_respondents;
  VoiceLinkTable& t = s.voice_links;
  std::unordered_map<std::string, uint32_t> respondent_of;
  respondent_of.reserve(rt.size());
  for (size_t i = 0; i < rt.size(); ++i) {
    respondent_of[RespondentIndexKey(rt.provider[i], rt.wave[i], rt.key[i])] =
        static_cast<uint32_t>(i);
  }
  std::vector<uint32_t> link_of(rt.size(), kNoIndex);
  std::unordered_map<uint64_t, uint32_t> respondent_of_pupil;  // (wave, pupil) -> respondent
  for (size_t i = 0; i < t.size(); ++i) {
    link_of[t.respondent[i]] = static_cast<uint32_t>(i);
    respondent_of_pupil[uint64_t(uint16_t(rt.wave[t.respondent[i]])) << 32 | t.pupil[i]] =
        t.respondent[i];
  }
  std::vector<uint8_t> seen(t.size(), 0);
  bool changed = false;
  ForEachRow(src, [&](RowCheck& check) {
    uint32_t provider = kNoIndex;
    if (check.RequiredPresent(0)) {
      provider = providers.Find(check.Text(0));
      if (provider == kNoIndex) {
        check.Fail(0, "unknown_provider",
                   "the provider is not in voice_providers.csv or the store");
      }
    }
    auto wave = Wave(check, 1);
    check.RequiredPresent(2);
    uint32_t pupil = kNoIndex;
    if (auto upn = check.Upn(3)) {
      pupil = ctx.PupilRow(*upn);
      if (pupil == kNoIndex) {
        check.Fail(3, "unknown_pupil", "no pupil with this UPN in pupils.csv or the store");
      }
    }
    if (!check.ok()) return;
    auto found = respondent_of.find(RespondentIndexKey(provider, *wave, check.Text(2)));
    if (found == respondent_of.end()) {
      check.Fail(2, "unknown_respondent",
                 "no responses from this respondent key, provider and wave in voice_responses.csv "
                 "or the store");
      return;
    }
    const uint32_t respondent = found->second;
    if (ctx.EnrolmentOn(pupil, rt.school[respondent], rt.collected[respondent]) == kNoIndex) {
      check.FailRow("no_enrolment",
                    "the pupil was not on the roll of the respondent's school on the collection "
                    "date");
      return;
    }
    const uint64_t pupil_key = uint64_t(uint16_t(*wave)) << 32 | pupil;
    if (auto it = respondent_of_pupil.find(pupil_key);
        it != respondent_of_pupil.end() && it->second != respondent) {
      check.FailRow("duplicate", "this pupil is already linked to another respondent in this wave");
      return;
    }
    const uint32_t link = link_of[respondent];
    if (link != kNoIndex) {
      if (link < seen.size() && seen[link]) {
        check.FailRow("duplicate", "the same respondent appears earlier in this file");
        return;
      }
      if (link < seen.size()) seen[link] = 1;
      if (t.pupil[link] == pupil) {
        ++src.counts.unchanged;
      } else {
        respondent_of_pupil.erase(uint64_t(uint16_t(*wave)) << 32 | t.pupil[link]);
        t.pupil[link] = pupil;
        respondent_of_pupil[pupil_key] = respondent;
        ++src.counts.updated;
        changed = true;
      }
      return;
    }
    link_of[respondent] = static_cast<uint32_t>(t.size());
    t.respondent.push_back(respondent);
    t.pupil.push_back(pupil);
    seen.push_back(1);
    respondent_of_pupil[pupil_key] = respondent;
    ++src.counts.inserted;
    changed = true;
  });
  if (changed) ctx.changed_tables.insert(TableId::kVoiceLinks);
}

}  // namespace lantern
