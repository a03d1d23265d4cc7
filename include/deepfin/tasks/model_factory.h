#pragma once
// Builds and compiles a model from the JSON trees of a job file.
#include <memory>
#include <nlohmann/json.hpp>

#include "deepfin/models/model.h"
#include "deepfin/models/sequential.h"
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

// {"class_name": "Sequential", "config": {...}} -> a model (ConfigError for other classes).
std::shared_ptr<models::Model> model_from_json(const nlohmann::json& tree);
// The same, for tasks that need a Sequential model; ConfigError naming the job file and the task otherwise.
std::shared_ptr<models::Sequential> sequential_from_json(const nlohmann::json& tree, const JobSpec& job,
                                                         const std::string& task);
// {"optimizer": name | {class_name, config}, "loss": name | {class_name, config}, "metrics": [...]}
models::CompileOptions compile_options_from_json(const nlohmann::json& compile);

}  // namespace deepfin::tasks
