#include "text/json_fields.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::text::detail {

const nlohmann::json& require_field(const nlohmann::json& object, const std::string& key, nlohmann::json::value_t type,
                                    const char* type_name, const char* format) {
  if (!object.contains(key)) throw FileError(fmt::format("{} JSON: missing key '{}'", format, key));
  const nlohmann::json& value = object.at(key);
  const bool ok = type == nlohmann::json::value_t::number_integer ? value.is_number_integer() : value.type() == type;
  if (!ok)
    throw FileError(fmt::format("{} JSON: key '{}' must be {}, got {}", format, key, type_name, value.type_name()));
  return value;
}

void fnv1a(uint64_t& hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
}

}  // namespace deepfin::text::detail
