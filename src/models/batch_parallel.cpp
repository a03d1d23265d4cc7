// Batch-parallel training steps. Small models cannot keep two threads busy op by
// op: each op's work is a few microseconds, and every parallel pass ends in a
// barrier. When every layer treats samples independently and draws no random
// numbers, a step instead splits the batch into one shard per thread. Each
// thread runs its shard through the whole forward and backward pass on its own
// (its kernels stay on that thread), into its own gradient buffer. The buffers
// are then added in shard order, so a run is repeatable for a given thread count.
// (Over several ranks, distributed_step.cpp sums the result over the ranks.)
#include <omp.h>

#include <exception>

#include "deepfin/autograd/engine.h"
#include "deepfin/autograd/node.h"
#include "deepfin/base/threads.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/models/model.h"
#include "deepfin/nn/layer.h"
#include "deepfin/optim/optim.h"

namespace deepfin::models {
namespace {

// Shards smaller than this leave too little work per thread to pay for the split.
constexpr int64_t kMinShardSamples = 8;

// Layers whose output for a sample depends on that sample only, that draw no
// random numbers in training, and whose gradients reach their weights only
// through the autograd engine. Anything else (Dropout, BatchNormalization,
// Embedding's in-place row updates, attention with dropout) keeps the op-by-op path.
bool is_sample_independent(const nn::Layer& layer) {
  static const char* const kLayers[] = {"InputLayer",
                                        "Dense",
                                        "Conv1D",
                                        "Conv2D",
                                        "MaxPooling2D",
                                        "AveragePooling2D",
                                        "GlobalAveragePooling1D",
                                        "GlobalAveragePooling2D",
                                        "GlobalMaxPooling1D",
                                        "Flatten",
                                        "Reshape",
                                        "Activation",
                                        "LayerNormalization",
                                        "SimpleRNN",
                                        "LSTM",
                                        "GRU"};
  bool listed = false;
  for (const char* name : kLayers) listed = listed || layer.class_name() == name;
  if (!listed) return false;
  const nlohmann::json config = layer.get_config();
  for (const char* rate : {"dropout", "recurrent_dropout"})
    if (config.contains(rate) && config[rate].is_number() && config[rate].get<double>() != 0.0) return false;
  return true;
}

// Adds each leaf's gradient into one shard's buffer, at the leaf's place in the arena.
class ShardGradients : public autograd::LeafGradientSink {
 public:
  ShardGradients(const nn::ParameterArena& arena, float* buffer) : arena_(arena), buffer_(buffer) {}

  void accumulate(const TensorImpl& leaf, const Tensor& grad) override {
    const int64_t offset = arena_.offset_of(leaf);
    if (offset < 0 || grad.dtype() != DType::float32)
      throw Error("batch-parallel training: a gradient reached a tensor outside the model's weight arena");
    const Tensor g = grad.contiguous();
    const float* src = g.data<float>();
    float* dst = buffer_ + offset;
    for (int64_t i = 0, n = g.numel(); i < n; ++i) dst[i] += src[i];
  }

 private:
  const nn::ParameterArena& arena_;
  float* buffer_;
};

}  // namespace

bool Model::layers_allow_shards() const {
  // Inside someone else's parallel region the team would be 1 thread.
  if (arena_.size() == 0 || omp_in_parallel()) return false;
  for (const auto& layer : layers())
    if (!is_sample_independent(*layer)) return false;
  return true;
}

int Model::shards_for(int64_t batch) const {
  const int threads = get_num_threads();
  if (threads < 2 || batch < 2 * kMinShardSamples) return 1;
  return static_cast<int>(std::min<int64_t>(threads, batch / kMinShardSamples));
}

int Model::training_shards(int64_t batch) const {
  return layers_allow_shards() ? shards_for(batch) : 1;
}

double Model::train_step_sharded(const Tensor& x, const Tensor& y, const Tensor& w, int shards) {
  const double loss = sharded_gradients(x, y, w, shards, 1.0);
  optimizer_->apply_gradients(arena_.params<float>(), arena_.grads<float>(), arena_.size());
  return loss;
}

double Model::sharded_gradients(const Tensor& x, const Tensor& y, const Tensor& w, int shards, double scale) {
  const int64_t n = x.size(0), size = arena_.size();
  float* arena_grads = arena_.grads<float>();
  shard_grads_.resize(static_cast<size_t>(shards - 1));
  for (auto& buffer : shard_grads_) buffer.assign(static_cast<size_t>(size), 0.0f);
  std::vector<Tensor> y_parts(static_cast<size_t>(shards)), y_preds(y_parts.size()), w_parts(y_parts.size());
  std::vector<double> losses(y_parts.size(), 0.0);
  std::vector<std::exception_ptr> errors(y_parts.size());

  // OpenMP may start fewer threads than asked (OMP_DYNAMIC, OMP_THREAD_LIMIT):
  // each thread then takes every team-size-th shard, so every shard runs.
#pragma omp parallel num_threads(shards)
  for (int k = omp_get_thread_num(); k < shards; k += omp_get_num_threads()) {
    try {
      ThreadLocalSerialScope serial;
      const int64_t begin = n * k / shards, end = n * (k + 1) / shards;
      const double share = static_cast<double>(end - begin) / static_cast<double>(n);
      y_parts[k] = y.slice(0, begin, end);
      if (w.defined()) w_parts[k] = w.slice(0, begin, end);
      ShardGradients sink(arena_, k == 0 ? arena_grads : shard_grads_[k - 1].data());
      autograd::LeafGradientRedirect redirect(&sink);
      // The batch loss is the sample-weighted mean of the shard losses, so each
      // shard's gradient is scaled by its share of the batch.
      Tensor loss = compute_loss(x.slice(0, begin, end), y_parts[k], w_parts[k], /*training=*/true, &y_preds[k]);
      if (loss.requires_grad()) loss.backward(full(loss.shape(), share * scale, loss.dtype()));
      losses[k] = loss.item() * share;
    } catch (...) {
      errors[k] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);

  for (const auto& buffer : shard_grads_)
    for (int64_t i = 0; i < size; ++i) arena_grads[i] += buffer[static_cast<size_t>(i)];
  double loss = 0.0;
  {
    NoGradGuard no_grad;
    for (size_t k = 0; k < y_parts.size(); ++k) {
      loss += losses[k];
      for (const auto& m : metrics_) m->update_state(y_parts[k], y_preds[k], w_parts[k]);
    }
  }
  return loss;
}

}  // namespace deepfin::models
