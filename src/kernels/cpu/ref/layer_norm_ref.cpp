// Reference layer normalization over rows of (rows, cols): two passes (mean, then
// the variance of the centred values) in double, written for clarity.
#include "kernels/cpu/ref/layer_norm_ref.h"

#include <cmath>
#include <vector>

namespace deepfin::kernels::ref {

template <class T>
void layer_norm_forward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* beta, double epsilon, T* y,
                        T* mean, T* rstd) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * cols;
    double total = 0.0;
    for (int64_t c = 0; c < cols; ++c) total += static_cast<double>(xr[c]);
    const double mu = cols > 0 ? total / static_cast<double>(cols) : 0.0;
    double squares = 0.0;
    for (int64_t c = 0; c < cols; ++c) squares += (static_cast<double>(xr[c]) - mu) * (static_cast<double>(xr[c]) - mu);
    const double variance = cols > 0 ? squares / static_cast<double>(cols) : 0.0;
    const double inv_std = 1.0 / std::sqrt(variance + epsilon);
    for (int64_t c = 0; c < cols; ++c) {
      double v = (static_cast<double>(xr[c]) - mu) * inv_std;
      if (gamma) v *= static_cast<double>(gamma[c]);
      if (beta) v += static_cast<double>(beta[c]);
      y[r * cols + c] = static_cast<T>(v);
    }
    mean[r] = static_cast<T>(mu);
    rstd[r] = static_cast<T>(inv_std);
  }
}

template <class T>
void layer_norm_backward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* mean, const T* rstd,
                         const T* dy, T* dx, T* dgamma, T* dbeta) {
  std::vector<double> dgamma_sum(static_cast<size_t>(cols), 0.0), dbeta_sum(static_cast<size_t>(cols), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * cols;
    const T* gr = dy + r * cols;
    const double mu = static_cast<double>(mean[r]), inv_std = static_cast<double>(rstd[r]);
    double g_total = 0.0, gx_total = 0.0;
    for (int64_t c = 0; c < cols; ++c) {
      const double xhat = (static_cast<double>(xr[c]) - mu) * inv_std;
      const double g = static_cast<double>(gr[c]) * (gamma ? static_cast<double>(gamma[c]) : 1.0);
      g_total += g;
      gx_total += g * xhat;
      dgamma_sum[static_cast<size_t>(c)] += static_cast<double>(gr[c]) * xhat;
      dbeta_sum[static_cast<size_t>(c)] += static_cast<double>(gr[c]);
    }
    const double g_mean = g_total / static_cast<double>(cols), gx_mean = gx_total / static_cast<double>(cols);
    for (int64_t c = 0; c < cols; ++c) {
      const double xhat = (static_cast<double>(xr[c]) - mu) * inv_std;
      const double g = static_cast<double>(gr[c]) * (gamma ? static_cast<double>(gamma[c]) : 1.0);
      dx[r * cols + c] = static_cast<T>(inv_std * (g - g_mean - xhat * gx_mean));
    }
  }
  for (int64_t c = 0; c < cols; ++c) {
    if (dgamma) dgamma[c] = static_cast<T>(dgamma_sum[static_cast<size_t>(c)]);
    if (dbeta) dbeta[c] = static_cast<T>(dbeta_sum[static_cast<size_t>(c)]);
  }
}

template void layer_norm_forward<float>(int64_t, int64_t, const float*, const float*, const float*, double, float*,
                                        float*, float*);
template void layer_norm_forward<double>(int64_t, int64_t, const double*, const double*, const double*, double, double*,
                                         double*, double*);
template void layer_norm_backward<float>(int64_t, int64_t, const float*, const float*, const float*, const float*,
                                         const float*, float*, float*, float*);
template void layer_norm_backward<double>(int64_t, int64_t, const double*, const double*, const double*, const double*,
                                          const double*, double*, double*, double*);

}  // namespace deepfin::kernels::ref
