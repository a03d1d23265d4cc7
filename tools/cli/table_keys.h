#pragma once
// Shared checks for the tables of a job file: every key known, every value of the
// right type, each failure a ConfigError naming the file, the table and the key.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "deepfin/core/error.h"

namespace deepfin::cli {

inline void check_keys(const nlohmann::json& table, const std::set<std::string>& known, const std::string& where,
                       const std::string& file) {
  for (const auto& [key, value] : table.items()) {
    if (known.count(key)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError(fmt::format("{}: unknown key '{}' in [{}] (known: {})", file, key, where, list));
  }
}

// table[key] as T, or `fallback` when absent.
template <class T>
T get_or(const nlohmann::json& table, const std::string& key, T fallback, const std::string& where,
         const std::string& file) {
  if (!table.contains(key)) return fallback;
  try {
    return table.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(fmt::format("{}: [{}] {} has the wrong type ({})", file, where, key, table.at(key).dump()));
  }
}

}  // namespace deepfin::cli
