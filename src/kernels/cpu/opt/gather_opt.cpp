#include "kernels/cpu/opt/gather_opt.h"

#include <algorithm>
#include <cstring>

#include "deepfin/base/threads.h"

namespace deepfin::kernels::opt {

template <class T>
void gather(const T* x, const int64_t* idx, T* out, int64_t outer, int64_t axis_len, int64_t n_idx, int64_t inner) {
  const size_t row_bytes = static_cast<size_t>(inner) * sizeof(T);
#pragma omp parallel for collapse(2) schedule(static) if (worth_parallel(outer * n_idx * inner))
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < n_idx; ++j)
      std::memcpy(out + (o * n_idx + j) * inner, x + (o * axis_len + idx[j]) * inner, row_bytes);
}

// Threads own disjoint (outer, column chunk) tiles of gx, and each tile adds its
// rows in j order. No atomics, and since every element sums in j order whatever
// the tiling, the result never depends on the thread count. Embedding backward
// has outer = 1, so there the threads split the columns.
template <class T>
void gather_backward(const T* g, const int64_t* idx, T* gx, int64_t outer, int64_t axis_len, int64_t n_idx,
                     int64_t inner) {
  const bool parallel = worth_parallel(outer * n_idx * inner);
  const int64_t threads = parallel ? get_num_threads() : 1;
  const int64_t chunks = std::min<int64_t>(std::max<int64_t>(1, (threads + outer - 1) / outer), (inner + 15) / 16);
  const int64_t width = chunks > 1 ? (inner + chunks - 1) / chunks : inner;
#pragma omp parallel for collapse(2) schedule(static) if (parallel && outer * chunks > 1)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t begin = c * width;
      const int64_t end = std::min(inner, begin + width);
      for (int64_t j = 0; j < n_idx; ++j) {
        const T* src = g + (o * n_idx + j) * inner;
        T* dst = gx + (o * axis_len + idx[j]) * inner;
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) dst[i] += src[i];
      }
    }
  }
}

template void gather<float>(const float*, const int64_t*, float*, int64_t, int64_t, int64_t, int64_t);
template void gather<double>(const double*, const int64_t*, double*, int64_t, int64_t, int64_t, int64_t);
template void gather<int64_t>(const int64_t*, const int64_t*, int64_t*, int64_t, int64_t, int64_t, int64_t);
template void gather_backward<float>(const float*, const int64_t*, float*, int64_t, int64_t, int64_t, int64_t);
template void gather_backward<double>(const double*, const int64_t*, double*, int64_t, int64_t, int64_t, int64_t);

}  // namespace deepfin::kernels::opt
