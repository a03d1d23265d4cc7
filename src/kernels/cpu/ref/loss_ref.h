#pragma once
// Reference fused loss kernels: one row (or one sample) at a time, plain loops.
// See kernels/misc_slots.h for what each computes.
#include <cstdint>

#include "kernels/loss_slots.h"

namespace deepfin::kernels::ref {

template <class T>
void softmax_xent(const T* logits, const T* targets, int64_t rows, int64_t classes, T* row_loss, T* row_lse);
template <class T>
void softmax_xent_backward(const T* logits, const T* targets, const T* row_lse, const T* row_scale, int64_t rows,
                           int64_t classes, T* grad_logits, T* grad_targets);
template <class T>
void sparse_xent(const T* logits, const int64_t* labels, int64_t rows, int64_t classes, T* row_loss, T* row_lse);
template <class T>
void sparse_xent_backward(const T* logits, const int64_t* labels, const T* row_lse, const T* row_scale, int64_t rows,
                          int64_t classes, T* grad_logits);
template <class T>
void categorical_xent(const T* probs, const T* targets, int64_t rows, int64_t classes, T eps, T* row_loss);
template <class T>
void categorical_xent_backward(const T* probs, const T* targets, const T* row_scale, int64_t rows, int64_t classes,
                               T eps, T* grad_probs, T* grad_targets);
template <class T>
void pointwise_loss(PointwiseLoss kind, const T* pred, const T* target, int64_t samples, int64_t per_sample, T param,
                    T* sample_loss);
template <class T>
void pointwise_loss_backward(PointwiseLoss kind, const T* pred, const T* target, const T* sample_scale, int64_t samples,
                             int64_t per_sample, T param, T* grad_pred, T* grad_target);

}  // namespace deepfin::kernels::ref
