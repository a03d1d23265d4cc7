#pragma once
// Reshape: (N, ...) -> (N, target_shape...); one target dimension may be -1.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

class Reshape : public Layer {
 public:
  explicit Reshape(Shape target_shape, const LayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  Tensor forward(const Tensor& x, bool training) override;

 private:
  Shape target_shape_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Reshape> Reshape(Shape target_shape, const nn::LayerOptions& options = {}) {
  return std::make_shared<nn::Reshape>(std::move(target_shape), options);
}
}  // namespace deepfin::layers
