#pragma once
// Reference RMS-norm kernels: one row at a time, sums in double.
#include <cstdint>

namespace deepfin::kernels::ref {

template <class T>
void rms_norm_forward(int64_t rows, int64_t cols, const T* x, const T* gamma, double epsilon, T* y, T* rstd);
template <class T>
void rms_norm_backward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* rstd, const T* dy, T* dx,
                       T* dgamma);

}  // namespace deepfin::kernels::ref
