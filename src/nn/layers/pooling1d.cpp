#include "deepfin/nn/layers/pooling1d.h"

#include <fmt/format.h>

#include "deepfin/ops/reductions.h"

namespace deepfin::nn {

GlobalPooling1D::GlobalPooling1D(const char* class_name, const GlobalPooling1DOptions& options)
    : Layer(class_name, common_options(options)), keepdims_(options.keepdims) {}

GlobalPooling1DOptions GlobalPooling1D::options_from(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  const std::string data_format = c.value("data_format", std::string("channels_last"));
  if (data_format != "channels_last")
    throw ConfigError(
        fmt::format("global 1-D pooling '{}': data_format '{}' is not supported; sequences are "
                    "channels_last (batch, steps, features)",
                    common.name, data_format));
  return {.keepdims = c.value("keepdims", false),
          .name = common.name,
          .input_shape = common.input_shape,
          .dtype = common.dtype,
          .trainable = common.trainable};
}

Shape GlobalPooling1D::compute_output_shape(const Shape& in) const {
  if (in.size() != 2)
    throw ShapeError(fmt::format("{} '{}': expected input shape (steps, features) without batch axis, got {}",
                                 class_name(), name(), shape_str(in)));
  if (in[0] == 0)
    throw ShapeError(fmt::format("{} '{}': cannot pool a sequence of 0 steps (input shape {})", class_name(), name(),
                                 shape_str(in)));
  return keepdims_ ? Shape{1, in[1]} : Shape{in[1]};
}

nlohmann::json GlobalPooling1D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["data_format"] = "channels_last";
  c["keepdims"] = keepdims_;
  return c;
}

GlobalAveragePooling1D::GlobalAveragePooling1D(const GlobalPooling1DOptions& options)
    : GlobalPooling1D("GlobalAveragePooling1D", options) {}

std::shared_ptr<Layer> GlobalAveragePooling1D::from_config(const nlohmann::json& c) {
  return std::make_shared<GlobalAveragePooling1D>(options_from(c));
}

Tensor GlobalAveragePooling1D::forward(const Tensor& x, bool /*training*/) {
  return mean(x, {1}, keepdims());
}

GlobalMaxPooling1D::GlobalMaxPooling1D(const GlobalPooling1DOptions& options)
    : GlobalPooling1D("GlobalMaxPooling1D", options) {}

std::shared_ptr<Layer> GlobalMaxPooling1D::from_config(const nlohmann::json& c) {
  return std::make_shared<GlobalMaxPooling1D>(options_from(c));
}

Tensor GlobalMaxPooling1D::forward(const Tensor& x, bool /*training*/) {
  return max(x, 1, keepdims());
}

}  // namespace deepfin::nn
