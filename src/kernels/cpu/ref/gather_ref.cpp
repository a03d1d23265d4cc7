#include "kernels/cpu/ref/gather_ref.h"

namespace deepfin::kernels::ref {

template <class T>
void gather(const T* x, const int64_t* idx, T* out, int64_t outer, int64_t axis_len, int64_t n_idx, int64_t inner) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < n_idx; ++j)
      for (int64_t i = 0; i < inner; ++i) out[(o * n_idx + j) * inner + i] = x[(o * axis_len + idx[j]) * inner + i];
}

template <class T>
void gather_backward(const T* g, const int64_t* idx, T* gx, int64_t outer, int64_t axis_len, int64_t n_idx,
                     int64_t inner) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < n_idx; ++j)
      for (int64_t i = 0; i < inner; ++i) gx[(o * axis_len + idx[j]) * inner + i] += g[(o * n_idx + j) * inner + i];
}

template <class T>
void one_hot(const int64_t* labels, T* out, int64_t n, int64_t classes) {
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < classes; ++c) out[r * classes + c] = labels[r] == c ? T(1) : T(0);
}

#define DEEPFIN_INSTANTIATE(T)                                                                        \
  template void gather<T>(const T*, const int64_t*, T*, int64_t, int64_t, int64_t, int64_t);          \
  template void gather_backward<T>(const T*, const int64_t*, T*, int64_t, int64_t, int64_t, int64_t); \
  template void one_hot<T>(const int64_t*, T*, int64_t, int64_t);
DEEPFIN_INSTANTIATE(float)
DEEPFIN_INSTANTIATE(double)
DEEPFIN_INSTANTIATE(int64_t)
#undef DEEPFIN_INSTANTIATE

}  // namespace deepfin::kernels::ref
