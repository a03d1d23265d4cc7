#include "deepfin/data/categorical.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace deepfin::data {
namespace {

// Values of a (N,) or (N, 1) tensor, in order, as doubles.
std::vector<double> label_values(const Tensor& labels, const char* op) {
  const bool column = labels.dim() == 2 && labels.size(1) == 1;
  if (labels.dim() != 1 && !column)
    throw ShapeError(fmt::format("{}: labels must have shape (N,) or (N, 1), got {}", op, shape_str(labels.shape())));
  return labels.to_vector<double>();
}

}  // namespace

Tensor to_categorical(const Tensor& labels, int64_t num_classes) {
  const std::vector<double> values = label_values(labels, "to_categorical");
  int64_t max_label = -1;
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(v >= 0) || v != std::floor(v))
      throw ValueError(fmt::format("to_categorical: label {} at position {} is not a non-negative integer", v, i));
    max_label = std::max(max_label, static_cast<int64_t>(v));
  }
  if (num_classes < 0) num_classes = max_label + 1;
  if (max_label >= num_classes)
    throw ValueError(
        fmt::format("to_categorical: label {} is out of range for num_classes = {}", max_label, num_classes));
  const int64_t n = static_cast<int64_t>(values.size());
  Tensor out = zeros({n, num_classes}, DType::float32);
  float* p = out.data<float>();
  for (int64_t i = 0; i < n; ++i) p[i * num_classes + static_cast<int64_t>(values[i])] = 1.0f;
  return out;
}

Tensor class_indices(const Tensor& y, const char* op) {
  const int64_t n = y.dim() == 0 ? 0 : y.size(0);
  std::vector<int64_t> classes(static_cast<size_t>(n));
  if (y.dim() == 2 && y.size(1) > 1) {
    const int64_t c = y.size(1);
    const std::vector<double> v = y.to_vector<double>();
    for (int64_t i = 0; i < n; ++i) {
      const double* row = v.data() + i * c;
      classes[i] = std::max_element(row, row + c) - row;
    }
  } else {
    const std::vector<double> v = label_values(y, op);
    for (int64_t i = 0; i < n; ++i) {
      if (v[i] != std::floor(v[i]))
        throw ValueError(fmt::format("{}: label {} at position {} is not a class index", op, v[i], i));
      classes[i] = static_cast<int64_t>(v[i]);
    }
  }
  return from_vector(classes, {n});
}

}  // namespace deepfin::data
