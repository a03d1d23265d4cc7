#include "deepfin/core/dtype.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::float32:
      return "float32";
    case DType::float64:
      return "float64";
    case DType::int64:
      return "int64";
  }
  return "unknown";
}

DType dtype_from_name(const std::string& name) {
  if (name == "float32") return DType::float32;
  if (name == "float64") return DType::float64;
  if (name == "int64") return DType::int64;
  throw ConfigError(fmt::format("unknown dtype '{}' (expected float32, float64 or int64)", name));
}

void throw_not_floating(const char* op, DType t) {
  throw DTypeError(fmt::format("{}: expected a float32 or float64 tensor, got {}", op, dtype_name(t)));
}

}  // namespace deepfin
