// The one aggregation: every measure of every family, summed from the fact
// grains (derive/facts.h) into every cell the engine publishes or compares:
//
//   geography   each school; each trust; each local authority where its
//               schools are and where its pupils live; each region (both
//               ways); England; user-defined places (both ways);
//   school type Total (the headline types, definitions.md 1.2) and each of
//               primary, secondary, special and pupil referral unit;
//   pupil group every category of every topic of aggregate/groups.h;
//
// for one period. Measures add up as their declarations say (Aggregation):
// sums, or distinct pupils counted once per school or once in every unit.
// A school reports under its own type only; nursery schools are outside
// the school types reported: they have school cells but add to no aggregate.
#ifndef LANTERN_AGGREGATE_CUBE_H_
#define LANTERN_AGGREGATE_CUBE_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/fill_array.h"
#include "derive/facts.h"
#include "lantern/status.h"
#include "model/geography.h"
#include "model/policy.h"
#include "store/store.h"

namespace lantern {

// School types reported (EES filter school_type). Index 0 is "Total": the
// headline types added together (definitions.md 1.2; PRUs per policy).
constexpr int kReportTypes = 5;  // Total, primary, secondary, special, PRU
constexpr int kTotalType = 0;
std::string_view ReportTypeLabel(int type);
// The report type of a school, or -1 for types outside the statistics.
int ReportTypeOf(SchoolType t);
// Whether a type's cells are part of the Total type.
bool InHeadlineTotal(int type, const Policy& policy);

// A geographic unit above the school.
struct AggregateUnit {
  GeographyRow geography;
  LocationBasis basis = LocationBasis::kSchool;
  int parent = -1;  // the unit whose cells these add up to (LA -> region -> England), or -1
  std::vector<int> members{};  // a place: the LA units (same basis) it adds up
};

// The measures asked of one grain (indices into its measures()).
struct GrainRequest {
  FactGrain* grain = nullptr;
  std::vector<int> measures;
};

struct CubeRequest {
  const StoreState* state = nullptr;
  const Policy* policy = nullptr;
  std::vector<GrainRequest> grains;
  std::vector<Place> places;
  int threads = 1;
};

class Cube {
 public:
  // Prepares each grain, scans it on every worker and adds its rows into
  // every cell. Fails when a grain refuses its measures.
  static Result<Cube> Build(const CubeRequest& request);
  Cube() = default;
  Cube(Cube&&) = default;
  Cube& operator=(Cube&&) = default;

  int categories() const { return categories_; }
  // The cube's measures: the grains' requested measures one after another.
  size_t measures() const { return measures_.size(); }
  const MeasureDecl& measure(size_t m) const { return *measures_[m]; }
  // The cube index of the m-th measure asked of grain g (in request order).
  size_t MeasureIndex(size_t grain, size_t m) const { return grain_offset_[grain] + m; }

  size_t schools() const { return school_type_.size(); }
  int school_type(size_t s) const { return school_type_[s]; }    // -1: in no aggregate
  int school_la(size_t s) const { return school_la_[s]; }        // its LA's unit
  int school_trust(size_t s) const { return school_trust_[s]; }  // its trust's unit, or -1
  const std::vector<AggregateUnit>& units() const { return units_; }

  // One school cell: the values of every measure for a school and category.
  void SchoolValues(size_t s, int category, int64_t* out) const;
  int64_t SchoolValue(size_t s, int category, size_t measure) const {
    const size_t at = SchoolIndex(s, category) + measure;
    return narrow_ ? school32_[at] : school64_[at];
  }
  // Whether any of `measures` is not zero in a school cell.
  bool SchoolCellAny(size_t s, int category, std::span<const int> measures) const {
    const size_t at = SchoolIndex(s, category);
    for (int m : measures) {
      if ((narrow_ ? school32_[at + static_cast<size_t>(m)]
                   : school64_[at + static_cast<size_t>(m)]) != 0) {
        return true;
      }
    }
    return false;
  }
  // One aggregate cell: [measures()] values.
  const int64_t* Aggregate(size_t unit, int type, int category) const {
    return &aggregate_[AggregateIndex(unit, type, category) * measures_.size()];
  }
  size_t AggregateIndex(size_t unit, int type, int category) const {
    return (unit * kReportTypes + static_cast<size_t>(type)) * static_cast<size_t>(categories_) +
           static_cast<size_t>(category);
  }
  // For each aggregate cell, how many schools have a non-zero value of
  // `measure` in it; -1 for cells by pupil residence (not a set of schools).
  std::vector<int32_t> SchoolsWith(size_t measure, const Policy& policy) const;
  // Whether the school cells are 32 bits wide (they are when no measure
  // could overflow them).
  bool narrow_school_cells() const { return narrow_; }

 private:
  friend class CubeBuilder;
  size_t SchoolIndex(size_t s, int category) const {
    return (s * static_cast<size_t>(categories_) + static_cast<size_t>(category)) *
           measures_.size();
  }
  int categories_ = 0;
  std::vector<const MeasureDecl*> measures_;
  std::vector<size_t> grain_offset_;
  bool narrow_ = true;
  FillArray<int32_t> school32_;  // [school][category][measure] when narrow
  FillArray<int64_t> school64_;  // otherwise
  std::vector<int> school_type_, school_la_, school_trust_;
  std::vector<AggregateUnit> units_;
  FillArray<int64_t> aggregate_;  // [unit][type][category][measure]
};

}  // namespace lantern

#endif  // LANTERN_AGGREGATE_CUBE_H_
