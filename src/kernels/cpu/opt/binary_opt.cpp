// Optimized float32 broadcast kernels. After coalesce() the last axis is the
// longest contiguous run; it gets a vectorizable inner loop with special cases
// for the common layouts: both contiguous, or one side a repeated scalar.
#include <algorithm>

#include "deepfin/base/threads.h"
#include "kernels/cpu/opt/elementwise_opt.h"
#include "kernels/cpu/opt/elementwise_parallel.h"
#include "kernels/cpu/ref/elementwise_math.h"

namespace deepfin::kernels::opt {
namespace {

template <BinaryOp Op>
void run_span(int64_t len, const float* a, int64_t sa, const float* b, int64_t sb, float* out) {
  auto f = [](float x, float y) { return math::binary(Op, x, y); };
  if (sa == 1 && sb == 1) {
#pragma omp simd
    for (int64_t j = 0; j < len; ++j) out[j] = f(a[j], b[j]);
  } else if (sa == 0 && sb == 1) {
    const float av = a[0];
#pragma omp simd
    for (int64_t j = 0; j < len; ++j) out[j] = f(av, b[j]);
  } else if (sa == 1 && sb == 0) {
    const float bv = b[0];
#pragma omp simd
    for (int64_t j = 0; j < len; ++j) out[j] = f(a[j], bv);
  } else {
    for (int64_t j = 0; j < len; ++j) out[j] = f(a[j * sa], b[j * sb]);
  }
}

template <BinaryOp Op>
void run(const BroadcastLayout& l, const float* a, const float* b, float* out) {
  const int64_t numel = l.numel();
  if (numel == 0) return;
  const int64_t ndim = static_cast<int64_t>(l.shape.size());
  const int64_t inner = l.shape.back();
  const int64_t sa = l.strides[0].back(), sb = l.strides[1].back();
  const bool parallel = worth_parallel(numel);
  if (ndim == 1) {
    // One flat run: split it into fixed blocks.
    for_each_block(block_count(inner), parallel, [&](int64_t blk) {
      const int64_t start = blk * kBlock, len = std::min(kBlock, inner - start);
      run_span<Op>(len, a + start * sa, sa, b + start * sb, sb, out + start);
    });
    return;
  }
  for_each_block(numel / inner, parallel, [&](int64_t row) {
    int64_t oa = 0, ob = 0, rem = row;
    for (int64_t d = ndim - 2; d >= 0; --d) {
      const int64_t idx = rem % l.shape[d];
      rem /= l.shape[d];
      oa += idx * l.strides[0][d];
      ob += idx * l.strides[1][d];
    }
    run_span<Op>(inner, a + oa, sa, b + ob, sb, out + row * inner);
  });
}

}  // namespace

void binary_ew(BinaryOp op, const BroadcastLayout& layout, const float* a, const float* b, float* out) {
  switch (op) {
    case BinaryOp::add:
      return run<BinaryOp::add>(layout, a, b, out);
    case BinaryOp::sub:
      return run<BinaryOp::sub>(layout, a, b, out);
    case BinaryOp::mul:
      return run<BinaryOp::mul>(layout, a, b, out);
    case BinaryOp::div:
      return run<BinaryOp::div>(layout, a, b, out);
    case BinaryOp::pow:
      return run<BinaryOp::pow>(layout, a, b, out);
    case BinaryOp::maximum:
      return run<BinaryOp::maximum>(layout, a, b, out);
    case BinaryOp::minimum:
      return run<BinaryOp::minimum>(layout, a, b, out);
    case BinaryOp::greater:
      return run<BinaryOp::greater>(layout, a, b, out);
    case BinaryOp::less:
      return run<BinaryOp::less>(layout, a, b, out);
    case BinaryOp::equal:
      return run<BinaryOp::equal>(layout, a, b, out);
  }
}

}  // namespace deepfin::kernels::opt
