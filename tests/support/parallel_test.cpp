#include "support/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace distill::support {
namespace {

TEST(ParallelFor, EveryIndexRunsOnceOnSeveralThreads) {
  std::vector<int> runs(1000, 0);
  std::mutex mutex;
  std::set<std::thread::id> ids;
  parallel_for(runs.size(), 4, [&](std::size_t i) {
    runs[i] += 1;
    std::lock_guard guard(mutex);
    ids.insert(std::this_thread::get_id());
    return true;
  });
  for (int count : runs) {
    EXPECT_EQ(count, 1);
  }
  EXPECT_GE(ids.size(), 1u);
  EXPECT_LE(ids.size(), 4u);
}

TEST(ParallelFor, AFailureStopsHandingOutWork) {
  std::atomic<std::size_t> ran{0};
  parallel_for(10000, 2, [&](std::size_t i) {
    ++ran;
    return i != 3;
  });
  EXPECT_LT(ran.load(), 10000u);
  EXPECT_GE(ran.load(), 4u);
}

TEST(ParallelFor, NothingToDoAndOneThreadAreFine) {
  parallel_for(0, 0, [](std::size_t) -> bool {
    ADD_FAILURE() << "called with nothing to do";
    return true;
  });
  std::vector<std::size_t> order;
  parallel_for(5, 1, [&](std::size_t i) {
    order.push_back(i);
    return true;
  });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

} // namespace
} // namespace distill::support
