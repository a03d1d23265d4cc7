#pragma once
// Kernel slots for the fused losses. Each slot holds the reference kernel
// (kernels/cpu/ref) and an optimized one (kernels/cpu/opt); the registrations
// are rows of kernel_table.h.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

// Row kernels see (rows, classes). Every backward takes a per-row (or per-sample)
// scale that already folds in the upstream gradient, the sample weight and the
// averaging, so the kernel only multiplies. grad_targets may be null.

// row_loss[r] = sum_c y[r,c] * (lse_r - x[r,c]) with lse_r = log sum_c exp(x[r,c]),
// computed with the row max subtracted; lse_r is kept in row_lse for backward.
template <class T>
using SoftmaxXentKernel = void(const T* logits, const T* targets, int64_t rows, int64_t classes, T* row_loss,
                               T* row_lse);
// grad_logits = scale_r * (softmax * sum_c y - y); grad_targets = scale_r * (lse_r - x).
template <class T>
using SoftmaxXentBackwardKernel = void(const T* logits, const T* targets, const T* row_lse, const T* row_scale,
                                       int64_t rows, int64_t classes, T* grad_logits, T* grad_targets);
// row_loss[r] = lse_r - x[r, labels[r]].
template <class T>
using SparseXentKernel = void(const T* logits, const int64_t* labels, int64_t rows, int64_t classes, T* row_loss,
                              T* row_lse);
// grad_logits = scale_r * (softmax - onehot(label)).
template <class T>
using SparseXentBackwardKernel = void(const T* logits, const int64_t* labels, const T* row_lse, const T* row_scale,
                                      int64_t rows, int64_t classes, T* grad_logits);
// Keras categorical cross-entropy on probabilities: each row is renormalised to
// sum 1, clipped to [eps, 1 - eps], and row_loss[r] = -sum_c y * log(p).
template <class T>
using CategoricalXentKernel = void(const T* probs, const T* targets, int64_t rows, int64_t classes, T eps, T* row_loss);
template <class T>
using CategoricalXentBackwardKernel = void(const T* probs, const T* targets, const T* row_scale, int64_t rows,
                                           int64_t classes, T eps, T* grad_probs, T* grad_targets);

// Losses that are a mean of one element-wise term per sample.
enum class PointwiseLoss : uint8_t {
  squared_error,       // (p - t)^2
  absolute_error,      // |p - t|
  huber,               // param = delta
  binary_xent_probs,   // on probabilities clipped to [param, 1 - param]
  binary_xent_logits,  // max(x, 0) - x t + log1p(exp(-|x|))
  qlike,               // p a log variance, t a realized variance: t e^-p + p - log(t) - 1 (log(t) + 1 dropped at t = 0)
};

// sample_loss[s] = mean over per_sample elements of the loss term.
template <class T>
using PointwiseLossKernel = void(PointwiseLoss kind, const T* pred, const T* target, int64_t samples,
                                 int64_t per_sample, T param, T* sample_loss);
// grad_pred[s, k] = sample_scale[s] / per_sample * d term / d pred (same for target):
// sample_scale is the gradient of sample s's loss, which is a mean over per_sample terms.
template <class T>
using PointwiseLossBackwardKernel = void(PointwiseLoss kind, const T* pred, const T* target, const T* sample_scale,
                                         int64_t samples, int64_t per_sample, T param, T* grad_pred, T* grad_target);

// Slots for T in {float, double}.
template <class T>
const KernelSlot<SoftmaxXentKernel<T>>& softmax_xent_slot();
template <class T>
const KernelSlot<SoftmaxXentBackwardKernel<T>>& softmax_xent_backward_slot();
template <class T>
const KernelSlot<SparseXentKernel<T>>& sparse_xent_slot();
template <class T>
const KernelSlot<SparseXentBackwardKernel<T>>& sparse_xent_backward_slot();
template <class T>
const KernelSlot<CategoricalXentKernel<T>>& categorical_xent_slot();
template <class T>
const KernelSlot<CategoricalXentBackwardKernel<T>>& categorical_xent_backward_slot();
template <class T>
const KernelSlot<PointwiseLossKernel<T>>& pointwise_loss_slot();
template <class T>
const KernelSlot<PointwiseLossBackwardKernel<T>>& pointwise_loss_backward_slot();

}  // namespace deepfin::kernels
