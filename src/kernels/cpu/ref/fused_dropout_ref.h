#pragma once
// Reference epilogue kernels (kernels/fused_dropout_slots.h): one element at a
// time, the activation in double with std::erf.
#include "kernels/fused_dropout_slots.h"

namespace deepfin::kernels::ref {

template <class T>
void epilogue_forward(const EpilogueForward<T>& a);
template <class T>
void epilogue_backward(const EpilogueBackward<T>& a);

}  // namespace deepfin::kernels::ref
