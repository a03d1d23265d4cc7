#include "deepfin/nn/layers/embedding.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/config.h"
#include "deepfin/nn/initializers.h"
#include "deepfin/ops/embedding_lookup.h"

namespace deepfin::nn {
namespace {

LayerOptions with_input_length(const EmbeddingOptions& o) {
  LayerOptions common = common_options(o);
  if (o.input_length && common.input_shape.empty()) common.input_shape = {*o.input_length};
  return common;
}

}  // namespace

Embedding::Embedding(int64_t input_dim, int64_t output_dim, const EmbeddingOptions& options)
    : Layer("Embedding", with_input_length(options)),
      input_dim_(input_dim),
      output_dim_(output_dim),
      options_(options) {
  if (input_dim < 1 || output_dim < 1)
    throw ConfigError(fmt::format("Embedding '{}': input_dim and output_dim must be >= 1, got {} and {}", name(),
                                  input_dim, output_dim));
  if (options.input_length && *options.input_length < 1)
    throw ConfigError(fmt::format("Embedding '{}': input_length must be >= 1, got {}", name(), *options.input_length));
  initializers::get(options.embeddings_initializer);  // unknown names fail here, not at build
}

std::shared_ptr<Layer> Embedding::from_config(const nlohmann::json& c) {
  if (!c.contains("input_dim") || !c.contains("output_dim"))
    throw ConfigError(fmt::format("Embedding config needs \"input_dim\" and \"output_dim\", got {}", c.dump()));
  const LayerOptions common = common_from_config(c);
  EmbeddingOptions o{
      .embeddings_initializer = config::value(c, "embeddings_initializer", std::string("random_uniform"), "Embedding"),
      .mask_zero = config::value(c, "mask_zero", false, "Embedding"),
      .name = common.name,
      .input_shape = common.input_shape,
      .dtype = common.dtype,
      .trainable = common.trainable};
  if (c.contains("input_length") && !c.at("input_length").is_null())
    o.input_length = config::required<int64_t>(c, "input_length", "Embedding");
  return std::make_shared<Embedding>(config::required<int64_t>(c, "input_dim", "Embedding"),
                                     config::required<int64_t>(c, "output_dim", "Embedding"), o);
}

nlohmann::json Embedding::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["input_dim"] = input_dim_;
  c["output_dim"] = output_dim_;
  c["embeddings_initializer"] = options_.embeddings_initializer;
  c["mask_zero"] = options_.mask_zero;
  if (options_.input_length) c["input_length"] = *options_.input_length;
  return c;
}

Shape Embedding::compute_output_shape(const Shape& in) const {
  if (in.empty())
    throw ShapeError(fmt::format("Embedding '{}': input must be (batch, steps) token ids, got per-sample shape {}",
                                 name(), shape_str(in)));
  Shape out = in;
  out.push_back(output_dim_);
  return out;
}

void Embedding::build_weights(const Shape& /*input_shape*/) {
  add_weight("embeddings", {input_dim_, output_dim_}, options_.embeddings_initializer);
}

Tensor Embedding::token_ids(const Tensor& x) const {
  const std::vector<double> values = x.detach().to_vector<double>();
  const int64_t per_row = x.size(0) > 0 ? x.numel() / x.size(0) : 1;
  std::vector<int64_t> ids(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    // NaN fails every comparison, so it lands here too.
    if (!(v >= 0.0 && v < static_cast<double>(input_dim_) && v == std::floor(v)))
      throw ValueError(fmt::format(
          "Embedding '{}': row {}, position {}: token id {} is not an integer in [0, {}) (input_dim = {}{})", name(),
          static_cast<int64_t>(i) / per_row, static_cast<int64_t>(i) % per_row, v, input_dim_, input_dim_,
          options_.mask_zero ? "; with mask_zero, 0 is padding" : ""));
    ids[i] = static_cast<int64_t>(v);
  }
  return from_vector(ids, x.shape());
}

Tensor Embedding::forward(const Tensor& x, bool /*training*/) {
  // The table's gradient rows go straight into its .grad (embedding_lookup.h).
  return embedding_lookup(weight_at(0), token_ids(x));
}

Tensor Embedding::compute_mask(const Tensor& x, const Tensor& mask) const {
  if (!options_.mask_zero) return mask;
  if (x.dim() != 2)
    throw ShapeError(
        fmt::format("Embedding '{}': mask_zero needs (batch, steps) ids, got shape {}", name(), shape_str(x.shape())));
  const std::vector<double> values = x.detach().to_vector<double>();
  std::vector<double> keep(values.size());
  for (size_t i = 0; i < values.size(); ++i) keep[i] = values[i] != 0.0 ? 1.0 : 0.0;
  return from_vector(keep, x.shape()).to(dtype());
}

}  // namespace deepfin::nn
