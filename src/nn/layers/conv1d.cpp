#include "deepfin/nn/layers/conv1d.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::nn {
namespace {

// Keras writes kernel_size, strides and dilation_rate as one-element lists; job files may write a plain integer.
int64_t int_or_single(const nlohmann::json& c, const char* key, int64_t fallback) {
  if (!c.contains(key)) return fallback;
  const nlohmann::json& v = c.at(key);
  if (v.is_array()) {
    if (v.size() != 1)
      throw ConfigError(fmt::format("Conv1D: '{}' must be an integer or a one-element list, got {}", key, v.dump()));
    return v.at(0).get<int64_t>();
  }
  return v.get<int64_t>();
}

}  // namespace

Conv1D::Conv1D(int64_t filters, int64_t kernel_size, const Conv1DOptions& options)
    : Layer("Conv1D", common_options(options)), filters_(filters), kernel_size_(kernel_size), options_(options) {
  if (filters <= 0) throw ValueError(fmt::format("Conv1D '{}': filters must be positive, got {}", name(), filters));
  if (kernel_size <= 0 || options.strides <= 0 || options.dilation_rate <= 0)
    throw ValueError(fmt::format("Conv1D '{}': kernel_size, strides and dilation_rate must be positive, got {}, {}, {}",
                                 name(), kernel_size, options.strides, options.dilation_rate));
  if (options.padding != "valid" && options.padding != "same" && options.padding != "causal")
    throw ConfigError(fmt::format("Conv1D '{}': unknown padding '{}'; expected 'valid', 'same' or 'causal'", name(),
                                  options.padding));
  op_options_ = {.strides = {1, options.strides},
                 .padding = options.padding == "same" ? Padding::same : Padding::valid,
                 .dilation = {1, options.dilation_rate}};
  set_activation(options.activation);
}

std::shared_ptr<Layer> Conv1D::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  Conv1DOptions o{.strides = int_or_single(c, "strides", 1),
                  .padding = config::value(c, "padding", std::string("valid"), "Conv1D"),
                  .dilation_rate = int_or_single(c, "dilation_rate", 1),
                  .activation = config::value(c, "activation", std::string("linear"), "Conv1D"),
                  .use_bias = config::value(c, "use_bias", true, "Conv1D"),
                  .kernel_initializer = config::value(c, "kernel_initializer", std::string("glorot_uniform"), "Conv1D"),
                  .bias_initializer = config::value(c, "bias_initializer", std::string("zeros"), "Conv1D"),
                  .name = common.name,
                  .input_shape = common.input_shape,
                  .dtype = common.dtype,
                  .trainable = common.trainable};
  if (!c.contains("kernel_size")) throw ConfigError("Conv1D: config lacks 'kernel_size'");
  return std::make_shared<Conv1D>(config::required<int64_t>(c, "filters", "Conv1D"), int_or_single(c, "kernel_size", 0),
                                  o);
}

Shape Conv1D::compute_output_shape(const Shape& in) const {
  if (in.size() != 2)
    throw ShapeError(fmt::format("Conv1D '{}': expected input shape (steps, features) without batch axis, got {}",
                                 name(), shape_str(in)));
  const int64_t steps = conv_output_size(in[0] + causal_pad(), kernel_size_, options_.strides, options_.dilation_rate,
                                         op_options_.padding);
  if (steps <= 0)
    throw ShapeError(fmt::format(
        "Conv1D '{}': input shape {} has {} steps, fewer than the kernel's span {} (kernel_size {}, dilation_rate {}) "
        "with padding '{}'",
        name(), shape_str(in), in[0], options_.dilation_rate * (kernel_size_ - 1) + 1, kernel_size_,
        options_.dilation_rate, options_.padding));
  return {steps, filters_};
}

void Conv1D::build_weights(const Shape& in) {
  add_weight("kernel", {kernel_size_, in[1], filters_}, options_.kernel_initializer);
  if (options_.use_bias) add_weight("bias", {filters_}, options_.bias_initializer);
}

Tensor Conv1D::forward(const Tensor& x, bool /*training*/) {
  Tensor seq = x;
  if (causal()) seq = concat({zeros({x.size(0), causal_pad(), x.size(2)}, x.dtype()), x}, 1);
  const Tensor y =
      conv2d(seq.unsqueeze(1), weight_at(0).unsqueeze(0), options_.use_bias ? weight_at(1) : Tensor(), op_options_);
  return y.squeeze(1);
}

nlohmann::json Conv1D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = nlohmann::json::array({kernel_size_});
  c["strides"] = nlohmann::json::array({options_.strides});
  c["padding"] = options_.padding;
  c["dilation_rate"] = nlohmann::json::array({options_.dilation_rate});
  c["activation"] = activation();
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = options_.kernel_initializer;
  c["bias_initializer"] = options_.bias_initializer;
  return c;
}

}  // namespace deepfin::nn
