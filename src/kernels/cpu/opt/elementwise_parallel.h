#pragma once
// The one loop shape the optimized element-wise kernels thread: a count of
// independent blocks, run by a static OpenMP schedule only when asked.

#include <cstdint>

#include "deepfin/base/threads.h"

namespace deepfin::kernels::opt {

// Thread control lives in the kernels library, so kernels use the one cut-off rule.
using deepfin::worth_parallel;

// Elements per block when a flat loop is split for threads. Fixed (not derived
// from the thread count) so block-wise partial sums never depend on it.
inline constexpr int64_t kBlock = 8192;

inline int64_t block_count(int64_t n, int64_t block = kBlock) {
  return (n + block - 1) / block;
}

template <class F>
void for_each_block(int64_t count, bool parallel, F&& body) {
  if (parallel && count > 1) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; ++i) body(i);
  } else {
    for (int64_t i = 0; i < count; ++i) body(i);
  }
}

}  // namespace deepfin::kernels::opt
