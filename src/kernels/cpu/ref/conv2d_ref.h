#pragma once
// Reference 2-D convolution: plain nested loops, the oracle for the optimized kernels.
#include "kernels/conv_slots.h"

namespace deepfin::kernels::ref {

template <class T>
void conv2d_forward(const Conv2dGeometry& g, const T* x, const T* w, const T* bias, T* y, T* workspace);
template <class T>
void conv2d_backward_input(const Conv2dGeometry& g, const T* dy, const T* w, T* dx, T* workspace);
template <class T>
void conv2d_backward_weight(const Conv2dGeometry& g, const T* x, const T* dy, T* dw, T* db, T* workspace);

}  // namespace deepfin::kernels::ref
