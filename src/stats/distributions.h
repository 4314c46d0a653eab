// Distribution functions the scorecard needs (normal, chi-squared, gamma,
// binomial and Poisson), computed by Boost.Math (tested against published
// tables in distributions_test.cc). Invalid arguments (a probability outside
// [0, 1], a shape or degrees of freedom that is not positive and finite, NaN)
// return NaN; nothing throws.
#ifndef LANTERN_STATS_DISTRIBUTIONS_H_
#define LANTERN_STATS_DISTRIBUTIONS_H_

#include <cstdint>

namespace lantern::stats {

// Standard normal distribution function and its inverse; the quantile is
// -infinity at p = 0 and +infinity at p = 1.
double NormalCdf(double z);
double NormalQuantile(double p);

// Two-sided z for a central interval: 0.95 -> 1.959964, 0.998 -> 3.090232.
double TwoSidedZ(double level);

// Regularised lower and upper incomplete gamma functions P(a, x), Q(a, x),
// for x >= 0 (P(a, 0) = 0, P(a, infinity) = 1).
double GammaP(double a, double x);
double GammaQ(double a, double x);
// x such that P(a, x) = p, for 0 <= p < 1 (0 at p = 0; NaN at p = 1).
double GammaPInverse(double a, double p);

// Chi-squared distribution with k degrees of freedom; the distribution
// function is 0 for x <= 0 whatever k.
double ChiSquaredCdf(double x, double k);
double ChiSquaredQuantile(double p, double k);

// Binomial(n, theta) and Poisson(lambda) distribution functions at r,
// P(X <= r): 0 for r < 0; 1 for r >= n, theta <= 0 or lambda <= 0; 0 for
// theta >= 1 (r < n).
double BinomialCdf(int64_t r, int64_t n, double theta);
double PoissonCdf(int64_t r, double lambda);

}  // namespace lantern::stats

#endif  // LANTERN_STATS_DISTRIBUTIONS_H_
