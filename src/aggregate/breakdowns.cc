#include "aggregate/breakdowns.h"

#include "model/codes.h"

namespace lantern {

namespace {
int YesNoCategory(uint8_t v) { return v ? 0 : 1; }

std::vector<std::string_view> YearGroupLabels() {
  std::vector<std::string_view> labels;
  for (int y = -2; y <= kYearGroupX; ++y) labels.push_back(YearGroupLabel(static_cast<YearGroup>(y)));
  return labels;
}

std::vector<BreakdownTopic> MakeTopics() {
  return {
      {"Total", {"Total"}, [](const PupilTable&, uint32_t) { return 0; }, 0},
      {"Sex", {"Female", "Male"}, [](const PupilTable& p, uint32_t i) { return int{p.sex[i]}; }, 1},
      {"FSM eligibility",
       {"FSM eligible", "Not FSM eligible"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.fsm[i]); }, 1},
      {"Disadvantage",
       {"Disadvantaged", "Not disadvantaged"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.disadvantaged[i]); }, 1},
      {"SEN provision",
       {"No SEN", "SEN support", "EHC plan"},
       [](const PupilTable& p, uint32_t i) { return int{p.sen_provision[i]}; }, 0},
      {"First language",
       {"Other than English", "English or not known"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.eal[i]); }, 1},
      {"Looked after",
       {"Looked after", "Not looked after"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.looked_after[i]); }, 1},
      // Year groups are about equal in size; any one will do.
      {"NC year group", YearGroupLabels(),
       [](const PupilTable& p, uint32_t i) { return p.year_group[i] + 2; }, 7 + 2},
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
  for (size_t t = 0; t < topics.size(); ++t) out[t] = offsets[t] + topics[t].category(pupils, pupil);
}

int ExplicitPupilCategories(const PupilTable& pupils, uint32_t pupil, int* out) {
  const auto& topics = PupilBreakdowns();
  const int* offsets = Offsets().data();
  int n = 0;
  out[n++] = 0;  // the total
  for (size_t t = 1; t < topics.size(); ++t) {
    const int c = topics[t].category(pupils, pupil);
    if (c != topics[t].usual) out[n++] = offsets[t] + c;
  }
  return n;
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
template void CompleteUsualCategories<int64_t>(int64_t*, int);

}  // namespace lantern
