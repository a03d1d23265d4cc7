#include "serve/json_fields.h"

#include <fmt/format.h>

#include "deepfin/serve/request_error.h"

namespace deepfin::serve {

std::string json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::object:
      return "an object";
    default:
      return "a number";
  }
}

void throw_mistyped(const std::string& path, const std::string& expected, const nlohmann::json& value) {
  throw RequestError(422, fmt::format("field '{}': expected {}, got {}", path, expected, json_type_name(value)));
}

const nlohmann::json& require_field(const nlohmann::json& object, const std::string& key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end()) throw RequestError(422, fmt::format("missing field '{}'", path));
  return *it;
}

const nlohmann::json& require_object(const nlohmann::json& body) {
  if (!body.is_object()) throw_mistyped("(body)", "a JSON object", body);
  return body;
}

nlohmann::json require_list(const nlohmann::json& body, const std::string& key, bool single_ok) {
  const nlohmann::json& value = require_field(require_object(body), key, key);
  if (value.is_array()) {
    if (value.empty()) throw RequestError(422, fmt::format("field '{}': the list is empty", key));
    return value;
  }
  if (!single_ok) throw_mistyped(key, "an array", value);
  return nlohmann::json::array({value});
}

}  // namespace deepfin::serve
