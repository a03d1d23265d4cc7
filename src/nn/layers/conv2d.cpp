#include "deepfin/nn/layers/conv2d.h"

#include <fmt/format.h>

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
  Conv2DOptions o{.strides = c.value("strides", Pair{1, 1}),
                  .padding = c.value("padding", std::string("valid")),
                  .dilation_rate = c.value("dilation_rate", Pair{1, 1}),
                  .activation = c.value("activation", std::string("linear")),
                  .use_bias = c.value("use_bias", true),
                  .kernel_initializer = c.value("kernel_initializer", std::string("glorot_uniform")),
                  .bias_initializer = c.value("bias_initializer", std::string("zeros")),
                  .name = common.name,
                  .input_shape = common.input_shape,
                  .dtype = common.dtype,
                  .trainable = common.trainable};
  return std::make_shared<Conv2D>(c.at("filters").get<int64_t>(), c.at("kernel_size").get<Pair>(), o);
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
