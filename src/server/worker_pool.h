// WorkerPool: the threads route handlers run on (they may block on the store, indexes and
// models). Each worker owns its per-thread state (ReaderSet) through the Services; tasks
// are taken in FIFO order. Thread-safety: post() from any thread; the destructor finishes
// the queued tasks and joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ragd::server {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> task);
  size_t queued() const;
  // Waits until no task is queued or running, at most `limit`; whether that happened.
  bool wait_idle(std::chrono::milliseconds limit);

 private:
  void work();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> tasks_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Runs `body` on a new detached thread with a small stack (256 KiB): for work that mostly
// waits, such as an LLM stream, so thousands can wait at once without their stacks adding up.
void run_on_small_thread(std::function<void()> body);

}  // namespace ragd::server
