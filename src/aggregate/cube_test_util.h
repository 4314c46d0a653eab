// A small hand-made store and a fact grain of given rows, for the tests of
// the cube, the disclosure pass and the publisher.
#ifndef LANTERN_AGGREGATE_CUBE_TEST_UTIL_H_
#define LANTERN_AGGREGATE_CUBE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <tuple>
#include <vector>

#include "aggregate/cube.h"

namespace lantern::testing {

// Two LAs of one region; a trust with a primary and a secondary school in
// LA 805; a primary in LA 806; a nursery school in LA 805.
inline StoreState SmallStore() {
  StoreState s;
  s.year = AcademicYear(2018);
  for (auto [code, gss, name] : {std::tuple{int16_t{805}, "E06000001", "Hartlepool"},
                                 std::tuple{int16_t{806}, "E06000002", "Middlesbrough"}}) {
    s.local_authorities.old_la_code.push_back(code);
    s.local_authorities.new_la_code.push_back(gss);
    s.local_authorities.la_name.push_back(name);
    s.local_authorities.region_code.push_back("E12000001");
    s.local_authorities.region_name.push_back("North East");
  }
  s.trusts.trust_id = {"T1"};
  s.trusts.trust_name = {"Trust One"};
  s.trusts.trust_type.push_back(0);
  auto school = [&](int urn, int16_t la, SchoolPhaseCode phase, const char* trust) {
    s.schools.urn.push_back(urn);
    s.schools.la_code.push_back(la);
    s.schools.estab.push_back(static_cast<int16_t>(urn % 1000));
    s.schools.phase.push_back(static_cast<uint8_t>(phase));
    s.schools.name.push_back("School " + std::to_string(urn));
    s.schools.type.push_back("");
    s.schools.trust_id.push_back(trust);
    s.schools.postcode.push_back("");
    s.schools.open_date.push_back(kNoDate);
    s.schools.close_date.push_back(kNoDate);
  };
  school(100, 805, SchoolPhaseCode::kPrimary, "T1");
  school(101, 805, SchoolPhaseCode::kSecondary, "T1");
  school(102, 806, SchoolPhaseCode::kPrimary, "");
  school(103, 805, SchoolPhaseCode::kNursery, "");
  // p0 girl FSM lives in 805; p1 boy lives in 806; p2 boy SEN support lives
  // in 805; p3 girl lives in 805.
  auto pupil = [&](uint8_t sex, uint8_t fsm, uint8_t sen, int16_t home) {
    PupilTable& p = s.pupils;
    p.upn.push_back(p.upn.size() + 1);
    p.birth_date.push_back(0);
    p.sex.push_back(sex);
    p.fsm.push_back(fsm);
    p.disadvantaged.push_back(fsm);
    p.sen_provision.push_back(sen);
    p.sen_need.push_back(0);
    p.eal.push_back(0);
    p.looked_after.push_back(0);
    p.home_la.push_back(home);
    p.year_group.push_back(5);
    p.ethnicity.push_back(0);
    p.ks2_reading.push_back(0);
    p.ks2_maths.push_back(0);
  };
  pupil(0, 1, 0, 805);
  pupil(1, 0, 0, 806);
  pupil(1, 0, 1, 805);
  pupil(0, 0, 0, 805);
  return s;
}

// The same measures with a small bound on a row's sum (32-bit school cells)
// and a large one (64-bit).
constexpr MeasureDecl kNarrowMeasures[] = {
    {"test_sum", Quantity::kEvents, 1, Aggregation::kSum, 1, 10, "a sum"},
    {"test_at_school", Quantity::kPupils, 1, Aggregation::kDistinctPupilsAtSchool, 1, 1,
     "pupils, once per school"},
    {"test_pupils", Quantity::kPupils, 1, Aggregation::kDistinctPupils, 1, 1,
     "pupils, once in every unit"},
};
constexpr MeasureDecl kWideMeasures[] = {
    {"test_sum", Quantity::kEvents, 1, Aggregation::kSum, 1, int64_t{1} << 40, "a sum"},
    kNarrowMeasures[1],
    kNarrowMeasures[2],
};

struct TestRow {
  uint32_t school, pupil;
  int64_t value;
};

// Rows of one pupil at one school come together, as the grain contract asks.
class TestGrain : public FactGrain {
 public:
  TestGrain(std::vector<TestRow> rows, int64_t max_per_row)
      : rows_(std::move(rows)), max_(max_per_row) {}
  std::string_view name() const override { return "test"; }
  std::span<const MeasureDecl> measures() const override {
    return max_ > 10 ? std::span<const MeasureDecl>(kWideMeasures)
                     : std::span<const MeasureDecl>(kNarrowMeasures);
  }
  uint64_t max_rows_per_school() const override { return rows_.size(); }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    return Status::Ok();
  }
  void Scan(const SchoolShare& share, FactSink* sink) const override {
    for (const TestRow& r : rows_) {
      if (!share.owns(r.school)) continue;
      std::vector<int64_t> v;
      for (int m : wanted_) v.push_back(m == 0 ? r.value * (max_ / 10) : 1);
      sink->Add(r.school, r.pupil, v.data());
    }
  }

 private:
  std::vector<TestRow> rows_;
  int64_t max_;
  std::vector<int> wanted_;
};

// Thirty schools in the two LAs of SmallStore (a third of them in a trust),
// 400 pupils, and rows of 0 to 4 at a few schools each.
struct RandomCase {
  StoreState state;
  std::unique_ptr<TestGrain> grain;
};

inline RandomCase MakeCase(uint32_t seed) {
  RandomCase c;
  c.state = SmallStore();
  StoreState& s = c.state;
  std::mt19937 rng(seed);
  for (int i = 0; i < 26; ++i) {
    s.schools.urn.push_back(200 + i);
    s.schools.la_code.push_back(i % 3 == 0 ? 806 : 805);
    s.schools.estab.push_back(static_cast<int16_t>(i));
    s.schools.phase.push_back(
        static_cast<uint8_t>(i % 4 == 0 ? SchoolPhaseCode::kSecondary : SchoolPhaseCode::kPrimary));
    s.schools.name.push_back("S" + std::to_string(i));
    s.schools.type.push_back("");
    s.schools.trust_id.push_back(i % 3 == 1 ? "T1" : "");
    s.schools.postcode.push_back("");
    s.schools.open_date.push_back(kNoDate);
    s.schools.close_date.push_back(kNoDate);
  }
  PupilTable& p = s.pupils;
  while (p.size() < 400) {
    p.upn.push_back(p.size() + 1);
    p.birth_date.push_back(0);
    p.sex.push_back(static_cast<uint8_t>(rng() % 2));
    p.fsm.push_back(static_cast<uint8_t>(rng() % 5 == 0));
    p.disadvantaged.push_back(p.fsm.back());
    p.sen_provision.push_back(static_cast<uint8_t>(rng() % 7 == 0 ? 1 + rng() % 2 : 0));
    p.sen_need.push_back(0);
    p.eal.push_back(static_cast<uint8_t>(rng() % 6 == 0));
    p.looked_after.push_back(static_cast<uint8_t>(rng() % 40 == 0));
    p.home_la.push_back(rng() % 4 == 0 ? 806 : 805);
    p.year_group.push_back(static_cast<int8_t>(rng() % 7));
    p.ethnicity.push_back(0);
    p.ks2_reading.push_back(0);
    p.ks2_maths.push_back(0);
  }
  std::vector<TestRow> rows;
  for (uint32_t school = 0; school < s.schools.size(); ++school) {
    if (school == 3) continue;  // the nursery school
    for (uint32_t pupil = 0; pupil < p.size(); ++pupil) {
      if (rng() % 30 != 0) continue;
      rows.push_back({school, pupil, static_cast<int64_t>(rng() % 5)});
    }
  }
  c.grain = std::make_unique<TestGrain>(std::move(rows), 10);
  return c;
}

inline Cube BuildCube(const RandomCase& c, const Policy& policy) {
  CubeRequest r;
  r.state = &c.state;
  r.policy = &policy;
  r.grains = {{c.grain.get(), {0, 1}}};
  r.threads = 2;
  auto cube = Cube::Build(r);
  EXPECT_TRUE(cube.ok()) << cube.status().ToString();
  return std::move(cube).value();
}

}  // namespace lantern::testing

#endif  // LANTERN_AGGREGATE_CUBE_TEST_UTIL_H_
