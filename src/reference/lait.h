// Local-authority indicators from the Department's Local Authority
// Interactive Tool (LAIT): one value per measure x year x area, with England
// (area 970) and regions. Year labels differ between measures ("2019",
// "2018/19", "2018-19 (OT)"), so lookups take an academic year and try each
// form. Values published as symbols ("-", "NA", "x", "c") are no value.
#ifndef LANTERN_REFERENCE_LAIT_H_
#define LANTERN_REFERENCE_LAIT_H_

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/date.h"
#include "lantern/status.h"

namespace lantern {

class LaitIndicators {
 public:
  static constexpr int kEngland = 970;

  // Loads the full LAIT file (bds_long_full.csv.gz), keeping only `measures`
  // (all measures when empty).
  static Result<LaitIndicators> Load(const std::string& real_data_dir,
                                     const std::vector<std::string>& measures = {});

  // The value for an area in the academic year; for measures labelled by a
  // single year ("2019"), that is the year in which the academic year ends.
  std::optional<double> Get(const std::string& measure, int area, AcademicYear year) const;
  // Every area code that has a value for the measure and year.
  std::vector<int> Areas(const std::string& measure, AcademicYear year) const;
  std::string AreaName(int area) const;
  size_t size() const { return values_.size(); }

 private:
  // (measure, year label, area) -> value
  std::map<std::tuple<std::string, std::string, int>, double> values_;
  std::map<int, std::string> area_names_;
  std::optional<std::string> FindYearLabel(const std::string& measure, AcademicYear year) const;
  std::map<std::string, std::vector<std::string>> labels_;  // measure -> year labels
};

}  // namespace lantern

#endif  // LANTERN_REFERENCE_LAIT_H_
