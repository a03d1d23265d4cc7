// Reference reductions over the middle axis of a contiguous (outer, n, inner)
// array. Sums accumulate in double so the reference is the accurate one.
#include <limits>

#include "kernels/cpu/ref/elementwise_ref.h"

namespace deepfin::kernels::ref {

template <class T>
void reduce_ew(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out) {
  if (op == ReduceOp::max || op == ReduceOp::min) {
    arg_reduce_ew<T>(op, outer, n, inner, x, out, nullptr);
    return;
  }
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      double total = 0.0;
      for (int64_t k = 0; k < n; ++k) total += static_cast<double>(x[(o * n + k) * inner + i]);
      if (op == ReduceOp::mean) total /= static_cast<double>(n);
      out[o * inner + i] = static_cast<T>(total);
    }
  }
}

template <class T>
void arg_reduce_ew(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out, int64_t* index) {
  const bool want_max = op != ReduceOp::min;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      T best_value = n > 0 ? x[o * n * inner + i] : std::numeric_limits<T>::quiet_NaN();
      for (int64_t k = 1; k < n; ++k) {
        const T v = x[(o * n + k) * inner + i];
        // Strict comparison keeps the first extreme on ties.
        if (want_max ? v > best_value : v < best_value) {
          best_value = v;
          best = k;
        }
      }
      if (out) out[o * inner + i] = best_value;
      if (index) index[o * inner + i] = best;
    }
  }
}

template <class T>
void scatter_ew(int64_t outer, int64_t n, int64_t inner, const int64_t* index, const T* dy, T* dx) {
  for (int64_t j = 0; j < outer * n * inner; ++j) dx[j] = T(0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) dx[(o * n + index[o * inner + i]) * inner + i] = dy[o * inner + i];
}

template void reduce_ew<float>(ReduceOp, int64_t, int64_t, int64_t, const float*, float*);
template void reduce_ew<double>(ReduceOp, int64_t, int64_t, int64_t, const double*, double*);
template void arg_reduce_ew<float>(ReduceOp, int64_t, int64_t, int64_t, const float*, float*, int64_t*);
template void arg_reduce_ew<double>(ReduceOp, int64_t, int64_t, int64_t, const double*, double*, int64_t*);
template void scatter_ew<float>(int64_t, int64_t, int64_t, const int64_t*, const float*, float*);
template void scatter_ew<double>(int64_t, int64_t, int64_t, const int64_t*, const double*, double*);

}  // namespace deepfin::kernels::ref
