#include "deepfin/nn/layers/pooling1d.h"

#include <fmt/format.h>

#include <limits>

#include "deepfin/base/config.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"

namespace deepfin::nn {
namespace {

// The (N, T) mask as 0/1 in x's dtype (any nonzero entry keeps its step).
Tensor keep_steps(const Tensor& x, const Tensor& mask) {
  const Tensor m = mask.detach().to(x.dtype());
  return sub(ones_like(m), equal(m, zeros_like(m)));
}

}  // namespace

GlobalPooling1D::GlobalPooling1D(const char* class_name, const GlobalPooling1DOptions& options)
    : Layer(class_name, common_options(options)), keepdims_(options.keepdims) {}

GlobalPooling1DOptions GlobalPooling1D::options_from(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  const std::string data_format = config::value(c, "data_format", std::string("channels_last"), "pooling layer");
  if (data_format != "channels_last")
    throw ConfigError(
        fmt::format("global 1-D pooling '{}': data_format '{}' is not supported; sequences are "
                    "channels_last (batch, steps, features)",
                    common.name, data_format));
  return {.keepdims = config::value(c, "keepdims", false, "pooling layer"),
          .name = common.name,
          .input_shape = common.input_shape,
          .dtype = common.dtype,
          .trainable = common.trainable};
}

Shape GlobalPooling1D::compute_output_shape(const Shape& in) const {
  if (in.size() != 2)
    throw ShapeError(fmt::format("{} '{}': expected input shape (steps, features) without batch axis, got {}",
                                 class_name(), name(), shape_str(in)));
  if (in[0] == 0)
    throw ShapeError(fmt::format("{} '{}': cannot pool a sequence of 0 steps (input shape {})", class_name(), name(),
                                 shape_str(in)));
  return keepdims_ ? Shape{1, in[1]} : Shape{in[1]};
}

nlohmann::json GlobalPooling1D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["data_format"] = "channels_last";
  c["keepdims"] = keepdims_;
  return c;
}

GlobalAveragePooling1D::GlobalAveragePooling1D(const GlobalPooling1DOptions& options)
    : GlobalPooling1D("GlobalAveragePooling1D", options) {}

std::shared_ptr<Layer> GlobalAveragePooling1D::from_config(const nlohmann::json& c) {
  return std::make_shared<GlobalAveragePooling1D>(options_from(c));
}

Tensor GlobalAveragePooling1D::forward(const Tensor& x, bool /*training*/) {
  return mean(x, {1}, keepdims());
}

Tensor GlobalAveragePooling1D::forward_masked(const Tensor& x, const Tensor& mask, bool /*training*/) {
  const Tensor keep = keep_steps(x, mask);                   // (N, T)
  const Tensor total = sum(mul(x, keep.unsqueeze(2)), {1});  // (N, F)
  // A fully masked row divides 0 by 1 and pools to 0.
  const Tensor count = maximum(sum(keep, {1}, /*keepdims=*/true), ones({x.size(0), 1}, x.dtype()));
  const Tensor y = div(total, count);
  return keepdims() ? y.unsqueeze(1) : y;
}

GlobalMaxPooling1D::GlobalMaxPooling1D(const GlobalPooling1DOptions& options)
    : GlobalPooling1D("GlobalMaxPooling1D", options) {}

std::shared_ptr<Layer> GlobalMaxPooling1D::from_config(const nlohmann::json& c) {
  return std::make_shared<GlobalMaxPooling1D>(options_from(c));
}

Tensor GlobalMaxPooling1D::forward(const Tensor& x, bool /*training*/) {
  return max(x, 1, keepdims());
}

Tensor GlobalMaxPooling1D::forward_masked(const Tensor& x, const Tensor& mask, bool /*training*/) {
  const Tensor keep = keep_steps(x, mask).unsqueeze(2);  // (N, T, 1)
  // Masked steps hold the lowest float, so they never win against a kept step.
  const Tensor lowest = full({1}, -static_cast<double>(std::numeric_limits<float>::max()), x.dtype());
  const Tensor best = max(where(keep, x, lowest), 1, keepdims());
  // Rows with no kept step pool to 0 (and pass no gradient).
  const Tensor any_kept = greater(max(keep, 1, keepdims()), zeros({1}, x.dtype()));
  return where(any_kept, best, zeros({1}, x.dtype()));
}

}  // namespace deepfin::nn
