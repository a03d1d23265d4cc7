#pragma once
// The layer registry: class_name -> factory(config). The same registry rebuilds
// layers from C++, job files and saved models. Built-in layers are registered
// on first use; user layers add themselves with register_layer().
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

using LayerFactory = std::function<std::shared_ptr<Layer>(const nlohmann::json& config)>;

// Adds or replaces a factory.
void register_layer(const std::string& class_name, LayerFactory factory);
bool is_registered(const std::string& class_name);
std::vector<std::string> registered_layers();

// Builds a layer from {"class_name": ..., "config": {...}}. An unknown class
// name raises ConfigError listing the known ones.
std::shared_ptr<Layer> layer_from_config(const nlohmann::json& serialized);

}  // namespace deepfin::nn
