// The GEMM seam: provider names, the per-shape choice behind `automatic`, the
// thread policy, and the reference triple loop every provider is tested against.
#include "kernels/gemm.h"

#include <fmt/format.h>
#include <omp.h>

#include <atomic>

#include "deepfin/base/error.h"
#include "deepfin/base/threads.h"
#include "kernels/dispatch.h"

namespace deepfin::kernels {
namespace {

std::atomic<GemmProvider> g_forced{GemmProvider::automatic};

// Below this many multiply-adds a GEMM stays on one thread: waking the team
// costs more than the work (about 160^3). Measured with bench/run.py: at 2^18
// the MLP row ran 4x slower on 2 threads than on 1; at 2^20 the credit MLP
// (256 x 119 x 64) still ran 2x slower on 2 threads; at 2^22 2 threads match 1
// on the MLP and LSTM rows, and the CNN and Transformer rows lose nothing.
constexpr int64_t kGemmParallelWork = int64_t{1} << 22;

// Sets OpenMP's thread count for the calling thread (which OpenBLAS and oneDNN
// read on every call) and restores it on exit.
class OmpThreadScope {
 public:
  explicit OmpThreadScope(int threads) : previous_(omp_get_max_threads()) {
    if (threads != previous_) omp_set_num_threads(threads);
  }
  ~OmpThreadScope() {
    if (omp_get_max_threads() != previous_) omp_set_num_threads(previous_);
  }
  OmpThreadScope(const OmpThreadScope&) = delete;
  OmpThreadScope& operator=(const OmpThreadScope&) = delete;

 private:
  int previous_;
};

// C = beta * C, the whole result when k == 0 (no provider is asked: BLAS
// rejects lda < 1 there). beta == 0 overwrites, so NaNs in C do not survive.
template <class T>
void scale_c(const detail::GemmArgs<T>& g) {
  for (int64_t i = 0; i < g.m; ++i) {
    T* row = g.c + i * g.ldc;
    for (int64_t j = 0; j < g.n; ++j) row[j] = g.beta == T(0) ? T(0) : g.beta * row[j];
  }
}

void check_dims(const char* fn, int64_t m, int64_t n, int64_t k) {
  if (m < 0 || n < 0 || k < 0) {
    throw ValueError(fmt::format("{}: negative size m={} n={} k={}", fn, m, n, k));
  }
}

}  // namespace

const char* gemm_provider_name(GemmProvider p) {
  switch (p) {
    case GemmProvider::automatic:
      return "automatic";
    case GemmProvider::reference:
      return "reference";
    case GemmProvider::openblas:
      return "openblas";
    case GemmProvider::blis:
      return "blis";
    case GemmProvider::onednn:
      return "onednn";
  }
  return "unknown";
}

GemmProvider gemm_provider_from_name(const std::string& name) {
  for (GemmProvider p : {GemmProvider::automatic, GemmProvider::reference, GemmProvider::openblas, GemmProvider::blis,
                         GemmProvider::onednn}) {
    if (name == gemm_provider_name(p)) return p;
  }
  throw ConfigError(
      fmt::format("unknown GEMM provider '{}'; expected one of automatic, reference, openblas, blis, onednn", name));
}

std::vector<GemmProvider> available_gemm_providers() {
  return {GemmProvider::reference, GemmProvider::openblas, GemmProvider::blis, GemmProvider::onednn};
}

void set_gemm_provider(GemmProvider p) {
  g_forced.store(p);
}
GemmProvider gemm_provider() {
  return g_forced.load();
}

// Follows the measurements in docs/gemm_providers.md (bench_gemm_conv, 1 and 2
// threads, AVX-512 x86-64): oneDNN is fastest on every measured shape, the
// seed CNN's skinny ones (k = 9, n = 10, m = 9) and the 128^3 and 512^3 squares
// alike, by 1.3-4x over OpenBLAS; BLIS trails both and collapses with two
// threads on a loaded machine. The shape arguments stay so that a machine
// where the table differs can split the choice without changing callers.
GemmProvider choose_gemm_provider(int64_t /*m*/, int64_t /*n*/, int64_t /*k*/) {
  if (reference_kernels_only()) return GemmProvider::reference;
  return GemmProvider::onednn;
}

namespace detail {

int gemm_threads(int64_t m, int64_t n, int64_t k) {
  if (m * n * k < kGemmParallelWork) return 1;
  return get_num_threads();
}

template <class T>
void gemm_reference(const GemmArgs<T>& g) {
  for (int64_t i = 0; i < g.m; ++i) {
    for (int64_t j = 0; j < g.n; ++j) {
      T acc = 0;
      for (int64_t p = 0; p < g.k; ++p) {
        const T a = g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p];
        const T b = g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j];
        acc += a * b;
      }
      T& c = g.c[i * g.ldc + j];
      c = g.alpha * acc + (g.beta == T(0) ? T(0) : g.beta * c);
    }
  }
}
template void gemm_reference<float>(const GemmArgs<float>&);
template void gemm_reference<double>(const GemmArgs<double>&);

}  // namespace detail

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, GemmProvider p) {
  check_dims("sgemm", m, n, k);
  if (m == 0 || n == 0) return;
  const detail::GemmArgs<float> g{trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc};
  if (k == 0) return scale_c(g);
  if (p == GemmProvider::automatic) p = gemm_provider();
  if (p == GemmProvider::automatic) p = choose_gemm_provider(m, n, k);
  const int threads = detail::gemm_threads(m, n, k);
  OmpThreadScope scope(threads);
  switch (p) {
    case GemmProvider::openblas:
      return detail::sgemm_openblas(g, threads);
    case GemmProvider::blis:
      return detail::sgemm_blis(g, threads);
    case GemmProvider::onednn:
      return detail::sgemm_onednn(g, threads);
    default:
      return detail::gemm_reference(g);
  }
}

// float64 exists for gradient checks only, so it takes one fast provider.
void dgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
           const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  check_dims("dgemm", m, n, k);
  if (m == 0 || n == 0) return;
  const detail::GemmArgs<double> g{trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc};
  if (k == 0) return scale_c(g);
  if (reference_kernels_only() || gemm_provider() == GemmProvider::reference) return detail::gemm_reference(g);
  const int threads = detail::gemm_threads(m, n, k);
  OmpThreadScope scope(threads);
  detail::dgemm_openblas(g, threads);
}

}  // namespace deepfin::kernels
