// LongCallWorker: jobs run one at a time in arrival order on its own thread, a full queue refuses
// more, and destruction runs what is still queued.
#include "daemon/service/long_call_worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace npd::service {
namespace {

TEST(LongCallWorkerTest, RunsJobsInOrderOffTheCallerAndRefusesBeyondTheQueueLimit) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::mutex mu;
  std::vector<int> ran;
  std::thread::id worker_thread;
  {
    LongCallWorker worker(/*max_queued=*/2);
    // The first job runs (and blocks); two more wait; a fourth finds the queue full.
    ASSERT_TRUE(worker.Post([&] {
      worker_thread = std::this_thread::get_id();
      started.set_value();
      released.wait();
      std::lock_guard lock(mu);
      ran.push_back(1);
    }));
    started.get_future().wait();
    for (int i : {2, 3}) {
      ASSERT_TRUE(worker.Post([&, i] {
        std::lock_guard lock(mu);
        ran.push_back(i);
      }));
    }
    EXPECT_FALSE(worker.Post([&] { ran.push_back(4); }));
    release.set_value();
  }  // the destructor runs what is queued, then joins
  EXPECT_THAT(ran, ::testing::ElementsAre(1, 2, 3));
  EXPECT_NE(worker_thread, std::this_thread::get_id());
}

}  // namespace
}  // namespace npd::service
