#include "deepfin/tasks/model_factory.h"

#include <fmt/format.h>

#include "deepfin/losses/loss.h"
#include "deepfin/models/sequential.h"
#include "deepfin/optim/registry.h"

namespace deepfin::tasks {

std::shared_ptr<models::Model> model_from_json(const nlohmann::json& tree) {
  // A value of the wrong JSON type anywhere in the tree (class_name = { ... }) is the
  // job's error, named as such, not the JSON library's.
  try {
    const nlohmann::json& class_name = tree.at("class_name");
    if (!class_name.is_string() || class_name.get<std::string>() != "Sequential")
      throw ConfigError(
          fmt::format("[model] class_name {} is not a model class (known: \"Sequential\")", class_name.dump()));
    return models::Sequential::from_config(tree.at("config"));
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("[model] has a value of the wrong type or a missing key: {}", e.what()));
  }
}

std::shared_ptr<models::Sequential> sequential_from_json(const nlohmann::json& tree, const JobSpec& job,
                                                         const std::string& task) {
  auto model = std::dynamic_pointer_cast<models::Sequential>(model_from_json(tree));
  if (!model) throw ConfigError(fmt::format("{}: {} jobs need a Sequential model", job.file.string(), task));
  return model;
}

models::CompileOptions compile_options_from_json(const nlohmann::json& compile) try {
  models::CompileOptions options;
  if (compile.contains("optimizer")) options.optimizer = optim::from_config(compile.at("optimizer"));
  const nlohmann::json& loss = compile.at("loss");
  options.loss =
      loss.is_string() ? models::LossSpec(loss.get<std::string>()) : models::LossSpec(losses::from_config(loss));
  if (compile.contains("metrics")) {
    if (!compile.at("metrics").is_array())
      throw ConfigError("[compile] metrics must be a list of names, e.g. [\"accuracy\"]");
    options.metrics = compile.at("metrics").get<std::vector<std::string>>();
  }
  return options;
} catch (const nlohmann::json::exception& e) {
  throw ConfigError(fmt::format("[compile] has a value of the wrong type or a missing key: {}", e.what()));
}

}  // namespace deepfin::tasks
