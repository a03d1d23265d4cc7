// Optimized float32 layer normalization: vectorized passes over each row, rows
// spread over threads. Backward sums dgamma / dbeta per fixed block of rows and
// adds the blocks in order, so results do not depend on the thread count.
#include "kernels/cpu/opt/layer_norm_opt.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/opt/elementwise_parallel.h"

namespace deepfin::kernels::opt {
namespace {

// Rows per block of the backward's parameter-gradient partial sums.
constexpr int64_t kRowsPerBlock = 32;

void normalize_row(int64_t cols, const float* x, const float* gamma, const float* beta, double epsilon, float* y,
                   float* mean, float* rstd) {
  float total = 0.0f;
#pragma omp simd reduction(+ : total)
  for (int64_t c = 0; c < cols; ++c) total += x[c];
  const float mu = total / static_cast<float>(cols);
  float squares = 0.0f;
#pragma omp simd reduction(+ : squares)
  for (int64_t c = 0; c < cols; ++c) squares += (x[c] - mu) * (x[c] - mu);
  const auto inv_std = static_cast<float>(1.0 / std::sqrt(static_cast<double>(squares) / cols + epsilon));
  if (gamma && beta) {
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) y[c] = (x[c] - mu) * inv_std * gamma[c] + beta[c];
  } else {
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) {
      float v = (x[c] - mu) * inv_std;
      if (gamma) v *= gamma[c];
      if (beta) v += beta[c];
      y[c] = v;
    }
  }
  *mean = mu;
  *rstd = inv_std;
}

// dx of one row; adds the row's dgamma / dbeta terms into the block sums.
void backward_row(int64_t cols, const float* x, const float* gamma, float mu, float inv_std, const float* dy, float* dx,
                  float* dgamma_sum, float* dbeta_sum) {
  float g_total = 0.0f, gx_total = 0.0f;
#pragma omp simd reduction(+ : g_total, gx_total)
  for (int64_t c = 0; c < cols; ++c) {
    const float xhat = (x[c] - mu) * inv_std;
    const float g = gamma ? dy[c] * gamma[c] : dy[c];
    g_total += g;
    gx_total += g * xhat;
  }
  const float g_mean = g_total / static_cast<float>(cols), gx_mean = gx_total / static_cast<float>(cols);
#pragma omp simd
  for (int64_t c = 0; c < cols; ++c) {
    const float xhat = (x[c] - mu) * inv_std;
    const float g = gamma ? dy[c] * gamma[c] : dy[c];
    dx[c] = inv_std * (g - g_mean - xhat * gx_mean);
    dgamma_sum[c] += dy[c] * xhat;
    dbeta_sum[c] += dy[c];
  }
}

}  // namespace

void layer_norm_forward(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* beta,
                        double epsilon, float* y, float* mean, float* rstd) {
  if (cols == 0) return;
  auto row = [&](int64_t r) {
    normalize_row(cols, x + r * cols, gamma, beta, epsilon, y + r * cols, mean + r, rstd + r);
  };
  if (worth_parallel(rows * cols * 4)) {
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) row(r);
  } else {
    for (int64_t r = 0; r < rows; ++r) row(r);
  }
}

void layer_norm_backward(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* mean,
                         const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  if (cols == 0) return;
  const int64_t blocks = block_count(rows, kRowsPerBlock);
  // Per block: cols dgamma partials, then cols dbeta partials.
  std::vector<float> partial(static_cast<size_t>(blocks * 2 * cols), 0.0f);
  for_each_block(blocks, worth_parallel(rows * cols * 8), [&](int64_t b) {
    float* dgamma_sum = partial.data() + b * 2 * cols;
    float* dbeta_sum = dgamma_sum + cols;
    const int64_t stop = std::min(rows, (b + 1) * kRowsPerBlock);
    for (int64_t r = b * kRowsPerBlock; r < stop; ++r)
      backward_row(cols, x + r * cols, gamma, mean[r], rstd[r], dy + r * cols, dx + r * cols, dgamma_sum, dbeta_sum);
  });
  // Blocks are added in order, the columns of each block with vector loads.
  for (float* out : {dgamma, dbeta}) {
    if (!out) continue;
    const int64_t offset = out == dgamma ? 0 : cols;
    std::fill(out, out + cols, 0.0f);
    for (int64_t b = 0; b < blocks; ++b) {
      const float* block = partial.data() + b * 2 * cols + offset;
#pragma omp simd
      for (int64_t c = 0; c < cols; ++c) out[c] += block[c];
    }
  }
}

}  // namespace deepfin::kernels::opt
