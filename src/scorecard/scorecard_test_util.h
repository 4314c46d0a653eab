// Small hand-made scorecard inputs for the scorecard tests.
#ifndef LANTERN_SCORECARD_SCORECARD_TEST_UTIL_H_
#define LANTERN_SCORECARD_SCORECARD_TEST_UTIL_H_

#include <string>
#include <vector>

#include "lantern/scorecard.h"

namespace lantern::scorecard::testing {

inline uint16_t Ind(const char* id) {
  auto i = ScorecardIndicatorIndex(id);
  EXPECT_TRUE(i.ok()) << id;
  return i.ok() ? *i : 0;
}

class InputBuilder {
 public:
  InputBuilder() {
    in_.mode = "test";
    in_.time_period = "201819";
    in_.sources = "hand-made test data";
    in_.local_authorities.push_back({100, "E06000001", "Testshire", "E12000001", "North East"});
    in_.local_authorities.push_back({200, "E06000002", "Otherton", "E12000001", "North East"});
  }
  uint32_t School(int urn, ScorecardPhase phase = ScorecardPhase::kSecondary, int la = 100) {
    ScorecardSchool s;
    s.urn = urn;
    s.name = "School " + std::to_string(urn);
    s.la_code = la;
    s.laestab = std::to_string(la) + "4000";
    s.phase = phase;
    in_.schools.push_back(s);
    return static_cast<uint32_t>(in_.schools.size() - 1);
  }
  IndicatorObservation& Add(uint32_t school, const char* id, PupilGroup g = kAllPupils) {
    IndicatorObservation o;
    o.school = school;
    o.indicator = Ind(id);
    o.group = g;
    in_.observations.push_back(o);
    return in_.observations.back();
  }
  // The observation, until the next is added.
  IndicatorObservation& Proportion(uint32_t school, const char* id, double num, double den,
                                   PupilGroup g = kAllPupils) {
    auto& o = Add(school, id, g);
    o.numerator = num;
    o.denominator = den;
    return o;
  }
  void Mean(uint32_t school, const char* id, double mean, double sd, double n) {
    auto& o = Add(school, id);
    o.mean = mean;
    o.sd = static_cast<float>(sd);
    o.denominator = n;
  }
  void Count(uint32_t school, const char* id, double count) { Add(school, id).numerator = count; }
  // A typical context: size and the four shares used for similarity.
  void Context(uint32_t school, double pupils, double sen, double ehcp, double dis, double eal) {
    Count(school, "pupils_on_roll", pupils);
    Proportion(school, "sen_support_percent", sen / 100 * pupils, pupils);
    Proportion(school, "ehcp_percent", ehcp / 100 * pupils, pupils);
    Proportion(school, "disadvantaged_percent", dis / 100 * pupils, pupils);
    Proportion(school, "eal_percent", eal / 100 * pupils, pupils);
  }
  ScorecardInput& input() { return in_; }

 private:
  ScorecardInput in_;
};

// The cell of a school for an indicator and group, or nullptr.
inline const ScorecardCell* FindCell(const std::vector<ScorecardCell>& cells, const char* id,
                                     PupilGroup g = kAllPupils) {
  for (const auto& c : cells) {
    if (c.indicator == Ind(id) && c.group == g) return &c;
  }
  return nullptr;
}

// A copy of a school's cell (ScoreSchool returns a fresh vector each time).
inline ScorecardCell CellOf(const Scorecard& sc, uint32_t school, const char* id,
                            PupilGroup g = kAllPupils) {
  const auto cells = sc.ScoreSchool(school);
  const ScorecardCell* c = FindCell(cells, id, g);
  return c != nullptr ? *c : ScorecardCell{};
}

}  // namespace lantern::scorecard::testing

#endif  // LANTERN_SCORECARD_SCORECARD_TEST_UTIL_H_
