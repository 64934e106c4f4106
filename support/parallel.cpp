#include "support/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace distill::support {

void parallel_for(std::size_t count, unsigned threads, const std::function<bool(std::size_t)>& work) {
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  const auto workers = std::min<std::size_t>(threads, count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopped{false};
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !stopped; i = next++) {
      if (!work(i)) {
        stopped = true;
      }
    }
  };
  std::vector<std::jthread> pool;
  for (std::size_t t = 1; t < workers; ++t) {
    pool.emplace_back(worker);
  }
  worker();
} // the jthreads join here

} // namespace distill::support
