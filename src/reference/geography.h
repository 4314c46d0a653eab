// England's local authorities and regions: the 3-digit old LA code, the
// 9-character GSS code (new_la_code), names, and the ONS region. Built from
// the geography columns of the Department's own EES files in the real-data
// folder (latest year wins for each old code), so it includes LAs that have
// since been reorganised (e.g. Dorset 835, Northamptonshire 928).
#ifndef LANTERN_REFERENCE_GEOGRAPHY_H_
#define LANTERN_REFERENCE_GEOGRAPHY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lantern/status.h"

namespace lantern {

struct LocalAuthority {
  int old_la_code = 0;      // 3-digit DfE code, e.g. 380
  std::string new_la_code;  // GSS code, e.g. E08000032
  std::string la_name;
  std::string region_code;  // E12000001..E12000009
  std::string region_name;
};

class Geography {
 public:
  static constexpr const char* kCountryCode = "E92000001";
  static constexpr const char* kCountryName = "England";

  void Add(LocalAuthority la);
  const LocalAuthority* Find(int old_la_code) const;
  const std::map<int, LocalAuthority>& all() const { return by_code_; }
  // Region code -> name, for every region that has an LA.
  std::map<std::string, std::string> Regions() const;
  size_t size() const { return by_code_.size(); }

 private:
  std::map<int, LocalAuthority> by_code_;
};

// Reads the LA lookup from the EES files under real_data_dir.
Result<Geography> LoadGeographyFromRealData(const std::string& real_data_dir);

}  // namespace lantern

#endif  // LANTERN_REFERENCE_GEOGRAPHY_H_
