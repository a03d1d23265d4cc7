#pragma once
// The element-wise loss terms and their derivatives, shared by the reference and
// optimized loss kernels so both compute exactly the same formulas. NaN inputs
// propagate into the loss (clamp lets NaN through).
#include <cmath>

#include "kernels/loss_slots.h"

namespace deepfin::kernels::loss_math {

template <class T>
inline T clip(T v, T lo, T hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

template <class T>
inline T sign(T v) {
  return T((v > 0) - (v < 0));
}

// 1 / (1 + e^-x) without overflow for large |x|.
template <class T>
inline T stable_sigmoid(T x) {
  if (x >= 0) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

template <PointwiseLoss K, class T>
inline T term(T p, T t, T param) {
  if constexpr (K == PointwiseLoss::squared_error) {
    return (p - t) * (p - t);
  } else if constexpr (K == PointwiseLoss::absolute_error) {
    return std::abs(p - t);
  } else if constexpr (K == PointwiseLoss::huber) {
    const T a = std::abs(p - t);
    const T quadratic = a < param ? a : param;  // Keras: min(|e|, delta), then the linear rest
    return T(0.5) * quadratic * quadratic + param * (a - quadratic);
  } else if constexpr (K == PointwiseLoss::binary_xent_probs) {
    const T pc = clip(p, param, T(1) - param);
    return -(t * std::log(pc) + (T(1) - t) * std::log(T(1) - pc));
  } else if constexpr (K == PointwiseLoss::binary_xent_logits) {
    return (p > 0 ? p : T(0)) - p * t + std::log1p(std::exp(-std::abs(p)));
  } else {
    // QLIKE of the variance e^p: 0 when e^p = t, and t/e^p - log(t/e^p) - 1 otherwise.
    return t * std::exp(-p) + p - (t > 0 ? std::log(t) + T(1) : T(0));
  }
}

template <PointwiseLoss K, class T>
inline T d_pred(T p, T t, T param) {
  if constexpr (K == PointwiseLoss::squared_error) {
    return T(2) * (p - t);
  } else if constexpr (K == PointwiseLoss::absolute_error) {
    return sign(p - t);
  } else if constexpr (K == PointwiseLoss::huber) {
    const T e = p - t;
    return std::abs(e) <= param ? e : param * sign(e);
  } else if constexpr (K == PointwiseLoss::binary_xent_probs) {
    if (!(p >= param && p <= T(1) - param)) return T(0);  // clipped: no gradient, as in Keras
    return -t / p + (T(1) - t) / (T(1) - p);
  } else if constexpr (K == PointwiseLoss::binary_xent_logits) {
    return stable_sigmoid(p) - t;
  } else {
    return T(1) - t * std::exp(-p);
  }
}

template <PointwiseLoss K, class T>
inline T d_target(T p, T t, T param) {
  if constexpr (K == PointwiseLoss::binary_xent_probs) {
    const T pc = clip(p, param, T(1) - param);
    return std::log(T(1) - pc) - std::log(pc);
  } else if constexpr (K == PointwiseLoss::binary_xent_logits) {
    (void)t;
    (void)param;
    return -p;
  } else if constexpr (K == PointwiseLoss::qlike) {
    (void)param;
    return std::exp(-p) - (t > 0 ? T(1) / t : T(0));
  } else {
    return -d_pred<K>(p, t, param);  // the others depend on p - t only
  }
}

}  // namespace deepfin::kernels::loss_math
