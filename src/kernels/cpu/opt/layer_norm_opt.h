#pragma once
// Optimized float32 layer-norm kernels (see kernels/norm_slots.h for the contract).
#include <cstdint>

namespace deepfin::kernels::opt {

void layer_norm_forward(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* beta,
                        double epsilon, float* y, float* mean, float* rstd);
void layer_norm_backward(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* mean,
                         const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta);

}  // namespace deepfin::kernels::opt
