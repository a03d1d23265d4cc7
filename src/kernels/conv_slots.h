#pragma once
// Kernel slots for 2-D convolution and pooling on channels-last (NHWC) data.
// The geometry structs carry every size a kernel needs, already resolved by the
// op (padding turned into pad_top/pad_left, output sizes computed), so kernels
// only loop. Each slot has a reference kernel (kernels/cpu/ref) and an
// optimized one (kernels/cpu/opt) registered over it, for float and double.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

// x (batch, in_h, in_w, in_c), w (k_h, k_w, in_c, out_c), y (batch, out_h, out_w, out_c).
struct Conv2dGeometry {
  int64_t batch, in_h, in_w, in_c;
  int64_t k_h, k_w, out_c;
  int64_t out_h, out_w;
  int64_t stride_h, stride_w;
  int64_t dil_h, dil_w;
  int64_t pad_top, pad_left;

  int64_t patch_size() const { return k_h * k_w * in_c; }       // columns of the im2col matrix
  int64_t out_pixels() const { return batch * out_h * out_w; }  // rows of the im2col matrix
};

// x (batch, in_h, in_w, channels) -> y (batch, out_h, out_w, channels).
struct Pool2dGeometry {
  int64_t batch, in_h, in_w, channels;
  int64_t pool_h, pool_w;
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;
  int64_t out_h, out_w;
};

// The input rows [h0, h1) and columns [w0, w1) that output cell (oh, ow)'s
// window covers, clipped to the input: padded cells never win a max and never
// count in an average (Keras/TensorFlow semantics). Shared by ref and opt kernels.
struct PoolWindow {
  int64_t h0, h1, w0, w1;
  int64_t count() const { return (h1 - h0) * (w1 - w0); }
};

inline PoolWindow pool_window(const Pool2dGeometry& g, int64_t oh, int64_t ow) {
  const int64_t h = oh * g.stride_h - g.pad_top;
  const int64_t w = ow * g.stride_w - g.pad_left;
  return {h < 0 ? 0 : h, h + g.pool_h < g.in_h ? h + g.pool_h : g.in_h, w < 0 ? 0 : w,
          w + g.pool_w < g.in_w ? w + g.pool_w : g.in_w};
}

// `bias` may be null. `workspace` holds conv2d_workspace_size(g) elements for
// the optimized kernels; the reference kernels ignore it (and accept null).
template <class T>
using Conv2dForwardFn = void(const Conv2dGeometry& g, const T* x, const T* w, const T* bias, T* y, T* workspace);
// dx is overwritten.
template <class T>
using Conv2dBackwardInputFn = void(const Conv2dGeometry& g, const T* dy, const T* w, T* dx, T* workspace);
// dw is overwritten; db (out_c) too unless null.
template <class T>
using Conv2dBackwardWeightFn = void(const Conv2dGeometry& g, const T* x, const T* dy, T* dw, T* db, T* workspace);

// Elements of scratch the optimized conv kernels need (the im2col matrix).
int64_t conv2d_workspace_size(const Conv2dGeometry& g);

template <class T>
const KernelSlot<Conv2dForwardFn<T>>& conv2d_forward_slot();
template <class T>
const KernelSlot<Conv2dBackwardInputFn<T>>& conv2d_backward_input_slot();
template <class T>
const KernelSlot<Conv2dBackwardWeightFn<T>>& conv2d_backward_weight_slot();

template <class T>
using Pool2dForwardFn = void(const Pool2dGeometry& g, const T* x, T* y);
// Gradient to the first maximum of each window (row-major window order); dx is overwritten.
template <class T>
using MaxPool2dBackwardFn = void(const Pool2dGeometry& g, const T* x, const T* dy, T* dx);
// Each output's gradient spread evenly over the window's non-padded cells; dx is overwritten.
template <class T>
using AvgPool2dBackwardFn = void(const Pool2dGeometry& g, const T* dy, T* dx);

template <class T>
const KernelSlot<Pool2dForwardFn<T>>& max_pool2d_forward_slot();
template <class T>
const KernelSlot<MaxPool2dBackwardFn<T>>& max_pool2d_backward_slot();
template <class T>
const KernelSlot<Pool2dForwardFn<T>>& avg_pool2d_forward_slot();
template <class T>
const KernelSlot<AvgPool2dBackwardFn<T>>& avg_pool2d_backward_slot();

}  // namespace deepfin::kernels
