#include "kernels/cpu/opt/concat_opt.h"

#include <cstring>

#include "deepfin/base/threads.h"

namespace deepfin::kernels::opt {

template <class T>
void concat_copy(const T* src, T* dst, int64_t outer, int64_t src_cols, int64_t dst_cols, int64_t dst_col) {
  const size_t row_bytes = static_cast<size_t>(src_cols) * sizeof(T);
#pragma omp parallel for schedule(static) if (worth_parallel(outer * src_cols))
  for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * dst_cols + dst_col, src + o * src_cols, row_bytes);
}

template void concat_copy<float>(const float*, float*, int64_t, int64_t, int64_t, int64_t);
template void concat_copy<double>(const double*, double*, int64_t, int64_t, int64_t, int64_t);
template void concat_copy<int64_t>(const int64_t*, int64_t*, int64_t, int64_t, int64_t, int64_t);

}  // namespace deepfin::kernels::opt
