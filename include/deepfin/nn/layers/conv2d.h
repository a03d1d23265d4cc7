#pragma once
// Conv2D on channels-last images: (N, H, W, Cin) -> (N, H', W', filters),
// kernel (kh, kw, Cin, filters), Keras padding rules.
#include <array>
#include <memory>

#include "deepfin/nn/layer.h"
#include "deepfin/ops/conv.h"

namespace deepfin::nn {

struct Conv2DOptions {
  std::array<int64_t, 2> strides{1, 1};
  std::string padding = "valid";  // "valid" or "same"
  std::array<int64_t, 2> dilation_rate{1, 1};
  std::string activation = "linear";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class Conv2D : public Layer {
 public:
  Conv2D(int64_t filters, std::array<int64_t, 2> kernel_size, const Conv2DOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t filters_;
  std::array<int64_t, 2> kernel_size_;
  Conv2DOptions options_;
  Conv2dOptions op_options_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Conv2D> Conv2D(int64_t filters, std::array<int64_t, 2> kernel_size,
                                          const nn::Conv2DOptions& options = {}) {
  return std::make_shared<nn::Conv2D>(filters, kernel_size, options);
}
}  // namespace deepfin::layers
