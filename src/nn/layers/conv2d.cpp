#include "deepfin/nn/layers/conv2d.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"

namespace deepfin::nn {

Conv2D::Conv2D(int64_t filters, std::array<int64_t, 2> kernel_size, const Conv2DOptions& options)
    : Layer("Conv2D", common_options(options)), filters_(filters), kernel_size_(kernel_size), options_(options) {
  if (filters <= 0) throw ValueError(fmt::format("Conv2D '{}': filters must be positive, got {}", name(), filters));
  for (int i = 0; i < 2; ++i) {
    if (kernel_size[i] <= 0 || options.strides[i] <= 0 || options.dilation_rate[i] <= 0)
      throw ValueError(fmt::format("Conv2D '{}': kernel_size, strides and dilation_rate must be positive", name()));
  }
  op_options_ = {
      .strides = options.strides, .padding = padding_from_name(options.padding), .dilation = options.dilation_rate};
  set_activation(options.activation);
}

std::shared_ptr<Layer> Conv2D::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  using Pair = std::array<int64_t, 2>;
  Conv2DOptions o{.strides = config::value(c, "strides", Pair{1, 1}, "Conv2D"),
                  .padding = config::value(c, "padding", std::string("valid"), "Conv2D"),
                  .dilation_rate = config::value(c, "dilation_rate", Pair{1, 1}, "Conv2D"),
                  .activation = config::value(c, "activation", std::string("linear"), "Conv2D"),
                  .use_bias = config::value(c, "use_bias", true, "Conv2D"),
                  .kernel_initializer = config::value(c, "kernel_initializer", std::string("glorot_uniform"), "Conv2D"),
                  .bias_initializer = config::value(c, "bias_initializer", std::string("zeros"), "Conv2D"),
                  .name = common.name,
                  .input_shape = common.input_shape,
                  .dtype = common.dtype,
                  .trainable = common.trainable};
  return std::make_shared<Conv2D>(config::required<int64_t>(c, "filters", "Conv2D"),
                                  config::required<Pair>(c, "kernel_size", "Conv2D"), o);
}

Shape Conv2D::compute_output_shape(const Shape& in) const {
  if (in.size() != 3)
    throw ShapeError(
        fmt::format("Conv2D '{}': expected input shape (H, W, C) without batch axis, got {}", name(), shape_str(in)));
  Shape out(3);
  for (int i = 0; i < 2; ++i) {
    out[i] =
        conv_output_size(in[i], kernel_size_[i], op_options_.strides[i], op_options_.dilation[i], op_options_.padding);
    if (out[i] <= 0)
      throw ShapeError(fmt::format("Conv2D '{}': input shape {} is too small for kernel ({}, {})", name(),
                                   shape_str(in), kernel_size_[0], kernel_size_[1]));
  }
  out[2] = filters_;
  return out;
}

void Conv2D::build_weights(const Shape& in) {
  add_weight("kernel", {kernel_size_[0], kernel_size_[1], in[2], filters_}, options_.kernel_initializer);
  if (options_.use_bias) add_weight("bias", {filters_}, options_.bias_initializer);
}

Tensor Conv2D::forward(const Tensor& x, bool /*training*/) {
  return conv2d(x, weight_at(0), options_.use_bias ? weight_at(1) : Tensor(), op_options_);
}

nlohmann::json Conv2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = kernel_size_;
  c["strides"] = options_.strides;
  c["padding"] = options_.padding;
  c["dilation_rate"] = options_.dilation_rate;
  c["activation"] = activation();
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = options_.kernel_initializer;
  c["bias_initializer"] = options_.bias_initializer;
  return c;
}

}  // namespace deepfin::nn
