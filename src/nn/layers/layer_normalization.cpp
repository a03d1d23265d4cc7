#include "deepfin/nn/layers/layer_normalization.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/ops/normalization.h"

namespace deepfin::nn {

LayerNormalization::LayerNormalization(const LayerNormalizationOptions& options)
    : Layer("LayerNormalization", common_options(options)), options_(options) {
  if (!(options.epsilon > 0.0))
    throw ValueError(fmt::format("LayerNormalization '{}': epsilon must be > 0, got {}", name(), options.epsilon));
}

std::shared_ptr<Layer> LayerNormalization::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  return std::make_shared<LayerNormalization>(
      LayerNormalizationOptions{.epsilon = config::value(c, "epsilon", 1e-3, "LayerNormalization"),
                                .center = config::value(c, "center", true, "LayerNormalization"),
                                .scale = config::value(c, "scale", true, "LayerNormalization"),
                                .name = common.name,
                                .input_shape = common.input_shape,
                                .dtype = common.dtype,
                                .trainable = common.trainable});
}

Shape LayerNormalization::compute_output_shape(const Shape& in) const {
  if (in.empty())
    throw ShapeError(
        fmt::format("LayerNormalization '{}': input needs a feature axis, got shape {}", name(), shape_str(in)));
  return in;
}

void LayerNormalization::build_weights(const Shape& in) {
  const Shape features = {in.back()};
  if (options_.scale) add_weight("gamma", features, "ones");
  if (options_.center) add_weight("beta", features, "zeros");
}

Tensor LayerNormalization::forward(const Tensor& x, bool /*training*/) {
  // One fused kernel (ops/normalization.h) instead of mean, var, sub, div, mul, add.
  return layer_norm(x, options_.scale ? weight("gamma") : Tensor(), options_.center ? weight("beta") : Tensor(),
                    options_.epsilon);
}

nlohmann::json LayerNormalization::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = -1;
  c["epsilon"] = options_.epsilon;
  c["center"] = options_.center;
  c["scale"] = options_.scale;
  return c;
}

}  // namespace deepfin::nn
