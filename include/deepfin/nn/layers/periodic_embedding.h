#pragma once
// PeriodicEmbedding: periodic embeddings of numeric features, "PLR" in Gorishniy,
// Rubachev & Babenko (2022), "On Embeddings for Numerical Features in Tabular Deep
// Learning". An MLP fed raw scalars fits smooth functions of each one; a bank of
// learned sinusoids lets it fit high-frequency structure (thresholds, bumps) as well.
// For each embedded feature j with learned frequencies c_j (m of them, drawn from
// N(0, sigma^2)):
//
//   v_j = 2 pi c_j x_j,   e_j = ReLU([cos v_j, sin v_j] W_j + b_j)   (W_j: (2m, d))
//
// With lite = true every feature shares one W and b ("PLR(lite)"). The defaults
// (48 frequencies, 24 dimensions, sigma 0.01) are the authors' package defaults;
// sigma is the setting that matters most and `deepfin tune` can search it.
//
// Input (N, F); output (N, F - S + S * d): the features that are not embedded in
// their input order, then each embedded feature's d values in `features` order, so
// a Dense stack can follow. With `features` empty every column is embedded.
#include <memory>
#include <vector>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct PeriodicEmbeddingOptions {
  int64_t n_frequencies = 48;
  int64_t embedding_dim = 24;
  double sigma = 0.01;  // standard deviation of the initial frequencies
  bool lite = false;    // one linear map shared by all features
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class PeriodicEmbedding : public Layer {
 public:
  // ConfigError for negative or repeated features, n_frequencies or embedding_dim < 1,
  // sigma not finite and > 0. Features past the input width are reported at build time.
  explicit PeriodicEmbedding(std::vector<int64_t> features = {}, const PeriodicEmbeddingOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  const std::vector<int64_t>& features() const { return features_; }
  const PeriodicEmbeddingOptions& options() const { return options_; }

  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  // The embedded columns for an input of `width` features (all when features_ is empty).
  std::vector<int64_t> embedded(int64_t width) const;
  // The other columns, in input order.
  std::vector<int64_t> passed_through(int64_t width) const;

  std::vector<int64_t> features_;
  PeriodicEmbeddingOptions options_;
  // Set at build, so forward() gathers without rebuilding the column lists each batch.
  Tensor embedded_columns_, other_columns_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::PeriodicEmbedding> PeriodicEmbedding(std::vector<int64_t> features = {},
                                                                const nn::PeriodicEmbeddingOptions& options = {}) {
  return std::make_shared<nn::PeriodicEmbedding>(std::move(features), options);
}
}  // namespace deepfin::layers
