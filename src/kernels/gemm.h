#pragma once
// The GEMM seam: C = alpha * op(A) @ op(B) + beta * C, row-major, over one of
// several providers. The provider is chosen per shape from measurements (see
// docs/gemm_providers.md); tests and benchmarks may force one.
#include <cstdint>
#include <string>
#include <vector>

namespace deepfin::kernels {

enum class GemmProvider { automatic, reference, openblas, blis, onednn };

const char* gemm_provider_name(GemmProvider p);
GemmProvider gemm_provider_from_name(const std::string& name);  // ConfigError if unknown
std::vector<GemmProvider> available_gemm_providers();           // the concrete ones compiled in

// Forces a provider for every call (automatic restores per-shape choice).
void set_gemm_provider(GemmProvider p);
GemmProvider gemm_provider();
// What `automatic` picks for this shape.
GemmProvider choose_gemm_provider(int64_t m, int64_t n, int64_t k);

// Row-major; lda/ldb/ldc are row strides of A, B, C as stored.
void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, GemmProvider p = GemmProvider::automatic);
void dgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
           const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

// Dispatches on element type (float -> sgemm, double -> dgemm).
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
                 const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Internals shared by gemm.cpp and the per-provider files in kernels/gemm/.
namespace detail {

// One GEMM call's arguments, row-major (see sgemm above).
template <class T>
struct GemmArgs {
  bool trans_a, trans_b;
  int64_t m, n, k;
  T alpha;
  const T* a;
  int64_t lda;
  const T* b;
  int64_t ldb;
  T beta;
  T* c;
  int64_t ldc;
};

// The plain triple loop every provider is tested against.
template <class T>
void gemm_reference(const GemmArgs<T>& g);

// Concrete providers. `threads` is how many threads the call may use; the
// caller has already set OpenMP's thread count to it.
void sgemm_openblas(const GemmArgs<float>& g, int threads);
void dgemm_openblas(const GemmArgs<double>& g, int threads);
void sgemm_blis(const GemmArgs<float>& g, int threads);
void sgemm_onednn(const GemmArgs<float>& g, int threads);

// How many threads a GEMM of this size gets: 1 for small ones, else get_num_threads().
int gemm_threads(int64_t m, int64_t n, int64_t k);

}  // namespace detail

}  // namespace deepfin::kernels
