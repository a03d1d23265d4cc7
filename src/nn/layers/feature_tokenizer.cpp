#include "deepfin/nn/layers/feature_tokenizer.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/config.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::nn {

FeatureTokenizer::FeatureTokenizer(int64_t d_token, const FeatureTokenizerOptions& options)
    : Layer("FeatureTokenizer", common_options(options)), d_token_(d_token), options_(options) {
  if (d_token < 1)
    throw ConfigError(fmt::format("FeatureTokenizer '{}': d_token must be >= 1, got {}", name(), d_token));
}

std::shared_ptr<Layer> FeatureTokenizer::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  FeatureTokenizerOptions o{.cls_token = config::value(c, "cls_token", true, "FeatureTokenizer"),
                            .name = common.name,
                            .input_shape = common.input_shape,
                            .dtype = common.dtype,
                            .trainable = common.trainable};
  return std::make_shared<FeatureTokenizer>(config::required<int64_t>(c, "d_token", "FeatureTokenizer"), o);
}

nlohmann::json FeatureTokenizer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["d_token"] = d_token_;
  c["cls_token"] = options_.cls_token;
  return c;
}

Shape FeatureTokenizer::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 1)
    throw ShapeError(fmt::format("FeatureTokenizer '{}': input must be (batch, features), got per-sample shape {}",
                                 name(), shape_str(input_shape)));
  return {input_shape[0] + (options_.cls_token ? 1 : 0), d_token_};
}

void FeatureTokenizer::build_weights(const Shape& input_shape) {
  const int64_t features = input_shape[0];
  const double bound = 1.0 / std::sqrt(static_cast<double>(d_token_));
  const auto uniform = [&](const std::string& weight, const Shape& shape) {
    assign_values(add_weight(weight, shape, "zeros"), rand_uniform(shape, -bound, bound, dtype()));
  };
  uniform("kernel", {features, d_token_});
  uniform("bias", {features, d_token_});
  if (options_.cls_token) uniform("cls", {d_token_});
}

Tensor FeatureTokenizer::forward(const Tensor& input, bool /*training*/) {
  const Tensor x = input.dtype() == dtype() ? input : input.to(dtype());
  const Tensor tokens = add(mul(x.unsqueeze(2), weight_at(0)), weight_at(1));  // (N, F, 1) * (F, d) + (F, d)
  if (!options_.cls_token) return tokens;
  // (N, 1, 1) zeros + (d): the [CLS] token for every row, with its gradient summed over rows.
  const Tensor cls = add(zeros({x.size(0), 1, 1}, dtype()), weight_at(2));
  return concat({tokens, cls}, 1);
}

SelectToken::SelectToken(int64_t index, const SelectTokenOptions& options)
    : Layer("SelectToken", common_options(options)), index_(index) {}

std::shared_ptr<Layer> SelectToken::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  return std::make_shared<SelectToken>(config::value(c, "index", int64_t{-1}, "SelectToken"),
                                       SelectTokenOptions{.name = common.name,
                                                          .input_shape = common.input_shape,
                                                          .dtype = common.dtype,
                                                          .trainable = common.trainable});
}

nlohmann::json SelectToken::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["index"] = index_;
  return c;
}

int64_t SelectToken::position(int64_t tokens) const {
  const int64_t p = index_ < 0 ? tokens + index_ : index_;
  if (p < 0 || p >= tokens)
    throw ShapeError(
        fmt::format("SelectToken '{}': token {} is outside a sequence of {} tokens", name(), index_, tokens));
  return p;
}

Shape SelectToken::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 2)
    throw ShapeError(fmt::format("SelectToken '{}': input must be (batch, tokens, features), got per-sample shape {}",
                                 name(), shape_str(input_shape)));
  position(input_shape[0]);
  return {input_shape[1]};
}

Tensor SelectToken::forward(const Tensor& x, bool /*training*/) {
  return x.select(1, position(x.size(1)));
}

}  // namespace deepfin::nn
