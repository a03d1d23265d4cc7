#pragma once
// Optimized gather / scatter-add / concat-copy / mask kernels: rows copied with
// memcpy or vectorizable loops, spread over threads only when the work is large.
#include <cstdint>

namespace deepfin::kernels::opt {

template <class T>
void gather(const T* x, const int64_t* idx, T* out, int64_t outer, int64_t axis_len, int64_t n_idx, int64_t inner);
template <class T>
void gather_backward(const T* g, const int64_t* idx, T* gx, int64_t outer, int64_t axis_len, int64_t n_idx,
                     int64_t inner);

}  // namespace deepfin::kernels::opt
