#pragma once
// FeatureTokenizer: the first layer of an FT-Transformer (Gorishniy, Rubachev, Khrulkov &
// Babenko 2021, "Revisiting Deep Learning Models for Tabular Data"). Every input feature
// becomes a token of its own, t_j = x_j * W_j + b_j (W_j, b_j learned vectors of d_token
// values), so self-attention can relate features to each other; with cls_token a learned
// [CLS] token is appended last, and SelectToken(-1) reads it out after the Transformer:
//
//   FeatureTokenizer(d) -> TransformerEncoder(norm_first) x L -> SelectToken(-1)
//     -> LayerNormalization -> Activation(relu) -> Dense(1, sigmoid)
//
// Input (N, F); output (N, F + cls_token, d_token). One-hot columns each get a token,
// which plays the part of the paper's per-category embedding. Weights, biases and the
// [CLS] token start uniform in +-1/sqrt(d_token), as in the authors' code.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct FeatureTokenizerOptions {
  bool cls_token = true;
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class FeatureTokenizer : public Layer {
 public:
  // ConfigError for d_token < 1.
  explicit FeatureTokenizer(int64_t d_token, const FeatureTokenizerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  int64_t d_token() const { return d_token_; }
  bool cls_token() const { return options_.cls_token; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t d_token_;
  FeatureTokenizerOptions options_;
};

struct SelectTokenOptions {
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

// (N, T, D) -> (N, D): token `index` of each sequence (negative counts from the end, so -1
// is FeatureTokenizer's [CLS]). ShapeError at build when the index is outside the tokens.
class SelectToken : public Layer {
 public:
  explicit SelectToken(int64_t index = -1, const SelectTokenOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  int64_t index() const { return index_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t position(int64_t tokens) const;  // index_ resolved against `tokens`; ShapeError if outside
  int64_t index_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::FeatureTokenizer> FeatureTokenizer(int64_t d_token,
                                                              const nn::FeatureTokenizerOptions& options = {}) {
  return std::make_shared<nn::FeatureTokenizer>(d_token, options);
}
inline std::shared_ptr<nn::SelectToken> SelectToken(int64_t index = -1, const nn::SelectTokenOptions& options = {}) {
  return std::make_shared<nn::SelectToken>(index, options);
}
}  // namespace deepfin::layers
