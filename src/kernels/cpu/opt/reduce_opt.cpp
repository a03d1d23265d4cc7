// Optimized float32 reductions over the middle axis of (outer, n, inner).
// Deterministic for any thread count: a row sum is always the in-order sum of
// fixed-size block partials, and each output element is owned by one thread.
#include <algorithm>
#include <limits>
#include <vector>

#include "deepfin/base/threads.h"
#include "kernels/cpu/opt/elementwise_opt.h"
#include "kernels/cpu/opt/elementwise_parallel.h"
#include "kernels/cpu/ref/elementwise_ref.h"

namespace deepfin::kernels::opt {
namespace {

constexpr int64_t kSumBlock = 1024;   // elements per partial sum
constexpr int64_t kInnerChunk = 512;  // columns per task when reducing a non-last axis

// Sum of a contiguous run: vectorized double partials per block, added in order.
double row_sum(const float* x, int64_t n) {
  double total = 0.0;
  for (int64_t start = 0; start < n; start += kSumBlock) {
    const int64_t end = std::min(n, start + kSumBlock);
    double partial = 0.0;
#pragma omp simd reduction(+ : partial)
    for (int64_t k = start; k < end; ++k) partial += x[k];
    total += partial;
  }
  return total;
}

float row_extreme(bool want_max, const float* x, int64_t n) {
  float best = x[0];
  if (want_max) {
#pragma omp simd reduction(max : best)
    for (int64_t k = 1; k < n; ++k) best = std::max(best, x[k]);
  } else {
#pragma omp simd reduction(min : best)
    for (int64_t k = 1; k < n; ++k) best = std::min(best, x[k]);
  }
  return best;
}

// Reduces rows of length n (inner == 1).
void reduce_rows(ReduceOp op, int64_t outer, int64_t n, const float* x, float* out) {
  const bool parallel = worth_parallel(outer * n);
  if (op == ReduceOp::max || op == ReduceOp::min) {
    for_each_block(outer, parallel, [&](int64_t o) { out[o] = row_extreme(op == ReduceOp::max, x + o * n, n); });
    return;
  }
  const double scale = op == ReduceOp::mean ? 1.0 / static_cast<double>(n) : 1.0;
  if (outer > 1 || !parallel) {
    for_each_block(outer, parallel, [&](int64_t o) { out[o] = static_cast<float>(row_sum(x + o * n, n) * scale); });
    return;
  }
  // One long row: threads sum fixed blocks, then the partials are added in order
  // (the same partials and order row_sum uses, so the bits match).
  const int64_t blocks = block_count(n, kSumBlock);
  std::vector<double> partials(blocks);
  for_each_block(blocks, true, [&](int64_t b) {
    const int64_t start = b * kSumBlock, end = std::min(n, start + kSumBlock);
    double partial = 0.0;
#pragma omp simd reduction(+ : partial)
    for (int64_t k = start; k < end; ++k) partial += x[k];
    partials[b] = partial;
  });
  double total = 0.0;
  for (double p : partials) total += p;
  out[0] = static_cast<float>(total * scale);
}

// Reduces a non-last axis: each task owns a chunk of columns and walks k in order.
void reduce_columns(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const float* x, float* out) {
  const int64_t chunks = block_count(inner, kInnerChunk);
  const bool extreme = op == ReduceOp::max || op == ReduceOp::min;
  const double scale = op == ReduceOp::mean ? 1.0 / static_cast<double>(n) : 1.0;
  for_each_block(outer * chunks, worth_parallel(outer * n * inner), [&](int64_t task) {
    const int64_t o = task / chunks, i0 = (task % chunks) * kInnerChunk;
    const int64_t len = std::min(kInnerChunk, inner - i0);
    const float* base = x + o * n * inner + i0;
    float* dst = out + o * inner + i0;
    if (extreme) {
      for (int64_t i = 0; i < len; ++i) dst[i] = base[i];
      for (int64_t k = 1; k < n; ++k) {
        const float* row = base + k * inner;
        if (op == ReduceOp::max) {
#pragma omp simd
          for (int64_t i = 0; i < len; ++i) dst[i] = std::max(dst[i], row[i]);
        } else {
#pragma omp simd
          for (int64_t i = 0; i < len; ++i) dst[i] = std::min(dst[i], row[i]);
        }
      }
      return;
    }
    double acc[kInnerChunk] = {};
    for (int64_t k = 0; k < n; ++k) {
      const float* row = base + k * inner;
#pragma omp simd
      for (int64_t i = 0; i < len; ++i) acc[i] += row[i];
    }
    for (int64_t i = 0; i < len; ++i) dst[i] = static_cast<float>(acc[i] * scale);
  });
}

}  // namespace

void reduce_ew(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const float* x, float* out) {
  if (outer * inner == 0) return;
  if (n == 0) {
    // Nothing to reduce: let the reference define the empty sum / mean / extreme.
    ref::reduce_ew<float>(op, outer, n, inner, x, out);
    return;
  }
  if (inner == 1)
    reduce_rows(op, outer, n, x, out);
  else
    reduce_columns(op, outer, n, inner, x, out);
}

}  // namespace deepfin::kernels::opt
