#pragma once
// Converts a parsed TOML table into the JSON tree the rest of deepfin speaks
// (the same {class_name, config} trees that saved models carry).
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

namespace deepfin::tasks {

nlohmann::json toml_to_json(const toml::node& node);

}  // namespace deepfin::tasks
