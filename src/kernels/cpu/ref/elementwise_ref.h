#pragma once
// Reference kernels for element-wise ops, reductions and softmax: plain loops,
// written to be read and trusted. Optimized kernels are tested against these.
#include <cstdint>

#include "kernels/elementwise_slots.h"

namespace deepfin::kernels::ref {

template <class T>
void binary_ew(BinaryOp op, const BroadcastLayout& layout, const T* a, const T* b, T* out);
template <class T>
void where_ew(const BroadcastLayout& layout, const T* cond, const T* a, const T* b, T* out);

template <class T>
void unary_ew(UnaryOp op, int64_t n, const T* x, T* y, T alpha, T beta);
template <class T>
void unary_ew_backward(UnaryOp op, int64_t n, const T* x, const T* y, const T* dy, T* dx, T alpha, T beta);

template <class T>
void reduce_ew(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out);
template <class T>
void arg_reduce_ew(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out, int64_t* index);
template <class T>
void scatter_ew(int64_t outer, int64_t n, int64_t inner, const int64_t* index, const T* dy, T* dx);

template <class T>
void softmax_ew(bool log, int64_t outer, int64_t n, int64_t inner, const T* x, T* y);
template <class T>
void softmax_ew_backward(bool log, int64_t outer, int64_t n, int64_t inner, const T* y, const T* dy, T* dx);

}  // namespace deepfin::kernels::ref
