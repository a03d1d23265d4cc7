#pragma once
// Global pooling over the time axis of sequences: (N, T, F) -> (N, F), or
// (N, 1, F) with keepdims (Keras's keepdims=True). With a (N, T) padding mask
// (from Embedding(mask_zero) or Masking) only the kept steps are pooled; a row
// with every step masked pools to 0.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct GlobalPooling1DOptions {
  bool keepdims = false;
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

// Shared shape logic and config of the two global 1-D poolings.
class GlobalPooling1D : public Layer {
 public:
  GlobalPooling1D(const char* class_name, const GlobalPooling1DOptions& options);
  bool keepdims() const { return keepdims_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  static GlobalPooling1DOptions options_from(const nlohmann::json& config);

 private:
  bool keepdims_;
};

// Mean over the steps (over the unmasked steps with a mask).
class GlobalAveragePooling1D : public GlobalPooling1D {
 public:
  explicit GlobalAveragePooling1D(const GlobalPooling1DOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  Tensor forward(const Tensor& x, bool training) override;
  Tensor forward_masked(const Tensor& x, const Tensor& mask, bool training) override;
};

// Maximum over the steps (masked steps never win); the gradient goes to the first
// step holding the maximum.
class GlobalMaxPooling1D : public GlobalPooling1D {
 public:
  explicit GlobalMaxPooling1D(const GlobalPooling1DOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  Tensor forward(const Tensor& x, bool training) override;
  Tensor forward_masked(const Tensor& x, const Tensor& mask, bool training) override;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::GlobalAveragePooling1D> GlobalAveragePooling1D(
    const nn::GlobalPooling1DOptions& options = {}) {
  return std::make_shared<nn::GlobalAveragePooling1D>(options);
}
inline std::shared_ptr<nn::GlobalMaxPooling1D> GlobalMaxPooling1D(const nn::GlobalPooling1DOptions& options = {}) {
  return std::make_shared<nn::GlobalMaxPooling1D>(options);
}
}  // namespace deepfin::layers
