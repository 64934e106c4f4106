#include "backend/fetch/retry.hpp"

#include <gtest/gtest.h>

namespace distill::backend::fetch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryTest, ClassifiesHttpStatuses) {
  struct Case {
    long status;
    bool transient;
  };
  const Case cases[] = {{200, false}, {206, false}, {403, false}, {404, false}, {408, true},
                        {416, false}, {429, true},  {500, true},  {501, false}, {502, true},
                        {503, true},  {504, true},  {505, false}, {599, true}};
  for (const auto& c : cases) {
    EXPECT_EQ(is_transient_http_status(c.status), c.transient) << c.status;
  }
}

TEST(RetryTest, BacksOffExponentiallyUpToTheCap) {
  FetchOptions options;
  options.initial_backoff = milliseconds(500);
  options.max_backoff = milliseconds(3000);
  struct Case {
    int next_attempt;
    std::optional<seconds> retry_after;
    milliseconds expected;
  };
  const Case cases[] = {{2, {}, milliseconds(500)},          {3, {}, milliseconds(1000)},
                        {4, {}, milliseconds(2000)},          {5, {}, milliseconds(3000)},
                        {60, {}, milliseconds(3000)},         {2, seconds(2), milliseconds(2000)},
                        {2, seconds(100), milliseconds(3000)}};
  for (const auto& c : cases) {
    EXPECT_EQ(backoff_delay(options, c.next_attempt, c.retry_after), c.expected) << c.next_attempt;
  }
}

} // namespace
} // namespace distill::backend::fetch
