#pragma once
// Kernel slots for the fused layer normalization over the last axis. The op views
// its input as (rows, cols) and normalizes each row; mean and 1/std of each row are
// kept for backward. Reference kernels (kernels/cpu/ref) exist for float and
// double; the optimized float32 kernel (kernels/cpu/opt) registers over float's.
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

template <class T>
const KernelSlot<LayerNormForwardFn<T>>& layer_norm_forward_slot();
template <class T>
const KernelSlot<LayerNormBackwardFn<T>>& layer_norm_backward_slot();

}  // namespace deepfin::kernels
