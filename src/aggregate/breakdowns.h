// Pupil groups that every indicator is broken down by (EES filters
// breakdown_topic / breakdown): all pupils, sex, FSM, disadvantage, SEN
// provision, first language, looked after, and national curriculum year.
#ifndef LANTERN_AGGREGATE_BREAKDOWNS_H_
#define LANTERN_AGGREGATE_BREAKDOWNS_H_

#include <array>
#include <string_view>
#include <vector>

#include "store/tables.h"

namespace lantern {

struct BreakdownTopic {
  std::string_view topic;               // EES filter value, e.g. "SEN provision"
  std::vector<std::string_view> labels;  // one per category
  // The category of a pupil (an index into labels).
  int (*category)(const PupilTable& pupils, uint32_t pupil);
};

// Topic 0 is "Total" with the single category "Total".
const std::vector<BreakdownTopic>& PupilBreakdowns();

// Categories are numbered across topics: topic t's categories start at
// CategoryOffset(t); BreakdownCategoryCount() is the total.
int CategoryOffset(size_t topic);
int BreakdownCategoryCount();
// The topic a flat category number belongs to.
size_t TopicOfCategory(int category);
constexpr size_t kMaxTopics = 8;

// The category of a pupil in every topic, as flat category numbers.
void PupilCategories(const PupilTable& pupils, uint32_t pupil, int* out /* [topics] */);

}  // namespace lantern

#endif  // LANTERN_AGGREGATE_BREAKDOWNS_H_
