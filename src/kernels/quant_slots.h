#pragma once
// Kernel slot of the weight-only int8 matrix product used by generation (ggml's
// Q8_0 layout): W is (out, in) with in padded to a multiple of 32, stored as int8
// per value and one float scale per block of 32 values along `in`, w = q * scale.
//   y[r, o] = sum_i x[r, i] * q[o, i] * scale[o, i / 32]      (r < rows, o < out)
// x is (rows, in_used) with in_used <= in (the padding is zero); y is (rows, out).
// The optimized kernel may round x to int8 per block of 32 as well (q8_opt.h).
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

inline constexpr int64_t kQ8Block = 32;

template <class T>
using Q8MatmulFn = void(int64_t rows, int64_t out, int64_t in, int64_t in_used, const T* x, const int8_t* q,
                        const float* scales, T* y);

template <class T>
const KernelSlot<Q8MatmulFn<T>>& q8_matmul_slot();

}  // namespace deepfin::kernels
