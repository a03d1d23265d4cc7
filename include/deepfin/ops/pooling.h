#pragma once
// Pooling over channels-last images (N, H, W, C), Keras semantics.
#include <array>

#include "deepfin/ops/conv.h"

namespace deepfin {

struct Pool2dOptions {
  std::array<int64_t, 2> pool_size{2, 2};
  std::array<int64_t, 2> strides{0, 0};  // 0 means "same as pool_size", as in Keras
  Padding padding = Padding::valid;
};

// Gradient goes to the first maximum of each window.
Tensor max_pool2d(const Tensor& x, const Pool2dOptions& options = {});
// With "same" padding the padded cells are left out of the average (Keras/TensorFlow).
Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& options = {});
// (N, H, W, C) -> (N, C)
Tensor global_avg_pool2d(const Tensor& x);
Tensor global_max_pool2d(const Tensor& x);

}  // namespace deepfin
