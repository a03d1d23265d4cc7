#pragma once
// Reference dropout kernel: applies a precomputed mask (0 or 1 / (1 - rate)).
// The mask itself is drawn by the op from a Generator, so it is reproducible.
#include <cstdint>

namespace deepfin::kernels::ref {

template <class T>
void mask_multiply(const T* x, const T* mask, T* out, int64_t n);

}  // namespace deepfin::kernels::ref
