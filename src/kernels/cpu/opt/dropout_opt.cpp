#include "kernels/cpu/opt/dropout_opt.h"

#include "deepfin/base/threads.h"

namespace deepfin::kernels::opt {

template <class T>
void mask_multiply(const T* x, const T* mask, T* out, int64_t n) {
#pragma omp parallel for simd schedule(static) if (worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] * mask[i];
}

template void mask_multiply<float>(const float*, const float*, float*, int64_t);
template void mask_multiply<double>(const double*, const double*, double*, int64_t);

}  // namespace deepfin::kernels::opt
