// Pupil groups that every indicator is broken down by (EES filters
// breakdown_topic / breakdown): all pupils, sex, FSM, disadvantage, SEN
// provision, first language, looked after, and national curriculum year.
#ifndef LANTERN_AGGREGATE_BREAKDOWNS_H_
#define LANTERN_AGGREGATE_BREAKDOWNS_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "store/tables.h"

namespace lantern {

struct BreakdownTopic {
  std::string_view topic;                // EES filter value, e.g. "SEN provision"
  std::vector<std::string_view> labels;  // one per category
  // The pupil column a pupil's group is read from (one byte per pupil; null
  // for the total), and the group (an index into labels) of each value.
  const uint8_t* (*column)(const PupilTable& pupils);
  int (*group)(uint8_t value);
  // The category most pupils are in (an index into labels). Aggregation adds
  // a pupil to it only implicitly: its cells are the topic's total less the
  // topic's other categories (CompleteUsualCategories), which saves most of
  // the additions for most pupils and gives the same sums.
  int usual = 0;

  // The category of a pupil (an index into labels).
  int category(const PupilTable& pupils, uint32_t pupil) const {
    return column == nullptr ? 0 : group(column(pupils)[pupil]);
  }
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

// The flat categories a pupil's values are added to explicitly: the total,
// and each other topic's category unless it is that topic's usual one. Every
// pupil's groups are packed into one number when the reader is made (a
// parallel pass over the pupil columns), so the aggregation's inner loop
// reads one 16-bit key per pupil and the key's list of categories, instead
// of one byte and one table lookup per topic.
class PupilGroupReader {
 public:
  PupilGroupReader(const PupilTable& pupils, int threads = 1);
  std::span<const int16_t> Explicit(uint32_t pupil) const {
    const Groups& g = lists_[keys_[pupil]];
    return {g.cats.data(), g.n};
  }

 private:
  struct Groups {
    std::array<int16_t, kMaxTopics> cats;
    size_t n;
  };
  std::vector<uint16_t> keys_;
  std::vector<Groups> lists_;  // by key
};

// Fills each topic's usual category of one block of cells laid out as
// [category][measures]: the total less the topic's other categories.
template <typename T>
void CompleteUsualCategories(T* cells, int measures);

}  // namespace lantern

#endif  // LANTERN_AGGREGATE_BREAKDOWNS_H_
