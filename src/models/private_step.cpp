// One DP-SGD step (Abadi et al. 2016): each example's gradient clipped to
// max_grad_norm, summed, Gaussian noise of std noise_multiplier * max_grad_norm
// added to every coordinate, divided by the expected batch size, then handed to
// the model's optimizer like any other gradient. Clipping needs nothing but
// the example itself, so when the layers allow it (batch_parallel.cpp) the
// batch is split into one shard per thread, each clipped and summed on its own.
// Over several ranks, each clips its share of the batch.
#include <fmt/format.h>
#include <omp.h>

#include <exception>

#include "deepfin/autograd/node.h"
#include "deepfin/base/threads.h"
#include "deepfin/losses/loss.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/models/model.h"
#include "deepfin/nn/activations.h"
#include "deepfin/optim/optim.h"
#include "deepfin/privacy/per_sample_gradients.h"
#include "deepfin/train/communicator.h"
#include "models/data_parallel.h"
#include "models/private_training.h"

namespace deepfin::models {
namespace {

struct ShardOutcome {
  privacy::ClippedSum clipped;
  Tensor y, w, y_pred;
  double loss_sum = 0.0;  // the shard's mean loss times its size
};

}  // namespace

double Model::train_step_private(const Tensor& x, const Tensor& y, const Tensor& w, detail::PrivateTraining& dp,
                                 train::Communicator* comm, int64_t whole) {
  arena_.zero_grads();
  const int64_t batch = x.size(0);
  const bool ranks = comm && comm->size() > 1;
  if (whole < 0) whole = batch;
  double loss_value = 0.0;
  if (batch > 0) {
    const privacy::SummedGradientsOff summed_off(layers());
    const int shards = shardable_ ? shards_for(batch) : 1;
    std::vector<ShardOutcome> outcomes(static_cast<size_t>(shards));
    std::vector<std::exception_ptr> errors(outcomes.size());
    auto run_shard = [&](int k) {
      const int64_t begin = batch * k / shards, end = batch * (k + 1) / shards;
      ShardOutcome& o = outcomes[static_cast<size_t>(k)];
      o.y = y.slice(0, begin, end);
      if (w.defined()) o.w = w.slice(0, begin, end);
      privacy::LayerwiseForward pass(layers());
      const Tensor out = pass.forward(x.slice(0, begin, end), /*training=*/true, fused_);
      const Tensor loss = (*train_loss_)(o.y, out, o.w);
      // The loss is a mean over the shard: seeding backward with its size gives
      // each example its own (sample-weighted) loss gradient.
      const auto size = static_cast<double>(end - begin);
      pass.backward(loss, full(loss.shape(), size, loss.dtype()), /*keep_weight_gradients=*/false);
      o.clipped = privacy::clip_and_sum(pass, dp.options().max_grad_norm, dp.options().clipping);
      o.loss_sum = loss.item() * size;
      NoGradGuard no_grad;
      o.y_pred = fused_ ? activations::apply(final_activation(), out.detach()) : out.detach();
    };
    if (shards == 1) {
      run_shard(0);
    } else {
#pragma omp parallel num_threads(shards)
      for (int k = omp_get_thread_num(); k < shards; k += omp_get_num_threads()) {
        try {
          ThreadLocalSerialScope serial;
          run_shard(k);
        } catch (...) {
          errors[static_cast<size_t>(k)] = std::current_exception();
        }
      }
      for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    }
    arena_.zero_grads();  // Embedding's lookup adds its rows to .grad directly, whatever the pass wants
    float* grads = arena_.grads<float>();
    NoGradGuard no_grad;
    for (const ShardOutcome& o : outcomes) {
      for (size_t k = 0; k < o.clipped.weights.size(); ++k) {
        const int64_t offset = arena_.offset_of(o.clipped.weights[k].impl());
        if (offset < 0) throw Error("fit (privacy): a clipped gradient belongs to no weight of the model");
        const Tensor g = o.clipped.gradients[k].to(DType::float32).contiguous();
        const float* src = g.data<float>();
        for (int64_t i = 0, n = g.numel(); i < n; ++i) grads[offset + i] += src[i];
      }
      loss_value += ranks ? o.loss_sum : o.loss_sum / static_cast<double>(batch);  // one process: as always
      for (const auto& m : metrics_) m->update_state(o.y, o.y_pred, o.w);
    }
  }
  if (arena_.size() > 0) {
    float* grads = arena_.grads<float>();
    // Over several ranks the noise is added once for the global batch, by rank
    // 0, before the clipped sums are added up: every rank then holds the same
    // noisy sum, as one process would.
    if (!ranks || comm->rank() == 0)
      dp.noise().add_gaussian(grads, arena_.size(), dp.noise_multiplier() * dp.options().max_grad_norm);
    if (ranks) {
      comm->start_sum(grads, arena_.size());
      comm->finish_sums();
    }
    const double scale = 1.0 / dp.normalizer(whole);
    for (int64_t i = 0; i < arena_.size(); ++i) grads[i] = static_cast<float>(grads[i] * scale);
    optimizer_->apply_gradients(arena_.params<float>(), grads, arena_.size());
  }
  return ranks ? detail::global_mean(*comm, loss_value, static_cast<double>(batch)) : loss_value;
}

}  // namespace deepfin::models
