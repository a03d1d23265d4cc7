// oneDNN's dnnl_sgemm (row-major, like the seam). Its OpenMP runtime reads
// omp_get_max_threads(), which the seam has set to `threads`.
#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.h>

#include <string>

#include "deepfin/base/error.h"
#include "kernels/gemm.h"

namespace deepfin::kernels::detail {

void sgemm_onednn(const GemmArgs<float>& g, int /*threads*/) {
  const dnnl_status_t status = dnnl_sgemm(g.trans_a ? 'T' : 'N', g.trans_b ? 'T' : 'N', g.m, g.n, g.k, g.alpha, g.a,
                                          g.lda, g.b, g.ldb, g.beta, g.c, g.ldc);
  if (status != dnnl_success) {
    throw ValueError(
        fmt::format("onednn sgemm failed with status {} for m={} n={} k={}", static_cast<int>(status), g.m, g.n, g.k));
  }
}

}  // namespace deepfin::kernels::detail
