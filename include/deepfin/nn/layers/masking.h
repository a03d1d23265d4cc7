#pragma once
// Masking(mask_value): marks padded steps of (N, T, F) sequences (Keras semantics).
// A step is kept when any of its features differs from mask_value; compute_mask
// returns that (N, T) 0/1 mask for the following layers, and the output is the
// input with the masked steps zeroed. An incoming mask is replaced, as in Keras.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct MaskingOptions {
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class Masking : public Layer {
 public:
  explicit Masking(double mask_value = 0.0, const MaskingOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  double mask_value() const { return mask_value_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  Tensor compute_mask(const Tensor& x, const Tensor& mask) const override;
  nlohmann::json get_config() const override;

 protected:
  Tensor forward(const Tensor& x, bool training) override;

 private:
  // (N, T) in x's dtype: 1 where any feature != mask_value.
  Tensor keep_mask(const Tensor& x) const;

  double mask_value_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Masking> Masking(double mask_value = 0.0, const nn::MaskingOptions& options = {}) {
  return std::make_shared<nn::Masking>(mask_value, options);
}
}  // namespace deepfin::layers
