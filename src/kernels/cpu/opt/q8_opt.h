#pragma once
// Optimized int8 matrix product (quant_slots.h): outputs split over threads, each
// block of 32 a vectorized int8 -> float multiply-add, scaled once per block.
#include <cstdint>

namespace deepfin::kernels::opt {

void q8_matmul(int64_t rows, int64_t out, int64_t in, int64_t in_used, const float* x, const int8_t* q,
               const float* scales, float* y);

}  // namespace deepfin::kernels::opt
