#pragma once
// LayerNormalization over the last axis: each sample's features are
// normalized to zero mean and unit variance, then scaled and shifted, by the
// fused layer_norm op (one kernel forward and one backward).
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct LayerNormalizationOptions {
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class LayerNormalization : public Layer {
 public:
  explicit LayerNormalization(const LayerNormalizationOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  LayerNormalizationOptions options_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::LayerNormalization> LayerNormalization(const nn::LayerNormalizationOptions& options = {}) {
  return std::make_shared<nn::LayerNormalization>(options);
}
}  // namespace deepfin::layers
