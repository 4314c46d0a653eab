#include "scorecard/similar_schools.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "common/parallel.h"

namespace lantern::scorecard {

ContextMatrix StandardiseContext(const std::vector<uint32_t>& schools,
                                 const std::vector<std::vector<double>>& raw,
                                 const std::vector<double>& weights) {
  ContextMatrix m;
  m.dims = static_cast<int>(raw.size());
  m.count = schools.size();
  m.schools = schools;
  m.z.assign(static_cast<size_t>(m.dims) * m.count, 0.0f);
  m.present.assign(m.z.size(), 0.0f);
  m.weight.assign(static_cast<size_t>(m.dims), 0.0f);
  m.mean.assign(static_cast<size_t>(m.dims), 0.0);
  m.sd.assign(static_cast<size_t>(m.dims), 0.0);
  for (int d = 0; d < m.dims; ++d) {
    const auto& col = raw[static_cast<size_t>(d)];
    double sum = 0, sum2 = 0;
    size_t n = 0;
    for (double v : col) {
      if (std::isnan(v)) continue;
      sum += v;
      sum2 += v * v;
      ++n;
    }
    if (n < 2) continue;
    const double mean = sum / static_cast<double>(n);
    const double var = std::max(0.0, (sum2 - sum * mean) / static_cast<double>(n - 1));
    const double sd = std::sqrt(var);
    m.mean[static_cast<size_t>(d)] = mean;
    m.sd[static_cast<size_t>(d)] = sd;
    if (!(sd > 0)) continue;
    m.weight[static_cast<size_t>(d)] = static_cast<float>(weights[static_cast<size_t>(d)]);
    for (size_t i = 0; i < m.count; ++i) {
      const double v = col[i];
      if (std::isnan(v)) continue;
      m.z[static_cast<size_t>(d) * m.count + i] = static_cast<float>((v - mean) / sd);
      m.present[static_cast<size_t>(d) * m.count + i] = 1.0f;
    }
  }
  return m;
}

namespace {

// acc[j] += w * p[j] * (z[j] - zi)^2; shared[j] += w * p[j]. Cloned for the
// vector units the machine has.
__attribute__((target_clones("avx512f", "avx2", "default"))) void AccumulateDimension(
    const float* __restrict z, const float* __restrict p, float zi, float w, size_t n,
    float* __restrict acc, float* __restrict shared) {
  for (size_t j = 0; j < n; ++j) {
    const float diff = z[j] - zi;
    const float wp = w * p[j];
    acc[j] += wp * diff * diff;
    shared[j] += wp;
  }
}

// acc[j] becomes the squared distance rescaled to the full weight, or
// infinity when the two schools share less than half the weight.
__attribute__((target_clones("avx512f", "avx2", "default"))) void FinishDistances(
    float* __restrict acc, const float* __restrict shared, float total, size_t n) {
  const float half = total / 2;
  const float inf = std::numeric_limits<float>::infinity();
  for (size_t j = 0; j < n; ++j) {
    acc[j] = shared[j] < half ? inf : acc[j] * (total / shared[j]);
  }
}

constexpr size_t kBlock = 64;

__attribute__((target_clones("avx512f", "avx2", "default"))) float BlockMin(
    const float* __restrict a) {
  float m = a[0];
  for (size_t j = 1; j < kBlock; ++j) m = a[j] < m ? a[j] : m;
  return m;
}

}  // namespace

std::vector<std::vector<Neighbour>> FindNearestNeighbours(const ContextMatrix& m, int k,
                                                          int threads,
                                                          const std::vector<uint8_t>* candidate,
                                                          const std::vector<int>* key) {
  std::vector<std::vector<Neighbour>> out(m.count);
  if (m.count < 2 || k <= 0) return out;
  float total_weight = 0;
  for (float w : m.weight) total_weight += w;
  if (!(total_weight > 0)) return out;
  size_t candidates = m.count;
  if (candidate != nullptr) {
    candidates = 0;
    for (uint8_t c : *candidate) candidates += c != 0;
  }
  if (candidates == 0) return out;
  const size_t kk =
      std::min<size_t>(static_cast<size_t>(k), candidate != nullptr ? candidates : m.count - 1);
  const size_t n = m.count;
  ParallelFor(n, threads, 64, [&](size_t begin, size_t end, int) {
    std::vector<float> acc(n), shared(n);
    // Max-heap of (distance^2, row) holding the best kk so far.
    using Entry = std::pair<float, uint32_t>;
    std::vector<Entry> heap;
    heap.reserve(kk + 1);
    for (size_t i = begin; i < end; ++i) {
      std::fill(acc.begin(), acc.end(), 0.0f);
      std::fill(shared.begin(), shared.end(), 0.0f);
      float own_weight = 0;
      for (int d = 0; d < m.dims; ++d) {
        const size_t off = static_cast<size_t>(d) * n;
        const float w = m.weight[static_cast<size_t>(d)] * m.present[off + i];
        if (w == 0) continue;
        own_weight += w;
        AccumulateDimension(&m.z[off], &m.present[off], m.z[off + i], w, n, acc.data(),
                            shared.data());
      }
      if (own_weight < total_weight / 2) continue;  // too little context to compare
      FinishDistances(acc.data(), shared.data(), total_weight, n);
      acc[i] = std::numeric_limits<float>::infinity();
      constexpr float kNever = std::numeric_limits<float>::infinity();
      if (candidate != nullptr) {
        for (size_t j = 0; j < n; ++j) {
          if (!(*candidate)[j]) acc[j] = kNever;
        }
      }
      if (key != nullptr) {
        for (size_t j = 0; j < n; ++j) {
          if ((*key)[j] == (*key)[i]) acc[j] = kNever;
        }
      }
      heap.clear();
      float worst = std::numeric_limits<float>::infinity();
      auto consider = [&](size_t j) {
        const float d2 = acc[j];
        if (!(d2 < worst)) return;  // also skips infinity (not comparable)
        if (heap.size() < kk) {
          heap.emplace_back(d2, static_cast<uint32_t>(j));
          std::push_heap(heap.begin(), heap.end());
          if (heap.size() == kk) worst = heap.front().first;
        } else {
          std::pop_heap(heap.begin(), heap.end());
          heap.back() = {d2, static_cast<uint32_t>(j)};
          std::push_heap(heap.begin(), heap.end());
          worst = heap.front().first;
        }
      };
      // Until the heap is full every distance is a candidate; after that,
      // whole blocks with nothing nearer than the current worst are skipped.
      size_t j = 0;
      for (; j < n && heap.size() < kk; ++j) consider(j);
      for (; j + kBlock <= n; j += kBlock) {
        if (!(BlockMin(&acc[j]) < worst)) continue;
        for (size_t b = j; b < j + kBlock; ++b) consider(b);
      }
      for (; j < n; ++j) consider(j);
      std::sort(heap.begin(), heap.end());
      auto& nb = out[i];
      nb.reserve(heap.size());
      for (const auto& [d2, j] : heap) nb.push_back({m.schools[j], std::sqrt(d2)});
    }
  });
  return out;
}

}  // namespace lantern::scorecard
