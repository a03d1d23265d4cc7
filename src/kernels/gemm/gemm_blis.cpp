// BLIS through its native typed API (bli_sgemm_ex); never its CBLAS layer,
// whose symbols OpenBLAS owns. BLIS takes a row and a column stride per
// operand, so row-major is (rs = ld, cs = 1), and a per-call runtime object
// carries the thread count instead of BLIS's global setting.
#include <blis.h>

#include "kernels/gemm.h"

namespace deepfin::kernels::detail {

void sgemm_blis(const GemmArgs<float>& g, int threads) {
  rntm_t rntm;
  bli_rntm_init(&rntm);
  bli_rntm_set_num_threads(threads, &rntm);
  float alpha = g.alpha;
  float beta = g.beta;
  // BLIS's typed API is not const-correct; it only reads A and B.
  bli_sgemm_ex(g.trans_a ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, g.trans_b ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, g.m, g.n,
               g.k, &alpha, const_cast<float*>(g.a), g.lda, 1, const_cast<float*>(g.b), g.ldb, 1, &beta, g.c, g.ldc, 1,
               nullptr, &rntm);
}

}  // namespace deepfin::kernels::detail
