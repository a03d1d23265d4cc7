#include "kernels/cpu/ref/rms_norm_ref.h"

#include <cmath>
#include <vector>

namespace deepfin::kernels::ref {

template <class T>
void rms_norm_forward(int64_t rows, int64_t cols, const T* x, const T* gamma, double epsilon, T* y, T* rstd) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * cols;
    double squares = 0;
    for (int64_t c = 0; c < cols; ++c) squares += static_cast<double>(xr[c]) * static_cast<double>(xr[c]);
    const double inv = 1.0 / std::sqrt((cols > 0 ? squares / static_cast<double>(cols) : 0.0) + epsilon);
    rstd[r] = static_cast<T>(inv);
    for (int64_t c = 0; c < cols; ++c)
      y[r * cols + c] =
          static_cast<T>(static_cast<double>(xr[c]) * inv * (gamma ? static_cast<double>(gamma[c]) : 1.0));
  }
}

template <class T>
void rms_norm_backward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* rstd, const T* dy, T* dx,
                       T* dgamma) {
  std::vector<double> dgamma_sum(dgamma ? cols : 0, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * cols;
    const T* dyr = dy + r * cols;
    const double inv = static_cast<double>(rstd[r]);
    double g_dot_xhat = 0;
    for (int64_t c = 0; c < cols; ++c) {
      const double g = static_cast<double>(dyr[c]) * (gamma ? static_cast<double>(gamma[c]) : 1.0);
      g_dot_xhat += g * static_cast<double>(xr[c]) * inv;
    }
    const double mean_g_xhat = cols > 0 ? g_dot_xhat / static_cast<double>(cols) : 0.0;
    for (int64_t c = 0; c < cols; ++c) {
      const double xhat = static_cast<double>(xr[c]) * inv;
      const double g = static_cast<double>(dyr[c]) * (gamma ? static_cast<double>(gamma[c]) : 1.0);
      dx[r * cols + c] = static_cast<T>(inv * (g - xhat * mean_g_xhat));
      if (dgamma) dgamma_sum[c] += static_cast<double>(dyr[c]) * xhat;
    }
  }
  for (int64_t c = 0; dgamma && c < cols; ++c) dgamma[c] = static_cast<T>(dgamma_sum[c]);
}

template void rms_norm_forward<float>(int64_t, int64_t, const float*, const float*, double, float*, float*);
template void rms_norm_forward<double>(int64_t, int64_t, const double*, const double*, double, double*, double*);
template void rms_norm_backward<float>(int64_t, int64_t, const float*, const float*, const float*, const float*, float*,
                                       float*);
template void rms_norm_backward<double>(int64_t, int64_t, const double*, const double*, const double*, const double*,
                                        double*, double*);

}  // namespace deepfin::kernels::ref
