#include "kernels/cpu/ref/q8_ref.h"

#include "kernels/quant_slots.h"

namespace deepfin::kernels::ref {

void q8_matmul(int64_t rows, int64_t out, int64_t in, int64_t in_used, const float* x, const int8_t* q,
               const float* scales, float* y) {
  const int64_t blocks = in / kQ8Block;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double total = 0.0;
      for (int64_t i = 0; i < in_used; ++i)
        total += static_cast<double>(x[r * in_used + i]) * q[o * in + i] * scales[o * blocks + i / kQ8Block];
      y[r * out + o] = static_cast<float>(total);
    }
}

}  // namespace deepfin::kernels::ref
