#pragma once
// The one loop shape the optimized element-wise kernels thread: a count of
// independent blocks, run by a static OpenMP schedule only when asked.
#include <omp.h>

#include <cstdint>

#include "deepfin/core/threads.h"

namespace deepfin::kernels::opt {

// worth_parallel() from core/threads.h, but asking OpenMP for the thread count
// (set_num_threads() sets it there too): the kernels library sits below core and
// must not call core's get_num_threads(), or static linking breaks.
inline bool worth_parallel(int64_t work) {
  return work >= kParallelGrain && omp_get_max_threads() > 1;
}

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
