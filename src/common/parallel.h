// The engine's threads, in one place. Every parallel step takes a thread
// count from its options (`--threads`; 0 means one per core, see
// ResolveThreads) and runs through one of these helpers, so no step starts
// threads of its own and every step honours the count.
//
//   ParallelFor     chunks of [0, n) taken by workers as they come free
//                   (work items of uneven cost: schools, series, blocks);
//   ParallelRanges  [0, n) cut into one contiguous range per worker (even
//                   passes whose output is written per range);
//   RunOnWorkers    fn(worker) once on each worker (a worker owns a share of
//                   the output, as the cube's threads own schools);
//   ParallelInvoke  two tasks side by side;
//   WriteOrderedBlocks  blocks formatted on every worker and written in
//                   order (the open-data files, scorecard.csv).
//
// Worker 0 is always the calling thread. fn must be safe to call from
// several threads at once; nothing here throws on behalf of fn.
#ifndef LANTERN_COMMON_PARALLEL_H_
#define LANTERN_COMMON_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "lantern/status.h"

namespace lantern {

// `requested` when positive, else the number of cores (at least 1).
inline int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Calls fn(worker) on `threads` workers at once and waits for them all.
template <typename Fn>
void RunOnWorkers(int threads, Fn&& fn) {
  threads = std::max(1, threads);
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int w = 1; w < threads; ++w) pool.emplace_back([&fn, w] { fn(w); });
  fn(0);
  for (auto& t : pool) t.join();
}

// fn(begin, end, worker) over chunks of `chunk` items of [0, n); workers
// take the next chunk as they finish one.
template <typename Fn>
void ParallelFor(size_t n, int threads, size_t chunk, Fn&& fn) {
  chunk = std::max<size_t>(1, chunk);
  const size_t chunks = (n + chunk - 1) / chunk;
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(1, threads)), chunks));
  if (threads <= 1) {
    if (n > 0) fn(size_t{0}, n, 0);
    return;
  }
  std::atomic<size_t> next{0};
  RunOnWorkers(threads, [&](int worker) {
    for (size_t b; (b = next.fetch_add(chunk)) < n;) fn(b, std::min(n, b + chunk), worker);
  });
}

// fn(begin, end, worker) on one contiguous range of [0, n) per worker, the
// ranges as equal as can be (worker w gets [n w / t, n (w + 1) / t)).
template <typename Fn>
void ParallelRanges(size_t n, int threads, Fn&& fn) {
  const size_t t = static_cast<size_t>(std::max(1, threads));
  RunOnWorkers(static_cast<int>(t), [&](int worker) {
    const size_t w = static_cast<size_t>(worker);
    fn(n * w / t, n * (w + 1) / t, worker);
  });
}

// Runs a() and b() side by side when threads > 1, else one after the other.
template <typename A, typename B>
void ParallelInvoke(int threads, A&& a, B&& b) {
  if (threads <= 1) {
    a();
    b();
    return;
  }
  std::thread other([&b] { b(); });
  a();
  other.join();
}

// Formats `blocks` blocks on `threads` workers and writes them in block
// order. Each worker keeps one Block (a std::string by default, or any
// struct of buffers) and reuses it: format(block, &buffer, worker) fills it
// (a std::string is cleared first; another Block type clears itself),
// write(buffer) appends it to the output and returns a Status. A worker
// formats its next block while another writes, so the output is never held
// whole in memory. Returns the first write error; blocks after it are
// formatted but not written.
template <typename Block = std::string, typename Format, typename Write>
Status WriteOrderedBlocks(size_t blocks, int threads, Format&& format, Write&& write) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable turn_changed;
  size_t turn = 0;  // the block to write next
  Status status;
  const size_t workers =
      std::min<size_t>(static_cast<size_t>(std::max(1, threads)), std::max<size_t>(blocks, 1));
  RunOnWorkers(static_cast<int>(workers), [&](int worker) {
    Block buffer;
    for (size_t b; (b = next.fetch_add(1)) < blocks;) {
      if constexpr (std::is_same_v<Block, std::string>) buffer.clear();
      format(b, &buffer, worker);
      std::unique_lock lock(mu);
      turn_changed.wait(lock, [&] { return turn == b; });
      if (status.ok()) status = write(buffer);
      ++turn;
      turn_changed.notify_all();
    }
  });
  return status;
}

}  // namespace lantern

#endif  // LANTERN_COMMON_PARALLEL_H_
