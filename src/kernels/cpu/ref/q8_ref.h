#pragma once
// Reference int8 matrix product (quant_slots.h): one output at a time, sums in double.
#include <cstdint>

namespace deepfin::kernels::ref {

void q8_matmul(int64_t rows, int64_t out, int64_t in, int64_t in_used, const float* x, const int8_t* q,
               const float* scales, float* y);

}  // namespace deepfin::kernels::ref
