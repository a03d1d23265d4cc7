// Reference softmax / log-softmax over the middle axis of (outer, n, inner).
// Stable: the row maximum is subtracted before exponentiating.
// Backward: softmax dx = y * (dy - sum(dy * y)); log-softmax dx = dy - softmax * sum(dy).
#include <algorithm>
#include <cmath>

#include "kernels/cpu/ref/elementwise_ref.h"

namespace deepfin::kernels::ref {

template <class T>
void softmax_ew(bool log, int64_t outer, int64_t n, int64_t inner, const T* x, T* y) {
  if (n == 0) return;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t k) { return (o * n + k) * inner + i; };
      T max_value = x[at(0)];
      for (int64_t k = 1; k < n; ++k) max_value = std::max(max_value, x[at(k)]);
      double total = 0.0;
      for (int64_t k = 0; k < n; ++k) total += std::exp(static_cast<double>(x[at(k)] - max_value));
      if (log) {
        const double log_total = std::log(total);
        for (int64_t k = 0; k < n; ++k)
          y[at(k)] = static_cast<T>(static_cast<double>(x[at(k)] - max_value) - log_total);
      } else {
        for (int64_t k = 0; k < n; ++k)
          y[at(k)] = static_cast<T>(std::exp(static_cast<double>(x[at(k)] - max_value)) / total);
      }
    }
  }
}

template <class T>
void softmax_ew_backward(bool log, int64_t outer, int64_t n, int64_t inner, const T* y, const T* dy, T* dx) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t k) { return (o * n + k) * inner + i; };
      double total = 0.0;
      for (int64_t k = 0; k < n; ++k) total += log ? dy[at(k)] : static_cast<double>(dy[at(k)]) * y[at(k)];
      for (int64_t k = 0; k < n; ++k) {
        if (log)
          dx[at(k)] = static_cast<T>(dy[at(k)] - std::exp(static_cast<double>(y[at(k)])) * total);
        else
          dx[at(k)] = static_cast<T>(y[at(k)] * (dy[at(k)] - total));
      }
    }
  }
}

template void softmax_ew<float>(bool, int64_t, int64_t, int64_t, const float*, float*);
template void softmax_ew<double>(bool, int64_t, int64_t, int64_t, const double*, double*);
template void softmax_ew_backward<float>(bool, int64_t, int64_t, int64_t, const float*, const float*, float*);
template void softmax_ew_backward<double>(bool, int64_t, int64_t, int64_t, const double*, const double*, double*);

}  // namespace deepfin::kernels::ref
