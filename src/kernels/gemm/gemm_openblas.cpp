// OpenBLAS through CBLAS. The OpenMP build reads omp_get_max_threads() on each
// call, which the seam has set to `threads`.
#include <cblas.h>
#include <fmt/format.h>

#include <climits>
#include <string>

#include "deepfin/base/error.h"
#include "kernels/gemm.h"

namespace deepfin::kernels::detail {
namespace {

blasint to_blasint(int64_t v) {
  if (v > INT_MAX) throw ValueError(fmt::format("openblas gemm: dimension {} exceeds the 32-bit BLAS range", v));
  return static_cast<blasint>(v);
}

CBLAS_TRANSPOSE trans(bool t) {
  return t ? CblasTrans : CblasNoTrans;
}

}  // namespace

void sgemm_openblas(const GemmArgs<float>& g, int /*threads*/) {
  cblas_sgemm(CblasRowMajor, trans(g.trans_a), trans(g.trans_b), to_blasint(g.m), to_blasint(g.n), to_blasint(g.k),
              g.alpha, g.a, to_blasint(g.lda), g.b, to_blasint(g.ldb), g.beta, g.c, to_blasint(g.ldc));
}

void dgemm_openblas(const GemmArgs<double>& g, int /*threads*/) {
  cblas_dgemm(CblasRowMajor, trans(g.trans_a), trans(g.trans_b), to_blasint(g.m), to_blasint(g.n), to_blasint(g.k),
              g.alpha, g.a, to_blasint(g.lda), g.b, to_blasint(g.ldb), g.beta, g.c, to_blasint(g.ldc));
}

}  // namespace deepfin::kernels::detail
