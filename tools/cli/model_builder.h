#pragma once
// Builds and compiles a model from the JSON trees of a job file.
#include <memory>
#include <nlohmann/json.hpp>

#include "deepfin/models/model.h"

namespace deepfin::cli {

// {"class_name": "Sequential", "config": {...}} -> a model (ConfigError for other classes).
std::shared_ptr<models::Model> model_from_json(const nlohmann::json& tree);
// {"optimizer": name | {class_name, config}, "loss": name | {class_name, config}, "metrics": [...]}
models::CompileOptions compile_options_from_json(const nlohmann::json& compile);

}  // namespace deepfin::cli
