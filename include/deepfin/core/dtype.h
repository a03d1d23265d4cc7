#pragma once
// Element types. float32 trains and serves; float64 exists for gradient checks;
// int64 carries labels and token ids.
#include <cstddef>
#include <cstdint>
#include <string>

namespace deepfin {

enum class DType : uint8_t { float32, float64, int64 };

constexpr size_t dtype_size(DType t) {
  return t == DType::float32 ? 4 : 8;
}
constexpr bool is_floating(DType t) {
  return t != DType::int64;
}
const char* dtype_name(DType t);
// Parses "float32" / "float64" / "int64"; throws ConfigError otherwise.
DType dtype_from_name(const std::string& name);

template <class T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr DType value = DType::float32;
};
template <>
struct dtype_of<double> {
  static constexpr DType value = DType::float64;
};
template <>
struct dtype_of<int64_t> {
  static constexpr DType value = DType::int64;
};
template <class T>
inline constexpr DType dtype_of_v = dtype_of<T>::value;

// Calls fn with a value of the C++ type for `t` (float, double or int64_t), e.g.
//   dispatch_dtype(x.dtype(), [&](auto tag) { using T = decltype(tag); ... });
template <class Fn>
decltype(auto) dispatch_dtype(DType t, Fn&& fn) {
  switch (t) {
    case DType::float32:
      return fn(float{});
    case DType::float64:
      return fn(double{});
    default:
      return fn(int64_t{});
  }
}

// Same, for ops defined only on floating types; int64 raises DTypeError naming `op`.
void throw_not_floating(const char* op, DType t);
template <class Fn>
decltype(auto) dispatch_floating(const char* op, DType t, Fn&& fn) {
  if (t == DType::float64) return fn(double{});
  if (t != DType::float32) throw_not_floating(op, t);
  return fn(float{});
}

}  // namespace deepfin
