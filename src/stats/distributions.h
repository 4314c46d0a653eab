// Distribution functions the scorecard needs (normal, chi-squared, gamma,
// binomial and Poisson), written out so the engine has no dependency beyond
// the standard library. Accuracy is close to double precision for the
// arguments Lantern uses (tested against published tables in
// distributions_test.cc). Invalid arguments (p outside (0,1), negative
// degrees of freedom) return NaN; nothing throws.
#ifndef LANTERN_STATS_DISTRIBUTIONS_H_
#define LANTERN_STATS_DISTRIBUTIONS_H_

#include <cstdint>

namespace lantern::stats {

// Standard normal distribution function and its inverse (Acklam's rational
// approximation refined by one Halley step: relative error below 1e-15).
double NormalCdf(double z);
double NormalQuantile(double p);

// Two-sided z for a central interval: 0.95 -> 1.959964, 0.998 -> 3.090232.
double TwoSidedZ(double level);

// Regularised lower and upper incomplete gamma functions P(a, x), Q(a, x).
double GammaP(double a, double x);
double GammaQ(double a, double x);
// x such that P(a, x) = p.
double GammaPInverse(double a, double p);

// Chi-squared distribution with k degrees of freedom.
double ChiSquaredCdf(double x, double k);
double ChiSquaredQuantile(double p, double k);

// Binomial(n, theta) and Poisson(lambda) distribution functions at r,
// P(X <= r); 0 for r < 0.
double BinomialCdf(int64_t r, int64_t n, double theta);
double PoissonCdf(int64_t r, double lambda);

}  // namespace lantern::stats

#endif  // LANTERN_STATS_DISTRIBUTIONS_H_
