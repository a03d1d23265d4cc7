#include "models/gradient_buckets.h"

#include <algorithm>

#include "deepfin/base/error.h"

namespace deepfin::models::detail {

GradientBuckets::GradientBuckets(const nn::ParameterArena& arena, const std::vector<Tensor>& weights,
                                 train::Communicator& comm, int64_t bucket_bytes)
    : arena_(arena), comm_(comm) {
  // Backward reaches the last weights first: buckets run from the arena's end.
  std::vector<std::pair<int64_t, const TensorImpl*>> by_offset;
  for (const Tensor& w : weights) {
    const int64_t offset = arena.offset_of(w.impl());
    if (offset < 0) throw Error("data-parallel training: a weight is not in the model's arena");
    by_offset.emplace_back(offset, &w.impl());
  }
  std::sort(by_offset.begin(), by_offset.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const int64_t cap = std::max<int64_t>(1, bucket_bytes / static_cast<int64_t>(sizeof(float)));
  int64_t end = arena.size();
  for (const auto& [offset, impl] : by_offset) {
    if (buckets_.empty() || buckets_.back().end - buckets_.back().begin >= cap) buckets_.push_back({offset, end, 0, 0});
    Bucket& b = buckets_.back();
    b.begin = offset;
    ++b.weights;
    bucket_of_[impl] = static_cast<int>(buckets_.size()) - 1;
    end = offset;
  }
}

void GradientBuckets::begin_step() {
  next_to_start_ = 0;
  for (Bucket& b : buckets_) b.pending = b.weights;
  complete_.clear();
}

void GradientBuckets::accumulate(const TensorImpl& leaf, const Tensor& grad) {
  const int64_t offset = arena_.offset_of(leaf);
  if (offset < 0 || grad.dtype() != DType::float32)
    throw Error("data-parallel training: a gradient reached a tensor outside the model's weight arena");
  const Tensor g = grad.contiguous();
  const float* src = g.data<float>();
  float* dst = arena_.grads<float>() + offset;
  for (int64_t i = 0, n = g.numel(); i < n; ++i) dst[i] += src[i];
}

void GradientBuckets::leaf_complete(const TensorImpl& leaf) {
  auto it = bucket_of_.find(&leaf);
  if (it == bucket_of_.end() || complete_[&leaf]) return;  // not a weight, or already counted
  complete_[&leaf] = true;
  --buckets_[static_cast<size_t>(it->second)].pending;
  start_ready();
  comm_.progress();
}

void GradientBuckets::start_ready() {
  float* grads = arena_.grads<float>();
  while (next_to_start_ < num_buckets() && buckets_[static_cast<size_t>(next_to_start_)].pending == 0) {
    const Bucket& b = buckets_[static_cast<size_t>(next_to_start_++)];
    comm_.start_sum(grads + b.begin, b.end - b.begin);
  }
}

void GradientBuckets::finish_step() {
  for (Bucket& b : buckets_) b.pending = 0;
  start_ready();
  comm_.finish_sums();
}

}  // namespace deepfin::models::detail
