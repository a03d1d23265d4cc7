#pragma once
// Fused losses with numerically stable forward and backward. Each returns a
// scalar: the per-sample losses (averaged over non-batch axes), multiplied by
// the optional per-sample `weights` (N), summed and divided by N — Keras's
// "sum_over_batch_size" reduction.
#include "deepfin/core/tensor.h"

namespace deepfin {

// logits (N, C), one-hot or soft targets (N, C). Gradient: (softmax - target) * w / N.
Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& targets, const Tensor& weights = {});
// logits (N, C), int64 labels (N) in [0, C).
Tensor sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels, const Tensor& weights = {});
// Cross-entropy on probabilities (already softmaxed), clipped to [eps, 1 - eps] like Keras.
Tensor categorical_cross_entropy(const Tensor& probs, const Tensor& targets, const Tensor& weights = {});
// logits and 0/1 targets of the same shape (N, ...).
Tensor sigmoid_binary_cross_entropy(const Tensor& logits, const Tensor& targets, const Tensor& weights = {});
// Cross-entropy on probabilities, clipped like Keras.
Tensor binary_cross_entropy(const Tensor& probs, const Tensor& targets, const Tensor& weights = {});
Tensor mse_loss(const Tensor& pred, const Tensor& target, const Tensor& weights = {});
Tensor mae_loss(const Tensor& pred, const Tensor& target, const Tensor& weights = {});
Tensor huber_loss(const Tensor& pred, const Tensor& target, double delta = 1.0, const Tensor& weights = {});
// QLIKE (Patton 2011) of a variance forecast given as its log, against a realized variance
// target >= 0: target e^-log_variance + log_variance - log(target) - 1, which is 0 when the
// forecast is exact; the Gaussian negative log-likelihood up to a constant. (log(target) + 1
// is dropped where target = 0.) Gradient in log_variance: 1 - target e^-log_variance.
Tensor qlike_loss(const Tensor& log_variance, const Tensor& target, const Tensor& weights = {});

}  // namespace deepfin
