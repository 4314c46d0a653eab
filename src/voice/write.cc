// The pupil voice files: voice.csv (distributions), voice_coverage.csv (who
// was heard, under-heard groups first) and voice_change.csv, each with its
// .meta.csv, in the Department's open-data layout (publish/ees_*), every
// figure through PublishedCell.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "common/csv_writer.h"
#include "common/parallel.h"
#include "publish/ees_geography.h"
#include "publish/ees_metadata.h"
#include "publish/published_cell.h"
#include "voice/report.h"

namespace lantern::voice {

namespace {

std::string Period(int16_t wave) { return fmt::format("{}{:02d}", wave, (wave + 1) % 100); }

std::string IsoOr(int32_t d) {
  return d == INT32_MAX || d == INT32_MIN ? std::string() : FormatIsoDate(Date{d});
}

// Where a unit sits in the files: England, regions, LAs, trusts, schools.
int LevelOrder(GeographicLevel l) {
  switch (l) {
    case GeographicLevel::kNational:
      return 0;
    case GeographicLevel::kRegional:
      return 1;
    case GeographicLevel::kLocalAuthority:
      return 2;
    case GeographicLevel::kMat:
      return 3;
    case GeographicLevel::kPlace:
      return 4;
    case GeographicLevel::kSchool:
      return 5;
  }
  return 6;
}

std::vector<uint32_t> UnitOrder(const VoiceReport& r) {
  std::vector<uint32_t> order(r.units.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const int la = LevelOrder(r.units[a].geography.level),
              lb = LevelOrder(r.units[b].geography.level);
    if (la != lb) return la < lb;
    return r.units[a].key < r.units[b].key;
  });
  return order;
}

void Cell(CsvWriter& w, const PublishedCell& c) { w.Raw(c.Text()); }

}  // namespace

Status WriteVoiceFiles(const VoiceReport& r, const VoiceCatalogue& cat, const std::string& out,
                       int threads) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", out, ec.message()));
  const auto& groups = VoiceGroups();
  const std::vector<uint32_t> order = UnitOrder(r);
  std::vector<uint32_t> rank(r.units.size());
  for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::map<std::tuple<uint32_t, int16_t, uint16_t>, const VoiceCoverage*> coverage;
  for (const auto& c : r.coverage) coverage[{c.unit, c.wave, c.group}] = &c;
  auto rate = [&](uint32_t unit, int16_t wave, uint16_t group) {
    auto it = coverage.find({unit, wave, group});
    if (it == coverage.end()) return PublishedCell::Symbol(GssSymbol::kNotAvailable);
    const VoiceCoverage& c = *it->second;
    if (c.roll_hidden || c.respondents_hidden) return PublishedCell::Symbol(GssSymbol::kSuppressed);
    return PublishedCell::Ratio(c.respondents, c.roll, 100, 1);
  };

  // voice.csv
  {
    std::vector<const VoiceDistribution*> ds;
    for (const auto& d : r.distributions) ds.push_back(&d);
    std::sort(ds.begin(), ds.end(), [&](const VoiceDistribution* a, const VoiceDistribution* b) {
      return std::make_tuple(a->wave, rank[a->unit], a->item, a->group) <
             std::make_tuple(b->wave, rank[b->unit], b->item, b->group);
    });
    LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(out + "/voice.csv"));
    for (auto c : EesGeographyColumns()) w->Field(c);
    for (const char* c : {"item_id", "item_version", "item_domain", "item_tier", "breakdown_topic",
                          "breakdown", "response", "response_label", "respondents", "percent",
                          "base_n", "group_response_rate", "withheld_reason"}) {
      w->Field(c);
    }
    w->EndRow();
    // Each unit's geography columns, formatted once for all its rows.
    std::map<int16_t, std::vector<std::string>> geography;
    for (const auto& d : r.distributions) geography[d.wave];
    for (auto& [wave, texts] : geography) {
      texts.resize(r.units.size());
      for (size_t u = 0; u < r.units.size(); ++u) {
        texts[u] = EesGeographyText(Period(wave), "Academic year", r.units[u].geography);
      }
    }
    // Distributions formatted on every worker, in blocks written in order.
    LANTERN_RETURN_IF_ERROR(WriteCsvInBlocks(
        ds.size(), 4096, threads,
        [&](size_t i, CsvWriter& csv) {
          const VoiceDistribution* d = ds[i];
          const VoiceItem& item = cat.items()[d->item];
          const VoiceScale& scale = cat.ScaleOf(item);
          const VoiceGroup& g = groups[d->group];
          const PublishedCell response_rate = rate(d->unit, d->wave, d->group);
          const std::string& geo = geography.at(d->wave)[d->unit];
          for (size_t c = 0; c < scale.categories.size(); ++c) {
            csv.Raw(geo);
            csv.Field(item.id)
                .Int(item.version)
                .Field(item.domain)
                .Field(item.local ? "local" : "core");
            csv.Field(g.topic)
                .Field(g.label)
                .Field(scale.categories[c].code)
                .Field(scale.categories[c].label);
            if (d->hidden[c]) {
              Cell(csv, PublishedCell::Symbol(GssSymbol::kSuppressed));
              Cell(csv, PublishedCell::Symbol(GssSymbol::kSuppressed));
            } else {
              Cell(csv, PublishedCell::Count(d->counts[c]));
              Cell(csv, d->base_hidden ? PublishedCell::Symbol(GssSymbol::kSuppressed)
                                       : PublishedCell::Ratio(d->counts[c], d->base, 100,
                                                              d->base < 100 ? 0 : 1));
            }
            Cell(csv, d->base_hidden ? PublishedCell::Symbol(GssSymbol::kSuppressed)
                                     : PublishedCell::Count(d->base));
            Cell(csv, response_rate);
            csv.Field(d->withheld);
            csv.EndRow();
          }
        },
        [&](std::string_view rows) {
          w->raw_writer().Write(rows);
          return Status::Ok();
        }));
    LANTERN_RETURN_IF_ERROR(w->Close());
    std::vector<EesColumnMeta> meta = {
        EesFilter("item_id", "Question (item id in catalogue/voice_items.csv)", "",
                  "belong_school"),
        EesFilter("item_version", "Item version (figures compare only within a version)", "", "1"),
        EesFilter("item_domain", "Domain of the question", "", "School"),
        EesFilter("item_tier", "core (the open bank) or local (one school's own item)", "", "core"),
        EesFilter("breakdown_topic", "Pupil characteristic", "", "Total"),
        EesFilter("breakdown", "Pupil group", "", "All pupils"),
        EesFilter("response", "Response category code (not answered and prefer not to say apart)",
                  "", "agree"),
        EesFilter("response_label", "Response category", "", "Agree"),
        EesIndicator("respondents", "Pupils giving this response (c: withheld)", "", 0),
        EesIndicator("percent", "Percentage of the base giving this response", "", 1, "%"),
        EesIndicator("base_n", "Pupils asked the question in this group (the base)", "", 0),
        EesIndicator("group_response_rate", "Response rate of this group (respondents / roll)", "",
                     1, "%"),
        EesFilter("withheld_reason", "Why the distribution is withheld (blank: shown)", "", "none"),
    };
    LANTERN_RETURN_IF_ERROR(WriteEesMetadata(out + "/voice.meta.csv", meta));
  }

  // voice_coverage.csv: within each unit and wave, under-heard groups first.
  {
    std::vector<const VoiceCoverage*> cs;
    for (const auto& c : r.coverage) cs.push_back(&c);
    std::sort(cs.begin(), cs.end(), [&](const VoiceCoverage* a, const VoiceCoverage* b) {
      return std::make_tuple(a->wave, rank[a->unit], !a->under_heard, a->group) <
             std::make_tuple(b->wave, rank[b->unit], !b->under_heard, b->group);
    });
    LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(out + "/voice_coverage.csv"));
    for (auto c : EesGeographyColumns()) w->Field(c);
    for (const char* c : {"breakdown_topic", "breakdown", "under_heard", "under_heard_reason",
                          "roll", "respondents", "response_rate", "overall_response_rate",
                          "collected_from", "collected_to", "modes", "providers"}) {
      w->Field(c);
    }
    w->EndRow();
    for (const VoiceCoverage* c : cs) {
      const VoiceGroup& g = groups[c->group];
      WriteEesGeography(*w, Period(c->wave), "Academic year", r.units[c->unit].geography);
      w->Field(g.topic).Field(g.label).Field(c->group == 0 ? "" : (c->under_heard ? "Y" : "N"));
      w->Field(c->under_heard_reason);
      const bool hide = c->roll_hidden || c->respondents_hidden;
      Cell(*w, c->roll_hidden ? PublishedCell::Symbol(GssSymbol::kSuppressed)
                              : PublishedCell::Count(c->roll));
      Cell(*w, c->respondents_hidden ? PublishedCell::Symbol(GssSymbol::kSuppressed)
                                     : PublishedCell::Count(c->respondents));
      Cell(*w, hide ? PublishedCell::Symbol(GssSymbol::kSuppressed)
                    : PublishedCell::Ratio(c->respondents, c->roll, 100, 1));
      Cell(*w, rate(c->unit, c->wave, 0));
      w->Field(IsoOr(c->first_date)).Field(IsoOr(c->last_date)).Field(c->modes).Field(c->providers);
      w->EndRow();
    }
    LANTERN_RETURN_IF_ERROR(w->Close());
    std::vector<EesColumnMeta> meta = {
        EesFilter("breakdown_topic", "Pupil characteristic", "", "Total"),
        EesFilter("breakdown", "Pupil group", "", "All pupils"),
        EesFilter(
            "under_heard",
            "Y: under-heard (rate below 0.8 of the overall rate, or too few to show); listed first",
            "", "N"),
        EesFilter("under_heard_reason", "Why the group is under-heard", "", "none"),
        EesIndicator("roll",
                     "Pupils on roll on the first collection day, in the year groups surveyed", "",
                     0),
        EesIndicator("respondents", "Pupils who took part", "", 0),
        EesIndicator("response_rate", "Respondents as a percentage of the roll", "", 1, "%"),
        EesIndicator("overall_response_rate", "All pupils' response rate in this school or area",
                     "", 1, "%"),
        EesFilter("collected_from", "First collection date", "", "none"),
        EesFilter("collected_to", "Last collection date", "", "none"),
        EesFilter("modes", "Modes of completion used (online, adult_supported, symbol, at_home)",
                  "", "online"),
        EesFilter("providers", "Accredited providers who collected the responses", "", "none"),
    };
    LANTERN_RETURN_IF_ERROR(WriteEesMetadata(out + "/voice_coverage.meta.csv", meta));
  }

  // voice_change.csv
  {
    std::vector<const VoiceChange*> cs;
    for (const auto& c : r.changes) cs.push_back(&c);
    std::sort(cs.begin(), cs.end(), [&](const VoiceChange* a, const VoiceChange* b) {
      return std::make_tuple(rank[a->unit], a->item, a->group) <
             std::make_tuple(rank[b->unit], b->item, b->group);
    });
    LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(out + "/voice_change.csv"));
    for (auto c : EesGeographyColumns()) w->Field(c);
    for (const char* c :
         {"item_id", "item_version", "positive_responses", "breakdown_topic", "breakdown",
          "previous_period", "previous_positive_percent", "current_positive_percent", "change_pp",
          "change_lower_pp", "change_upper_pp", "conclusion", "comparable", "note"}) {
      w->Field(c);
    }
    w->EndRow();
    for (const VoiceChange* c : cs) {
      const VoiceItem& item = cat.items()[c->item];
      const VoiceScale& scale = cat.ScaleOf(item);
      std::string positive;
      for (size_t k = 0; k < scale.categories.size(); ++k) {
        if (item.positive[k]) positive += (positive.empty() ? "" : ";") + scale.categories[k].code;
      }
      const VoiceGroup& g = groups[c->group];
      WriteEesGeography(*w, Period(c->current_wave), "Academic year", r.units[c->unit].geography);
      w->Field(item.id).Int(item.version).Field(positive).Field(g.topic).Field(g.label);
      w->Field(Period(c->previous_wave));
      const auto sup = PublishedCell::Symbol(GssSymbol::kSuppressed);
      const auto na = PublishedCell::Symbol(GssSymbol::kNotApplicable);
      Cell(*w, c->shown ? PublishedCell::Ratio(c->previous_positive, c->previous_answered, 100, 1)
                        : sup);
      Cell(*w,
           c->shown ? PublishedCell::Ratio(c->current_positive, c->current_answered, 100, 1) : sup);
      const bool diff = c->shown && c->comparable;
      Cell(*w, diff ? PublishedCell::Number(c->change, 1) : (c->shown ? na : sup));
      Cell(*w, diff ? PublishedCell::Number(c->lower, 1) : (c->shown ? na : sup));
      Cell(*w, diff ? PublishedCell::Number(c->upper, 1) : (c->shown ? na : sup));
      w->Field(c->conclusion).Field(c->comparable ? "Y" : "N").Field(c->reason);
      w->EndRow();
    }
    LANTERN_RETURN_IF_ERROR(w->Close());
    std::vector<EesColumnMeta> meta = {
        EesFilter("item_id", "Question (item id)", "", "belong_school"),
        EesFilter("item_version", "Item version this year", "", "1"),
        EesFilter("positive_responses", "The categories declared positive in the bank", "",
                  "agree;strongly_agree"),
        EesFilter("breakdown_topic", "Pupil characteristic", "", "Total"),
        EesFilter("breakdown", "Pupil group", "", "All pupils"),
        EesFilter("previous_period", "The wave compared with", "", "201718"),
        EesIndicator("previous_positive_percent",
                     "Share giving a positive response last year (of those who answered)", "", 1,
                     "%"),
        EesIndicator("current_positive_percent",
                     "Share giving a positive response this year (of those who answered)", "", 1,
                     "%"),
        EesIndicator("change_pp",
                     "This year minus last year, percentage points (z: not comparable)", "", 1,
                     "pp"),
        EesIndicator("change_lower_pp", "95% interval for the change, lower (Newcombe method 10)",
                     "", 1, "pp"),
        EesIndicator("change_upper_pp", "95% interval for the change, upper", "", 1, "pp"),
        EesFilter(
            "conclusion",
            "higher / lower than last year only when the interval excludes 0; else no clear change",
            "", "no clear change"),
        EesFilter("comparable", "Y: same item version, year groups and term of collection", "",
                  "Y"),
        EesFilter("note", "Why not comparable or withheld; a difference does not show a cause", "",
                  "none"),
    };
    LANTERN_RETURN_IF_ERROR(WriteEesMetadata(out + "/voice_change.meta.csv", meta));
  }
  return Status::Ok();
}

}  // namespace lantern::voice
