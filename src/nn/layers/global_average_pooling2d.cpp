#include <fmt/format.h>

#include "deepfin/nn/layers/pooling.h"

namespace deepfin::nn {

GlobalAveragePooling2D::GlobalAveragePooling2D(const LayerOptions& options)
    : Layer("GlobalAveragePooling2D", options) {}

std::shared_ptr<Layer> GlobalAveragePooling2D::from_config(const nlohmann::json& c) {
  return std::make_shared<GlobalAveragePooling2D>(common_from_config(c));
}

Shape GlobalAveragePooling2D::compute_output_shape(const Shape& in) const {
  if (in.size() != 3)
    throw ShapeError(
        fmt::format("GlobalAveragePooling2D '{}': expected input shape (H, W, C) without batch axis, got {}", name(),
                    shape_str(in)));
  return {in[2]};
}

Tensor GlobalAveragePooling2D::forward(const Tensor& x, bool /*training*/) {
  return global_avg_pool2d(x);
}

}  // namespace deepfin::nn
