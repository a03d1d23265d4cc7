#pragma once
// Optimized dropout kernel: a vectorized, threaded multiply by the mask.
#include <cstdint>

namespace deepfin::kernels::opt {

template <class T>
void mask_multiply(const T* x, const T* mask, T* out, int64_t n);

}  // namespace deepfin::kernels::opt
