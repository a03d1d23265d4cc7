#pragma once
// Conv1D on sequences (N, T, F) -> (N, T', filters), Keras semantics.
//
// Kernel layout is Keras's (kernel_size, F, filters). It maps to PyTorch's
// nn.Conv1d / F.conv1d as
//   torch_weight (filters, F, k) = kernel.permute(2, 1, 0)
//   torch_input  (N, F, T)       = x.permute(0, 2, 1)
//   y            (N, T', filters) = torch_output.permute(0, 2, 1)
// Padding: "valid" (none), "same" (Keras/TF: the odd extra zero goes at the end),
// "causal" (dilation * (k - 1) zeros before the first step, none after, so step t
// only sees steps <= t; T' = ceil(T / strides) like "same").
//
// The computation runs on the NHWC conv2d op: x viewed as (N, 1, T, F), the
// kernel as (1, k, F, filters).
#include <memory>

#include "deepfin/nn/layer.h"
#include "deepfin/ops/conv.h"

namespace deepfin::nn {

struct Conv1DOptions {
  int64_t strides = 1;
  std::string padding = "valid";  // "valid", "same" or "causal"
  int64_t dilation_rate = 1;
  std::string activation = "linear";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class Conv1D : public Layer {
 public:
  // ValueError for non-positive sizes; ConfigError for an unknown padding name.
  Conv1D(int64_t filters, int64_t kernel_size, const Conv1DOptions& options = {});
  // Accepts kernel_size, strides and dilation_rate as an integer or a one-element list (Keras writes lists).
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  bool causal() const { return options_.padding == "causal"; }
  // Zeros placed before the first step for "causal" (0 otherwise).
  int64_t causal_pad() const { return causal() ? options_.dilation_rate * (kernel_size_ - 1) : 0; }

  int64_t filters_;
  int64_t kernel_size_;
  Conv1DOptions options_;
  Conv2dOptions op_options_;  // "causal" runs as "valid" on the left-padded sequence
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Conv1D> Conv1D(int64_t filters, int64_t kernel_size, const nn::Conv1DOptions& options = {}) {
  return std::make_shared<nn::Conv1D>(filters, kernel_size, options);
}
}  // namespace deepfin::layers
