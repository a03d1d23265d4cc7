#include "deepfin/nn/layers/pooling.h"

namespace deepfin::nn {

AveragePooling2D::AveragePooling2D(std::array<int64_t, 2> pool_size, const Pooling2DOptions& options)
    : Pooling2D("AveragePooling2D", pool_size, options) {}

std::shared_ptr<Layer> AveragePooling2D::from_config(const nlohmann::json& c) {
  return std::make_shared<AveragePooling2D>(pool_size_from(c), options_from(c));
}

Tensor AveragePooling2D::forward(const Tensor& x, bool /*training*/) {
  return avg_pool2d(x, op_options_);
}

}  // namespace deepfin::nn
