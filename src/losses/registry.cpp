#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/losses/loss.h"

namespace deepfin::losses {

namespace {
constexpr const char* kValidNames =
    "categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mse / mean_squared_error, "
    "mae / mean_absolute_error, huber, qlike";

std::shared_ptr<Loss> build(const std::string& name, bool from_logits, double delta) {
  const std::string key = config::normalize_name(name);
  if (key == "categoricalcrossentropy") return std::make_shared<CategoricalCrossentropy>(from_logits);
  if (key == "sparsecategoricalcrossentropy") return std::make_shared<SparseCategoricalCrossentropy>(from_logits);
  if (key == "binarycrossentropy") return std::make_shared<BinaryCrossentropy>(from_logits);
  if (key == "mse" || key == "meansquarederror") return std::make_shared<MeanSquaredError>();
  if (key == "mae" || key == "meanabsoluteerror") return std::make_shared<MeanAbsoluteError>();
  if (key == "huber" || key == "huberloss") return std::make_shared<Huber>(delta);
  if (key == "qlike") return std::make_shared<QLike>();
  throw ConfigError(fmt::format("unknown loss '{}'; valid names: {}", name, kValidNames));
}
}  // namespace

std::shared_ptr<Loss> get(const std::string& name, bool from_logits) {
  return build(name, from_logits, 1.0);
}

std::shared_ptr<Loss> from_config(const nlohmann::json& j) {
  if (j.is_string()) return get(j.get<std::string>());
  if (!j.is_object() || !j.contains("class_name") || !j["class_name"].is_string())
    throw ConfigError(fmt::format(
        "losses::from_config: expected {{\"class_name\": ..., \"config\": {{...}}}} or a name, got {}", j.dump()));
  const nlohmann::json config = j.value("config", nlohmann::json::object());
  const char* owner = "losses::from_config";
  return build(j["class_name"].get<std::string>(), config::value<bool>(config, "from_logits", false, owner),
               config::value<double>(config, "delta", 1.0, owner));
}

nlohmann::json serialize(const Loss& loss) {
  return {{"class_name", loss.class_name()}, {"config", loss.get_config()}};
}

}  // namespace deepfin::losses
