#pragma once
// Reference layer-norm kernels: one row at a time, sums in double.
#include <cstdint>

namespace deepfin::kernels::ref {

template <class T>
void layer_norm_forward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* beta, double epsilon, T* y,
                        T* mean, T* rstd);
template <class T>
void layer_norm_backward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* mean, const T* rstd,
                         const T* dy, T* dx, T* dgamma, T* dbeta);

}  // namespace deepfin::kernels::ref
