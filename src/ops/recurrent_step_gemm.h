#pragma once
// The per-step GEMM of the recurrent ops (forward h @ R, backward dpre @ R^T),
// C = A @ B + beta * C with row-major A (m, k), B (k, n), C (m, n).
//
// The GEMM seam gives a call of ~2^20 multiply-adds two threads, but a step of
// that size takes ~10 us on one core, and waking a second thread for each of the
// 2 * T steps of a batch costs more than it saves (LSTM(64), batch 64: 2 threads
// ran the 60 forward GEMMs in 21 us each against 10 us on one). So a step GEMM
// below kStepGemmParallelWork is cut into row blocks small enough that the seam
// runs each on one thread; bigger steps are left to the seam.
#include <algorithm>
#include <cstdint>

#include "kernels/gemm.h"

namespace deepfin::detail {

inline constexpr int64_t kStepGemmParallelWork = int64_t{1} << 22;

template <class T>
void step_gemm(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c,
               int64_t ldc) {
  int64_t rows = m;
  if (m * n * k < kStepGemmParallelWork)
    while (rows > 1 && kernels::detail::gemm_threads(rows, n, k) > 1) rows = (rows + 1) / 2;
  for (int64_t r = 0; r < m; r += rows) {
    const int64_t block = std::min(rows, m - r);
    kernels::gemm(false, false, block, n, k, T(1), a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
  }
}

}  // namespace deepfin::detail
