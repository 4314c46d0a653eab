#include "aggregate/breakdowns.h"

#include <stdexcept>

#include "common/parallel.h"
#include "model/codes.h"

namespace lantern {

namespace {

std::vector<std::string_view> YearGroupLabels() {
  std::vector<std::string_view> labels;
  for (int y = -2; y <= kYearGroupX; ++y)
    labels.push_back(YearGroupLabel(static_cast<YearGroup>(y)));
  return labels;
}

int YesNoGroup(uint8_t v) { return v ? 0 : 1; }
int SameGroup(uint8_t v) { return int{v}; }
template <auto Member>
const uint8_t* Bytes(const PupilTable& p) {
  return reinterpret_cast<const uint8_t*>((p.*Member).data());
}

std::vector<BreakdownTopic> MakeTopics() {
  return {
      {"Total", {"Total"}, nullptr, nullptr, 0},
      {"Sex", {"Female", "Male"}, Bytes<&PupilTable::sex>, SameGroup, 1},
      {"FSM eligibility",
       {"FSM eligible", "Not FSM eligible"},
       Bytes<&PupilTable::fsm>,
       YesNoGroup,
       1},
      {"Disadvantage",
       {"Disadvantaged", "Not disadvantaged"},
       Bytes<&PupilTable::disadvantaged>,
       YesNoGroup,
       1},
      {"SEN provision",
       {"No SEN", "SEN support", "EHC plan"},
       Bytes<&PupilTable::sen_provision>,
       SameGroup,
       0},
      {"First language",
       {"Other than English", "English or not known"},
       Bytes<&PupilTable::eal>,
       YesNoGroup,
       1},
      {"Looked after",
       {"Looked after", "Not looked after"},
       Bytes<&PupilTable::looked_after>,
       YesNoGroup,
       1},
      // Year groups are about equal in size; any one will do.
      {"NC year group", YearGroupLabels(), Bytes<&PupilTable::year_group>,
       [](uint8_t v) { return static_cast<int8_t>(v) + 2; }, 7 + 2},
  };
}

std::vector<int> MakeOffsets() {
  std::vector<int> offsets;
  int n = 0;
  for (const auto& t : PupilBreakdowns()) {
    offsets.push_back(n);
    n += static_cast<int>(t.labels.size());
  }
  offsets.push_back(n);
  return offsets;
}
}  // namespace

const std::vector<BreakdownTopic>& PupilBreakdowns() {
  static const std::vector<BreakdownTopic> topics = MakeTopics();
  return topics;
}

static const std::vector<int>& Offsets() {
  static const std::vector<int> offsets = MakeOffsets();
  return offsets;
}

int CategoryOffset(size_t topic) { return Offsets()[topic]; }

int BreakdownCategoryCount() { return CategoryOffset(PupilBreakdowns().size()); }

size_t TopicOfCategory(int category) {
  size_t t = 0;
  while (t + 1 < PupilBreakdowns().size() && CategoryOffset(t + 1) <= category) ++t;
  return t;
}

void PupilCategories(const PupilTable& pupils, uint32_t pupil, int* out) {
  const auto& topics = PupilBreakdowns();
  const int* offsets = Offsets().data();
  for (size_t t = 0; t < topics.size(); ++t)
    out[t] = offsets[t] + topics[t].category(pupils, pupil);
}

PupilGroupReader::PupilGroupReader(const PupilTable& pupils, int threads) {
  const auto& topics = PupilBreakdowns();
  // Topic t's group g adds g x radix[t] to the key (mixed radix over the
  // topics' group counts). A value outside the topic's groups, which ingest
  // never stores, counts as the usual group.
  std::vector<const uint8_t*> columns;
  std::vector<std::array<uint16_t, 256>> part;
  std::vector<size_t> radix;
  size_t combinations = 1;
  for (size_t t = 1; t < topics.size(); ++t) {
    const size_t groups = topics[t].labels.size();
    std::array<uint16_t, 256> p{};
    for (int v = 0; v < 256; ++v) {
      int g = topics[t].group(static_cast<uint8_t>(v));
      if (g < 0 || static_cast<size_t>(g) >= groups) g = topics[t].usual;
      p[static_cast<size_t>(v)] = static_cast<uint16_t>(static_cast<size_t>(g) * combinations);
    }
    columns.push_back(topics[t].column(pupils));
    part.push_back(p);
    radix.push_back(combinations);
    combinations *= groups;
  }
  if (combinations > 65536)
    throw std::logic_error("pupil breakdowns have too many group combinations");
  lists_.resize(combinations);
  for (size_t key = 0; key < combinations; ++key) {
    Groups& g = lists_[key];
    g.n = 0;
    g.cats[g.n++] = 0;  // the total
    for (size_t t = 1; t < topics.size(); ++t) {
      const int group = static_cast<int>(key / radix[t - 1] % topics[t].labels.size());
      if (group != topics[t].usual) g.cats[g.n++] = static_cast<int16_t>(CategoryOffset(t) + group);
    }
  }
  keys_.resize(pupils.size());
  auto pack = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      uint16_t key = 0;
      for (size_t t = 0; t < columns.size(); ++t) key += part[t][columns[t][i]];
      keys_[i] = key;
    }
  };
  ParallelRanges(pupils.size(), threads, [&](size_t begin, size_t end, int) { pack(begin, end); });
}

template <typename T>
void CompleteUsualCategories(T* cells, int measures) {
  const auto& topics = PupilBreakdowns();
  const size_t m = static_cast<size_t>(measures);
  for (size_t t = 1; t < topics.size(); ++t) {
    T* usual = cells + static_cast<size_t>(CategoryOffset(t) + topics[t].usual) * m;
    for (size_t k = 0; k < m; ++k) usual[k] = cells[k];  // category 0 is the total
    for (int c = 0; c < static_cast<int>(topics[t].labels.size()); ++c) {
      if (c == topics[t].usual) continue;
      const T* other = cells + static_cast<size_t>(CategoryOffset(t) + c) * m;
      for (size_t k = 0; k < m; ++k) usual[k] -= other[k];
    }
  }
}
template void CompleteUsualCategories<int32_t>(int32_t*, int);
template void CompleteUsualCategories<int64_t>(int64_t*, int);

}  // namespace lantern
