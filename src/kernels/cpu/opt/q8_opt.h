#pragma once
// Optimized int8 matrix product (quant_slots.h): outputs split over threads. With
// AVX2 the activations are also quantized to int8 per block of 32 (ggml's Q8_0 x
// Q8_0 dot product), which adds an error of at most half an activation step per
// value; without AVX2 each block is widened to float.
#include <cstdint>

namespace deepfin::kernels::opt {

void q8_matmul(int64_t rows, int64_t out, int64_t in, int64_t in_used, const float* x, const int8_t* q,
               const float* scales, float* y);

}  // namespace deepfin::kernels::opt
