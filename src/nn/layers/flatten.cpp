#include "deepfin/nn/layers/flatten.h"

namespace deepfin::nn {

Flatten::Flatten(const LayerOptions& options) : Layer("Flatten", options) {}

std::shared_ptr<Layer> Flatten::from_config(const nlohmann::json& c) {
  return std::make_shared<Flatten>(common_from_config(c));
}

Shape Flatten::compute_output_shape(const Shape& in) const {
  return {shape_numel(in)};
}

Tensor Flatten::forward(const Tensor& x, bool /*training*/) {
  return x.reshape({x.size(0), shape_numel(output_shape())});
}

}  // namespace deepfin::nn
