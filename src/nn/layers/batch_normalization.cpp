#include "deepfin/nn/layers/batch_normalization.h"

#include <fmt/format.h>

#include <numeric>

#include "deepfin/autograd/node.h"
#include "deepfin/base/config.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"

namespace deepfin::nn {

BatchNormalization::BatchNormalization(const BatchNormalizationOptions& options)
    : Layer("BatchNormalization", common_options(options)), options_(options) {
  if (!(options.momentum >= 0.0 && options.momentum <= 1.0) || !(options.epsilon > 0.0))
    throw ValueError(fmt::format("BatchNormalization '{}': momentum must be in [0, 1] and epsilon > 0", name()));
}

std::shared_ptr<Layer> BatchNormalization::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  return std::make_shared<BatchNormalization>(
      BatchNormalizationOptions{.momentum = config::value(c, "momentum", 0.99, "BatchNormalization"),
                                .epsilon = config::value(c, "epsilon", 1e-3, "BatchNormalization"),
                                .center = config::value(c, "center", true, "BatchNormalization"),
                                .scale = config::value(c, "scale", true, "BatchNormalization"),
                                .name = common.name,
                                .input_shape = common.input_shape,
                                .dtype = common.dtype,
                                .trainable = common.trainable});
}

Shape BatchNormalization::compute_output_shape(const Shape& in) const {
  if (in.empty())
    throw ShapeError(
        fmt::format("BatchNormalization '{}': input needs a feature axis, got shape {}", name(), shape_str(in)));
  return in;
}

void BatchNormalization::build_weights(const Shape& in) {
  const Shape channels = {in.back()};
  // Keras creates gamma/beta only when scale/center are on.
  if (options_.scale) add_weight("gamma", channels, "ones");
  if (options_.center) add_weight("beta", channels, "zeros");
  add_weight("moving_mean", channels, "zeros", false);
  add_weight("moving_variance", channels, "ones", false);
}

Tensor BatchNormalization::forward(const Tensor& x, bool training) {
  const Tensor& moving_mean = weight("moving_mean");
  const Tensor& moving_var = weight("moving_variance");
  Tensor mean_used, var_used;
  // A frozen layer (trainable=false) runs in inference mode, as in Keras.
  if (training && trainable()) {
    std::vector<int64_t> axes(static_cast<size_t>(x.dim() - 1));
    std::iota(axes.begin(), axes.end(), 0);
    mean_used = mean(x, axes);
    var_used = var(x, axes);
    NoGradGuard no_grad;
    const double m = options_.momentum;
    assign_values(moving_mean, add(mul(moving_mean, m), mul(mean_used.detach(), 1.0 - m)));
    assign_values(moving_var, add(mul(moving_var, m), mul(var_used.detach(), 1.0 - m)));
  } else {
    mean_used = moving_mean;
    var_used = moving_var;
  }
  Tensor y = (x - mean_used) / sqrt(var_used + options_.epsilon);
  if (options_.scale) y = y * weight("gamma");
  if (options_.center) y = y + weight("beta");
  return y;
}

nlohmann::json BatchNormalization::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = -1;
  c["momentum"] = options_.momentum;
  c["epsilon"] = options_.epsilon;
  c["center"] = options_.center;
  c["scale"] = options_.scale;
  return c;
}

}  // namespace deepfin::nn
