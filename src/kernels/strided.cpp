#include "kernels/strided.h"

#include <vector>

namespace deepfin::kernels {
namespace {

// Calls fn(offset) for every multi-index in row-major order, with the inner
// axis as a tight loop.
template <class Fn>
void for_each_offset(const StridedLayout& l, Fn&& fn) {
  int64_t total = 1;
  for (int i = 0; i < l.ndim; ++i) total *= l.shape[i];
  if (total == 0) return;
  if (l.ndim == 0) {
    fn(int64_t{0}, int64_t{0});
    return;
  }
  const int inner = l.ndim - 1;
  const int64_t inner_n = l.shape[inner], inner_s = l.strides[inner];
  std::vector<int64_t> idx(l.ndim, 0);
  int64_t base = 0, flat = 0;
  while (true) {
    for (int64_t j = 0; j < inner_n; ++j) fn(base + j * inner_s, flat + j);
    flat += inner_n;
    int axis = inner - 1;
    for (; axis >= 0; --axis) {
      base += l.strides[axis];
      if (++idx[axis] < l.shape[axis]) break;
      base -= l.strides[axis] * l.shape[axis];
      idx[axis] = 0;
    }
    if (axis < 0) return;
  }
}

}  // namespace

template <class SrcT, class DstT>
void strided_copy(const SrcT* src, const StridedLayout& layout, DstT* dst) {
  for_each_offset(layout, [&](int64_t off, int64_t flat) { dst[flat] = static_cast<DstT>(src[off]); });
}

template <class T>
void strided_accumulate(const T* src, T* dst, const StridedLayout& layout) {
  for_each_offset(layout, [&](int64_t off, int64_t flat) { dst[off] += src[flat]; });
}

#define DEEPFIN_COPY(S, D) template void strided_copy<S, D>(const S*, const StridedLayout&, D*);
DEEPFIN_COPY(float, float)
DEEPFIN_COPY(float, double)
DEEPFIN_COPY(float, int64_t)
DEEPFIN_COPY(double, float)
DEEPFIN_COPY(double, double)
DEEPFIN_COPY(double, int64_t)
DEEPFIN_COPY(int64_t, float)
DEEPFIN_COPY(int64_t, double)
DEEPFIN_COPY(int64_t, int64_t)
#undef DEEPFIN_COPY
template void strided_accumulate<float>(const float*, float*, const StridedLayout&);
template void strided_accumulate<double>(const double*, double*, const StridedLayout&);
template void strided_accumulate<int64_t>(const int64_t*, int64_t*, const StridedLayout&);

}  // namespace deepfin::kernels
