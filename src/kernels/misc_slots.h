#pragma once
// Kernel slots for the data-movement ops (gather, concat, one-hot), the fused
// losses and dropout. Each slot holds the reference kernel (kernels/cpu/ref)
// and an optimized one (kernels/cpu/opt). Kernels see raw, contiguous pointers;
// the ops validate indices and shapes before calling them.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

// ---- data movement ---------------------------------------------------------

// x is (outer, axis_len, inner), idx has n_idx entries in [0, axis_len):
// out (outer, n_idx, inner) with out[o, j, i] = x[o, idx[j], i].
template <class T>
using GatherKernel = void(const T* x, const int64_t* idx, T* out, int64_t outer, int64_t axis_len, int64_t n_idx,
                          int64_t inner);
// The scatter-add that inverts gather: gx[o, idx[j], i] += g[o, j, i]. gx must be
// zeroed by the caller. Contributions to one element are added in j order, so the
// result does not depend on the thread count.
template <class T>
using GatherBackwardKernel = void(const T* g, const int64_t* idx, T* gx, int64_t outer, int64_t axis_len, int64_t n_idx,
                                  int64_t inner);
// Copies src (outer, src_cols) into the columns [dst_col, dst_col + src_cols) of dst (outer, dst_cols).
template <class T>
using ConcatCopyKernel = void(const T* src, T* dst, int64_t outer, int64_t src_cols, int64_t dst_cols, int64_t dst_col);
// out (n, classes) = 0 except out[i, labels[i]] = 1; labels already validated.
template <class T>
using OneHotKernel = void(const int64_t* labels, T* out, int64_t n, int64_t classes);

// ---- dropout ----------------------------------------------------------------

// out = x * mask, element-wise over n elements (mask holds 0 or 1 / (1 - rate)).
template <class T>
using MaskMultiplyKernel = void(const T* x, const T* mask, T* out, int64_t n);

// ---- fused losses -------------------------------------------------------------
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

// Slots for T in {float, double}; gather, concat and one-hot also for int64_t.
template <class T>
const KernelSlot<GatherKernel<T>>& gather_slot();
template <class T>
const KernelSlot<GatherBackwardKernel<T>>& gather_backward_slot();
template <class T>
const KernelSlot<ConcatCopyKernel<T>>& concat_copy_slot();
template <class T>
const KernelSlot<OneHotKernel<T>>& one_hot_slot();
template <class T>
const KernelSlot<MaskMultiplyKernel<T>>& mask_multiply_slot();
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
