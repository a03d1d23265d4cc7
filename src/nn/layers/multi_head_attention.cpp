#include "deepfin/nn/layers/multi_head_attention.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/ops/attention.h"
#include "deepfin/ops/linalg.h"

namespace deepfin::nn {

MultiHeadAttention::MultiHeadAttention(int64_t num_heads, int64_t key_dim, const MultiHeadAttentionOptions& options)
    : Layer("MultiHeadAttention", common_options(options)),
      num_heads_(num_heads),
      key_dim_(key_dim),
      value_dim_(options.value_dim > 0 ? options.value_dim : key_dim),
      options_(options) {
  if (num_heads <= 0 || key_dim <= 0 || options.value_dim < 0)
    throw ValueError(
        fmt::format("MultiHeadAttention '{}': num_heads, key_dim and value_dim must be positive, got {}, {} and {}",
                    name(), num_heads, key_dim, options.value_dim));
  if (!(options.dropout >= 0.0 && options.dropout < 1.0))
    throw ValueError(
        fmt::format("MultiHeadAttention '{}': dropout must be in [0, 1), got {}", name(), options.dropout));
  check_shape_valid(options.output_shape, "MultiHeadAttention output_shape");
  options_.value_dim = value_dim_;
}

std::shared_ptr<Layer> MultiHeadAttention::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  const int64_t key_dim = config::required<int64_t>(c, "key_dim", "MultiHeadAttention");
  Shape output_shape;
  if (c.contains("output_shape") && !c["output_shape"].is_null()) {
    const auto& s = c["output_shape"];
    output_shape = s.is_array() ? s.get<Shape>() : Shape{s.get<int64_t>()};
  }
  MultiHeadAttentionOptions o{
      .value_dim = c.contains("value_dim") && !c["value_dim"].is_null() ? c["value_dim"].get<int64_t>() : key_dim,
      .dropout = config::value(c, "dropout", 0.0, "MultiHeadAttention"),
      .use_bias = config::value(c, "use_bias", true, "MultiHeadAttention"),
      .output_shape = output_shape,
      .kernel_initializer = config::value(c, "kernel_initializer", std::string("glorot_uniform"), "MultiHeadAttention"),
      .bias_initializer = config::value(c, "bias_initializer", std::string("zeros"), "MultiHeadAttention"),
      .name = common.name,
      .input_shape = common.input_shape,
      .dtype = common.dtype,
      .trainable = common.trainable};
  return std::make_shared<MultiHeadAttention>(config::required<int64_t>(c, "num_heads", "MultiHeadAttention"), key_dim,
                                              o);
}

Shape MultiHeadAttention::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 2)
    throw ShapeError(
        fmt::format("MultiHeadAttention '{}': input must be (batch, time, features), got {} without "
                    "the batch axis",
                    name(), shape_str(input_shape)));
  Shape out{input_shape[0]};
  if (options_.output_shape.empty())
    out.push_back(input_shape[1]);
  else
    out.insert(out.end(), options_.output_shape.begin(), options_.output_shape.end());
  return out;
}

void MultiHeadAttention::build_weights(const Shape& input_shape) {
  const int64_t eq = input_shape[1];
  const int64_t ek = key_features_ > 0 ? key_features_ : eq, ev = value_features_ > 0 ? value_features_ : eq;
  const Shape out = options_.output_shape.empty() ? Shape{eq} : options_.output_shape;
  const auto& ki = options_.kernel_initializer;
  const auto& bi = options_.bias_initializer;
  // Keras's order: query, key, value, attention output; kernel then bias.
  add_weight("query_kernel", {eq, num_heads_, key_dim_}, ki);
  if (options_.use_bias) add_weight("query_bias", {num_heads_, key_dim_}, bi);
  add_weight("key_kernel", {ek, num_heads_, key_dim_}, ki);
  if (options_.use_bias) add_weight("key_bias", {num_heads_, key_dim_}, bi);
  add_weight("value_kernel", {ev, num_heads_, value_dim_}, ki);
  if (options_.use_bias) add_weight("value_bias", {num_heads_, value_dim_}, bi);
  Shape ok{num_heads_, value_dim_};
  ok.insert(ok.end(), out.begin(), out.end());
  add_weight("output_kernel", ok, ki);
  if (options_.use_bias) add_weight("output_bias", out, bi);
}

// x (B, T, E) -> (B, H, T, depth) for which = "query" | "key" | "value".
Tensor MultiHeadAttention::project(const Tensor& x, const std::string& which, int64_t depth) const {
  const Tensor& kernel = weight(which + "_kernel");
  const Tensor bias = options_.use_bias ? weight(which + "_bias").reshape({num_heads_ * depth}) : Tensor();
  const Tensor y = linear(x, kernel.reshape({kernel.size(0), num_heads_ * depth}), bias);
  return y.reshape({x.size(0), x.size(1), num_heads_, depth}).permute({0, 2, 1, 3});
}

void MultiHeadAttention::check_inputs(const Tensor& query, const Tensor& value, const Tensor& key) {
  for (const auto& [t, what] : {std::pair{&query, "query"}, {&value, "value"}, {&key, "key"}}) {
    if (!t->defined() || t->dim() != 3)
      throw ShapeError(fmt::format("MultiHeadAttention '{}': {} must be (batch, time, features), got {}", name(), what,
                                   t->defined() ? shape_str(t->shape()) : "an undefined tensor"));
  }
  if (value.size(0) != query.size(0) || key.size(0) != query.size(0) || key.size(1) != value.size(1))
    throw ShapeError(
        fmt::format("MultiHeadAttention '{}': query {}, value {} and key {} need one batch size, and "
                    "key and value one time length",
                    name(), shape_str(query.shape()), shape_str(value.shape()), shape_str(key.shape())));
  const Shape sample{query.size(1), query.size(2)};
  if (!built()) {
    key_features_ = key.size(2);
    value_features_ = value.size(2);
    build(sample);
    return;
  }
  if (sample != input_shape())
    throw ShapeError(fmt::format("MultiHeadAttention '{}': built for query shape {} (without batch axis), got {}",
                                 name(), shape_str(input_shape()), shape_str(sample)));
  const int64_t ek = weight("key_kernel").size(0), ev = weight("value_kernel").size(0);
  if (key.size(2) != ek || value.size(2) != ev)
    throw ShapeError(
        fmt::format("MultiHeadAttention '{}': built for key features {} and value features {}, got key "
                    "{} and value {}",
                    name(), ek, ev, shape_str(key.shape()), shape_str(value.shape())));
}

std::pair<Tensor, Tensor> MultiHeadAttention::run(const Tensor& query, const Tensor& value, const Tensor& key,
                                                  const Tensor& op_mask, bool causal, bool training, bool want_scores) {
  const Tensor q = project(query, "query", key_dim_);
  const Tensor k = project(key, "key", key_dim_);
  const Tensor v = project(value, "value", value_dim_);
  const deepfin::AttentionOptions o{.causal = causal, .dropout = options_.dropout, .training = training};
  auto [o_heads, scores] = want_scores ? deepfin::attention_with_scores(q, k, v, op_mask, o)
                                       : std::pair{deepfin::attention(q, k, v, op_mask, o), Tensor()};
  const int64_t B = query.size(0), Tq = query.size(1);
  const Tensor merged = o_heads.permute({0, 2, 1, 3}).reshape({B, Tq, num_heads_ * value_dim_});
  const Tensor& out_kernel = weight("output_kernel");
  const int64_t width = out_kernel.numel() / (num_heads_ * value_dim_);
  const Tensor bias = options_.use_bias ? weight("output_bias").reshape({width}) : Tensor();
  Tensor out = linear(merged, out_kernel.reshape({num_heads_ * value_dim_, width}), bias);
  Shape out_shape{B};
  const Shape& sample_out = output_shape();
  out_shape.insert(out_shape.end(), sample_out.begin(), sample_out.end());
  return {out.reshape(out_shape), scores};
}

std::pair<Tensor, Tensor> MultiHeadAttention::call_checked(const Tensor& query, const Tensor& value, const Tensor& key,
                                                           const Tensor& attention_mask, bool use_causal_mask,
                                                           bool training, bool want_scores) {
  const Tensor& k = key.defined() ? key : value;
  check_inputs(query, value, k);
  Tensor op_mask;
  if (attention_mask.defined()) {
    const Shape want{query.size(0), query.size(1), k.size(1)};
    if (attention_mask.shape() != want)
      throw ShapeError(fmt::format("MultiHeadAttention '{}': attention_mask must be (batch, Tq, Tk) = {}, got {}",
                                   name(), shape_str(want), shape_str(attention_mask.shape())));
    op_mask = attention_mask.unsqueeze(1);  // the same mask for every head
  }
  return run(query, value, k, op_mask, use_causal_mask, training, want_scores);
}

std::pair<Tensor, Tensor> MultiHeadAttention::call_attention_with_scores(const Tensor& query, const Tensor& value,
                                                                         const Tensor& key,
                                                                         const Tensor& attention_mask,
                                                                         bool use_causal_mask, bool training) {
  return call_checked(query, value, key, attention_mask, use_causal_mask, training, true);
}

Tensor MultiHeadAttention::call_attention(const Tensor& query, const Tensor& value, const Tensor& key,
                                          const Tensor& attention_mask, bool use_causal_mask, bool training) {
  return call_checked(query, value, key, attention_mask, use_causal_mask, training, false).first;
}

Tensor MultiHeadAttention::forward(const Tensor& x, bool training) {
  return run(x, x, x, {}, false, training, false).first;
}

Tensor MultiHeadAttention::forward_masked(const Tensor& x, const Tensor& mask, bool training) {
  // Keys of padding steps are masked; every query row is still computed.
  return run(x, x, x, mask.reshape({x.size(0), 1, 1, x.size(1)}), false, training, false).first;
}

nlohmann::json MultiHeadAttention::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["num_heads"] = num_heads_;
  c["key_dim"] = key_dim_;
  c["value_dim"] = value_dim_;
  c["dropout"] = options_.dropout;
  c["use_bias"] = options_.use_bias;
  c["output_shape"] = options_.output_shape.empty() ? nlohmann::json(nullptr) : nlohmann::json(options_.output_shape);
  c["attention_axes"] = nullptr;  // Keras's field; only the time axis is supported
  c["kernel_initializer"] = options_.kernel_initializer;
  c["bias_initializer"] = options_.bias_initializer;
  return c;
}

}  // namespace deepfin::nn
