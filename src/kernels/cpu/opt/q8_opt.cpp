#include "kernels/cpu/opt/q8_opt.h"

#include <vector>

#include "deepfin/base/threads.h"
#include "kernels/quant_slots.h"

namespace deepfin::kernels::opt {
namespace {

// One output: the dot product of a padded x row with a quantized weight row.
inline float q8_dot(const float* x, const int8_t* q, const float* scales, int64_t blocks) {
  float total = 0.0f;
  for (int64_t b = 0; b < blocks; ++b) {
    float partial = 0.0f;
    const float* xb = x + b * kQ8Block;
    const int8_t* qb = q + b * kQ8Block;
#pragma omp simd reduction(+ : partial)
    for (int64_t i = 0; i < kQ8Block; ++i) partial += xb[i] * static_cast<float>(qb[i]);
    total += partial * scales[b];
  }
  return total;
}

}  // namespace

void q8_matmul(int64_t rows, int64_t out, int64_t in, int64_t in_used, const float* x, const int8_t* q,
               const float* scales, float* y) {
  const int64_t blocks = in / kQ8Block;
  // x rows padded with zeros to `in`, so every block runs the same vector loop.
  std::vector<float> padded(static_cast<size_t>(rows * in), 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < in_used; ++i) padded[static_cast<size_t>(r * in + i)] = x[r * in_used + i];
  const bool parallel = worth_parallel(rows * out * in);
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t o = 0; o < out; ++o)
    for (int64_t r = 0; r < rows; ++r)
      y[r * out + o] = q8_dot(padded.data() + r * in, q + o * in, scales + o * blocks, blocks);
}

}  // namespace deepfin::kernels::opt
