#include "deepfin/core/shape.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/base/error.h"

namespace deepfin {

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n))
      throw ValueError(fmt::format("shape {} has more elements than fit in 64 bits", shape_str(shape)));
  return n;
}

std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    if (__builtin_mul_overflow(strides[i + 1], std::max<int64_t>(shape[i + 1], 1), &strides[i]))
      throw ValueError(fmt::format("shape {} has more elements than fit in 64 bits", shape_str(shape)));
  return strides;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      throw ShapeError(
          fmt::format("{}: shapes {} and {} cannot be broadcast together", op, shape_str(a), shape_str(b)));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t normalize_axis(int64_t axis, int64_t ndim, const char* op) {
  const int64_t bound = std::max<int64_t>(ndim, 1);
  if (axis < -bound || axis >= bound)
    throw IndexError(fmt::format("{}: axis {} is out of range for a tensor with {} dimensions (valid: {} to {})", op,
                                 axis, ndim, -bound, bound - 1));
  return axis < 0 ? axis + bound : axis;
}

void check_shape_valid(const Shape& shape, const char* op) {
  for (int64_t d : shape)
    if (d < 0) throw ValueError(fmt::format("{}: negative dimension in shape {}", op, shape_str(shape)));
  // Refused before size arithmetic can wrap.
  if (!shape_within_limit(shape))
    throw ValueError(fmt::format("{}: shape {} is too large to allocate", op, shape_str(shape)));
}

bool shape_within_limit(const Shape& shape) {
  int64_t product = 1;
  for (int64_t d : shape)
    if (d > 0 && (__builtin_mul_overflow(product, d, &product) || product > (int64_t{1} << 45))) return false;
  return true;
}

}  // namespace deepfin
