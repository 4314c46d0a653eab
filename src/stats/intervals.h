// Confidence intervals for the scorecard's school figures (definitions.md 8.4
// and docs/scorecard.md):
//   proportions   Wilson score interval;
//   rates         exact Poisson interval for the count of events (Garwood);
//   means         normal interval with a pupil-level standard deviation
//                 (for Progress 8 the national SD, definitions.md 3.7);
//   differences   Newcombe's hybrid score interval for two proportions
//                 (method 10); MOVER from each side's own interval for
//                 any other two estimates (a session rate's clustered
//                 interval, a rate's exact Poisson one); normal for means.
// Levels are central coverage (0.95). A zero denominator gives NaN limits.
#ifndef LANTERN_STATS_INTERVALS_H_
#define LANTERN_STATS_INTERVALS_H_

#include <cstdint>

namespace lantern::stats {

struct Interval {
  double lower = 0;
  double upper = 0;
};

// x successes out of n (x may be fractional when it was reconstructed from a
// published percentage); bounds are proportions in [0, 1].
Interval WilsonInterval(double x, double n, double level = 0.95);

// Exact (Garwood) interval for the mean of a Poisson count observed as
// `events`; divide by the exposure to get a rate. events = 0 gives [0, u].
Interval PoissonExactInterval(double events, double level = 0.95);

// mean +/- z * sd / sqrt(n).
Interval NormalMeanInterval(double mean, double sd, double n, double level = 0.95);

// p1 - p2 with x1/n1 and x2/n2, Newcombe (1998) method 10 from the two
// Wilson intervals.
Interval NewcombeDifference(double x1, double n1, double x2, double n2, double level = 0.95);

// p1 - p2 by MOVER, the method of variance estimates recovered from each
// side's own interval (Zou & Donner 2008): with ci1 = (l1, u1) around p1 and
// ci2 = (l2, u2) around p2,
//   lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2),
//   upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
// The two estimates must be independent; the intervals may be asymmetric
// and of any kind (on Wilson limits it is NewcombeDifference). NaN limits
// when an estimate or a limit is NaN or a limit is on the wrong side of its
// estimate.
Interval MoverDifference(double p1, Interval ci1, double p2, Interval ci2);

// The standard error of a ratio of sums R = sum(a) / sum(b) over k units
// (enrolments: overall absence over possible sessions), by linearisation
// with the units as clusters: sqrt(k / (k - 1) * sum (a_i - R b_i)^2) /
// sum(b), from the sums of a^2, a b and b^2 (computed exactly in 128-bit
// integers, so large areas lose no precision). 0 when k < 2 or sum(b) = 0.
double RatioStandardError(int64_t k, int64_t sum_a, int64_t sum_b, int64_t sum_a2, int64_t sum_ab,
                          int64_t sum_b2);

}  // namespace lantern::stats

#endif  // LANTERN_STATS_INTERVALS_H_
