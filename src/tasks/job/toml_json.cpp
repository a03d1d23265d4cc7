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

}  // namespace deepfin::tasks
