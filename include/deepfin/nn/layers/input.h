#pragma once
// InputLayer: declares the model's input shape (without batch axis); passes
// its input through. layers::Input(shape) is keras.Input.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

class InputLayer : public Layer {
 public:
  explicit InputLayer(const Shape& shape, const LayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  nlohmann::json get_config() const override;

 protected:
  Tensor forward(const Tensor& x, bool /*training*/) override { return x; }
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::InputLayer> Input(const Shape& shape, const nn::LayerOptions& options = {}) {
  return std::make_shared<nn::InputLayer>(shape, options);
}
}  // namespace deepfin::layers
