#include "deepfin/nn/layers/time_distributed.h"

#include <fmt/format.h>

#include "deepfin/nn/registry.h"

namespace deepfin::nn {
namespace {

LayerOptions wrapper_options(const std::shared_ptr<Layer>& layer, LayerOptions options) {
  if (!layer) throw ValueError("TimeDistributed: the wrapped layer is null");
  options.dtype = layer->dtype();
  return options;
}

}  // namespace

TimeDistributed::TimeDistributed(std::shared_ptr<Layer> layer, const LayerOptions& options)
    : Layer("TimeDistributed", wrapper_options(layer, options)), layer_(std::move(layer)) {
  set_activation(layer_->activation());
}

std::shared_ptr<Layer> TimeDistributed::from_config(const nlohmann::json& c) {
  if (!c.contains("layer"))
    throw ConfigError("TimeDistributed: config lacks 'layer' ({\"class_name\": ..., \"config\": ...})");
  return std::make_shared<TimeDistributed>(layer_from_config(c.at("layer")), common_from_config(c));
}

Shape TimeDistributed::compute_output_shape(const Shape& in) const {
  if (in.size() < 2)
    throw ShapeError(fmt::format(
        "TimeDistributed '{}': expected input shape (steps, ...) with at least one axis after the steps, got {}",
        name(), shape_str(in)));
  Shape out = {in[0]};
  const Shape step_out = layer_->compute_output_shape(Shape(in.begin() + 1, in.end()));
  out.insert(out.end(), step_out.begin(), step_out.end());
  return out;
}

void TimeDistributed::build_weights(const Shape& in) {
  layer_->build(Shape(in.begin() + 1, in.end()));
  // The same tensors, so an arena binding or a loaded value reaches the inner layer.
  for (const Weight& w : layer_->weights()) weights().push_back({w.name, w.value, w.trainable && trainable()});
}

Tensor TimeDistributed::forward(const Tensor& x, bool training) {
  // Our handles are the source of truth: a caller may have swapped them (gradient checks do).
  for (size_t i = 0; i < weights().size(); ++i) layer_->weights()[i].value = weights()[i].value;
  const int64_t batch = x.size(0), steps = x.size(1);
  Shape folded = {batch * steps};
  folded.insert(folded.end(), x.shape().begin() + 2, x.shape().end());
  const Tensor y = layer_->call_without_activation(x.reshape(folded), training);
  Shape unfolded = {batch, steps};
  unfolded.insert(unfolded.end(), y.shape().begin() + 1, y.shape().end());
  return y.reshape(unfolded);
}

nlohmann::json TimeDistributed::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["layer"] = serialize(*layer_);
  return c;
}

}  // namespace deepfin::nn
