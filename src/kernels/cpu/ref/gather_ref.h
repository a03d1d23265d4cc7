#pragma once
// Reference gather / scatter-add / one-hot / concat-copy kernels: plain loops,
// the ground truth the optimized kernels are tested against.
#include <cstdint>

namespace deepfin::kernels::ref {

template <class T>
void gather(const T* x, const int64_t* idx, T* out, int64_t outer, int64_t axis_len, int64_t n_idx, int64_t inner);
template <class T>
void gather_backward(const T* g, const int64_t* idx, T* gx, int64_t outer, int64_t axis_len, int64_t n_idx,
                     int64_t inner);
template <class T>
void one_hot(const int64_t* labels, T* out, int64_t n, int64_t classes);

}  // namespace deepfin::kernels::ref
