#include "deepfin/nn/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

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
  try {
    return factory(config);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("bad config for layer {}: {} (config: {})", class_name, e.what(), config.dump()));
  }
}

}  // namespace deepfin::nn
