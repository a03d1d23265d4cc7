#pragma once
// Optimized concat kernel: one memcpy per row, rows spread over threads when large.
#include <cstdint>

namespace deepfin::kernels::opt {

template <class T>
void concat_copy(const T* src, T* dst, int64_t outer, int64_t src_cols, int64_t dst_cols, int64_t dst_col);

}  // namespace deepfin::kernels::opt
