// The cube against sums worked out by hand on a small store: every level,
// school type, pupil group, residence, distinct pupils and places.
#include "aggregate/cube.h"

#include <gtest/gtest.h>

#include "aggregate/cube_test_util.h"
#include "aggregate/groups.h"
#include "lantern/indicators.h"

namespace lantern {
namespace {

using testing::SmallStore;
using testing::TestGrain;
using testing::TestRow;

class CubeTest : public ::testing::TestWithParam<std::tuple<int, int64_t>> {
 protected:
  void SetUp() override {
    state_ = SmallStore();
    // p0 at 100 and 101 (one LA, one trust) and at 102 (another LA); p1 twice
    // at 100; p2 at 102; p3 at the nursery school.
    grain_ = std::make_unique<TestGrain>(
        std::vector<TestRow>{
            {0, 0, 1}, {0, 1, 1}, {0, 1, 1}, {1, 0, 2}, {2, 0, 1}, {2, 2, 5}, {3, 3, 4}},
        scale_ = std::get<1>(GetParam()));
    CubeRequest r;
    r.state = &state_;
    r.policy = &policy_;
    r.grains = {{grain_.get(), {0, 1, 2}}};
    r.places = {{"P1", "Tees Valley", {805, 806}}};
    r.threads = std::get<0>(GetParam());
    auto cube = Cube::Build(r);
    ASSERT_TRUE(cube.ok()) << cube.status().ToString();
    cube_ = std::move(cube).value();
  }
  // The unit with this level, basis and code (old_la_code, region or trust).
  int Unit(GeographicLevel level, LocationBasis basis, const std::string& code = "") const {
    for (size_t u = 0; u < cube_.units().size(); ++u) {
      const AggregateUnit& a = cube_.units()[u];
      if (a.geography.level != level || a.basis != basis) continue;
      if (code.empty() || a.geography.old_la_code == code || a.geography.trust_id == code ||
          a.geography.region_code == code || a.geography.place_code == code) {
        return static_cast<int>(u);
      }
    }
    return -1;
  }
  // {sum / scale, distinct at school, distinct pupils} of an aggregate cell.
  std::array<int64_t, 3> Agg(int unit, int type, const char* group = "all_pupils") const {
    EXPECT_GE(unit, 0);
    const int64_t* v = cube_.Aggregate(static_cast<size_t>(unit), type, *FindCategory(group));
    return {v[0] / (scale_ / 10), v[1], v[2]};
  }
  std::array<int64_t, 3> School(size_t s, const char* group = "all_pupils") const {
    const int c = *FindCategory(group);
    return {cube_.SchoolValue(s, c, 0) / (scale_ / 10), cube_.SchoolValue(s, c, 1),
            cube_.SchoolValue(s, c, 2)};
  }

  StoreState state_;
  Policy policy_;
  std::unique_ptr<TestGrain> grain_;
  int64_t scale_ = 10;
  Cube cube_;
};

using A = std::array<int64_t, 3>;
constexpr int kPrimary = 1, kSecondary = 2;

TEST_P(CubeTest, SchoolsCountEachPupilOnceThere) {
  EXPECT_EQ(cube_.narrow_school_cells(), scale_ == 10);
  EXPECT_EQ(School(0), (A{3, 2, 2}));  // p1's two rows: one pupil
  EXPECT_EQ(School(1), (A{2, 1, 1}));
  EXPECT_EQ(School(2), (A{6, 2, 2}));
  EXPECT_EQ(School(3), (A{4, 1, 1}));  // a nursery school has cells of its own
  EXPECT_EQ(School(0, "girls"), (A{1, 1, 1}));
  EXPECT_EQ(School(0, "boys"), (A{2, 1, 1}));  // the usual group: the total less the others
  EXPECT_EQ(School(2, "sen_support"), (A{5, 1, 1}));
  EXPECT_EQ(School(2, "no_sen"), (A{1, 1, 1}));
  EXPECT_EQ(School(0, "fsm"), (A{1, 1, 1}));
}

TEST_P(CubeTest, AreasAddSchoolsUpAndCountDistinctPupilsOnce) {
  const int la805 = Unit(GeographicLevel::kLocalAuthority, LocationBasis::kSchool, "805");
  const int la806 = Unit(GeographicLevel::kLocalAuthority, LocationBasis::kSchool, "806");
  const int trust = Unit(GeographicLevel::kMat, LocationBasis::kSchool, "T1");
  const int england = Unit(GeographicLevel::kNational, LocationBasis::kSchool);
  const int region = Unit(GeographicLevel::kRegional, LocationBasis::kSchool, "E12000001");
  // LA 805: schools 100 (primary) and 101 (secondary); p0 at both is one pupil.
  EXPECT_EQ(Agg(la805, kTotalType), (A{5, 3, 2}));
  EXPECT_EQ(Agg(la805, kPrimary), (A{3, 2, 2}));
  EXPECT_EQ(Agg(la805, kSecondary), (A{2, 1, 1}));
  EXPECT_EQ(Agg(trust, kTotalType), (A{5, 3, 2}));
  EXPECT_EQ(Agg(la806, kTotalType), (A{6, 2, 2}));
  // England: p0 at three schools, p1 and p2: three pupils, five pupil enrolments.
  EXPECT_EQ(Agg(england, kTotalType), (A{11, 5, 3}));
  EXPECT_EQ(Agg(england, kPrimary), (A{9, 4, 3}));
  EXPECT_EQ(Agg(region, kTotalType), (A{11, 5, 3}));
  EXPECT_EQ(Agg(england, kTotalType, "girls"), (A{4, 3, 1}));
  EXPECT_EQ(Agg(england, kTotalType, "boys"), (A{7, 2, 2}));
  // The nursery school adds to nothing.
  EXPECT_EQ(Agg(england, kTotalType, "all_pupils")[0], 11);
}

TEST_P(CubeTest, ResidenceCountsPupilsWhereTheyLive) {
  const int res805 = Unit(GeographicLevel::kLocalAuthority, LocationBasis::kResidence, "805");
  const int res806 = Unit(GeographicLevel::kLocalAuthority, LocationBasis::kResidence, "806");
  const int res_region = Unit(GeographicLevel::kRegional, LocationBasis::kResidence, "E12000001");
  // Living in 805: p0 (rows 1 + 2 + 1) and p2 (5); p3's nursery school is in no area.
  EXPECT_EQ(Agg(res805, kTotalType), (A{9, 4, 2}));
  EXPECT_EQ(Agg(res806, kTotalType), (A{2, 1, 1}));  // p1, twice at one school
  EXPECT_EQ(Agg(res_region, kTotalType), (A{11, 5, 3}));
}

TEST_P(CubeTest, PlacesAddTheirLasAndCountAPupilOnce) {
  const int place = Unit(GeographicLevel::kPlace, LocationBasis::kSchool, "P1");
  const int place_res = Unit(GeographicLevel::kPlace, LocationBasis::kResidence, "P1");
  ASSERT_GE(place, 0);
  EXPECT_EQ(cube_.units()[static_cast<size_t>(place)].geography.place_name, "Tees Valley");
  EXPECT_EQ(Agg(place, kTotalType), (A{11, 5, 3}));  // p0 in both LAs: once
  EXPECT_EQ(Agg(place, kPrimary), (A{9, 4, 3}));
  EXPECT_EQ(Agg(place_res, kTotalType), (A{11, 5, 3}));
}

TEST_P(CubeTest, SchoolsWithCountsSchoolsNotPupils) {
  const auto n = cube_.SchoolsWith(0, policy_);
  const int la805 = Unit(GeographicLevel::kLocalAuthority, LocationBasis::kSchool, "805");
  const int england = Unit(GeographicLevel::kNational, LocationBasis::kSchool);
  const int res805 = Unit(GeographicLevel::kLocalAuthority, LocationBasis::kResidence, "805");
  EXPECT_EQ(n[cube_.AggregateIndex(static_cast<size_t>(la805), kTotalType, 0)], 2);
  EXPECT_EQ(n[cube_.AggregateIndex(static_cast<size_t>(england), kTotalType, 0)], 3);
  EXPECT_EQ(n[cube_.AggregateIndex(static_cast<size_t>(res805), kTotalType, 0)], -1);
}

// One and two workers; school cells of 32 bits, and 64 bits when a row's
// values could overflow them.
INSTANTIATE_TEST_SUITE_P(WorkersAndWidths, CubeTest,
                         ::testing::Combine(::testing::Values(1, 2),
                                            ::testing::Values(int64_t{10}, int64_t{10} << 36)));

}  // namespace
}  // namespace lantern
