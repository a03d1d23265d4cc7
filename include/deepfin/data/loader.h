#pragma once
// Mini-batches over (x, y, optional sample weights), for training loops:
//
//   BatchLoader loader(x, y, {.batch_size = 32});
//   for (int epoch = 0; epoch < epochs; ++epoch) {
//     loader.start_epoch();
//     while (auto b = loader.next()) train_step(b->x, b->y, b->w);
//   }
//
// Each epoch draws a fresh permutation from the generator (so a seeded run
// repeats), gathers each batch into contiguous tensors (rows of axis 0, any
// trailing shape and dtype), and with prefetch the next batch is gathered on a
// background thread while the caller works on the current one. An exception on
// that thread is rethrown by next(); stopping early (a new epoch, destruction)
// shuts the thread down cleanly.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "deepfin/core/random.h"
#include "deepfin/core/tensor.h"

namespace deepfin::data {

struct Batch;

struct BatchLoaderOptions {
  int64_t batch_size = 32;
  bool shuffle = true;
  Generator* generator = nullptr;  // null = default_generator()
  bool drop_remainder = false;     // skip a last, smaller batch
  bool prefetch = true;            // gather the next batch on a background thread
  // Applied to each batch as it is gathered (on the background thread when
  // prefetching), e.g. augmentation; what it throws is rethrown by next().
  std::function<void(Batch&)> transform = nullptr;
  // Data-parallel training: this process is shard `shard` of `shards`, and
  // gathers only its part of every batch, rows [b*shard/shards, b*(shard+1)/shards)
  // of a batch of b. Every shard draws the same order, so the batches are those
  // of one process whatever the number of shards.
  int shard = 0;
  int shards = 1;
};

struct Batch {
  Tensor x, y, w;     // y and w are undefined when the loader has none
  int64_t index = 0;  // batch number within the epoch
  int64_t whole = 0;  // rows in the whole batch, over all shards (x.size(0) with one shard)
};

class BatchLoader {
 public:
  // y and sample_weight may be undefined tensors. ShapeError if sample counts differ;
  // ValueError for batch_size < 1.
  BatchLoader(const Tensor& x, const Tensor& y, const BatchLoaderOptions& options = {});
  BatchLoader(const Tensor& x, const Tensor& y, const Tensor& sample_weight, const BatchLoaderOptions& options = {});
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Draws the epoch's order (on the calling thread) and starts gathering, from
  // batch `first_batch` on (a run resumed from a checkpoint taken mid-epoch).
  void start_epoch(int64_t first_batch = 0);
  // The next batch, or nullopt at the end of the epoch.
  std::optional<Batch> next();

  int64_t num_samples() const { return num_samples_; }
  int64_t num_batches() const;
  // The sample order of the current epoch.
  const std::vector<int64_t>& order() const { return order_; }

 private:
  Batch make_batch(int64_t index) const;
  void stop_worker();
  void worker_loop();

  Tensor x_, y_, w_;
  BatchLoaderOptions options_;
  int64_t num_samples_ = 0;
  std::vector<int64_t> order_;
  int64_t next_index_ = 0;  // the batch next() returns next
  bool epoch_started_ = false;

  // Prefetch: a one-slot hand-off between the worker and next().
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Batch> slot_;
  std::exception_ptr error_;
  bool worker_done_ = false;
  bool stop_ = false;
};

}  // namespace deepfin::data
