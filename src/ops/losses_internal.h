#pragma once
// Plumbing shared by the fused losses (losses_*.cpp): argument checks, the
// Keras "sum_over_batch_size" reduction with optional per-sample weights, and
// the backward node. Each loss supplies only its kernels.
#include <functional>
#include <utility>

#include "deepfin/core/tensor.h"

namespace deepfin::loss_detail {

// One loss call: the user's tensors (for the graph) and their data, detached,
// contiguous and converted to the prediction's float dtype, for the kernels.
struct LossArgs {
  const char* name;
  Tensor pred, target, weights;  // weights may be undefined
  Tensor pred_data, target_data, weight_data;
  int64_t samples;  // N, the batch axis
};

// Checks that pred is floating with a batch axis, that weights (if given) have
// shape (N), and, when `same_shape`, that target has pred's shape.
LossArgs prepare(const char* name, const Tensor& pred, const Tensor& target, const Tensor& weights, bool same_shape);

// Given the loss's gradient scale per sample (upstream gradient * w_i / N, shape (N)),
// returns {d loss / d pred, d loss / d target}, each undefined unless asked for.
using LossGradFn =
    std::function<std::pair<Tensor, Tensor>(const Tensor& sample_scale, bool want_pred, bool want_target)>;

// Reduces per-sample losses (N) to sum(w_i * l_i) / N (0 for an empty batch), and
// records the backward: pred/target gradients from `grads`, weights' from l_i / N.
Tensor finish(const LossArgs& args, const Tensor& sample_loss, LossGradFn grads);

}  // namespace deepfin::loss_detail
