#pragma once
// Optimized float32 kernels for element-wise ops, reductions and softmax.
// Each matches its reference kernel in kernels/cpu/ref (tests compare them).
// Threads: OpenMP over independent blocks, and only when worth_parallel();
// every partial sum is combined in a fixed order, so results are identical for
// any thread count.
#include <cstdint>

#include "kernels/elementwise_slots.h"

namespace deepfin::kernels::opt {

void binary_ew(BinaryOp op, const BroadcastLayout& layout, const float* a, const float* b, float* out);
void unary_ew(UnaryOp op, int64_t n, const float* x, float* y, float alpha, float beta);
void unary_ew_backward(UnaryOp op, int64_t n, const float* x, const float* y, const float* dy, float* dx, float alpha,
                       float beta);
void reduce_ew(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const float* x, float* out);
void softmax_ew(bool log, int64_t outer, int64_t n, int64_t inner, const float* x, float* y);
void softmax_ew_backward(bool log, int64_t outer, int64_t n, int64_t inner, const float* y, const float* dy, float* dx);

}  // namespace deepfin::kernels::opt
