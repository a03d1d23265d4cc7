#pragma once
// Dense: y = activation(x @ kernel + bias) on the last axis, kernel (in, units).
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct DenseOptions {
  std::string activation = "linear";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class Dense : public Layer {
 public:
  Dense(int64_t units, const DenseOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  int64_t units() const { return units_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t units_;
  DenseOptions options_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Dense> Dense(int64_t units, const nn::DenseOptions& options = {}) {
  return std::make_shared<nn::Dense>(units, options);
}
}  // namespace deepfin::layers
