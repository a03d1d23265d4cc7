#include "deepfin/nn/layers/categorical_embedding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "deepfin/base/config.h"
#include "deepfin/nn/initializers.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::nn {
namespace {

std::vector<CategoricalSlot> resolve_slots(std::vector<CategoricalSlot> slots, const std::string& layer) {
  if (slots.empty()) throw ConfigError(fmt::format("CategoricalEmbedding '{}': needs at least one slot", layer));
  std::set<int64_t> seen;
  for (CategoricalSlot& s : slots) {
    if (s.feature < 0)
      throw ConfigError(fmt::format("CategoricalEmbedding '{}': slot feature must be >= 0, got {}", layer, s.feature));
    if (!seen.insert(s.feature).second)
      throw ConfigError(
          fmt::format("CategoricalEmbedding '{}': feature column {} is given in two slots", layer, s.feature));
    if (s.cardinality < 1)
      throw ConfigError(fmt::format("CategoricalEmbedding '{}': feature column {}: cardinality must be >= 1, got {}",
                                    layer, s.feature, s.cardinality));
    if (s.output_dim < 0)
      throw ConfigError(
          fmt::format("CategoricalEmbedding '{}': feature column {}: output_dim must be >= 0 (0 = default), got {}",
                      layer, s.feature, s.output_dim));
    if (s.output_dim == 0) s.output_dim = CategoricalEmbedding::default_output_dim(s.cardinality);
  }
  return slots;
}

}  // namespace

CategoricalEmbedding::CategoricalEmbedding(std::vector<CategoricalSlot> slots,
                                           const CategoricalEmbeddingOptions& options)
    : Layer("CategoricalEmbedding", common_options(options)),
      slots_(resolve_slots(std::move(slots), name())),
      options_(options) {
  initializers::get(options.embeddings_initializer);  // unknown names fail here, not at build
}

int64_t CategoricalEmbedding::default_output_dim(int64_t cardinality) {
  return std::max<int64_t>(1, std::min<int64_t>(16, (cardinality + 1) / 2));
}

std::shared_ptr<Layer> CategoricalEmbedding::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  if (!c.contains("slots") || !c.at("slots").is_array())
    throw ConfigError(fmt::format(
        "CategoricalEmbedding config needs \"slots\": [{{feature, cardinality, output_dim}}, ...], got {}", c.dump()));
  std::vector<CategoricalSlot> slots;
  for (const nlohmann::json& s : c.at("slots"))
    slots.push_back({.feature = s.at("feature").get<int64_t>(),
                     .cardinality = s.at("cardinality").get<int64_t>(),
                     .output_dim = s.value("output_dim", int64_t{0})});
  CategoricalEmbeddingOptions o{.embeddings_initializer = config::value(
                                    c, "embeddings_initializer", std::string("random_uniform"), "CategoricalEmbedding"),
                                .name = common.name,
                                .input_shape = common.input_shape,
                                .dtype = common.dtype,
                                .trainable = common.trainable};
  return std::make_shared<CategoricalEmbedding>(std::move(slots), o);
}

nlohmann::json CategoricalEmbedding::get_config() const {
  nlohmann::json c = Layer::get_config();
  nlohmann::json slots = nlohmann::json::array();
  for (const CategoricalSlot& s : slots_)
    slots.push_back({{"feature", s.feature}, {"cardinality", s.cardinality}, {"output_dim", s.output_dim}});
  c["slots"] = slots;
  c["embeddings_initializer"] = options_.embeddings_initializer;
  return c;
}

std::vector<int64_t> CategoricalEmbedding::numeric_features(int64_t input_features) const {
  std::vector<bool> is_code(static_cast<size_t>(input_features), false);
  for (const CategoricalSlot& s : slots_) {
    if (s.feature >= input_features)
      throw ConfigError(
          fmt::format("CategoricalEmbedding '{}': slot feature column {} is out of range for an input of {} features",
                      name(), s.feature, input_features));
    is_code[static_cast<size_t>(s.feature)] = true;
  }
  std::vector<int64_t> numeric;
  for (int64_t f = 0; f < input_features; ++f)
    if (!is_code[static_cast<size_t>(f)]) numeric.push_back(f);
  return numeric;
}

std::vector<int64_t> CategoricalEmbedding::output_feature_source(int64_t input_features) const {
  std::vector<int64_t> source = numeric_features(input_features);
  for (const CategoricalSlot& s : slots_) source.insert(source.end(), static_cast<size_t>(s.output_dim), s.feature);
  return source;
}

Shape CategoricalEmbedding::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 1)
    throw ShapeError(fmt::format("CategoricalEmbedding '{}': input must be (batch, features), got per-sample shape {}",
                                 name(), shape_str(input_shape)));
  return {static_cast<int64_t>(output_feature_source(input_shape[0]).size())};
}

void CategoricalEmbedding::build_weights(const Shape& /*input_shape*/) {
  for (const CategoricalSlot& s : slots_)
    add_weight(fmt::format("embeddings_{}", s.feature), {s.cardinality, s.output_dim}, options_.embeddings_initializer);
}

Tensor CategoricalEmbedding::codes_of(const Tensor& x, const CategoricalSlot& slot) const {
  const std::vector<double> values = x.select(1, slot.feature).detach().to_vector<double>();
  std::vector<int64_t> codes(values.size());
  for (size_t row = 0; row < values.size(); ++row) {
    const double v = values[row];
    // NaN fails every comparison, so it lands here too.
    if (!(v >= 0.0 && v < static_cast<double>(slot.cardinality) && v == std::floor(v)))
      throw ValueError(
          fmt::format("CategoricalEmbedding '{}': feature column {}, row {}: code {} is not an integer in [0, {}) "
                      "(0 = unseen/missing, 1..{} = known categories)",
                      name(), slot.feature, row, v, slot.cardinality, slot.cardinality - 1));
    codes[row] = static_cast<int64_t>(v);
  }
  return from_vector(codes, {static_cast<int64_t>(codes.size())});
}

Tensor CategoricalEmbedding::forward(const Tensor& input, bool /*training*/) {
  const Tensor x = input.dtype() == dtype() ? input : input.to(dtype());
  std::vector<Tensor> parts;
  const std::vector<int64_t> numeric = numeric_features(x.size(1));
  if (!numeric.empty()) {
    const Tensor columns = from_vector(numeric, {static_cast<int64_t>(numeric.size())});
    parts.push_back(gather(x, columns, 1));  // carries the gradient back to the numeric columns only
  }
  for (size_t i = 0; i < slots_.size(); ++i) parts.push_back(embedding(weight_at(i), codes_of(x, slots_[i])));
  return parts.size() == 1 ? parts[0] : concat(parts, 1);
}

}  // namespace deepfin::nn
