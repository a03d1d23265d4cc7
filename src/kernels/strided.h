#pragma once
// Strided copies and reductions used by core for views: contiguous(), dtype
// casts, and summing a broadcast gradient back to its input's shape.
// Shapes and strides are in elements; a stride of 0 repeats (broadcasts).
#include <cstdint>

namespace deepfin::kernels {

struct StridedLayout {
  int ndim;
  const int64_t* shape;
  const int64_t* strides;
};

// dst (contiguous, same shape) = (DstT) src, element by element.
template <class SrcT, class DstT>
void strided_copy(const SrcT* src, const StridedLayout& src_layout, DstT* dst);

// dst[i...] (strided) += src (contiguous over `layout.shape`). Where dst has a
// zero stride, many source elements accumulate into one: this is sum-to-shape.
// Single-threaded and in index order, so results are deterministic.
template <class T>
void strided_accumulate(const T* src, T* dst, const StridedLayout& dst_layout);

}  // namespace deepfin::kernels
