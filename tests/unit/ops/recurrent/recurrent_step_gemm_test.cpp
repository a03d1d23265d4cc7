// The recurrent ops' per-step GEMM (ops/recurrent_step_gemm.h) cuts mid-sized
// products into row blocks; every cut must give the plain triple loop's result,
// with beta = 0 (overwrite, NaNs in C gone) and beta = 1 (accumulate).
#include "ops/recurrent_step_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "deepfin/base/threads.h"

namespace deepfin::detail {
namespace {

std::vector<float> random_values(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

TEST(RecurrentStepGemm, RowBlocksMatchTripleLoop) {
  const int saved_threads = get_num_threads();
  set_num_threads(2);  // so the seam would give the mid-sized products two threads
  std::mt19937 rng(3);
  struct Case {
    int64_t m, n, k;
  };
  // Below the seam's cut-off, at it (LSTM(64), batch 64: 64 x 256 x 64 = 2^20),
  // odd rows between it and kStepGemmParallelWork, and one above that.
  for (const Case c :
       {Case{1, 256, 64}, Case{3, 20, 5}, Case{64, 256, 64}, Case{64, 64, 256}, Case{77, 512, 64}, Case{256, 256, 128}})
    for (const float beta : {0.0f, 1.0f}) {
      SCOPED_TRACE(::testing::Message() << c.m << "x" << c.n << "x" << c.k << " beta " << beta);
      const std::vector<float> a = random_values(c.m * c.k, rng), b = random_values(c.k * c.n, rng);
      std::vector<float> got = random_values(c.m * c.n, rng);
      if (beta == 0.0f) got[0] = std::numeric_limits<float>::quiet_NaN();
      std::vector<float> want = got;
      for (int64_t i = 0; i < c.m; ++i)
        for (int64_t j = 0; j < c.n; ++j) {
          double acc = 0;
          for (int64_t p = 0; p < c.k; ++p) acc += double(a[i * c.k + p]) * b[p * c.n + j];
          want[i * c.n + j] = float(acc + (beta == 0.0f ? 0.0 : double(want[i * c.n + j])));
        }
      step_gemm(c.m, c.n, c.k, a.data(), c.k, b.data(), c.n, beta, got.data(), c.n);
      for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-4 * (1 + std::fabs(want[i]))) << i;
    }
  set_num_threads(saved_threads);
}

}  // namespace
}  // namespace deepfin::detail
