#pragma once
// BatchNormalization over the last (channel) axis, Keras semantics: training
// normalizes with the batch's mean and (biased) variance and updates the
// moving statistics; inference uses the moving statistics.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct BatchNormalizationOptions {
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;  // learn beta
  bool scale = true;   // learn gamma
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(const BatchNormalizationOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  BatchNormalizationOptions options_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::BatchNormalization> BatchNormalization(const nn::BatchNormalizationOptions& options = {}) {
  return std::make_shared<nn::BatchNormalization>(options);
}
}  // namespace deepfin::layers
