#pragma once
// PositionalEmbedding(sequence_length): adds a position vector to every step of
// (N, T, D) inputs, T <= sequence_length (ShapeError otherwise), so attention,
// which is blind to order, can tell the steps apart. Keeps the incoming mask.
//
// kind "learned": a trained table "position_embeddings" (sequence_length, D),
//   as keras_hub's PositionEmbedding (which returns the table; this layer adds it).
// kind "sinusoidal": the fixed table of "Attention Is All You Need" (no weights),
//   pe[t, 2i] = sin(t / 10000^(2i / D)), pe[t, 2i + 1] = cos(t / 10000^(2i / D)).
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct PositionalEmbeddingOptions {
  std::string kind = "learned";                // "learned" or "sinusoidal"
  std::string initializer = "glorot_uniform";  // of the learned table
  double max_wavelength = 10000.0;             // of the sinusoidal table
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class PositionalEmbedding : public Layer {
 public:
  // ConfigError for sequence_length < 1, an unknown kind or initializer, max_wavelength <= 0.
  explicit PositionalEmbedding(int64_t sequence_length, const PositionalEmbeddingOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  int64_t sequence_length() const { return sequence_length_; }
  const std::string& kind() const { return options_.kind; }

  // The fixed sinusoidal table (length, depth) in `dtype`.
  static Tensor sinusoidal_table(int64_t length, int64_t depth, double max_wavelength = 10000.0,
                                 DType dtype = DType::float32);

  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t sequence_length_;
  PositionalEmbeddingOptions options_;
  Tensor sinusoid_;  // (sequence_length, D) once built, for kind "sinusoidal"
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::PositionalEmbedding> PositionalEmbedding(
    int64_t sequence_length, const nn::PositionalEmbeddingOptions& options = {}) {
  return std::make_shared<nn::PositionalEmbedding>(sequence_length, options);
}
}  // namespace deepfin::layers
