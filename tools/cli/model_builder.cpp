#include "model_builder.h"

#include <fmt/format.h>

#include "deepfin/losses/loss.h"
#include "deepfin/models/sequential.h"
#include "deepfin/optim/registry.h"

namespace deepfin::cli {

std::shared_ptr<models::Model> model_from_json(const nlohmann::json& tree) {
  const std::string class_name = tree.value("class_name", "");
  if (class_name != "Sequential")
    throw ConfigError(fmt::format("[model] class_name \"{}\" is not a model class (known: Sequential)", class_name));
  return models::Sequential::from_config(tree.at("config"));
}

models::CompileOptions compile_options_from_json(const nlohmann::json& compile) {
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
}

}  // namespace deepfin::cli
