#include "toml_json.h"

#include <sstream>

namespace deepfin::tasks {

nlohmann::json toml_to_json(const toml::node& node) {
  if (const auto* t = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : *t) out[std::string(key.str())] = toml_to_json(value);
    return out;
  }
  if (const auto* a = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& value : *a) out.push_back(toml_to_json(value));
    return out;
  }
  if (const auto* v = node.as_string()) return v->get();
  if (const auto* v = node.as_integer()) return v->get();
  if (const auto* v = node.as_floating_point()) return v->get();
  if (const auto* v = node.as_boolean()) return v->get();
  // Dates and times have no JSON type: keep their TOML spelling.
  std::ostringstream os;
  if (const auto* v = node.as_date()) os << *v;
  if (const auto* v = node.as_time()) os << *v;
  if (const auto* v = node.as_date_time()) os << *v;
  return os.str();
}

namespace {

void insert(toml::table& table, const std::string& key, const nlohmann::json& value);

toml::array json_to_toml_array(const nlohmann::json& items) {
  toml::array out;
  for (const auto& item : items) {
    if (item.is_object())
      out.push_back(json_to_toml(item));
    else if (item.is_array())
      out.push_back(json_to_toml_array(item));
    else if (item.is_string())
      out.push_back(item.get<std::string>());
    else if (item.is_boolean())
      out.push_back(item.get<bool>());
    else if (item.is_number_integer())
      out.push_back(item.get<int64_t>());
    else if (item.is_number())
      out.push_back(item.get<double>());
  }
  return out;
}

void insert(toml::table& table, const std::string& key, const nlohmann::json& value) {
  if (value.is_object())
    table.insert(key, json_to_toml(value));
  else if (value.is_array())
    table.insert(key, json_to_toml_array(value));
  else if (value.is_string())
    table.insert(key, value.get<std::string>());
  else if (value.is_boolean())
    table.insert(key, value.get<bool>());
  else if (value.is_number_integer())
    table.insert(key, value.get<int64_t>());
  else if (value.is_number())
    table.insert(key, value.get<double>());
}

}  // namespace

toml::table json_to_toml(const nlohmann::json& object) {
  toml::table out;
  for (const auto& [key, value] : object.items()) insert(out, key, value);
  return out;
}

}  // namespace deepfin::tasks
