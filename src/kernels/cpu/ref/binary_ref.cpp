// Reference broadcast kernels: one flat loop over the output, each input's
// offset recomputed from the multi-index.
#include <vector>

#include "kernels/cpu/ref/elementwise_math.h"
#include "kernels/cpu/ref/elementwise_ref.h"

namespace deepfin::kernels::ref {
namespace {

// Offset of output element `flat` in input `k`.
int64_t input_offset(const BroadcastLayout& layout, size_t k, int64_t flat) {
  int64_t offset = 0;
  for (int64_t d = static_cast<int64_t>(layout.shape.size()) - 1; d >= 0; --d) {
    offset += (flat % layout.shape[d]) * layout.strides[k][d];
    flat /= layout.shape[d];
  }
  return offset;
}

}  // namespace

template <class T>
void binary_ew(BinaryOp op, const BroadcastLayout& layout, const T* a, const T* b, T* out) {
  const int64_t n = layout.numel();
  for (int64_t i = 0; i < n; ++i)
    out[i] = math::binary(op, a[input_offset(layout, 0, i)], b[input_offset(layout, 1, i)]);
}

template <class T>
void where_ew(const BroadcastLayout& layout, const T* cond, const T* a, const T* b, T* out) {
  const int64_t n = layout.numel();
  for (int64_t i = 0; i < n; ++i)
    out[i] = cond[input_offset(layout, 0, i)] != T(0) ? a[input_offset(layout, 1, i)] : b[input_offset(layout, 2, i)];
}

template void binary_ew<float>(BinaryOp, const BroadcastLayout&, const float*, const float*, float*);
template void binary_ew<double>(BinaryOp, const BroadcastLayout&, const double*, const double*, double*);
template void binary_ew<int64_t>(BinaryOp, const BroadcastLayout&, const int64_t*, const int64_t*, int64_t*);
template void where_ew<float>(const BroadcastLayout&, const float*, const float*, const float*, float*);
template void where_ew<double>(const BroadcastLayout&, const double*, const double*, const double*, double*);

}  // namespace deepfin::kernels::ref
