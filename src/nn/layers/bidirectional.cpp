#include "deepfin/nn/layers/bidirectional.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/nn/layers/recurrent.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::nn {
namespace {

LayerOptions wrapper_options(const std::shared_ptr<Layer>& layer, const BidirectionalOptions& o) {
  if (!layer) throw ValueError("Bidirectional: the wrapped layer is null");
  // Keras lets the wrapped layer carry the model's input shape.
  return {.name = o.name,
          .input_shape = o.input_shape.empty() ? layer->declared_input_shape() : o.input_shape,
          .dtype = layer->dtype(),
          .trainable = o.trainable};
}

// The wrapped layer's config under a new name; `flip` reverses its direction.
std::shared_ptr<Layer> direction_copy(const nlohmann::json& serialized, const std::string& prefix, bool flip) {
  nlohmann::json copy = serialized;
  nlohmann::json& c = copy.at("config");
  c["name"] = prefix + config::required<std::string>(c, "name", "Bidirectional");
  c.erase("input_shape");  // the wrapper owns the input shape
  if (flip) c["go_backwards"] = !config::required<bool>(c, "go_backwards", "Bidirectional");
  return layer_from_config(copy);
}

// x[:, T-1-t] at step t, differentiably.
Tensor reverse_time(const Tensor& x) {
  const int64_t steps = x.size(1);
  std::vector<int64_t> order(static_cast<size_t>(steps));
  for (int64_t t = 0; t < steps; ++t) order[static_cast<size_t>(t)] = steps - 1 - t;
  return gather(x, from_vector(order, {steps}), 1);
}

}  // namespace

Bidirectional::Bidirectional(std::shared_ptr<Layer> layer, const BidirectionalOptions& options)
    : Layer("Bidirectional", wrapper_options(layer, options)), merge_mode_(options.merge_mode) {
  layer_config_ = serialize(*layer);
  const nlohmann::json& c = layer_config_.at("config");
  if (!c.contains("go_backwards") || !c.at("go_backwards").is_boolean())
    throw ConfigError(fmt::format(
        "Bidirectional '{}': wrapped layer '{}' ({}) has no 'go_backwards' option; wrap a SimpleRNN, LSTM or GRU",
        name(), layer->name(), layer->class_name()));
  if (merge_mode_ != "concat" && merge_mode_ != "sum" && merge_mode_ != "mul" && merge_mode_ != "ave")
    throw ConfigError(fmt::format(
        "Bidirectional '{}': unknown merge_mode '{}'; expected 'concat', 'sum', 'mul' or 'ave'", name(), merge_mode_));
  return_sequences_ = config::value(c, "return_sequences", false, "Bidirectional");
  forward_layer_ = direction_copy(layer_config_, "forward_", false);
  backward_layer_ = direction_copy(layer_config_, "backward_", true);
}

std::shared_ptr<Layer> Bidirectional::from_config(const nlohmann::json& c) {
  if (!c.contains("layer"))
    throw ConfigError("Bidirectional: config lacks 'layer' ({\"class_name\": ..., \"config\": ...})");
  const LayerOptions common = common_from_config(c);
  return std::make_shared<Bidirectional>(
      layer_from_config(c.at("layer")),
      BidirectionalOptions{.merge_mode = config::value(c, "merge_mode", "concat", "Bidirectional"),
                           .name = common.name,
                           .input_shape = common.input_shape,
                           .dtype = common.dtype,
                           .trainable = common.trainable});
}

Shape Bidirectional::compute_output_shape(const Shape& in) const {
  if (in.size() != 2)
    throw ShapeError(
        fmt::format("Bidirectional '{}': expected input shape (steps, features) without batch axis, got {}", name(),
                    shape_str(in)));
  Shape out = forward_layer_->compute_output_shape(in);
  if (merge_mode_ == "concat") out.back() *= 2;
  return out;
}

void Bidirectional::build_weights(const Shape& in) {
  for (const auto& layer : {forward_layer_, backward_layer_}) {
    layer->build(in);
    // The same tensors, so an arena binding or a loaded value reaches the inner layers.
    for (const Weight& w : layer->weights())
      weights().push_back({layer->name() + "/" + w.name, w.value, w.trainable && trainable()});
  }
}

void Bidirectional::push_weight_handles() {
  size_t i = 0;
  for (const auto& layer : {forward_layer_, backward_layer_})
    for (Weight& w : layer->weights()) w.value = weights()[i++].value;
}

Tensor Bidirectional::merge(const Tensor& forward_out, const Tensor& backward_out) const {
  // Keras reverses the backward sequence so both halves line up step by step.
  const Tensor b = return_sequences_ ? reverse_time(backward_out) : backward_out;
  if (merge_mode_ == "concat") return concat({forward_out, b}, forward_out.dim() - 1);
  if (merge_mode_ == "sum") return add(forward_out, b);
  if (merge_mode_ == "mul") return mul(forward_out, b);
  return mul(add(forward_out, b), 0.5);
}

Tensor Bidirectional::forward(const Tensor& x, bool training) {
  push_weight_handles();
  return merge(forward_layer_->call(x, training), backward_layer_->call(x, training));
}

std::vector<Tensor> Bidirectional::call_with_states(const Tensor& x, const std::vector<Tensor>& initial_states,
                                                    const Tensor& mask, bool training) {
  auto* fwd = dynamic_cast<RecurrentLayer*>(forward_layer_.get());
  auto* bwd = dynamic_cast<RecurrentLayer*>(backward_layer_.get());
  if (!fwd || !bwd)
    throw ValueError(fmt::format("Bidirectional '{}': call_with_states needs a recurrent layer inside, got {}", name(),
                                 forward_layer_->class_name()));
  if (x.dim() != 3)
    throw ShapeError(fmt::format("Bidirectional '{}': input must be (batch, steps, features), got {}", name(),
                                 shape_str(x.shape())));
  if (initial_states.size() % 2 != 0)
    throw ValueError(fmt::format(
        "Bidirectional '{}': initial_states must hold the forward states then the backward states, got {} tensors",
        name(), initial_states.size()));
  build(Shape(x.shape().begin() + 1, x.shape().end()));
  push_weight_handles();
  const auto half = initial_states.begin() + static_cast<std::ptrdiff_t>(initial_states.size() / 2);
  const std::vector<Tensor> f = fwd->call_with_states(x, {initial_states.begin(), half}, mask, training);
  const std::vector<Tensor> b = bwd->call_with_states(x, {half, initial_states.end()}, mask, training);
  std::vector<Tensor> out = {merge(f[0], b[0])};
  out.insert(out.end(), f.begin() + 1, f.end());
  out.insert(out.end(), b.begin() + 1, b.end());
  return out;
}

nlohmann::json Bidirectional::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["layer"] = layer_config_;
  c["merge_mode"] = merge_mode_;
  return c;
}

}  // namespace deepfin::nn
