#pragma once
// Batcher: dynamic batching for one model. Concurrent requests are queued and
// scored together, up to max_batch rows or max_delay_us, then each gets its own
// answer back. There is no scoring thread: the first waiting request's thread
// scores the batch (and, while its own answer is not done, the next ones), then
// hands the lead to the oldest waiting request. So a lone request is scored on
// its own thread with no hand-off, and a crowd is scored a batch at a time.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "deepfin/serve/scorer.h"
#include "deepfin/serve/server_options.h"

namespace deepfin::serve {

class Batcher {
 public:
  // `on_batch` (may be null) hears the row count of every batch scored.
  explicit Batcher(BatchOptions options, std::function<void(int64_t rows)> on_batch = nullptr);
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Scores `instances` with `scorer` (requests only share a batch with the same
  // scorer, so a reload never mixes versions). RequestError 503 when max_queue
  // requests already wait; the request's own scoring error otherwise (a batch
  // that fails is retried one request at a time, so one bad request fails alone).
  nlohmann::json run(const std::shared_ptr<const Scorer>& scorer, const Instances& instances);

  // Requests waiting or being scored.
  int64_t queue_depth() const;

 private:
  struct Pending;
  void lead(Pending& me);
  std::vector<Pending*> take_batch(std::unique_lock<std::mutex>& lock);
  void score(const std::vector<Pending*>& batch);

  BatchOptions options_;
  std::function<void(int64_t)> on_batch_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;  // the leader waits on it for more rows (max_delay_us)
  std::deque<Pending*> queue_;
  bool leading_ = false;  // a thread is scoring
};

}  // namespace deepfin::serve
