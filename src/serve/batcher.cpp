#include "deepfin/serve/batcher.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>

#include "deepfin/base/threads.h"
#include "deepfin/serve/request_error.h"

namespace deepfin::serve {
namespace {
constexpr int64_t kSerialRows = 256;
}  // namespace

// A request waiting in the queue; it lives on its caller's stack until run() returns.
struct Batcher::Pending {
  const std::shared_ptr<const Scorer>* scorer = nullptr;
  const Instances* instances = nullptr;
  nlohmann::json result;
  std::exception_ptr error;
  bool done = false;  // result or error is set
  bool lead = false;  // this request's thread scores the next batch
  // A futex-backed wake-up: std::binary_semaphore's wait spins on sched_yield
  // first, which on two busy cores cost a quarter of the server's time.
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool woken = false;
  void wake() {  // notified under the lock: once it is released, the waiter may return and this be gone
    std::lock_guard lock(wake_mutex);
    woken = true;
    wake_cv.notify_one();
  }
  void wait() {
    std::unique_lock lock(wake_mutex);
    wake_cv.wait(lock, [this] { return woken; });
    woken = false;
  }
};

Batcher::Batcher(BatchOptions options, std::function<void(int64_t)> on_batch)
    : options_(options), on_batch_(std::move(on_batch)) {
  if (options_.max_batch < 1)
    throw ValueError(fmt::format("batching: max_batch must be >= 1, got {}", options_.max_batch));
  if (options_.max_queue < 1)
    throw ValueError(fmt::format("batching: max_queue must be >= 1, got {}", options_.max_queue));
  if (options_.max_delay_us < 0)
    throw ValueError(fmt::format("batching: max_delay_us must be >= 0, got {}", options_.max_delay_us));
}

int64_t Batcher::queue_depth() const {
  std::lock_guard lock(mutex_);
  return static_cast<int64_t>(queue_.size());
}

nlohmann::json Batcher::run(const std::shared_ptr<const Scorer>& scorer, const Instances& instances) {
  Pending me;
  me.scorer = &scorer;
  me.instances = &instances;
  bool leads_now = false;
  {
    std::lock_guard lock(mutex_);
    if (static_cast<int64_t>(queue_.size()) >= options_.max_queue)
      throw RequestError(503,
                         fmt::format("the model's queue is full ({} requests waiting); retry shortly", queue_.size()));
    queue_.push_back(&me);
    if (!leading_) leading_ = me.lead = leads_now = true;
  }
  if (options_.max_delay_us > 0) arrived_.notify_one();  // only a delaying leader waits for arrivals
  // A follower is woken exactly once: when its answer is done, or when it is made the
  // leader. (Reading me.lead here instead would race with the hand-off that sets it.)
  if (!leads_now) me.wait();
  if (!me.done) lead(me);
  if (me.error) std::rethrow_exception(me.error);
  return std::move(me.result);
}

void Batcher::lead(Pending& me) {
  while (!me.done) {
    std::vector<Pending*> batch;
    {
      std::unique_lock lock(mutex_);
      batch = take_batch(lock);
    }
    try {
      score(batch);
    } catch (...) {  // e.g. out of memory outside the scorer: the batch fails, the lead goes on
      for (Pending* p : batch) p->error = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    for (Pending* p : batch) {
      p->done = true;
      std::erase(queue_, p);
    }
    // Wake the others only now: once woken, a request's Pending may be gone.
    for (Pending* p : batch)
      if (p != &me) p->wake();
  }
  Pending* next = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty())
      leading_ = false;
    else
      (next = queue_.front())->lead = true;
  }
  if (next != nullptr) next->wake();
}

std::vector<Batcher::Pending*> Batcher::take_batch(std::unique_lock<std::mutex>& lock) {
  const auto rows_waiting = [&] {
    int64_t rows = 0;
    for (const Pending* p : queue_)
      if (p->scorer->get() == queue_.front()->scorer->get()) rows += p->instances->rows;
    return rows;
  };
  if (options_.max_delay_us > 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(options_.max_delay_us);
    arrived_.wait_until(lock, deadline, [&] { return rows_waiting() >= options_.max_batch; });
  }
  std::vector<Pending*> batch;
  int64_t rows = 0;
  const Scorer* scorer = queue_.front()->scorer->get();
  for (Pending* p : queue_) {
    if (p->scorer->get() != scorer) continue;
    if (!batch.empty() && rows + p->instances->rows > options_.max_batch) break;
    batch.push_back(p);
    rows += p->instances->rows;
  }
  return batch;
}

void Batcher::score(const std::vector<Pending*>& batch) {
  const Scorer& scorer = **batch.front()->scorer;
  int64_t rows = 0;
  std::vector<const Instances*> instances;
  for (const Pending* p : batch) {
    instances.push_back(p->instances);
    rows += p->instances->rows;
  }
  if (on_batch_) on_batch_(rows);
  // A small batch is scored on this thread alone: waking an OpenMP team for each
  // tiny op cost more than the ops (a third of a lone request's time went to
  // futex wake-ups). Under load, the connections are the parallelism.
  std::optional<ThreadLocalSerialScope> serial;
  if (rows <= kSerialRows) serial.emplace();
  try {
    std::vector<nlohmann::json> results = scorer.score(instances);
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(results[i]);
    return;
  } catch (...) {
    if (batch.size() == 1) {
      batch.front()->error = std::current_exception();
      return;
    }
  }
  for (Pending* p : batch) {  // one at a time, so that only the request at fault fails
    try {
      p->result = std::move(scorer.score({p->instances}).front());
    } catch (...) {
      p->error = std::current_exception();
    }
  }
}

}  // namespace deepfin::serve
