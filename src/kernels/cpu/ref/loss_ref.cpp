#include "kernels/cpu/ref/loss_ref.h"

#include <cmath>

#include "kernels/cpu/ref/loss_math.h"

namespace deepfin::kernels::ref {
namespace {

// log sum_c exp(x_c), with the max subtracted so large logits do not overflow.
template <class T>
T log_sum_exp(const T* x, int64_t n) {
  T m = x[0];
  for (int64_t c = 1; c < n; ++c) m = x[c] > m ? x[c] : m;
  T s = 0;
  for (int64_t c = 0; c < n; ++c) s += std::exp(x[c] - m);
  return m + std::log(s);
}

template <PointwiseLoss K, class T>
void pointwise_forward(const T* pred, const T* target, int64_t samples, int64_t per_sample, T param, T* sample_loss) {
  for (int64_t s = 0; s < samples; ++s) {
    T acc = 0;
    for (int64_t k = s * per_sample; k < (s + 1) * per_sample; ++k)
      acc += loss_math::term<K>(pred[k], target[k], param);
    sample_loss[s] = acc / T(per_sample);
  }
}

template <PointwiseLoss K, class T>
void pointwise_backward(const T* pred, const T* target, const T* scale, int64_t samples, int64_t per_sample, T param,
                        T* grad_pred, T* grad_target) {
  for (int64_t s = 0; s < samples; ++s) {
    const T mean_scale = scale[s] / T(per_sample);
    for (int64_t k = s * per_sample; k < (s + 1) * per_sample; ++k) {
      if (grad_pred) grad_pred[k] = mean_scale * loss_math::d_pred<K>(pred[k], target[k], param);
      if (grad_target) grad_target[k] = mean_scale * loss_math::d_target<K>(pred[k], target[k], param);
    }
  }
}

}  // namespace

template <class T>
void softmax_xent(const T* logits, const T* targets, int64_t rows, int64_t classes, T* row_loss, T* row_lse) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits + r * classes;
    const T* y = targets + r * classes;
    const T lse = log_sum_exp(x, classes);
    T loss = 0;
    for (int64_t c = 0; c < classes; ++c) loss += y[c] * (lse - x[c]);
    row_loss[r] = loss;
    row_lse[r] = lse;
  }
}

template <class T>
void softmax_xent_backward(const T* logits, const T* targets, const T* row_lse, const T* row_scale, int64_t rows,
                           int64_t classes, T* grad_logits, T* grad_targets) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits + r * classes;
    const T* y = targets + r * classes;
    T target_mass = 0;  // 1 for one-hot or proper soft targets
    for (int64_t c = 0; c < classes; ++c) target_mass += y[c];
    for (int64_t c = 0; c < classes; ++c) {
      const T softmax = std::exp(x[c] - row_lse[r]);
      if (grad_logits) grad_logits[r * classes + c] = row_scale[r] * (softmax * target_mass - y[c]);
      if (grad_targets) grad_targets[r * classes + c] = row_scale[r] * (row_lse[r] - x[c]);
    }
  }
}

template <class T>
void sparse_xent(const T* logits, const int64_t* labels, int64_t rows, int64_t classes, T* row_loss, T* row_lse) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits + r * classes;
    row_lse[r] = log_sum_exp(x, classes);
    row_loss[r] = row_lse[r] - x[labels[r]];
  }
}

template <class T>
void sparse_xent_backward(const T* logits, const int64_t* labels, const T* row_lse, const T* row_scale, int64_t rows,
                          int64_t classes, T* grad_logits) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < classes; ++c) {
      const T softmax = std::exp(logits[r * classes + c] - row_lse[r]);
      grad_logits[r * classes + c] = row_scale[r] * (softmax - (labels[r] == c ? T(1) : T(0)));
    }
  }
}

template <class T>
void categorical_xent(const T* probs, const T* targets, int64_t rows, int64_t classes, T eps, T* row_loss) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* q = probs + r * classes;
    const T* y = targets + r * classes;
    T total = 0;
    for (int64_t c = 0; c < classes; ++c) total += q[c];
    T loss = 0;
    for (int64_t c = 0; c < classes; ++c) loss -= y[c] * std::log(loss_math::clip(q[c] / total, eps, T(1) - eps));
    row_loss[r] = loss;
  }
}

// With p = q / S clipped: dL/dp_c = -y_c / p_c inside the clip range (0 outside),
// and dL/dq_j = (dL/dp_j - sum_c dL/dp_c * p_c) / S.
template <class T>
void categorical_xent_backward(const T* probs, const T* targets, const T* row_scale, int64_t rows, int64_t classes,
                               T eps, T* grad_probs, T* grad_targets) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* q = probs + r * classes;
    const T* y = targets + r * classes;
    T total = 0;
    for (int64_t c = 0; c < classes; ++c) total += q[c];
    T weighted = 0;
    for (int64_t c = 0; c < classes; ++c) {
      const T p = q[c] / total;
      if (p >= eps && p <= T(1) - eps) weighted += -y[c];  // dL/dp_c * p_c
    }
    for (int64_t c = 0; c < classes; ++c) {
      const T p = q[c] / total;
      const T dp = (p >= eps && p <= T(1) - eps) ? -y[c] / p : T(0);
      if (grad_probs) grad_probs[r * classes + c] = row_scale[r] * (dp - weighted) / total;
      if (grad_targets) grad_targets[r * classes + c] = -row_scale[r] * std::log(loss_math::clip(p, eps, T(1) - eps));
    }
  }
}

template <class T>
void pointwise_loss(PointwiseLoss kind, const T* pred, const T* target, int64_t samples, int64_t per_sample, T param,
                    T* sample_loss) {
  switch (kind) {
    case PointwiseLoss::squared_error:
      return pointwise_forward<PointwiseLoss::squared_error>(pred, target, samples, per_sample, param, sample_loss);
    case PointwiseLoss::absolute_error:
      return pointwise_forward<PointwiseLoss::absolute_error>(pred, target, samples, per_sample, param, sample_loss);
    case PointwiseLoss::huber:
      return pointwise_forward<PointwiseLoss::huber>(pred, target, samples, per_sample, param, sample_loss);
    case PointwiseLoss::binary_xent_probs:
      return pointwise_forward<PointwiseLoss::binary_xent_probs>(pred, target, samples, per_sample, param, sample_loss);
    case PointwiseLoss::binary_xent_logits:
      return pointwise_forward<PointwiseLoss::binary_xent_logits>(pred, target, samples, per_sample, param,
                                                                  sample_loss);
    case PointwiseLoss::qlike:
      return pointwise_forward<PointwiseLoss::qlike>(pred, target, samples, per_sample, param, sample_loss);
  }
}

template <class T>
void pointwise_loss_backward(PointwiseLoss kind, const T* pred, const T* target, const T* sample_scale, int64_t samples,
                             int64_t per_sample, T param, T* grad_pred, T* grad_target) {
  switch (kind) {
    case PointwiseLoss::squared_error:
      return pointwise_backward<PointwiseLoss::squared_error>(pred, target, sample_scale, samples, per_sample, param,
                                                              grad_pred, grad_target);
    case PointwiseLoss::absolute_error:
      return pointwise_backward<PointwiseLoss::absolute_error>(pred, target, sample_scale, samples, per_sample, param,
                                                               grad_pred, grad_target);
    case PointwiseLoss::huber:
      return pointwise_backward<PointwiseLoss::huber>(pred, target, sample_scale, samples, per_sample, param, grad_pred,
                                                      grad_target);
    case PointwiseLoss::binary_xent_probs:
      return pointwise_backward<PointwiseLoss::binary_xent_probs>(pred, target, sample_scale, samples, per_sample,
                                                                  param, grad_pred, grad_target);
    case PointwiseLoss::binary_xent_logits:
      return pointwise_backward<PointwiseLoss::binary_xent_logits>(pred, target, sample_scale, samples, per_sample,
                                                                   param, grad_pred, grad_target);
    case PointwiseLoss::qlike:
      return pointwise_backward<PointwiseLoss::qlike>(pred, target, sample_scale, samples, per_sample, param, grad_pred,
                                                      grad_target);
  }
}

#define DEEPFIN_INSTANTIATE(T)                                                                               \
  template void softmax_xent<T>(const T*, const T*, int64_t, int64_t, T*, T*);                               \
  template void softmax_xent_backward<T>(const T*, const T*, const T*, const T*, int64_t, int64_t, T*, T*);  \
  template void sparse_xent<T>(const T*, const int64_t*, int64_t, int64_t, T*, T*);                          \
  template void sparse_xent_backward<T>(const T*, const int64_t*, const T*, const T*, int64_t, int64_t, T*); \
  template void categorical_xent<T>(const T*, const T*, int64_t, int64_t, T, T*);                            \
  template void categorical_xent_backward<T>(const T*, const T*, const T*, int64_t, int64_t, T, T*, T*);     \
  template void pointwise_loss<T>(PointwiseLoss, const T*, const T*, int64_t, int64_t, T, T*);               \
  template void pointwise_loss_backward<T>(PointwiseLoss, const T*, const T*, const T*, int64_t, int64_t, T, T*, T*);
DEEPFIN_INSTANTIATE(float)
DEEPFIN_INSTANTIATE(double)
#undef DEEPFIN_INSTANTIATE

}  // namespace deepfin::kernels::ref
