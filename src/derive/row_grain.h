// A grain whose rows are worked out when it is made: one (school, pupil)
// row with N small values each, given to the cube in school then pupil
// order (so a kDistinctPupilsAtSchool measure counts a pupil once at a
// school). The suspension, destination, employer and SEND placement grains
// are this shape; a grain fills rows_ in its constructor and calls Sort().
#ifndef LANTERN_DERIVE_ROW_GRAIN_H_
#define LANTERN_DERIVE_ROW_GRAIN_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "derive/facts.h"

namespace lantern {

// Rows with a `school` and a `pupil`, put in school then pupil order (the
// order the cube is given them in).
template <typename R>
void SortBySchoolThenPupil(std::vector<R>* rows) {
  std::stable_sort(rows->begin(), rows->end(), [](const R& a, const R& b) {
    return a.school != b.school ? a.school < b.school : a.pupil < b.pupil;
  });
}

// The most rows one school has, of rows in school order.
template <typename R>
uint64_t MostRowsAtOneSchool(const std::vector<R>& rows) {
  uint64_t most = 0;
  for (size_t i = 0, j = 0; i < rows.size(); i = j) {
    while (j < rows.size() && rows[j].school == rows[i].school) ++j;
    most = std::max<uint64_t>(most, j - i);
  }
  return most;
}

template <size_t N>
class RowGrain : public FactGrain {
 public:
  RowGrain(std::string_view name, std::span<const MeasureDecl> measures)
      : name_(name), measures_(measures) {}

  std::string_view name() const override { return name_; }
  std::span<const MeasureDecl> measures() const override { return measures_; }
  uint64_t max_rows_per_school() const override { return MostRowsAtOneSchool(rows_); }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    for (int m : wanted_) {
      if (m < 0 || m >= static_cast<int>(N)) {
        return Status::Internal(std::string(name_) + ": bad measure");
      }
    }
    return Status::Ok();
  }
  void Scan(const SchoolShare& share, FactSink* sink) const override {
    std::vector<int64_t> out(wanted_.size());
    for (const Row& r : rows_) {
      if (!share.owns(r.school)) continue;
      bool any = false;
      for (size_t k = 0; k < wanted_.size(); ++k) {
        out[k] = r.values[static_cast<size_t>(wanted_[k])];
        any = any || out[k] != 0;
      }
      if (any) sink->Add(r.school, r.pupil, out.data());
    }
  }

 protected:
  struct Row {
    uint32_t school, pupil;
    std::array<uint8_t, N> values{};
  };
  // Puts the rows in school, then pupil, order.
  void Sort() { SortBySchoolThenPupil(&rows_); }
  std::vector<Row> rows_;

 private:
  std::string_view name_;
  std::span<const MeasureDecl> measures_;
  std::vector<int> wanted_;
};

}  // namespace lantern

#endif  // LANTERN_DERIVE_ROW_GRAIN_H_
