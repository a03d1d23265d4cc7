// Every GEMM provider against the reference triple loop, and the reference
// against a float64 oracle, over a grid of shapes, transposes and leading dims.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "deepfin/base/error.h"
#include "kernels/gemm.h"

namespace deepfin::kernels {
namespace {

struct Case {
  bool ta, tb;
  int64_t m, n, k, pad;  // pad: extra elements per stored row (lda = cols + pad)
  float alpha, beta;
};

// Operands stored row-major with padded rows, plus a C with garbage in the padding.
struct Operands {
  int64_t lda, ldb, ldc;
  std::vector<float> a, b, c;
};

Operands make_operands(const Case& cs, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  auto fill = [&](int64_t rows, int64_t cols, int64_t& ld) {
    ld = cols + cs.pad;
    std::vector<float> v(rows * ld);
    for (float& x : v) x = dist(rng);
    return v;
  };
  Operands o;
  o.a = cs.ta ? fill(cs.k, cs.m, o.lda) : fill(cs.m, cs.k, o.lda);
  o.b = cs.tb ? fill(cs.n, cs.k, o.ldb) : fill(cs.k, cs.n, o.ldb);
  o.c = fill(cs.m, cs.n, o.ldc);
  return o;
}

// C = alpha * op(A) op(B) + beta * C in float64, straight from the definition.
std::vector<double> oracle(const Case& cs, const Operands& o) {
  std::vector<double> c(o.c.begin(), o.c.end());
  for (int64_t i = 0; i < cs.m; ++i)
    for (int64_t j = 0; j < cs.n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < cs.k; ++p) {
        const double a = cs.ta ? o.a[p * o.lda + i] : o.a[i * o.lda + p];
        const double b = cs.tb ? o.b[j * o.ldb + p] : o.b[p * o.ldb + j];
        acc += a * b;
      }
      c[i * o.ldc + j] = cs.alpha * acc + (cs.beta == 0 ? 0.0 : cs.beta * c[i * o.ldc + j]);
    }
  return c;
}

::testing::AssertionResult run_and_compare(GemmProvider p, const Case& cs, std::mt19937& rng) {
  Operands o = make_operands(cs, rng);
  const std::vector<double> expected = oracle(cs, o);
  std::vector<float> c = o.c;
  sgemm(cs.ta, cs.tb, cs.m, cs.n, cs.k, cs.alpha, o.a.data(), o.lda, o.b.data(), o.ldb, cs.beta, c.data(), o.ldc, p);
  const double tol = 1e-5 * (cs.k + 4);
  for (int64_t i = 0; i < cs.m; ++i)
    for (int64_t j = 0; j < cs.n; ++j) {
      const int64_t idx = i * o.ldc + j;
      if (!(std::abs(c[idx] - expected[idx]) <= tol * (1 + std::abs(expected[idx])))) {
        return ::testing::AssertionFailure() << gemm_provider_name(p) << " m=" << cs.m << " n=" << cs.n << " k=" << cs.k
                                             << " ta=" << cs.ta << " tb=" << cs.tb << " pad=" << cs.pad << " at (" << i
                                             << "," << j << "): " << c[idx] << " vs " << expected[idx];
      }
    }
  // The row padding of C must be left alone.
  for (int64_t i = 0; i < cs.m; ++i)
    for (int64_t j = cs.n; j < o.ldc; ++j)
      if (c[i * o.ldc + j] != o.c[i * o.ldc + j])
        return ::testing::AssertionFailure() << gemm_provider_name(p) << " wrote into the padding of C";
  return ::testing::AssertionSuccess();
}

std::vector<Case> grid() {
  std::vector<Case> cases;
  const int64_t sizes[] = {1, 2, 7, 16, 33};
  for (int64_t m : sizes)
    for (int64_t n : sizes)
      for (int64_t k : sizes)
        for (int t = 0; t < 4; ++t) {
          const int64_t pad = (m + n + k + t) % 3 == 0 ? 3 : 0;
          const float beta = (m + k) % 2 == 0 ? 0.f : 0.5f;
          cases.push_back({(t & 1) != 0, (t & 2) != 0, m, n, k, pad, 1.25f, beta});
        }
  // Large enough to run multi-threaded, with the seed CNN's skinny shapes.
  cases.push_back({false, false, 150, 130, 140, 1, 1.f, 0.f});
  cases.push_back({true, false, 9, 32, 2000, 0, 1.f, 0.f});
  cases.push_back({false, false, 2000, 32, 9, 0, 1.f, 1.f});
  cases.push_back({false, true, 32, 10, 1000, 0, 1.f, 0.f});
  return cases;
}

TEST(GemmKernels, ReferenceMatchesFloat64Oracle) {
  std::mt19937 rng(7);
  for (const Case& cs : grid()) ASSERT_TRUE(run_and_compare(GemmProvider::reference, cs, rng));
}

TEST(GemmKernels, EveryProviderMatchesReferenceOverGrid) {
  for (GemmProvider p : available_gemm_providers()) {
    std::mt19937 rng(11);
    for (const Case& cs : grid()) ASSERT_TRUE(run_and_compare(p, cs, rng));
  }
}

TEST(GemmKernels, AutomaticMatchesOracle) {
  std::mt19937 rng(3);
  for (const Case& cs : grid()) ASSERT_TRUE(run_and_compare(GemmProvider::automatic, cs, rng));
}

TEST(GemmKernels, BetaZeroOverwritesNaN) {
  const float a[] = {1, 2, 3, 4}, b[] = {1, 0, 0, 1};
  for (GemmProvider p : available_gemm_providers()) {
    float c[4];
    std::fill(c, c + 4, std::numeric_limits<float>::quiet_NaN());
    sgemm(false, false, 2, 2, 2, 1.f, a, 2, b, 2, 0.f, c, 2, p);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(c[i], a[i]) << gemm_provider_name(p);
  }
}

TEST(GemmKernels, EmptyReductionScalesC) {
  std::vector<float> c = {1, 2, 3, 4, 5, 6};
  sgemm(false, false, 2, 3, 0, 1.f, nullptr, 1, nullptr, 3, 2.f, c.data(), 3);
  EXPECT_EQ(c, (std::vector<float>{2, 4, 6, 8, 10, 12}));
}

TEST(GemmKernels, DgemmMatchesOracle) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> dist(-1, 1);
  for (int64_t m : {1, 5, 40})
    for (int64_t n : {1, 3, 70})
      for (int64_t k : {1, 9, 65})
        for (int t = 0; t < 4; ++t) {
          const bool ta = t & 1, tb = t & 2;
          std::vector<double> a(m * k), b(k * n), c(m * n);
          for (double& x : a) x = dist(rng);
          for (double& x : b) x = dist(rng);
          dgemm(ta, tb, m, n, k, 1.0, a.data(), ta ? m : k, b.data(), tb ? k : n, 0.0, c.data(), n);
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
              double acc = 0;
              for (int64_t p = 0; p < k; ++p)
                acc += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
              ASSERT_NEAR(c[i * n + j], acc, 1e-12 * (k + 1)) << m << "x" << n << "x" << k << " t=" << t;
            }
        }
}

TEST(GemmKernels, ProviderNamesRoundTrip) {
  for (GemmProvider p : available_gemm_providers()) EXPECT_EQ(gemm_provider_from_name(gemm_provider_name(p)), p);
  EXPECT_EQ(gemm_provider_from_name("automatic"), GemmProvider::automatic);
  try {
    gemm_provider_from_name("mkl");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("mkl"), std::string::npos);
  }
}

TEST(GemmKernels, AutomaticChoosesAConcreteProvider) {
  for (int64_t s : {1, 9, 32, 512, 21632}) {
    const GemmProvider p = choose_gemm_provider(s, 32, 9);
    EXPECT_NE(p, GemmProvider::automatic);
  }
}

TEST(GemmKernels, ForcedProviderIsUsedAndRestored) {
  set_gemm_provider(GemmProvider::blis);
  EXPECT_EQ(gemm_provider(), GemmProvider::blis);
  std::mt19937 rng(1);
  EXPECT_TRUE(run_and_compare(GemmProvider::automatic, {false, true, 17, 9, 33, 0, 1.f, 0.f}, rng));
  set_gemm_provider(GemmProvider::automatic);
  EXPECT_EQ(gemm_provider(), GemmProvider::automatic);
}

TEST(GemmKernels, NegativeSizeThrows) {
  float c = 0;
  EXPECT_THROW(sgemm(false, false, -1, 1, 1, 1.f, &c, 1, &c, 1, 0.f, &c, 1), ValueError);
}

}  // namespace
}  // namespace deepfin::kernels
