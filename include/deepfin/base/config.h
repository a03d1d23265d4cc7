#pragma once
// The one way deepfin reads JSON configs (job-file tables, optimizer, loss and
// metric configs): every key known, every value of the right type, integers read
// exactly, and each failure a ConfigError that names where the value was.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <type_traits>

#include "deepfin/base/error.h"

namespace deepfin::config {

// ConfigError "<file>: unknown key 'k' in [<where>] (known: ...)" for a key not in `known`.
inline void check_keys(const nlohmann::json& table, const std::set<std::string>& known, const std::string& where,
                       const std::string& file) {
  for (const auto& [key, value] : table.items()) {
    if (known.count(key)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError(fmt::format("{}: unknown key '{}' in [{}] (known: {})", file, key, where, list));
  }
}

// An integer setting read exactly: nlohmann's get<int>() truncates 2.5 to 2 and
// wraps -1 to 2^64-1 for unsigned types. Empty string when `value` is a T, else why not.
template <class T>
std::string integer_problem(const nlohmann::json& value) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (value.is_number_float()) {
    // Range first: casting a double outside T's range is undefined behaviour.
    const double d = value.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) return "must be a whole number";
    if (std::is_unsigned_v<T> && d < 0) return "must not be negative";
    const double lowest = static_cast<double>(std::numeric_limits<T>::min());
    const double past_max = 2.0 * (static_cast<double>(std::numeric_limits<T>::max() / 2 + 1));  // exactly 2^bits
    return d >= lowest && d < past_max ? "" : "is out of range";
  }
  if (!value.is_number_integer()) return "must be an integer";
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max()) ? "is too large" : "";
  }
  const int64_t v = value.get<int64_t>();
  if (std::is_unsigned_v<T> && v < 0) return "must not be negative";
  if constexpr (std::is_signed_v<T>) {
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return "is out of range";
  } else {
    if (static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())) return "is too large";
  }
  return "";
}

// `value` as T, integers exactly; ConfigError "<what> must be ... (got v)" or
// "<what> has the wrong type (v)", where `what` names the setting.
template <class T>
T convert(const nlohmann::json& value, const std::string& what) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (const std::string problem = integer_problem<T>(value); !problem.empty())
      throw ConfigError(fmt::format("{} {} (got {})", what, problem, value.dump()));
  }
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(fmt::format("{} has the wrong type ({})", what, value.dump()));
  }
}

// table[key] as T, or `fallback` when absent (job-file tables: "<file>: [<where>] <key> ...").
template <class T>
T get_or(const nlohmann::json& table, const std::string& key, T fallback, const std::string& where,
         const std::string& file) {
  if (!table.contains(key)) return fallback;
  return convert<T>(table.at(key), fmt::format("{}: [{}] {}", file, where, key));
}

// A Keras-style config value ("<owner>: config key '<key>' ..."): a missing key and
// JSON null fall back to `fallback`, as Keras writes optional values.
template <class T>
T value(const nlohmann::json& config, const char* key, T fallback, const std::string& owner) {
  if (!config.is_object()) throw ConfigError(fmt::format("{}: config must be a JSON object", owner));
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  return convert<T>(*it, fmt::format("{}: config key '{}'", owner, key));
}

// The same for a text setting given a string-literal fallback.
inline std::string value(const nlohmann::json& config, const char* key, const char* fallback,
                         const std::string& owner) {
  return value<std::string>(config, key, std::string(fallback), owner);
}

// A setting the config must have ("<owner>: config needs '<key>'" when absent or null).
template <class T>
T required(const nlohmann::json& config, const char* key, const std::string& owner) {
  if (!config.is_object()) throw ConfigError(fmt::format("{}: config must be a JSON object", owner));
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) throw ConfigError(fmt::format("{}: config needs '{}'", owner, key));
  return convert<T>(*it, fmt::format("{}: config key '{}'", owner, key));
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

}  // namespace deepfin::config
