#pragma once
// Shared plumbing of the element-wise, activation, reduction and softmax ops:
// dtype checks, broadcast layouts, and the unary-op driver with its backward.
#include <vector>

#include "deepfin/core/tensor.h"
#include "kernels/elementwise_slots.h"

namespace deepfin::ew {

// DTypeError naming `op` and both dtypes unless a and b share one.
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);
// DTypeError naming `op` unless t is float32 or float64.
void check_floating(const char* op, const Tensor& t);

// The layout that walks `inputs` (through their own strides, 0 on broadcast
// axes) over a contiguous output of shape `out`, already coalesced.
kernels::BroadcastLayout broadcast_layout(const Shape& out, const std::vector<Tensor>& inputs);

// x's data as a contiguous tensor, outside the graph (x itself when it already is).
Tensor contiguous_data(const Tensor& x);

// out = op(a, b) with broadcasting, no autograd; any dtype (int64 too), a and b alike.
Tensor binary_forward(const char* name, kernels::BinaryOp op, const Tensor& a, const Tensor& b);

// y = f(x) for a unary kernel op, with its backward dx = dy * f'(x) recorded.
Tensor apply_unary(const char* name, kernels::UnaryOp op, const Tensor& x, double alpha = 0.0, double beta = 0.0);

// Product of shape[axis] over the reduced axes; `reduced` is one flag per axis.
int64_t reduced_count(const Shape& shape, const std::vector<bool>& reduced);
// One flag per axis of an ndim-tensor: is it in `axes` (empty = all)? IndexError
// for axes out of range, ValueError for repeats; both name `op`.
std::vector<bool> reduced_axes(const char* op, int64_t ndim, const std::vector<int64_t>& axes);
// `shape` with reduced axes set to 1 (keepdims) or removed.
Shape reduced_shape(const Shape& shape, const std::vector<bool>& reduced, bool keepdims);

}  // namespace deepfin::ew
