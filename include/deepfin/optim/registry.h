#pragma once
// Optimizers by name and by config, as compile() and job files name them.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/optim/optimizer.h"

namespace deepfin::optim {

// "sgd", "adam", "adamw", "rmsprop" (case- and underscore-blind), with Keras defaults.
// Unknown names → ConfigError listing the valid ones.
std::shared_ptr<Optimizer> get(const std::string& name);
// {"class_name": "Adam", "config": {...}} as serialize() writes it; a plain string is passed to get().
std::shared_ptr<Optimizer> from_config(const nlohmann::json& j);
nlohmann::json serialize(const Optimizer& optimizer);

}  // namespace deepfin::optim
