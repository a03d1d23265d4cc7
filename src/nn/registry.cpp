#include "deepfin/nn/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "deepfin/nn/layers.h"

namespace deepfin::nn {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, LayerFactory> factories;
};

// Built-ins are listed here rather than self-registering from their own files:
// static initializers in a static library are dropped when nothing else
// references their object file.
Registry& registry() {
  static Registry r;
  static std::once_flag once;
  std::call_once(once, [] {
    r.factories = {
        {"InputLayer", InputLayer::from_config},
        {"Dense", Dense::from_config},
        {"Conv2D", Conv2D::from_config},
        {"MaxPooling2D", MaxPooling2D::from_config},
        {"AveragePooling2D", AveragePooling2D::from_config},
        {"GlobalAveragePooling2D", GlobalAveragePooling2D::from_config},
        {"Flatten", Flatten::from_config},
        {"Reshape", Reshape::from_config},
        {"Dropout", Dropout::from_config},
        {"BatchNormalization", BatchNormalization::from_config},
        {"LayerNormalization", LayerNormalization::from_config},
        {"Activation", Activation::from_config},
        {"CategoricalEmbedding", CategoricalEmbedding::from_config},
        {"SimpleRNN", SimpleRNN::from_config},
        {"LSTM", LSTM::from_config},
        {"GRU", GRU::from_config},
        {"Conv1D", Conv1D::from_config},
        {"GlobalAveragePooling1D", GlobalAveragePooling1D::from_config},
        {"GlobalMaxPooling1D", GlobalMaxPooling1D::from_config},
        {"TimeDistributed", TimeDistributed::from_config},
        {"Bidirectional", Bidirectional::from_config},
        {"MultiHeadAttention", MultiHeadAttention::from_config},
        {"Embedding", Embedding::from_config},
        {"PositionalEmbedding", PositionalEmbedding::from_config},
        {"Masking", Masking::from_config},
        {"TransformerEncoder", TransformerEncoder::from_config},
    };
  });
  return r;
}

// Keys every layer reads in Layer::common_from_config, whether or not get_config repeats them.
bool is_common_key(const std::string& key) {
  return key == "name" || key == "trainable" || key == "dtype" || key == "input_shape";
}

bool numbers_differ(const nlohmann::json& given, const nlohmann::json& used) {
  const double a = given.get<double>(), b = used.get<double>();
  return std::abs(a - b) > 1e-6 * std::max(std::abs(a), std::abs(b));
}

// A layer's get_config names every option it has, with the values it took. A key
// it does not name was ignored (a typo such as "activaton"), and a number it does
// not repeat was converted on the way (units = 2.5 read as 2): both are errors
// rather than a silently different model.
void check_config_was_used(const Layer& layer, const nlohmann::json& given) {
  const nlohmann::json used = layer.get_config();
  const std::string where = fmt::format("{} '{}'", layer.class_name(), layer.name());
  for (const auto& [key, value] : given.items()) {
    if (!used.contains(key)) {
      if (is_common_key(key)) continue;
      std::vector<std::string> known;
      for (const auto& [k, v] : used.items()) known.push_back(k);
      throw ConfigError(fmt::format("{}: unknown config key '{}' (known: {})", where, key, fmt::join(known, ", ")));
    }
    const nlohmann::json& taken = used.at(key);
    bool differs = false;
    if (value.is_number() && taken.is_number()) {
      differs = numbers_differ(value, taken);
    } else if (value.is_array() && taken.is_array() && value.size() == taken.size()) {
      for (size_t i = 0; i < value.size(); ++i)
        if (value[i].is_number() && taken[i].is_number()) differs = differs || numbers_differ(value[i], taken[i]);
    }
    if (differs)
      throw ConfigError(
          fmt::format("{}: {} = {} cannot be used as given (it would become {}); give a whole number "
                      "where a count or size is meant",
                      where, key, value.dump(), taken.dump()));
  }
}

}  // namespace

void register_layer(const std::string& class_name, LayerFactory factory) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.factories[class_name] = std::move(factory);
}

bool is_registered(const std::string& class_name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.factories.count(class_name) > 0;
}

std::vector<std::string> registered_layers() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& [name, factory] : r.factories) names.push_back(name);
  return names;
}

std::shared_ptr<Layer> layer_from_config(const nlohmann::json& serialized) {
  if (!serialized.is_object() || !serialized.contains("class_name") || !serialized["class_name"].is_string())
    throw ConfigError("layer_from_config: expected {\"class_name\": ..., \"config\": {...}}, got " + serialized.dump());
  const std::string class_name = serialized["class_name"].get<std::string>();
  LayerFactory factory;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(class_name);
    if (it == r.factories.end()) {
      std::vector<std::string> known;
      for (const auto& [name, f] : r.factories) known.push_back(name);
      throw ConfigError(fmt::format("unknown layer class_name '{}'; known: {}", class_name, fmt::join(known, ", ")));
    }
    factory = it->second;
  }
  const nlohmann::json config = serialized.value("config", nlohmann::json::object());
  if (!config.is_object())
    throw ConfigError(fmt::format("layer {}: \"config\" must be an object, got {}", class_name, config.dump()));
  try {
    std::shared_ptr<Layer> layer = factory(config);
    check_config_was_used(*layer, config);
    return layer;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("bad config for layer {}: {} (config: {})", class_name, e.what(), config.dump()));
  }
}

}  // namespace deepfin::nn
