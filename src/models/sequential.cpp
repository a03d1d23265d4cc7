#include "deepfin/models/sequential.h"

#include <fmt/format.h>

#include "deepfin/nn/activations.h"
#include "deepfin/nn/registry.h"

namespace deepfin::models {

Sequential::Sequential(std::vector<std::shared_ptr<nn::Layer>> layers, std::string name)
    : Model(name.empty() ? nn::unique_name("sequential") : std::move(name)) {
  for (auto& layer : layers) add(std::move(layer));
}

std::unique_ptr<Sequential> Sequential::from_config(const nlohmann::json& config) {
  if (!config.is_object())
    throw ConfigError(fmt::format("Sequential: config must be an object, got {}", config.dump()));
  for (const auto& [key, value] : config.items())
    if (key != "name" && key != "layers" && key != "build_input_shape")
      throw ConfigError(
          fmt::format("Sequential: unknown config key '{}' (known: build_input_shape, layers, name)", key));
  if (config.contains("layers") && !config.at("layers").is_array())
    throw ConfigError("Sequential: \"layers\" must be a list of {class_name, config} tables");
  std::vector<std::shared_ptr<nn::Layer>> layers;
  for (const auto& serialized : config.value("layers", nlohmann::json::array()))
    layers.push_back(nn::layer_from_config(serialized));
  try {
    auto model = std::make_unique<Sequential>(std::move(layers), config.value("name", std::string()));
    if (!model->built() && config.contains("build_input_shape")) model->build(config["build_input_shape"].get<Shape>());
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("Sequential: name or build_input_shape has the wrong type: {}", e.what()));
  }
}

void Sequential::add(std::shared_ptr<nn::Layer> layer) {
  if (!layer) throw ValueError(fmt::format("Sequential '{}': add() got a null layer", name()));
  for (const auto& existing : layers_)
    if (existing->name() == layer->name())
      throw ValueError(
          fmt::format("Sequential '{}': all layers need unique names, '{}' is already used", name(), layer->name()));
  layers_.push_back(std::move(layer));
  if (built()) {
    // A layer added to a built model is built on the current output; the arena is rebound.
    const Shape input = input_shape();
    build(input);
  } else if (layers_.size() == 1 && !layers_.front()->declared_input_shape().empty()) {
    build(layers_.front()->declared_input_shape());
  } else if (layers_.size() == 1 && layers_.front()->class_name() == "InputLayer") {
    build(layers_.front()->input_shape());  // a scalar-feature Input declares shape ()
  }
}

void Sequential::build(const Shape& input_shape) {
  if (layers_.empty()) throw ValueError(fmt::format("Sequential '{}': cannot build a model without layers", name()));
  Shape shape = input_shape;
  for (const auto& layer : layers_) {
    layer->build(shape);
    shape = layer->output_shape();
  }
  finish_build(input_shape, shape);
}

Tensor Sequential::forward(const Tensor& x, bool training, bool skip_final_activation) {
  return run_layers(0, x, training, skip_final_activation);
}

Tensor Sequential::run_layers(size_t first, const Tensor& x, bool training, bool skip_final_activation) {
  // Each layer sees the mask the layers before it produced (Keras mask propagation).
  Tensor h = x, mask;
  for (size_t i = first; i < layers_.size(); ++i) {
    if (!mask.defined() && i + 1 < layers_.size() && nn::relu_moves_past_pool(*layers_[i], *layers_[i + 1])) {
      const Tensor pooled = layers_[i + 1]->call(layers_[i]->call_without_activation(h, training), training);
      h = activations::apply(layers_[i]->activation(), pooled);
      ++i;  // the pool ran too; with no mask coming in, none goes out
      continue;
    }
    const bool last = i + 1 == layers_.size();
    Tensor next = layers_[i]->call_masked(h, mask, training, !(last && skip_final_activation));
    mask = layers_[i]->compute_mask(h, mask);
    h = next;
  }
  return h;
}

Tensor Sequential::call_from(size_t first, const Tensor& h, bool skip_final_activation) {
  if (!built()) throw ValueError(fmt::format("Sequential '{}': call_from needs a built model", name()));
  if (first >= layers_.size())
    throw IndexError(
        fmt::format("Sequential '{}': call_from layer {} out of range [0, {})", name(), first, layers_.size()));
  return run_layers(first, h, false, skip_final_activation);
}

std::string Sequential::final_activation() const {
  return layers_.empty() ? std::string("linear") : layers_.back()->activation();
}

nlohmann::json Sequential::get_config() const {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : layers_) layers.push_back(nn::serialize(*layer));
  nlohmann::json config = {{"name", name()}, {"layers", layers}};
  if (built()) config["build_input_shape"] = input_shape();
  return config;
}

}  // namespace deepfin::models
