#include "deepfin/nn/layers/pooling.h"

namespace deepfin::nn {

MaxPooling2D::MaxPooling2D(std::array<int64_t, 2> pool_size, const Pooling2DOptions& options)
    : Pooling2D("MaxPooling2D", pool_size, options) {}

std::shared_ptr<Layer> MaxPooling2D::from_config(const nlohmann::json& c) {
  return std::make_shared<MaxPooling2D>(pool_size_from(c), options_from(c));
}

Tensor MaxPooling2D::forward(const Tensor& x, bool /*training*/) {
  return max_pool2d(x, op_options_);
}

}  // namespace deepfin::nn
