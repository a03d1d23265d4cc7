#include "kernels/cpu/opt/q8_opt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "deepfin/base/threads.h"
#include "kernels/quant_slots.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace deepfin::kernels::opt {
namespace {

#if defined(__AVX2__)
// Both operands int8 (ggml's Q8_0 x Q8_0): the activations are quantized per block
// of 32 as the weights are, so a block is one 32-byte load of each and four integer
// instructions, instead of widening 32 int8 weights to float.
struct QuantizedRow {
  std::vector<int8_t> q;
  std::vector<float> scales;
};

QuantizedRow quantize_row(const float* x, int64_t in_used, int64_t in) {
  QuantizedRow r{std::vector<int8_t>(static_cast<size_t>(in), 0), std::vector<float>(static_cast<size_t>(in / 32))};
  for (int64_t b = 0; b < in / kQ8Block; ++b) {
    const int64_t begin = b * kQ8Block, end = std::min(in_used, begin + kQ8Block);
    float amax = 0.0f;
    bool finite = true;
    for (int64_t i = begin; i < end; ++i) {
      finite = finite && std::isfinite(x[i]);
      amax = std::max(amax, std::fabs(x[i]));
    }
    // A NaN or infinity makes the block's sum NaN, as the float product would, not 0.
    const float scale = finite ? amax / 127.0f : std::numeric_limits<float>::quiet_NaN();
    r.scales[static_cast<size_t>(b)] = scale;
    if (scale == 0.0f || !finite) continue;
    for (int64_t i = begin; i < end; ++i) r.q[static_cast<size_t>(i)] = static_cast<int8_t>(std::lround(x[i] / scale));
  }
  return r;
}

inline float q8_dot(const QuantizedRow& x, const int8_t* q, const float* scales, int64_t blocks) {
  __m256 acc = _mm256_setzero_ps();
  const __m256i ones = _mm256_set1_epi16(1);
  for (int64_t b = 0; b < blocks; ++b) {
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + b * kQ8Block));
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.q.data() + b * kQ8Block));
    // maddubs multiplies unsigned by signed bytes: |w| times a with w's sign moved onto a.
    const __m256i products = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w));
    const __m256 sums = _mm256_cvtepi32_ps(_mm256_madd_epi16(products, ones));
    acc = _mm256_fmadd_ps(_mm256_set1_ps(scales[b] * x.scales[static_cast<size_t>(b)]), sums, acc);
  }
  const __m128 half = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  const __m128 pair = _mm_add_ps(half, _mm_movehl_ps(half, half));
  return _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps(pair, pair, 1)));
}
#else
// Without AVX2: widen the int8 weights to float, one block of 32 at a time.
struct QuantizedRow {
  std::vector<float> x;
};

QuantizedRow quantize_row(const float* x, int64_t in_used, int64_t in) {
  QuantizedRow r{std::vector<float>(static_cast<size_t>(in), 0.0f)};
  std::copy(x, x + in_used, r.x.begin());
  return r;
}

inline float q8_dot(const QuantizedRow& x, const int8_t* q, const float* scales, int64_t blocks) {
  float total = 0.0f;
  for (int64_t b = 0; b < blocks; ++b) {
    float partial = 0.0f;
    const float* xb = x.x.data() + b * kQ8Block;
    const int8_t* qb = q + b * kQ8Block;
#pragma omp simd reduction(+ : partial)
    for (int64_t i = 0; i < kQ8Block; ++i) partial += xb[i] * static_cast<float>(qb[i]);
    total += partial * scales[b];
  }
  return total;
}
#endif

}  // namespace

void q8_matmul(int64_t rows, int64_t out, int64_t in, int64_t in_used, const float* x, const int8_t* q,
               const float* scales, float* y) {
  const int64_t blocks = in / kQ8Block;
  std::vector<QuantizedRow> xs;
  xs.reserve(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) xs.push_back(quantize_row(x + r * in_used, in_used, in));
  const bool parallel = worth_parallel(rows * out * in);
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t o = 0; o < out; ++o)
    for (int64_t r = 0; r < rows; ++r)
      y[r * out + o] = q8_dot(xs[static_cast<size_t>(r)], q + o * in, scales + o * blocks, blocks);
}

}  // namespace deepfin::kernels::opt
