#pragma once
// Reference max and average pooling: plain loops, the oracle for the optimized kernels.
#include "kernels/conv_slots.h"

namespace deepfin::kernels::ref {

template <class T>
void max_pool2d_forward(const Pool2dGeometry& g, const T* x, T* y);
template <class T>
void max_pool2d_backward(const Pool2dGeometry& g, const T* x, const T* dy, T* dx);
template <class T>
void avg_pool2d_forward(const Pool2dGeometry& g, const T* x, T* y);
template <class T>
void avg_pool2d_backward(const Pool2dGeometry& g, const T* dy, T* dx);

}  // namespace deepfin::kernels::ref
