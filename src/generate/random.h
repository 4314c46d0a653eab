// Counter-based random streams for the generator.
//
// Every random decision is drawn from a stream keyed by what it is about
// (the seed, a purpose, a school URN, a pupil, ...), never from a shared
// sequence. So a pupil's marks do not depend on which thread made them, on
// how many schools were generated before, or on --through/--day: the same
// key always gives the same numbers.
#ifndef LANTERN_GENERATE_RANDOM_H_
#define LANTERN_GENERATE_RANDOM_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace lantern::gen {

// The SplitMix64 finaliser: a strong 64-bit mixing function.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// FNV-1a: a stable hash of text for stream keys (std::hash may differ
// between standard libraries).
inline uint64_t HashText(std::string_view text) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

// What a stream is for; part of every key, so streams never collide.
enum class Purpose : uint64_t {
  kCalendar = 1,
  kTrusts,
  kSchoolPupils,
  kUpn,
  kJoiners,
  kPupil,
  kMoves,
  kBehaviour,
  kApPlacements,
  kUnits,
  kPartTime,
  kMarks,
  kErrors,
  kEhcpRequests,
  kSchoolKs4,
  kAttainment,
  kDestinations,
  kLaterOutcomes,
  kEmployers,
};

// A key from the seed, the purpose and up to three numbers.
inline uint64_t StreamKey(uint64_t seed, Purpose purpose, uint64_t a = 0, uint64_t b = 0,
                          uint64_t c = 0) {
  uint64_t k = Mix64(seed ^ 0x4C414E5445524E31ull);
  k = Mix64(k ^ static_cast<uint64_t>(purpose));
  k = Mix64(k ^ a);
  k = Mix64(k ^ (b * 0x9E3779B97F4A7C15ull));
  return Mix64(k ^ (c * 0xC2B2AE3D27D4EB4Full));
}

// xoshiro256** seeded from one key.
class Rng {
 public:
  explicit Rng(uint64_t key) {
    uint64_t x = key;
    for (auto& s : s_) {
      x += 0x9E3779B97F4A7C15ull;
      s = Mix64(x);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1): safe to take the log of.
  double UniformOpen() { return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53; }
  // Uniform integer in [0, n); n > 0.
  int Below(int n) { return static_cast<int>((Next() >> 32) * static_cast<uint64_t>(n) >> 32); }
  // Uniform integer in [lo, hi].
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool Bernoulli(double p) { return Uniform() < p; }
  double Normal() {
    // Box-Muller; one value per call keeps the stream position predictable.
    const double u = UniformOpen(), v = Uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
  int Poisson(double lambda) {
    int n = 0;
    while (lambda > 40) {  // a sum of Poissons is Poisson; keeps exp() from underflowing
      n += SmallPoisson(40);
      lambda -= 40;
    }
    return n + SmallPoisson(lambda);
  }
  // An index drawn with probability proportional to weights (all >= 0, sum > 0).
  size_t Pick(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double u = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    for (size_t i = weights.size(); i > 0; --i)
      if (weights[i - 1] > 0) return i - 1;
    return 0;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  int SmallPoisson(double lambda) {
    if (lambda <= 0) return 0;
    const double limit = std::exp(-lambda);
    double p = Uniform();
    int n = 0;
    while (p > limit) {
      p *= Uniform();
      ++n;
    }
    return n;
  }
  uint64_t s_[4];
};

// Chooses exactly k of `candidates` (all if k is larger), each with chance
// weighted by weight(candidate): Efraimidis-Spirakis keys, the k largest
// log(u)/w. Returns the chosen candidates in ascending order.
template <typename T, typename WeightFn>
std::vector<T> ChooseWeighted(const std::vector<T>& candidates, size_t k, Rng& rng,
                              WeightFn weight) {
  if (k >= candidates.size()) return candidates;
  std::vector<std::pair<double, T>> keys;
  keys.reserve(candidates.size());
  for (const T& c : candidates) {
    const double w = weight(c);
    keys.push_back({w > 0 ? std::log(rng.UniformOpen()) / w : -1e300, c});
  }
  std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(k), keys.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<T> chosen;
  chosen.reserve(k);
  for (size_t j = 0; j < k; ++j) chosen.push_back(keys[j].second);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

// A count with the given expectation: its whole part, plus one with the
// probability of its fraction.
inline size_t StochasticRound(double expected, Rng& rng) {
  if (expected <= 0) return 0;
  size_t n = static_cast<size_t>(expected);
  if (rng.Uniform() < expected - static_cast<double>(n)) ++n;
  return n;
}

inline double Logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_RANDOM_H_
