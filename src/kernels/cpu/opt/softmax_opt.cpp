// Optimized float32 softmax / log-softmax and their backward. Rows (inner == 1)
// get vectorized passes; other axes keep per-column running max and sums over
// `inner`-long contiguous runs. Threads split `outer`.
#include <algorithm>
#include <cmath>
#include <vector>

#include "deepfin/base/threads.h"
#include "kernels/cpu/opt/elementwise_opt.h"
#include "kernels/cpu/opt/elementwise_parallel.h"

namespace deepfin::kernels::opt {
namespace {

void softmax_row(bool log, int64_t n, const float* x, float* y) {
  float max_value = x[0];
#pragma omp simd reduction(max : max_value)
  for (int64_t k = 1; k < n; ++k) max_value = std::max(max_value, x[k]);
  double total = 0.0;  // float would lose digits over long rows
  for (int64_t k = 0; k < n; ++k) {
    const float e = std::exp(x[k] - max_value);
    total += e;
    if (!log) y[k] = e;
  }
  if (log) {
    const float shift = static_cast<float>(max_value + std::log(total));
#pragma omp simd
    for (int64_t k = 0; k < n; ++k) y[k] = x[k] - shift;
  } else {
    const float inv = static_cast<float>(1.0 / total);
#pragma omp simd
    for (int64_t k = 0; k < n; ++k) y[k] *= inv;
  }
}

void softmax_columns(bool log, int64_t n, int64_t inner, const float* x, float* y) {
  std::vector<float> max_value(x, x + inner), scale(inner);
  std::vector<double> total(inner, 0.0);
  for (int64_t k = 1; k < n; ++k) {
    const float* row = x + k * inner;
#pragma omp simd
    for (int64_t i = 0; i < inner; ++i) max_value[i] = std::max(max_value[i], row[i]);
  }
  for (int64_t k = 0; k < n; ++k) {
    const float* row = x + k * inner;
    float* out = y + k * inner;
    for (int64_t i = 0; i < inner; ++i) {
      out[i] = std::exp(row[i] - max_value[i]);
      total[i] += out[i];
    }
  }
  for (int64_t i = 0; i < inner; ++i)
    scale[i] = static_cast<float>(log ? max_value[i] + std::log(total[i]) : 1.0 / total[i]);
  for (int64_t k = 0; k < n; ++k) {
    const float* row = x + k * inner;
    float* out = y + k * inner;
    if (log) {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) out[i] = row[i] - scale[i];
    } else {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) out[i] *= scale[i];
    }
  }
}

void softmax_backward_slice(bool log, int64_t n, int64_t inner, const float* y, const float* dy, float* dx) {
  // Per column: total = sum(dy * y) (softmax) or sum(dy) (log-softmax).
  std::vector<double> total(inner, 0.0);
  for (int64_t k = 0; k < n; ++k) {
    const float* yr = y + k * inner;
    const float* gr = dy + k * inner;
    if (log) {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) total[i] += gr[i];
    } else {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) total[i] += gr[i] * yr[i];
    }
  }
  for (int64_t k = 0; k < n; ++k) {
    const float* yr = y + k * inner;
    const float* gr = dy + k * inner;
    float* out = dx + k * inner;
    if (log) {
      for (int64_t i = 0; i < inner; ++i) out[i] = gr[i] - std::exp(yr[i]) * static_cast<float>(total[i]);
    } else {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) out[i] = yr[i] * (gr[i] - static_cast<float>(total[i]));
    }
  }
}

}  // namespace

void softmax_ew(bool log, int64_t outer, int64_t n, int64_t inner, const float* x, float* y) {
  if (n == 0 || outer * inner == 0) return;
  for_each_block(outer, worth_parallel(outer * n * inner * 8), [&](int64_t o) {
    const int64_t offset = o * n * inner;
    if (inner == 1)
      softmax_row(log, n, x + offset, y + offset);
    else
      softmax_columns(log, n, inner, x + offset, y + offset);
  });
}

void softmax_ew_backward(bool log, int64_t outer, int64_t n, int64_t inner, const float* y, const float* dy,
                         float* dx) {
  if (n == 0 || outer * inner == 0) return;
  for_each_block(outer, worth_parallel(outer * n * inner * 4), [&](int64_t o) {
    const int64_t offset = o * n * inner;
    softmax_backward_slice(log, n, inner, y + offset, dy + offset, dx + offset);
  });
}

}  // namespace deepfin::kernels::opt
