#include "deepfin/nn/layers/positional_embedding.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/config.h"
#include "deepfin/nn/initializers.h"
#include "deepfin/ops/elementwise.h"

namespace deepfin::nn {

PositionalEmbedding::PositionalEmbedding(int64_t sequence_length, const PositionalEmbeddingOptions& options)
    : Layer("PositionalEmbedding", common_options(options)), sequence_length_(sequence_length), options_(options) {
  if (sequence_length < 1)
    throw ConfigError(
        fmt::format("PositionalEmbedding '{}': sequence_length must be >= 1, got {}", name(), sequence_length));
  if (options.kind != "learned" && options.kind != "sinusoidal")
    throw ConfigError(fmt::format("PositionalEmbedding '{}': kind must be \"learned\" or \"sinusoidal\", got \"{}\"",
                                  name(), options.kind));
  if (!(options.max_wavelength > 0.0))
    throw ConfigError(
        fmt::format("PositionalEmbedding '{}': max_wavelength must be > 0, got {}", name(), options.max_wavelength));
  initializers::get(options.initializer);
}

std::shared_ptr<Layer> PositionalEmbedding::from_config(const nlohmann::json& c) {
  if (!c.contains("sequence_length"))
    throw ConfigError(fmt::format("PositionalEmbedding config needs \"sequence_length\", got {}", c.dump()));
  const LayerOptions common = common_from_config(c);
  return std::make_shared<PositionalEmbedding>(
      config::required<int64_t>(c, "sequence_length", "PositionalEmbedding"),
      PositionalEmbeddingOptions{
          .kind = config::value(c, "kind", std::string("learned"), "PositionalEmbedding"),
          .initializer = config::value(c, "initializer", std::string("glorot_uniform"), "PositionalEmbedding"),
          .max_wavelength = config::value(c, "max_wavelength", 10000.0, "PositionalEmbedding"),
          .name = common.name,
          .input_shape = common.input_shape,
          .dtype = common.dtype,
          .trainable = common.trainable});
}

nlohmann::json PositionalEmbedding::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["sequence_length"] = sequence_length_;
  c["kind"] = options_.kind;
  c["initializer"] = options_.initializer;
  c["max_wavelength"] = options_.max_wavelength;
  return c;
}

Tensor PositionalEmbedding::sinusoidal_table(int64_t length, int64_t depth, double max_wavelength, DType dtype) {
  std::vector<double> table(static_cast<size_t>(length * depth));
  for (int64_t t = 0; t < length; ++t)
    for (int64_t d = 0; d < depth; ++d) {
      // Columns 2i and 2i + 1 share the frequency 1 / max_wavelength^(2i / depth).
      const double angle = static_cast<double>(t) /
                           std::pow(max_wavelength, static_cast<double>(d - d % 2) / static_cast<double>(depth));
      table[static_cast<size_t>(t * depth + d)] = d % 2 == 0 ? std::sin(angle) : std::cos(angle);
    }
  return from_vector(table, {length, depth}).to(dtype);
}

Shape PositionalEmbedding::compute_output_shape(const Shape& in) const {
  if (in.size() != 2)
    throw ShapeError(
        fmt::format("PositionalEmbedding '{}': expected input shape (steps, features) without batch axis, got {}",
                    name(), shape_str(in)));
  if (in[0] > sequence_length_)
    throw ShapeError(fmt::format("PositionalEmbedding '{}': input has {} steps (shape {}) but sequence_length is {}",
                                 name(), in[0], shape_str(in), sequence_length_));
  return in;
}

void PositionalEmbedding::build_weights(const Shape& in) {
  if (options_.kind == "learned")
    add_weight("position_embeddings", {sequence_length_, in[1]}, options_.initializer);
  else
    sinusoid_ = sinusoidal_table(sequence_length_, in[1], options_.max_wavelength, dtype());
}

Tensor PositionalEmbedding::forward(const Tensor& x, bool /*training*/) {
  const Tensor& table = options_.kind == "learned" ? weight_at(0) : sinusoid_;
  return add(x, table.slice(0, 0, x.size(1)));  // (T, D) broadcast over the batch
}

}  // namespace deepfin::nn
