// Similar schools: for each school, the k schools of the same phase nearest
// to it in context (docs/benchmarking.md). Context variables are
// standardised within the phase (mean 0, SD 1) and combined in a weighted
// Euclidean distance. A school missing some variables is compared on the
// variables both schools have, the sum rescaled by (total weight / shared
// weight); pairs sharing less than half the total weight are not neighbours.
// Ties in distance are broken by the order of the schools in the input, so
// the result is deterministic. The neighbour order is by distance in
// context; it is not a ranking of schools.
#ifndef LANTERN_SCORECARD_SIMILAR_SCHOOLS_H_
#define LANTERN_SCORECARD_SIMILAR_SCHOOLS_H_

#include <cstdint>
#include <vector>

#include "lantern/scorecard.h"

namespace lantern::scorecard {

// One phase's schools in structure-of-arrays form: value of variable d for
// school i at z[d * count + i] (0 where missing), present[d * count + i] in
// {0, 1}.
struct ContextMatrix {
  int dims = 0;
  size_t count = 0;
  std::vector<uint32_t> schools;  // input index of each row
  std::vector<float> z;
  std::vector<float> present;
  std::vector<float> weight;     // per variable
  std::vector<double> mean, sd;  // of the raw variable, for the docs and JSON
};

// Standardises raw[d][i] (NaN = missing) into a ContextMatrix. Variables with
// no spread are given weight 0.
ContextMatrix StandardiseContext(const std::vector<uint32_t>& schools,
                                 const std::vector<std::vector<double>>& raw,
                                 const std::vector<double>& weights);

// The k nearest rows of each row (excluding itself), nearest first;
// neighbours[i] lists input school indices. With `candidate` (per row), only
// rows marked 1 may be neighbours; with `key` (per row), rows with the same
// key as a school (the same URN) are not its neighbours.
std::vector<std::vector<Neighbour>> FindNearestNeighbours(
    const ContextMatrix& m, int k, int threads, const std::vector<uint8_t>* candidate = nullptr,
    const std::vector<int>* key = nullptr);

}  // namespace lantern::scorecard

#endif  // LANTERN_SCORECARD_SIMILAR_SCHOOLS_H_
