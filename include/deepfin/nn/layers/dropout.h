#pragma once
// Dropout: at training time zeroes each input with probability `rate` and
// scales the rest by 1 / (1 - rate); identity at inference. Draws from the
// seeded default generator.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

class Dropout : public Layer {
 public:
  explicit Dropout(double rate, const LayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  double rate() const { return rate_; }
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  nlohmann::json get_config() const override;

 protected:
  Tensor forward(const Tensor& x, bool training) override;

 private:
  double rate_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Dropout> Dropout(double rate, const nn::LayerOptions& options = {}) {
  return std::make_shared<nn::Dropout>(rate, options);
}
}  // namespace deepfin::layers
