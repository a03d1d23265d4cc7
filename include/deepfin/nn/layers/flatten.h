#pragma once
// Flatten: (N, d1, d2, ...) -> (N, d1 * d2 * ...).
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

class Flatten : public Layer {
 public:
  explicit Flatten(const LayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override;

 protected:
  Tensor forward(const Tensor& x, bool training) override;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Flatten> Flatten(const nn::LayerOptions& options = {}) {
  return std::make_shared<nn::Flatten>(options);
}
}  // namespace deepfin::layers
