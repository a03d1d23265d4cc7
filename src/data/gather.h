#pragma once
// Row gathers over axis 0 for any dtype and trailing shape, shared by the
// splitter and the batch loader.
#include <vector>

#include "deepfin/core/random.h"
#include "deepfin/core/tensor.h"

namespace deepfin::data::detail {

// `t` itself if contiguous, else a contiguous copy (no autograd).
Tensor contiguous_rows(const Tensor& t);

// A new contiguous tensor whose row i is row rows[i] of `t` (which must be contiguous).
Tensor gather_rows(const Tensor& t, const int64_t* rows, int64_t count);
inline Tensor gather_rows(const Tensor& t, const std::vector<int64_t>& rows) {
  return gather_rows(t, rows.data(), static_cast<int64_t>(rows.size()));
}

// Fisher-Yates shuffle drawn from `gen`: the same generator state gives the same order.
void shuffle_indices(std::vector<int64_t>& indices, Generator& gen);

}  // namespace deepfin::data::detail
