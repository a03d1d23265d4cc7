#include "deepfin/nn/layers/dense.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/ops/linalg.h"

namespace deepfin::nn {

Dense::Dense(int64_t units, const DenseOptions& options)
    : Layer("Dense", common_options(options)), units_(units), options_(options) {
  if (units <= 0) throw ValueError(fmt::format("Dense '{}': units must be positive, got {}", name(), units));
  set_activation(options.activation);
}

std::shared_ptr<Layer> Dense::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  DenseOptions o{.activation = config::value(c, "activation", std::string("linear"), "Dense"),
                 .use_bias = config::value(c, "use_bias", true, "Dense"),
                 .kernel_initializer = config::value(c, "kernel_initializer", std::string("glorot_uniform"), "Dense"),
                 .bias_initializer = config::value(c, "bias_initializer", std::string("zeros"), "Dense"),
                 .name = common.name,
                 .input_shape = common.input_shape,
                 .dtype = common.dtype,
                 .trainable = common.trainable};
  return std::make_shared<Dense>(config::required<int64_t>(c, "units", "Dense"), o);
}

Shape Dense::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.empty())
    throw ShapeError(
        fmt::format("Dense '{}': input needs at least one feature axis, got shape {}", name(), shape_str(input_shape)));
  Shape out = input_shape;
  out.back() = units_;
  return out;
}

void Dense::build_weights(const Shape& input_shape) {
  add_weight("kernel", {input_shape.back(), units_}, options_.kernel_initializer);
  if (options_.use_bias) add_weight("bias", {units_}, options_.bias_initializer);
}

Tensor Dense::forward(const Tensor& x, bool /*training*/) {
  return linear(x, weight_at(0), options_.use_bias ? weight_at(1) : Tensor());
}

nlohmann::json Dense::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["units"] = units_;
  c["activation"] = activation();
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = options_.kernel_initializer;
  c["bias_initializer"] = options_.bias_initializer;
  return c;
}

}  // namespace deepfin::nn
