#pragma once
// Small helpers to read Keras-style config dicts: missing keys and JSON null
// fall back to a default; a value of the wrong type is a ConfigError naming the key.
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/core/error.h"

namespace deepfin::optim::detail {

template <class T>
T config_value(const nlohmann::json& config, const char* key, T fallback, const char* owner) {
  if (!config.is_object()) throw ConfigError(std::string(owner) + ": config must be a JSON object");
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string(owner) + ": config key '" + key + "' has the wrong type: " + it->dump());
  }
}

// JSON null for 0 ("not set"), the number otherwise, as Keras writes optional floats.
inline nlohmann::json null_if_zero(double v) {
  return v == 0.0 ? nlohmann::json(nullptr) : nlohmann::json(v);
}

// "Adam" -> "adam", "mean_squared_error" -> "meansquarederror": names compared case- and underscore-blind.
inline std::string normalize_name(const std::string& name) {
  std::string out;
  for (char c : name)
    if (c != '_') out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace deepfin::optim::detail
