#pragma once
// Kernel slots for element-wise ops, activations, reductions and softmax.
// Each slot holds the reference kernel (kernels/cpu/ref) and, for float32, an
// optimized one (kernels/cpu/opt). Kernels see raw pointers only.
#include <cstdint>
#include <vector>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

enum class BinaryOp : uint8_t { add, sub, mul, div, pow, maximum, minimum, greater, less, equal };

// One op per unary kernel; alpha/beta carry the op's parameters (slope, bounds, exponent, scalar).
enum class UnaryOp : uint8_t {
  neg,
  exp,
  log,
  sqrt,
  abs,
  square,
  clamp,       // [alpha, beta]
  add_scalar,  // x + alpha
  mul_scalar,  // x * alpha
  pow_scalar,  // x ^ alpha
  relu,
  leaky_relu,  // slope alpha
  elu,         // alpha
  sigmoid,
  tanh,
  gelu,
  gelu_tanh,
  softplus,
  sin,
  cos,
};

enum class ReduceOp : uint8_t { sum, mean, max, min };

// An N-d loop over a contiguous output of `shape`, reading each input through its
// own strides (in elements; 0 on broadcast axes).
struct BroadcastLayout {
  std::vector<int64_t> shape;
  std::vector<std::vector<int64_t>> strides;  // one stride vector per input

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    return n;
  }
};

// Drops size-1 axes and merges neighbouring axes that every operand walks
// contiguously, so kernels see as few (and as long) inner loops as possible.
// The result has at least one axis.
BroadcastLayout coalesce(const BroadcastLayout& layout);

template <class T>
using BinaryKernel = void(BinaryOp op, const BroadcastLayout& layout, const T* a, const T* b, T* out);
// out = cond != 0 ? a : b; layout has three stride vectors (cond, a, b).
template <class T>
using WhereKernel = void(const BroadcastLayout& layout, const T* cond, const T* a, const T* b, T* out);
template <class T>
using UnaryKernel = void(UnaryOp op, int64_t n, const T* x, T* y, T alpha, T beta);
// dx = dy * f'(x); x or y may be null when the op's backward does not need it
// (see unary_backward_needs_input / _output).
template <class T>
using UnaryBackwardKernel = void(UnaryOp op, int64_t n, const T* x, const T* y, const T* dy, T* dx, T alpha, T beta);
// x is contiguous (outer, n, inner); out is (outer, inner).
template <class T>
using ReduceKernel = void(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out);
// max/min with the index of the first extreme; out may be null (argmax).
template <class T>
using ArgReduceKernel = void(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out, int64_t* index);
// dx (outer, n, inner) = 0 except dx[o, index[o, i], i] = dy[o, i].
template <class T>
using ScatterKernel = void(int64_t outer, int64_t n, int64_t inner, const int64_t* index, const T* dy, T* dx);
// Softmax (or log-softmax when `log`) over the middle axis of (outer, n, inner).
template <class T>
using SoftmaxKernel = void(bool log, int64_t outer, int64_t n, int64_t inner, const T* x, T* y);
template <class T>
using SoftmaxBackwardKernel = void(bool log, int64_t outer, int64_t n, int64_t inner, const T* y, const T* dy, T* dx);

bool unary_backward_needs_input(UnaryOp op);
bool unary_backward_needs_output(UnaryOp op);

// Slots for T in {float, double} (binary also int64_t, for comparisons).
template <class T>
const KernelSlot<BinaryKernel<T>>& binary_slot();
template <class T>
const KernelSlot<WhereKernel<T>>& where_slot();
template <class T>
const KernelSlot<UnaryKernel<T>>& unary_slot();
template <class T>
const KernelSlot<UnaryBackwardKernel<T>>& unary_backward_slot();
template <class T>
const KernelSlot<ReduceKernel<T>>& reduce_slot();
template <class T>
const KernelSlot<ArgReduceKernel<T>>& arg_reduce_slot();
template <class T>
const KernelSlot<ScatterKernel<T>>& scatter_slot();
template <class T>
const KernelSlot<SoftmaxKernel<T>>& softmax_slot();
template <class T>
const KernelSlot<SoftmaxBackwardKernel<T>>& softmax_backward_slot();

}  // namespace deepfin::kernels
