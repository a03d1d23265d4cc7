#pragma once
// TimeDistributed(layer): applies `layer` to every time step of (N, T, ...):
// the batch is reshaped to (N * T, ...), run through the layer once, and reshaped
// back to (N, T, ...layer output). Every step shares the layer's weights.
//
// The wrapper's weights are the inner layer's tensors under the inner layer's
// weight names ("kernel", "bias"), so a saved model keys them
// "layers/<wrapper name>/kernel". The config nests the inner layer as
// {"layer": {"class_name": ..., "config": ...}} like Keras. The inner layer's
// activation is applied by the wrapper, so fused losses see it.
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

class TimeDistributed : public Layer {
 public:
  // `options.dtype` is ignored: the wrapper computes in the inner layer's dtype.
  explicit TimeDistributed(std::shared_ptr<Layer> layer, const LayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  const std::shared_ptr<Layer>& layer() const { return layer_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  std::shared_ptr<Layer> layer_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::TimeDistributed> TimeDistributed(std::shared_ptr<nn::Layer> layer,
                                                            const nn::LayerOptions& options = {}) {
  return std::make_shared<nn::TimeDistributed>(std::move(layer), options);
}
}  // namespace deepfin::layers
