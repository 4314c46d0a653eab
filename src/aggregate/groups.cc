#include "aggregate/groups.h"

#include <cstdlib>

#include "common/parallel.h"
#include "lantern/indicators.h"
#include "model/codes.h"

namespace lantern {

namespace {

int YesFirst(uint8_t v) { return v ? 0 : 1; }
int AsIs(uint8_t v) { return int{v}; }
template <auto Member>
const uint8_t* Bytes(const PupilTable& p) {
  return reinterpret_cast<const uint8_t*>((p.*Member).data());
}

std::vector<GroupCategory> YearGroupCategories() {
  // Ids as the codes are written (year_n1, year_r, year_7, year_x).
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (int y = -2; y <= kYearGroupX; ++y) {
      std::string code(YearGroupCode(static_cast<YearGroup>(y)));
      for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      v.push_back("year_" + code);
    }
    return v;
  }();
  std::vector<GroupCategory> cats;
  for (int y = -2; y <= kYearGroupX; ++y) {
    const std::string_view label = YearGroupLabel(static_cast<YearGroup>(y));
    cats.push_back({ids[static_cast<size_t>(y + 2)], label, label, label, false});
  }
  return cats;
}

// The declarations. Labels are the Department's filter items; ids are
// Lantern's (the scorecard's pupil_group column).
std::vector<GroupTopic> MakeTopics() {
  using C = GroupCategory;
  return {
      {"Total", {C{"all_pupils", "Total", "All pupils", "pupils", true}}, nullptr, nullptr, 0},
      {"Sex",
       {C{"girls", "Female", "Girls", "girls", true}, C{"boys", "Male", "Boys", "boys", true}},
       Bytes<&PupilTable::sex>,
       AsIs,
       1},
      {"FSM eligibility",
       {C{"fsm", "FSM eligible", "FSM eligible", "pupils eligible for free school meals", true},
        C{"not_fsm", "Not FSM eligible", "Not FSM eligible",
          "pupils not eligible for free school meals", true}},
       Bytes<&PupilTable::fsm>,
       YesFirst,
       1},
      {"Disadvantage",
       {C{"disadvantaged", "Disadvantaged", "Disadvantaged", "disadvantaged pupils", true},
        C{"not_disadvantaged", "Not disadvantaged", "Not disadvantaged",
          "pupils who are not disadvantaged", true}},
       Bytes<&PupilTable::disadvantaged>,
       YesFirst,
       1},
      {"SEN provision",
       {C{"no_sen", "No SEN", "No identified SEN", "pupils with no identified SEN", true},
        C{"sen_support", "SEN support", "SEN support", "pupils with SEN support", true},
        C{"ehcp", "EHC plan", "EHC plan", "pupils with EHC plans", true}},
       Bytes<&PupilTable::sen_provision>,
       AsIs,
       0},
      {"First language",
       {C{"eal", "Other than English", "English as an additional language",
          "pupils with English as an additional language", true},
        C{"not_eal", "English or not known", "English or not known",
          "pupils whose first language is English or not known", false}},
       Bytes<&PupilTable::eal>,
       YesFirst,
       1},
      {"Looked after",
       {C{"looked_after", "Looked after", "Looked after", "looked-after pupils", true},
        C{"not_looked_after", "Not looked after", "Not looked after",
          "pupils who are not looked after", false}},
       Bytes<&PupilTable::looked_after>,
       YesFirst,
       1},
      // Year groups are about equal in size; any one will do as the usual.
      {"NC year group", YearGroupCategories(), Bytes<&PupilTable::year_group>,
       [](uint8_t v) { return static_cast<int8_t>(v) + 2; }, 7 + 2},
  };
}

struct Index {
  std::vector<GroupTopic> topics = MakeTopics();
  std::vector<int> offsets;
  std::vector<const GroupCategory*> categories;
  std::vector<size_t> topic_of;
  std::vector<int> scorecard;
  Index() {
    for (size_t t = 0; t < topics.size(); ++t) {
      offsets.push_back(static_cast<int>(categories.size()));
      for (const GroupCategory& c : topics[t].categories) {
        if (c.scorecard) scorecard.push_back(static_cast<int>(categories.size()));
        categories.push_back(&c);
        topic_of.push_back(t);
      }
    }
    offsets.push_back(static_cast<int>(categories.size()));
  }
};

const Index& TheIndex() {
  static const Index index;
  return index;
}

}  // namespace

const std::vector<GroupTopic>& GroupTopics() { return TheIndex().topics; }
int CategoryOffset(size_t topic) { return TheIndex().offsets[topic]; }
int CategoryCount() { return TheIndex().offsets.back(); }
size_t TopicOfCategory(int category) { return TheIndex().topic_of[static_cast<size_t>(category)]; }
const GroupCategory& Category(int category) {
  return *TheIndex().categories[static_cast<size_t>(category)];
}
std::optional<int> FindCategory(std::string_view id) {
  const auto& cats = TheIndex().categories;
  for (size_t c = 0; c < cats.size(); ++c) {
    if (cats[c]->id == id) return static_cast<int>(c);
  }
  return std::nullopt;
}
const std::vector<int>& ScorecardCategories() { return TheIndex().scorecard; }

PupilGroupReader::PupilGroupReader(const PupilTable& pupils, int threads) {
  const auto& topics = GroupTopics();
  // Topic t's category g adds g x radix[t] to the key (mixed radix over the
  // topics' category counts). A value outside the topic's categories, which
  // ingest never stores, counts as the usual category.
  std::vector<const uint8_t*> columns;
  std::vector<std::array<uint16_t, 256>> part;
  std::vector<size_t> radix;
  size_t combinations = 1;
  for (size_t t = 1; t < topics.size(); ++t) {
    const size_t groups = topics[t].categories.size();
    std::array<uint16_t, 256> p{};
    for (int v = 0; v < 256; ++v) {
      int g = topics[t].category_of(static_cast<uint8_t>(v));
      if (g < 0 || static_cast<size_t>(g) >= groups) g = topics[t].usual;
      p[static_cast<size_t>(v)] = static_cast<uint16_t>(static_cast<size_t>(g) * combinations);
    }
    columns.push_back(topics[t].column(pupils));
    part.push_back(p);
    radix.push_back(combinations);
    combinations *= groups;
  }
  // The declarations are fixed; groups_test.cc checks they fit a 16-bit key.
  if (combinations > 65536) std::abort();
  lists_.resize(combinations);
  for (size_t key = 0; key < combinations; ++key) {
    Groups& g = lists_[key];
    g.n_explicit = 0;
    g.explicit_cats[g.n_explicit++] = kTotalCategory;
    g.all_cats[0] = kTotalCategory;
    for (size_t t = 1; t < topics.size(); ++t) {
      const int group = static_cast<int>(key / radix[t - 1] % topics[t].categories.size());
      const auto cat = static_cast<int16_t>(CategoryOffset(t) + group);
      g.all_cats[t] = cat;
      if (group != topics[t].usual) g.explicit_cats[g.n_explicit++] = cat;
    }
  }
  keys_.resize(pupils.size());
  ParallelRanges(pupils.size(), threads, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) {
      uint16_t key = 0;
      for (size_t t = 0; t < columns.size(); ++t) key += part[t][columns[t][i]];
      keys_[i] = key;
    }
  });
}

template <typename T>
void CompleteUsualCategories(T* cells, int measures) {
  const auto& topics = GroupTopics();
  const size_t m = static_cast<size_t>(measures);
  for (size_t t = 1; t < topics.size(); ++t) {
    T* usual = cells + static_cast<size_t>(CategoryOffset(t) + topics[t].usual) * m;
    for (size_t k = 0; k < m; ++k) usual[k] = cells[k];  // category 0 is the total
    for (int c = 0; c < static_cast<int>(topics[t].categories.size()); ++c) {
      if (c == topics[t].usual) continue;
      const T* other = cells + static_cast<size_t>(CategoryOffset(t) + c) * m;
      for (size_t k = 0; k < m; ++k) usual[k] -= other[k];
    }
  }
}
template void CompleteUsualCategories<int32_t>(int32_t*, int);
template void CompleteUsualCategories<int64_t>(int64_t*, int);

std::string_view PupilGroupId(PupilGroup g) { return Category(g.category).id; }
std::string_view PupilGroupLabel(PupilGroup g) { return Category(g.category).display; }
std::string_view PupilGroupNoun(PupilGroup g) { return Category(g.category).noun; }
std::optional<PupilGroup> FindPupilGroup(std::string_view id) {
  auto c = FindCategory(id);
  if (!c) return std::nullopt;
  return PupilGroup{static_cast<uint16_t>(*c)};
}
const std::vector<PupilGroup>& ScorecardPupilGroups() {
  static const std::vector<PupilGroup> groups = [] {
    std::vector<PupilGroup> g;
    for (int c : ScorecardCategories()) g.push_back({static_cast<uint16_t>(c)});
    return g;
  }();
  return groups;
}
std::optional<PupilGroup> ComparisonGroup(PupilGroup g) {
  if (g.category == kTotalCategory) return std::nullopt;
  const size_t t = TopicOfCategory(g.category);
  const int usual = CategoryOffset(t) + GroupTopics()[t].usual;
  if (usual == g.category || !Category(usual).scorecard) return std::nullopt;
  return PupilGroup{static_cast<uint16_t>(usual)};
}

}  // namespace lantern
