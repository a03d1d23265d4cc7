#pragma once
// Optimized 2-D convolution: im2col + one GEMM through the seam (see conv2d_im2col.cpp).
#include "kernels/conv_slots.h"

namespace deepfin::kernels::opt {

template <class T>
void conv2d_forward(const Conv2dGeometry& g, const T* x, const T* w, const T* bias, T* y, T* workspace);
template <class T>
void conv2d_backward_input(const Conv2dGeometry& g, const T* dy, const T* w, T* dx, T* workspace);
template <class T>
void conv2d_backward_weight(const Conv2dGeometry& g, const T* x, const T* dy, T* dw, T* db, T* workspace);

}  // namespace deepfin::kernels::opt
