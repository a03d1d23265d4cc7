#pragma once
// Kernel slots for the fused layer and RMS normalizations over the last axis. The
// ops view their input as (rows, cols) and normalize each row; each row's statistics
// (mean and 1/std, or 1/rms) are kept for backward. Reference kernels (kernels/cpu/ref)
// exist for float and double; an optimized float32 layer-norm kernel (kernels/cpu/opt)
// registers over float's.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

// y[r, c] = (x[r, c] - mean_r) * rstd_r * gamma[c] + beta[c], with the population
// variance (Keras, torch) and rstd_r = 1 / sqrt(var_r + epsilon). gamma and beta
// may be null (scale 1, shift 0). mean and rstd receive one value per row.
template <class T>
using LayerNormForwardFn = void(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* beta, double epsilon,
                                T* y, T* mean, T* rstd);

// With xhat = (x - mean) * rstd and g = dy * gamma:
//   dx = rstd * (g - mean_c(g) - xhat * mean_c(g * xhat)),
//   dgamma = sum_r dy * xhat, dbeta = sum_r dy.
// dx, dgamma and dbeta are overwritten; dgamma / dbeta may be null (not wanted),
// gamma may be null (scale 1). Sums over rows are added in a fixed order, so the
// result does not depend on the thread count.
template <class T>
using LayerNormBackwardFn = void(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* mean, const T* rstd,
                                 const T* dy, T* dx, T* dgamma, T* dbeta);

// RMS normalization (Zhang & Sennrich 2019; LLaMA's RMSNorm): no centring,
//   y[r, c] = x[r, c] * rstd_r * gamma[c],  rstd_r = 1 / sqrt(mean_c(x[r, c]^2) + epsilon).
// gamma may be null (scale 1). rstd receives one value per row, for backward.
template <class T>
using RmsNormForwardFn = void(int64_t rows, int64_t cols, const T* x, const T* gamma, double epsilon, T* y, T* rstd);

// With xhat = x * rstd and g = dy * gamma:
//   dx = rstd * (g - xhat * mean_c(g * xhat)),  dgamma = sum_r dy * xhat.
// dx and dgamma are overwritten; dgamma may be null (not wanted), gamma may be null
// (scale 1). Sums over rows are added in row order.
template <class T>
using RmsNormBackwardFn = void(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* rstd, const T* dy,
                               T* dx, T* dgamma);

template <class T>
const KernelSlot<LayerNormForwardFn<T>>& layer_norm_forward_slot();
template <class T>
const KernelSlot<LayerNormBackwardFn<T>>& layer_norm_backward_slot();
template <class T>
const KernelSlot<RmsNormForwardFn<T>>& rms_norm_forward_slot();
template <class T>
const KernelSlot<RmsNormBackwardFn<T>>& rms_norm_backward_slot();

}  // namespace deepfin::kernels
