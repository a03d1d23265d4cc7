#pragma once
// Runs fn(begin, end) over [0, n): in one call below the parallel grain, else in one
// contiguous chunk per OpenMP thread. The optimizers' element loops live in plain
// functions called this way, so they vectorize on their own (an OpenMP-outlined loop
// body would not pick up the kernel's per-function optimize options).
#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "deepfin/base/threads.h"

namespace deepfin::optim::detail {

template <class Fn>
void parallel_chunks(int64_t n, Fn&& fn) {
  if (!worth_parallel(n)) {
    fn(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t chunk = (n + threads - 1) / threads;
    const int64_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
    if (begin < end) fn(begin, end);
  }
}

}  // namespace deepfin::optim::detail
