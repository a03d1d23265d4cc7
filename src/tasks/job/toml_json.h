#pragma once
// Converts a parsed TOML table into the JSON tree the rest of deepfin speaks
// (the same {class_name, config} trees that saved models carry), and back.
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

namespace deepfin::tasks {

nlohmann::json toml_to_json(const toml::node& node);
// The reverse, for JSON that came from TOML (objects, arrays, strings, numbers, booleans;
// null has no TOML form and is left out).
toml::table json_to_toml(const nlohmann::json& object);

}  // namespace deepfin::tasks
