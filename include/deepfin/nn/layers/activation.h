#pragma once
// Activation: applies a named activation ("relu", "softmax", ...) element-wise.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

class Activation : public Layer {
 public:
  explicit Activation(const std::string& activation, const LayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  nlohmann::json get_config() const override;

 protected:
  // The activation itself is applied by Layer::call, so fused losses can skip it.
  Tensor forward(const Tensor& x, bool /*training*/) override { return x; }
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Activation> Activation(const std::string& activation, const nn::LayerOptions& options = {}) {
  return std::make_shared<nn::Activation>(activation, options);
}
}  // namespace deepfin::layers
