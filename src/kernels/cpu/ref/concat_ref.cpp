#include "kernels/cpu/ref/concat_ref.h"

namespace deepfin::kernels::ref {

template <class T>
void concat_copy(const T* src, T* dst, int64_t outer, int64_t src_cols, int64_t dst_cols, int64_t dst_col) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < src_cols; ++c) dst[o * dst_cols + dst_col + c] = src[o * src_cols + c];
}

template void concat_copy<float>(const float*, float*, int64_t, int64_t, int64_t, int64_t);
template void concat_copy<double>(const double*, double*, int64_t, int64_t, int64_t, int64_t);
template void concat_copy<int64_t>(const int64_t*, int64_t*, int64_t, int64_t, int64_t, int64_t);

}  // namespace deepfin::kernels::ref
