#include "deepfin/nn/layers/periodic_embedding.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <numbers>
#include <set>

#include "deepfin/base/config.h"
#include "deepfin/ops/activations.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::nn {
namespace {

void check_settings(const std::vector<int64_t>& features, const PeriodicEmbeddingOptions& o, const std::string& layer) {
  std::set<int64_t> seen;
  for (int64_t f : features) {
    if (f < 0) throw ConfigError(fmt::format("PeriodicEmbedding '{}': feature columns must be >= 0, got {}", layer, f));
    if (!seen.insert(f).second)
      throw ConfigError(fmt::format("PeriodicEmbedding '{}': feature column {} is listed twice", layer, f));
  }
  if (o.n_frequencies < 1)
    throw ConfigError(
        fmt::format("PeriodicEmbedding '{}': n_frequencies must be >= 1, got {}", layer, o.n_frequencies));
  if (o.embedding_dim < 1)
    throw ConfigError(
        fmt::format("PeriodicEmbedding '{}': embedding_dim must be >= 1, got {}", layer, o.embedding_dim));
  if (!(std::isfinite(o.sigma) && o.sigma > 0))
    throw ConfigError(fmt::format("PeriodicEmbedding '{}': sigma must be finite and > 0, got {}", layer, o.sigma));
}

Tensor index_tensor(const std::vector<int64_t>& columns) {
  return from_vector(columns, {static_cast<int64_t>(columns.size())});
}

}  // namespace

PeriodicEmbedding::PeriodicEmbedding(std::vector<int64_t> features, const PeriodicEmbeddingOptions& options)
    : Layer("PeriodicEmbedding", common_options(options)), features_(std::move(features)), options_(options) {
  check_settings(features_, options_, name());
}

std::shared_ptr<Layer> PeriodicEmbedding::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  const PeriodicEmbeddingOptions d;
  const char* where = "PeriodicEmbedding";
  std::vector<int64_t> features;
  if (c.contains("features") && !c.at("features").is_null()) {
    if (!c.at("features").is_array())
      throw ConfigError(fmt::format("PeriodicEmbedding: \"features\" must be a list of column indices, got {}",
                                    c.at("features").dump()));
    for (const nlohmann::json& f : c.at("features")) features.push_back(config::convert<int64_t>(f, "features"));
  }
  PeriodicEmbeddingOptions o{.n_frequencies = config::value(c, "n_frequencies", d.n_frequencies, where),
                             .embedding_dim = config::value(c, "embedding_dim", d.embedding_dim, where),
                             .sigma = config::value(c, "sigma", d.sigma, where),
                             .lite = config::value(c, "lite", d.lite, where),
                             .name = common.name,
                             .input_shape = common.input_shape,
                             .dtype = common.dtype,
                             .trainable = common.trainable};
  return std::make_shared<PeriodicEmbedding>(std::move(features), o);
}

nlohmann::json PeriodicEmbedding::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["features"] = features_;
  c["n_frequencies"] = options_.n_frequencies;
  c["embedding_dim"] = options_.embedding_dim;
  c["sigma"] = options_.sigma;
  c["lite"] = options_.lite;
  return c;
}

std::vector<int64_t> PeriodicEmbedding::embedded(int64_t width) const {
  if (features_.empty()) {
    std::vector<int64_t> all(static_cast<size_t>(width));
    for (int64_t f = 0; f < width; ++f) all[static_cast<size_t>(f)] = f;
    return all;
  }
  for (int64_t f : features_)
    if (f >= width)
      throw ConfigError(fmt::format(
          "PeriodicEmbedding '{}': feature column {} is out of range for an input of {} features", name(), f, width));
  return features_;
}

std::vector<int64_t> PeriodicEmbedding::passed_through(int64_t width) const {
  std::vector<bool> is_embedded(static_cast<size_t>(width), false);
  for (int64_t f : embedded(width)) is_embedded[static_cast<size_t>(f)] = true;
  std::vector<int64_t> rest;
  for (int64_t f = 0; f < width; ++f)
    if (!is_embedded[static_cast<size_t>(f)]) rest.push_back(f);
  return rest;
}

Shape PeriodicEmbedding::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 1)
    throw ShapeError(fmt::format("PeriodicEmbedding '{}': input must be (batch, features), got per-sample shape {}",
                                 name(), shape_str(input_shape)));
  const auto s = static_cast<int64_t>(embedded(input_shape[0]).size());
  return {input_shape[0] - s + s * options_.embedding_dim};
}

void PeriodicEmbedding::build_weights(const Shape& input_shape) {
  const std::vector<int64_t> columns = embedded(input_shape[0]), rest = passed_through(input_shape[0]);
  embedded_columns_ = index_tensor(columns);
  other_columns_ = rest.empty() ? Tensor() : index_tensor(rest);
  const auto s = static_cast<int64_t>(columns.size());
  const int64_t m = options_.n_frequencies, d = options_.embedding_dim;
  const Tensor frequencies = add_weight("frequencies", {s, m}, "zeros");
  assign_values(frequencies, randn({s, m}, dtype(), 0.0, options_.sigma));
  // torch.nn.Linear's initialization, which the authors' per-feature linear maps keep.
  const double bound = 1.0 / std::sqrt(static_cast<double>(2 * m));
  const Shape kernel_shape = options_.lite ? Shape{2 * m, d} : Shape{s, 2 * m, d};
  const Shape bias_shape = options_.lite ? Shape{d} : Shape{s, d};
  assign_values(add_weight("kernel", kernel_shape, "zeros"), rand_uniform(kernel_shape, -bound, bound, dtype()));
  assign_values(add_weight("bias", bias_shape, "zeros"), rand_uniform(bias_shape, -bound, bound, dtype()));
}

Tensor PeriodicEmbedding::forward(const Tensor& input, bool /*training*/) {
  const Tensor x = input.dtype() == dtype() ? input : input.to(dtype());
  const Tensor& frequencies = weight_at(0);
  const Tensor& kernel = weight_at(1);
  const Tensor& bias = weight_at(2);
  // (N, S, 1) * (S, m): every feature times its own frequencies.
  const Tensor v = mul(gather(x, embedded_columns_, 1).unsqueeze(2), frequencies) * (2.0 * std::numbers::pi);
  const Tensor waves = concat({cos(v), sin(v)}, 2);  // (N, S, 2m)
  Tensor e;
  if (options_.lite) {
    e = linear(waves, kernel, bias);
  } else {
    // Feature axis first, so each feature's (N, 2m) rows meet its own (2m, d) map.
    e = add(matmul(waves.transpose(0, 1), kernel).transpose(0, 1), bias);
  }
  const Tensor embedded_part = relu(e).reshape({x.size(0), -1});
  if (!other_columns_.defined()) return embedded_part;
  return concat({gather(x, other_columns_, 1), embedded_part}, 1);
}

}  // namespace deepfin::nn
