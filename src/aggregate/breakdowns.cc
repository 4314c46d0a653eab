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
      {"Total", {"Total"}, [](const PupilTable&, uint32_t) { return 0; }},
      {"Sex", {"Female", "Male"}, [](const PupilTable& p, uint32_t i) { return int{p.sex[i]}; }},
      {"FSM eligibility",
       {"FSM eligible", "Not FSM eligible"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.fsm[i]); }},
      {"Disadvantage",
       {"Disadvantaged", "Not disadvantaged"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.disadvantaged[i]); }},
      {"SEN provision",
       {"No SEN", "SEN support", "EHC plan"},
       [](const PupilTable& p, uint32_t i) { return int{p.sen_provision[i]}; }},
      {"First language",
       {"Other than English", "English or not known"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.eal[i]); }},
      {"Looked after",
       {"Looked after", "Not looked after"},
       [](const PupilTable& p, uint32_t i) { return YesNoCategory(p.looked_after[i]); }},
      {"NC year group", YearGroupLabels(),
       [](const PupilTable& p, uint32_t i) { return p.year_group[i] + 2; }},
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

int CategoryOffset(size_t topic) {
  static const std::vector<int> offsets = MakeOffsets();
  return offsets[topic];
}

int BreakdownCategoryCount() { return CategoryOffset(PupilBreakdowns().size()); }

size_t TopicOfCategory(int category) {
  size_t t = 0;
  while (t + 1 < PupilBreakdowns().size() && CategoryOffset(t + 1) <= category) ++t;
  return t;
}

void PupilCategories(const PupilTable& pupils, uint32_t pupil, int* out) {
  const auto& topics = PupilBreakdowns();
  for (size_t t = 0; t < topics.size(); ++t) {
    out[t] = CategoryOffset(t) + topics[t].category(pupils, pupil);
  }
}

}  // namespace lantern
