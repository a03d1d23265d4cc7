#pragma once
// Reference concat kernel: copies one input's rows into its column band of the output.
#include <cstdint>

namespace deepfin::kernels::ref {

template <class T>
void concat_copy(const T* src, T* dst, int64_t outer, int64_t src_cols, int64_t dst_cols, int64_t dst_col);

}  // namespace deepfin::kernels::ref
