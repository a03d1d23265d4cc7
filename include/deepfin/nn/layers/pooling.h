#pragma once
// Pooling layers on channels-last images (N, H, W, C).
#include <array>
#include <memory>

#include "deepfin/nn/layer.h"
#include "deepfin/ops/pooling.h"

namespace deepfin::nn {

struct Pooling2DOptions {
  std::array<int64_t, 2> strides{0, 0};  // 0: same as pool_size (Keras's strides=None)
  std::string padding = "valid";
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

// Shared shape logic and config of MaxPooling2D and AveragePooling2D.
class Pooling2D : public Layer {
 public:
  Pooling2D(const char* class_name, std::array<int64_t, 2> pool_size, const Pooling2DOptions& options);
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  static std::array<int64_t, 2> pool_size_from(const nlohmann::json& config);
  static Pooling2DOptions options_from(const nlohmann::json& config);
  Pool2dOptions op_options_;
  std::array<int64_t, 2> strides_;  // resolved
  std::string padding_;
};

class MaxPooling2D : public Pooling2D {
 public:
  explicit MaxPooling2D(std::array<int64_t, 2> pool_size = {2, 2}, const Pooling2DOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  Tensor forward(const Tensor& x, bool training) override;
};

class AveragePooling2D : public Pooling2D {
 public:
  explicit AveragePooling2D(std::array<int64_t, 2> pool_size = {2, 2}, const Pooling2DOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  Tensor forward(const Tensor& x, bool training) override;
};

// (N, H, W, C) -> (N, C)
class GlobalAveragePooling2D : public Layer {
 public:
  explicit GlobalAveragePooling2D(const LayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override;

 protected:
  Tensor forward(const Tensor& x, bool training) override;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::MaxPooling2D> MaxPooling2D(std::array<int64_t, 2> pool_size = {2, 2},
                                                      const nn::Pooling2DOptions& options = {}) {
  return std::make_shared<nn::MaxPooling2D>(pool_size, options);
}
inline std::shared_ptr<nn::AveragePooling2D> AveragePooling2D(std::array<int64_t, 2> pool_size = {2, 2},
                                                              const nn::Pooling2DOptions& options = {}) {
  return std::make_shared<nn::AveragePooling2D>(pool_size, options);
}
inline std::shared_ptr<nn::GlobalAveragePooling2D> GlobalAveragePooling2D(const nn::LayerOptions& options = {}) {
  return std::make_shared<nn::GlobalAveragePooling2D>(options);
}
}  // namespace deepfin::layers
