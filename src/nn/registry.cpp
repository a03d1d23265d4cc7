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
        {"PeriodicEmbedding", PeriodicEmbedding::from_config},
        {"CausalLM", CausalLM::from_config},
        {"EnsembleInput", EnsembleInput::from_config},
        {"EnsembleDense", EnsembleDense::from_config},
        {"EnsembleMean", EnsembleMean::from_config},
        {"FeatureTokenizer", FeatureTokenizer::from_config},
        {"SelectToken", SelectToken::from_config},
    };
  });
  return r;
}

// Keys every layer reads in Layer::common_from_config, whether or not get_config repeats them.
bool is_common_key(const std::string& key) {
  return key == "name" || key == "trainable" || key == "dtype" || key == "input_shape";
}

// A fractional number where the layer keeps an integer (units = 2.5, read as 2). The
// values are walked side by side: a scalar given for a list the layer keeps
// (kernel_size = 2.5 -> [2]) is compared with each element, objects key by key.
bool fraction_where_integer(const nlohmann::json& given, const nlohmann::json& taken) {
  if (given.is_number_float() && taken.is_number_integer())
    return given.get<double>() != std::floor(given.get<double>());
  if (given.is_number() && taken.is_array()) {
    for (const auto& t : taken)
      if (fraction_where_integer(given, t)) return true;
    return false;
  }
  if (given.is_array() && taken.is_array() && given.size() == taken.size()) {
    for (size_t i = 0; i < given.size(); ++i)
      if (fraction_where_integer(given[i], taken[i])) return true;
    return false;
  }
  if (given.is_object() && taken.is_object()) {
    for (const auto& [key, value] : given.items())
      if (taken.contains(key) && fraction_where_integer(value, taken.at(key))) return true;
  }
  return false;
}

// Casting a double beyond int64 is undefined behaviour, and layers read their sizes
// with get<int64_t>(): such numbers are refused before any layer reads them.
void check_number_magnitudes(const nlohmann::json& value, const std::string& class_name, const std::string& key) {
  if (value.is_number_float() && !(std::abs(value.get<double>()) < 9.2e18))
    throw ConfigError(fmt::format("layer {}: {} = {} is out of range", class_name, key, value.dump()));
  if (value.is_array() || value.is_object())
    for (const auto& [k, v] : value.items()) check_number_magnitudes(v, class_name, key);
}

// A layer's get_config names every option it has, with the values it took. A key
// it does not name was ignored (a typo such as "activaton"), and a fraction where it
// keeps a whole number was truncated on the way (units = 2.5 read as 2): both are
// errors rather than a silently different model. A key given as null sets nothing
// (Keras writes "input_length": null), so it is let through.
void check_config_was_used(const Layer& layer, const nlohmann::json& given) {
  const nlohmann::json used = layer.get_config();
  const std::string where = fmt::format("{} '{}'", layer.class_name(), layer.name());
  for (const auto& [key, value] : given.items()) {
    if (value.is_null()) continue;
    if (!used.contains(key)) {
      if (is_common_key(key)) continue;
      std::vector<std::string> known;
      for (const auto& [k, v] : used.items()) known.push_back(k);
      throw ConfigError(fmt::format("{}: unknown config key '{}' (known: {})", where, key, fmt::join(known, ", ")));
    }
    if (fraction_where_integer(value, used.at(key)))
      throw ConfigError(fmt::format("{}: {} = {} must be a whole number (the layer would use {})", where, key,
                                    value.dump(), used.at(key).dump()));
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
    throw ConfigError(fmt::format("layer_from_config: expected {{\"class_name\": ..., \"config\": {{...}}}}, got {}",
                                  serialized.dump()));
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
  for (const auto& [key, value] : config.items()) check_number_magnitudes(value, class_name, key);
  try {
    std::shared_ptr<Layer> layer = factory(config);
    check_config_was_used(*layer, config);
    return layer;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("bad config for layer {}: {} (config: {})", class_name, e.what(), config.dump()));
  }
}

}  // namespace deepfin::nn
