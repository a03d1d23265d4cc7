#pragma once
// Reading request fields with 422 errors that name the field by its path in the
// body ("instances[2].duration") and say what was expected and what came.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace deepfin::serve {

// "a number", "a string", "an array", ... for messages.
std::string json_type_name(const nlohmann::json& value);
// RequestError 422: "field 'path': expected <expected>, got <type of value>".
[[noreturn]] void throw_mistyped(const std::string& path, const std::string& expected, const nlohmann::json& value);
// body[key], or RequestError 422 "missing field 'path'" (path = prefix + key).
const nlohmann::json& require_field(const nlohmann::json& object, const std::string& key, const std::string& path);
// The request body as an object, or 422.
const nlohmann::json& require_object(const nlohmann::json& body);
// The array under `key` (a single value is taken as a list of one when `single_ok`), or 422.
nlohmann::json require_list(const nlohmann::json& body, const std::string& key, bool single_ok);

}  // namespace deepfin::serve
