// Pupil groups, declared once as data: every figure is given for all pupils
// and for each group of each topic (EES filters breakdown_topic /
// breakdown): sex, FSM eligibility, disadvantage, SEN provision, first
// language, looked after, national curriculum year. The cube, the
// publisher, the disclosure pass and the scorecard all read this one list;
// adding a topic (ethnicity, young carers) is one more entry in groups.cc,
// naming the pupil column it is read from and the group of each value.
//
// Categories are numbered across topics: category 0 is the total ("all
// pupils"); topic t's categories are [CategoryOffset(t), CategoryOffset(t+1)).
#ifndef LANTERN_AGGREGATE_GROUPS_H_
#define LANTERN_AGGREGATE_GROUPS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "store/tables.h"

namespace lantern {

struct GroupCategory {
  std::string_view id;       // snake_case, unique: "sen_support" (scorecard pupil_group)
  std::string_view label;    // the EES filter item: "SEN support"
  std::string_view display;  // for people, where it differs: "No identified SEN"
  std::string_view noun;     // "pupils with SEN support" (lines of enquiry)
  bool scorecard = false;    // the scorecard reports this group
};

struct GroupTopic {
  std::string_view label;  // the EES breakdown_topic: "SEN provision"
  std::vector<GroupCategory> categories;
  // The pupil column (one byte per pupil) a pupil's category is read from,
  // and the category (an index into categories) of each value; null for the
  // total.
  const uint8_t* (*column)(const PupilTable& pupils) = nullptr;
  int (*category_of)(uint8_t value) = nullptr;
  // The category most pupils are in. The cube adds a pupil to it only
  // implicitly: its cells are the topic's total less the topic's other
  // categories (CompleteUsualCategories), which saves most of the additions
  // for most pupils and gives the same sums.
  int usual = 0;
};

// Topic 0 is "Total" with the one category "Total" (id all_pupils).
const std::vector<GroupTopic>& GroupTopics();
int CategoryOffset(size_t topic);
int CategoryCount();
size_t TopicOfCategory(int category);
const GroupCategory& Category(int category);
// The category with this id, if any.
std::optional<int> FindCategory(std::string_view id);
// The categories the scorecard reports, total first, in catalogue order.
const std::vector<int>& ScorecardCategories();
constexpr int kTotalCategory = 0;
constexpr size_t kMaxTopics = 8;

// Each pupil's categories, packed into one 16-bit key per pupil when the
// reader is made (a parallel pass over the pupil columns), so the cube's
// inner loop reads one key and the key's list of categories instead of one
// byte and one lookup per topic. Explicit() lists the total and each topic's
// category unless it is the topic's usual one; All() lists every topic's.
class PupilGroupReader {
 public:
  explicit PupilGroupReader(const PupilTable& pupils, int threads = 1);
  std::span<const int16_t> Explicit(uint32_t pupil) const {
    const Groups& g = lists_[keys_[pupil]];
    return {g.explicit_cats.data(), g.n_explicit};
  }
  std::span<const int16_t> All(uint32_t pupil) const {
    const Groups& g = lists_[keys_[pupil]];
    return {g.all_cats.data(), GroupTopics().size()};
  }

 private:
  struct Groups {
    std::array<int16_t, kMaxTopics> explicit_cats;
    std::array<int16_t, kMaxTopics> all_cats;
    size_t n_explicit;
  };
  std::vector<uint16_t> keys_;
  std::vector<Groups> lists_;  // by key
};

// Fills each topic's usual category of one block of cells laid out as
// [category][measures]: the total less the topic's other categories.
template <typename T>
void CompleteUsualCategories(T* cells, int measures);

}  // namespace lantern

#endif  // LANTERN_AGGREGATE_GROUPS_H_
