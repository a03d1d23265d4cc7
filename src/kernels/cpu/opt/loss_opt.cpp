#include "kernels/cpu/opt/loss_opt.h"

#include <cmath>

#include "deepfin/base/threads.h"
#include "kernels/cpu/ref/loss_math.h"

namespace deepfin::kernels::opt {
namespace {

template <class T>
T row_max(const T* x, int64_t n) {
  T m = x[0];
#pragma omp simd reduction(max : m)
  for (int64_t c = 1; c < n; ++c) m = x[c] > m ? x[c] : m;
  return m;
}

template <class T>
T log_sum_exp(const T* x, int64_t n) {
  const T m = row_max(x, n);
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t c = 0; c < n; ++c) s += std::exp(x[c] - m);
  return m + std::log(s);
}

template <class T>
T row_sum(const T* x, int64_t n) {
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t c = 0; c < n; ++c) s += x[c];
  return s;
}

template <PointwiseLoss K, class T>
void pointwise_forward(const T* pred, const T* target, int64_t samples, int64_t per_sample, T param, T* sample_loss) {
#pragma omp parallel for schedule(static) if (worth_parallel(samples * per_sample))
  for (int64_t s = 0; s < samples; ++s) {
    const T* p = pred + s * per_sample;
    const T* t = target + s * per_sample;
    T acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int64_t k = 0; k < per_sample; ++k) acc += loss_math::term<K>(p[k], t[k], param);
    sample_loss[s] = acc / T(per_sample);
  }
}

template <PointwiseLoss K, class T>
void pointwise_backward(const T* pred, const T* target, const T* scale, int64_t samples, int64_t per_sample, T param,
                        T* grad_pred, T* grad_target) {
#pragma omp parallel for schedule(static) if (worth_parallel(samples * per_sample))
  for (int64_t s = 0; s < samples; ++s) {
    const int64_t base = s * per_sample;
    const T sc = scale[s] / T(per_sample);
    if (grad_pred) {
#pragma omp simd
      for (int64_t k = base; k < base + per_sample; ++k)
        grad_pred[k] = sc * loss_math::d_pred<K>(pred[k], target[k], param);
    }
    if (grad_target) {
#pragma omp simd
      for (int64_t k = base; k < base + per_sample; ++k)
        grad_target[k] = sc * loss_math::d_target<K>(pred[k], target[k], param);
    }
  }
}

}  // namespace

template <class T>
void softmax_xent(const T* logits, const T* targets, int64_t rows, int64_t classes, T* row_loss, T* row_lse) {
#pragma omp parallel for schedule(static) if (worth_parallel(rows * classes))
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits + r * classes;
    const T* y = targets + r * classes;
    const T lse = log_sum_exp(x, classes);
    T loss = 0;
#pragma omp simd reduction(+ : loss)
    for (int64_t c = 0; c < classes; ++c) loss += y[c] * (lse - x[c]);
    row_loss[r] = loss;
    row_lse[r] = lse;
  }
}

template <class T>
void softmax_xent_backward(const T* logits, const T* targets, const T* row_lse, const T* row_scale, int64_t rows,
                           int64_t classes, T* grad_logits, T* grad_targets) {
#pragma omp parallel for schedule(static) if (worth_parallel(rows * classes))
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits + r * classes;
    const T* y = targets + r * classes;
    const T lse = row_lse[r];
    const T scale = row_scale[r];
    if (grad_logits) {
      const T mass = row_sum(y, classes);
      T* gl = grad_logits + r * classes;
#pragma omp simd
      for (int64_t c = 0; c < classes; ++c) gl[c] = scale * (std::exp(x[c] - lse) * mass - y[c]);
    }
    if (grad_targets) {
      T* gt = grad_targets + r * classes;
#pragma omp simd
      for (int64_t c = 0; c < classes; ++c) gt[c] = scale * (lse - x[c]);
    }
  }
}

template <class T>
void sparse_xent(const T* logits, const int64_t* labels, int64_t rows, int64_t classes, T* row_loss, T* row_lse) {
#pragma omp parallel for schedule(static) if (worth_parallel(rows * classes))
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits + r * classes;
    row_lse[r] = log_sum_exp(x, classes);
    row_loss[r] = row_lse[r] - x[labels[r]];
  }
}

template <class T>
void sparse_xent_backward(const T* logits, const int64_t* labels, const T* row_lse, const T* row_scale, int64_t rows,
                          int64_t classes, T* grad_logits) {
#pragma omp parallel for schedule(static) if (worth_parallel(rows * classes))
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits + r * classes;
    T* gl = grad_logits + r * classes;
    const T lse = row_lse[r];
    const T scale = row_scale[r];
#pragma omp simd
    for (int64_t c = 0; c < classes; ++c) gl[c] = scale * std::exp(x[c] - lse);
    gl[labels[r]] -= scale;
  }
}

template <class T>
void categorical_xent(const T* probs, const T* targets, int64_t rows, int64_t classes, T eps, T* row_loss) {
#pragma omp parallel for schedule(static) if (worth_parallel(rows * classes))
  for (int64_t r = 0; r < rows; ++r) {
    const T* q = probs + r * classes;
    const T* y = targets + r * classes;
    const T inv_total = T(1) / row_sum(q, classes);
    T loss = 0;
#pragma omp simd reduction(+ : loss)
    for (int64_t c = 0; c < classes; ++c) loss -= y[c] * std::log(loss_math::clip(q[c] * inv_total, eps, T(1) - eps));
    row_loss[r] = loss;
  }
}

template <class T>
void categorical_xent_backward(const T* probs, const T* targets, const T* row_scale, int64_t rows, int64_t classes,
                               T eps, T* grad_probs, T* grad_targets) {
#pragma omp parallel for schedule(static) if (worth_parallel(rows * classes))
  for (int64_t r = 0; r < rows; ++r) {
    const T* q = probs + r * classes;
    const T* y = targets + r * classes;
    const T total = row_sum(q, classes);
    const T scale = row_scale[r];
    if (grad_probs) {
      T weighted = 0;  // sum_c dL/dp_c * p_c over the unclipped classes
#pragma omp simd reduction(+ : weighted)
      for (int64_t c = 0; c < classes; ++c) {
        const T p = q[c] / total;
        weighted -= (p >= eps && p <= T(1) - eps) ? y[c] : T(0);
      }
      T* gp = grad_probs + r * classes;
#pragma omp simd
      for (int64_t c = 0; c < classes; ++c) {
        const T p = q[c] / total;
        const T dp = (p >= eps && p <= T(1) - eps) ? -y[c] / p : T(0);
        gp[c] = scale * (dp - weighted) / total;
      }
    }
    if (grad_targets) {
      T* gt = grad_targets + r * classes;
#pragma omp simd
      for (int64_t c = 0; c < classes; ++c) gt[c] = -scale * std::log(loss_math::clip(q[c] / total, eps, T(1) - eps));
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

}  // namespace deepfin::kernels::opt
