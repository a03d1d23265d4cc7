#include "deepfin/data/loader.h"

#include <fmt/format.h>

#include <numeric>

#include "data/gather.h"

namespace deepfin::data {

BatchLoader::BatchLoader(const Tensor& x, const Tensor& y, const BatchLoaderOptions& options)
    : BatchLoader(x, y, Tensor(), options) {}

BatchLoader::BatchLoader(const Tensor& x, const Tensor& y, const Tensor& sample_weight,
                         const BatchLoaderOptions& options)
    : options_(options) {
  if (!x.defined() || x.dim() == 0) throw ShapeError("BatchLoader: x must have a sample axis (axis 0)");
  if (options.batch_size < 1)
    throw ValueError(fmt::format("BatchLoader: batch_size must be >= 1, got {}", options.batch_size));
  if (options.shards < 1 || options.shard < 0 || options.shard >= options.shards)
    throw ValueError(fmt::format("BatchLoader: shard {} of {} does not exist", options.shard, options.shards));
  num_samples_ = x.size(0);
  auto check = [&](const Tensor& t, const char* name) {
    if (t.defined() && (t.dim() == 0 || t.size(0) != num_samples_))
      throw ShapeError(fmt::format("BatchLoader: x {} and {} {} must have the same number of samples (axis 0)",
                                   shape_str(x.shape()), name, shape_str(t.shape())));
  };
  check(y, "y");
  check(sample_weight, "sample_weight");
  // Contiguous once here, so every batch is a plain row copy.
  x_ = detail::contiguous_rows(x);
  if (y.defined()) y_ = detail::contiguous_rows(y);
  if (sample_weight.defined()) w_ = detail::contiguous_rows(sample_weight);
}

BatchLoader::~BatchLoader() {
  stop_worker();
}

int64_t BatchLoader::num_batches() const {
  const int64_t b = options_.batch_size;
  return options_.drop_remainder ? num_samples_ / b : (num_samples_ + b - 1) / b;
}

Batch BatchLoader::make_batch(int64_t index) const {
  const int64_t begin = index * options_.batch_size;
  const int64_t whole = std::min(options_.batch_size, num_samples_ - begin);
  const int64_t first = whole * options_.shard / options_.shards;
  const int64_t count = whole * (options_.shard + 1) / options_.shards - first;
  const int64_t* rows = order_.data() + begin + first;
  Batch b;
  b.index = index;
  b.whole = whole;
  b.x = detail::gather_rows(x_, rows, count);
  if (y_.defined()) b.y = detail::gather_rows(y_, rows, count);
  if (w_.defined()) b.w = detail::gather_rows(w_, rows, count);
  if (options_.transform) options_.transform(b);
  return b;
}

void BatchLoader::stop_worker() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void BatchLoader::worker_loop() {
  try {
    for (int64_t i = next_index_, n = num_batches(); i < n; ++i) {
      {
        // Wait until the caller took the previous batch: stay exactly one batch ahead.
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !slot_.has_value(); });
        if (stop_) return;
      }
      Batch b = make_batch(i);
      {
        std::lock_guard<std::mutex> lock(mu_);
        slot_ = std::move(b);
      }
      cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    worker_done_ = true;
  }
  cv_.notify_all();
}

void BatchLoader::start_epoch(int64_t first_batch) {
  stop_worker();
  if (first_batch < 0 || first_batch > num_batches())
    throw ValueError(fmt::format("BatchLoader::start_epoch: batch {} is outside the epoch's {} batches", first_batch,
                                 num_batches()));
  order_.resize(static_cast<size_t>(num_samples_));
  std::iota(order_.begin(), order_.end(), 0);
  if (options_.shuffle) detail::shuffle_indices(order_, options_.generator ? *options_.generator : default_generator());
  next_index_ = first_batch;
  epoch_started_ = true;
  slot_.reset();
  error_ = nullptr;
  worker_done_ = false;
  stop_ = false;
  if (options_.prefetch && next_index_ < num_batches()) worker_ = std::thread([this] { worker_loop(); });
}

std::optional<Batch> BatchLoader::next() {
  if (!epoch_started_) throw ValueError("BatchLoader::next: call start_epoch() first");
  if (next_index_ >= num_batches()) return std::nullopt;
  if (!options_.prefetch) return make_batch(next_index_++);

  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return slot_.has_value() || error_ || worker_done_; });
  if (slot_) {
    Batch b = std::move(*slot_);
    slot_.reset();
    ++next_index_;
    lock.unlock();
    cv_.notify_all();  // the worker may gather the following batch now
    return b;
  }
  if (error_) {
    std::exception_ptr e = error_;
    error_ = nullptr;
    next_index_ = num_batches();  // the epoch cannot continue
    std::rethrow_exception(e);
  }
  return std::nullopt;
}

}  // namespace deepfin::data
