#pragma once
// Matrix products through the GEMM seam (see src/kernels/gemm.h).
#include "deepfin/core/tensor.h"

namespace deepfin {

// Batched matrix product with NumPy rules: (..., m, k) @ (..., k, n) -> (..., m, n);
// batch axes broadcast; 1-D operands are promoted as in NumPy.
Tensor matmul(const Tensor& a, const Tensor& b);

// Dense layer math in Keras layout: x (..., in) @ W (in, out) + b (out). `b` may be undefined.
Tensor linear(const Tensor& x, const Tensor& W, const Tensor& b = {});

}  // namespace deepfin
