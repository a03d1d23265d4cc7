#include "deepfin/nn/layers/input.h"

namespace deepfin::nn {
namespace {

LayerOptions with_shape(LayerOptions options, const Shape& shape) {
  options.input_shape = shape;
  return options;
}

}  // namespace

InputLayer::InputLayer(const Shape& shape, const LayerOptions& options)
    : Layer("InputLayer", with_shape(options, shape)) {
  build(shape);
}

std::shared_ptr<Layer> InputLayer::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  return std::make_shared<InputLayer>(common.input_shape, common);
}

nlohmann::json InputLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["input_shape"] = declared_input_shape();  // always present, even for a scalar-feature input
  return c;
}

}  // namespace deepfin::nn
