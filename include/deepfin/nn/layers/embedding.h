#pragma once
// Embedding(input_dim, output_dim): token ids -> learned vectors (Keras semantics).
//
// Input (N, T) (any rank (N, ...)) of token ids in [0, input_dim), as int64 or as
// integer-valued floats (the form Model::fit/predict hand to layers); output
// (N, T, output_dim). Ids out of range, fractional or NaN raise ValueError naming
// the layer, the row and the value. No gradient reaches the ids; the table
// ("embeddings", (input_dim, output_dim)) gets a scatter-add.
//
// mask_zero: id 0 is padding. compute_mask returns ids != 0 as a (N, T) 0/1 mask,
// which Sequential hands to the following layers (LSTM, attention, masked pooling),
// and input_dim must leave room for it (vocabulary size + 1), as in Keras.
#include <memory>
#include <optional>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct EmbeddingOptions {
  std::string embeddings_initializer = "random_uniform";  // Keras's default, uniform(-0.05, 0.05)
  bool mask_zero = false;
  std::optional<int64_t> input_length{};  // Keras 2's input_length: input_shape = (input_length,)
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class Embedding : public Layer {
 public:
  // ConfigError for input_dim < 1, output_dim < 1, input_length < 1 or an unknown initializer.
  Embedding(int64_t input_dim, int64_t output_dim, const EmbeddingOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  int64_t input_dim() const { return input_dim_; }
  int64_t output_dim() const { return output_dim_; }
  bool mask_zero() const { return options_.mask_zero; }

  Shape compute_output_shape(const Shape& input_shape) const override;
  // (N, T) ids != 0 with mask_zero (in the layer's dtype); otherwise the incoming mask.
  Tensor compute_mask(const Tensor& x, const Tensor& mask) const override;
  nlohmann::json get_config() const override;
  // The validated int64 ids of x; ValueError names the row and the value.
  // Public for per-example gradients, which need the ids the layer read.
  Tensor token_ids(const Tensor& x) const;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t input_dim_;
  int64_t output_dim_;
  EmbeddingOptions options_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Embedding> Embedding(int64_t input_dim, int64_t output_dim,
                                                const nn::EmbeddingOptions& options = {}) {
  return std::make_shared<nn::Embedding>(input_dim, output_dim, options);
}
}  // namespace deepfin::layers
