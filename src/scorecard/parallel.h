// A parallel for over [0, n) with dynamic chunks: the scorecard's work items
// (schools, series) differ in cost, so workers take the next chunk as they
// finish. fn(begin, end, worker) must be safe to call concurrently.
#ifndef LANTERN_SCORECARD_PARALLEL_H_
#define LANTERN_SCORECARD_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace lantern::scorecard {

inline int ResolveThreads(int threads) {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

template <typename Fn>
void ParallelFor(size_t n, int threads, size_t chunk, Fn fn) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>((n + chunk - 1) / chunk)));
  if (threads <= 1) {
    if (n > 0) fn(size_t{0}, n, 0);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&](int worker) {
    for (;;) {
      size_t b = next.fetch_add(chunk);
      if (b >= n) return;
      fn(b, std::min(n, b + chunk), worker);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
}

}  // namespace lantern::scorecard

#endif  // LANTERN_SCORECARD_PARALLEL_H_
