#pragma once
// CategoricalEmbedding: the first layer of a tabular model. Some input columns hold
// integer category codes (0 = unseen/missing, 1..K = known categories, as the tabular
// preprocessor writes them); each such column is replaced by a learned embedding
// vector and the other (numeric) columns pass through unchanged, so a Dense stack can
// follow. Equivalent to one Keras Embedding per code column plus a Concatenate, but one
// layer, so Sequential, job files and model saving work unchanged.
//
// Input (N, F); output (N, F - S + sum of output_dim): the non-code features in their
// input order, then each slot's embedding in slot order. No gradient reaches the code
// columns; the numeric columns and the tables get theirs from autograd.
#include <memory>
#include <vector>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct CategoricalSlot {
  int64_t feature = 0;      // input column holding the codes
  int64_t cardinality = 0;  // codes lie in [0, cardinality)
  int64_t output_dim = 0;   // embedding size; 0: default_output_dim(cardinality)
};

struct CategoricalEmbeddingOptions {
  std::string embeddings_initializer = "random_uniform";  // Keras Embedding's default, uniform(-0.05, 0.05)
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class CategoricalEmbedding : public Layer {
 public:
  // ConfigError for no slots, duplicate or negative features, cardinality < 1, output_dim < 0.
  // Features past the input width are reported at build time, when the width is known.
  explicit CategoricalEmbedding(std::vector<CategoricalSlot> slots, const CategoricalEmbeddingOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  // Slots with output_dim resolved (never 0).
  const std::vector<CategoricalSlot>& slots() const { return slots_; }
  // For each output column, the input feature it comes from: explanations roll the
  // attributions of embedded columns back onto the code column.
  std::vector<int64_t> output_feature_source(int64_t input_features) const;
  // The usual rule of thumb, about half the number of categories, capped at 16 so wide
  // categorical columns do not dominate the model: min(16, (cardinality + 1) / 2), at least 1.
  static int64_t default_output_dim(int64_t cardinality);

  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  // The validated int64 codes of one slot's column; ValueError names the row and value.
  Tensor codes_of(const Tensor& x, const CategoricalSlot& slot) const;
  // Input columns that are not code columns, in order.
  std::vector<int64_t> numeric_features(int64_t input_features) const;

  std::vector<CategoricalSlot> slots_;
  CategoricalEmbeddingOptions options_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::CategoricalEmbedding> CategoricalEmbedding(
    std::vector<nn::CategoricalSlot> slots, const nn::CategoricalEmbeddingOptions& options = {}) {
  return std::make_shared<nn::CategoricalEmbedding>(std::move(slots), options);
}
}  // namespace deepfin::layers
