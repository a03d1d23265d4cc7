#include "deepfin/nn/layers/transformer_encoder.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/nn/activations.h"
#include "deepfin/nn/initializers.h"
#include "deepfin/nn/layers/dense.h"
#include "deepfin/nn/layers/layer_normalization.h"
#include "deepfin/nn/layers/multi_head_attention.h"
#include "deepfin/ops/dropout.h"
#include "deepfin/ops/fused_dropout.h"

namespace deepfin::nn {
namespace {

enum Sublayer : size_t { kAttention, kAttentionNorm, kIntermediate, kOutput, kFeedforwardNorm };

}  // namespace

TransformerEncoder::TransformerEncoder(int64_t num_heads, int64_t ff_dim, const TransformerEncoderOptions& options)
    : Layer("TransformerEncoder", common_options(options)), num_heads_(num_heads), ff_dim_(ff_dim), options_(options) {
  if (num_heads < 1 || ff_dim < 1)
    throw ConfigError(fmt::format("TransformerEncoder '{}': num_heads and ff_dim must be >= 1, got {} and {}", name(),
                                  num_heads, ff_dim));
  if (options.key_dim < 0)
    throw ConfigError(fmt::format("TransformerEncoder '{}': key_dim must be >= 0 (0 = d_model / num_heads), got {}",
                                  name(), options.key_dim));
  if (!(options.dropout >= 0.0 && options.dropout < 1.0))
    throw ConfigError(
        fmt::format("TransformerEncoder '{}': dropout must be in [0, 1), got {}", name(), options.dropout));
  if (!(options.layer_norm_epsilon > 0.0))
    throw ConfigError(fmt::format("TransformerEncoder '{}': layer_norm_epsilon must be > 0, got {}", name(),
                                  options.layer_norm_epsilon));
  activations::get(options.activation);  // unknown names fail here, not at build
  initializers::get(options.kernel_initializer);
  initializers::get(options.bias_initializer);
}

std::shared_ptr<Layer> TransformerEncoder::from_config(const nlohmann::json& c) {
  if (!c.contains("num_heads") || !c.contains("ff_dim"))
    throw ConfigError(fmt::format("TransformerEncoder config needs \"num_heads\" and \"ff_dim\", got {}", c.dump()));
  const LayerOptions common = common_from_config(c);
  const TransformerEncoderOptions defaults;
  TransformerEncoderOptions o{
      .key_dim = c.contains("key_dim") && !c.at("key_dim").is_null()
                     ? config::required<int64_t>(c, "key_dim", "TransformerEncoder")
                     : 0,
      .dropout = config::value(c, "dropout", defaults.dropout, "TransformerEncoder"),
      .norm_first = config::value(c, "norm_first", defaults.norm_first, "TransformerEncoder"),
      .activation = config::value(c, "activation", defaults.activation, "TransformerEncoder"),
      .layer_norm_epsilon = config::value(c, "layer_norm_epsilon", defaults.layer_norm_epsilon, "TransformerEncoder"),
      .kernel_initializer = config::value(c, "kernel_initializer", defaults.kernel_initializer, "TransformerEncoder"),
      .bias_initializer = config::value(c, "bias_initializer", defaults.bias_initializer, "TransformerEncoder"),
      .name = common.name,
      .input_shape = common.input_shape,
      .dtype = common.dtype,
      .trainable = common.trainable};
  return std::make_shared<TransformerEncoder>(config::required<int64_t>(c, "num_heads", "TransformerEncoder"),
                                              config::required<int64_t>(c, "ff_dim", "TransformerEncoder"), o);
}

nlohmann::json TransformerEncoder::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["num_heads"] = num_heads_;
  c["ff_dim"] = ff_dim_;
  c["key_dim"] = options_.key_dim > 0 ? nlohmann::json(options_.key_dim) : nlohmann::json(nullptr);
  c["dropout"] = options_.dropout;
  c["norm_first"] = options_.norm_first;
  c["activation"] = options_.activation;
  c["layer_norm_epsilon"] = options_.layer_norm_epsilon;
  c["kernel_initializer"] = options_.kernel_initializer;
  c["bias_initializer"] = options_.bias_initializer;
  return c;
}

Shape TransformerEncoder::compute_output_shape(const Shape& in) const {
  if (in.size() != 2)
    throw ShapeError(
        fmt::format("TransformerEncoder '{}': expected input shape (steps, d_model) without batch axis, got {}", name(),
                    shape_str(in)));
  if (options_.key_dim == 0 && in[1] % num_heads_ != 0)
    throw ShapeError(
        fmt::format("TransformerEncoder '{}': d_model {} (input shape {}) is not divisible by num_heads "
                    "{}; pass key_dim explicitly",
                    name(), in[1], shape_str(in), num_heads_));
  return in;
}

void TransformerEncoder::build_weights(const Shape& in) {
  const int64_t d_model = in[1];
  const int64_t key_dim = options_.key_dim > 0 ? options_.key_dim : d_model / num_heads_;
  const DType t = dtype();
  const auto& ki = options_.kernel_initializer;
  const auto& bi = options_.bias_initializer;
  auto norm = [&](const char* name) {
    return std::make_shared<LayerNormalization>(
        LayerNormalizationOptions{.epsilon = options_.layer_norm_epsilon, .name = name, .dtype = t});
  };
  sublayers_ = {
      std::make_shared<MultiHeadAttention>(num_heads_, key_dim,
                                           MultiHeadAttentionOptions{.dropout = options_.dropout,
                                                                     .kernel_initializer = ki,
                                                                     .bias_initializer = bi,
                                                                     .name = "self_attention",
                                                                     .dtype = t}),
      norm("self_attention_layer_norm"),
      std::make_shared<Dense>(ff_dim_, DenseOptions{.activation = options_.activation,
                                                    .kernel_initializer = ki,
                                                    .bias_initializer = bi,
                                                    .name = "feedforward_intermediate_dense",
                                                    .dtype = t}),
      std::make_shared<Dense>(
          d_model,
          DenseOptions{
              .kernel_initializer = ki, .bias_initializer = bi, .name = "feedforward_output_dense", .dtype = t}),
      norm("feedforward_layer_norm"),
  };
  for (const auto& layer : sublayers_) {
    layer->build(layer == sublayers_[kOutput] ? Shape{in[0], ff_dim_} : in);
    // The same tensors, so an arena binding or a loaded value reaches the sublayers.
    for (const Weight& w : layer->weights())
      weights().push_back({layer->name() + "/" + w.name, w.value, w.trainable && trainable()});
  }
}

void TransformerEncoder::push_weight_handles() {
  size_t i = 0;
  for (const auto& layer : sublayers_)
    for (Weight& w : layer->weights()) w.value = weights()[i++].value;
}

Tensor TransformerEncoder::attention_block(const Tensor& x, const Tensor& mask, bool training) {
  Layer& attention = *sublayers_[kAttention];
  return mask.defined() ? attention.call_masked(x, mask, training) : attention.call(x, training);
}

// Without the output dropout, which the caller fuses with the residual add.
Tensor TransformerEncoder::feedforward_block(const Tensor& x, bool training) {
  Layer& intermediate = *sublayers_[kIntermediate];
  const std::string& act = options_.activation;
  // gelu / relu and the hidden dropout in one pass where the fused op has them.
  const Tensor hidden =
      fused_activation_supported(act)
          ? activation_dropout(intermediate.call_without_activation(x, training), act, options_.dropout, training)
          : dropout(intermediate.call(x, training), options_.dropout, training);
  return sublayers_[kOutput]->call(hidden, training);
}

// residual + Drop(branch) in one pass (dropout_add).
Tensor TransformerEncoder::run(const Tensor& x, const Tensor& mask, bool training) {
  push_weight_handles();
  Layer& norm1 = *sublayers_[kAttentionNorm];
  Layer& norm2 = *sublayers_[kFeedforwardNorm];
  const double rate = options_.dropout;
  if (options_.norm_first) {
    const Tensor h = dropout_add(attention_block(norm1.call(x), mask, training), x, rate, training);
    return dropout_add(feedforward_block(norm2.call(h), training), h, rate, training);
  }
  const Tensor h = norm1.call(dropout_add(attention_block(x, mask, training), x, rate, training));
  return norm2.call(dropout_add(feedforward_block(h, training), h, rate, training));
}

Tensor TransformerEncoder::forward(const Tensor& x, bool training) {
  return run(x, {}, training);
}

Tensor TransformerEncoder::forward_masked(const Tensor& x, const Tensor& mask, bool training) {
  return run(x, mask, training);
}

}  // namespace deepfin::nn
