#include "models/input_checks.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/data/categorical.h"

namespace deepfin::models::detail {

void check_same_samples(const Tensor& a, const char* a_name, const Tensor& b, const char* b_name, const char* op) {
  if (a.dim() == 0 || b.dim() == 0 || a.size(0) != b.size(0))
    throw ShapeError(fmt::format("{}: {} has {} samples but {} has {} ({} shape {}, {} shape {})", op, a_name,
                                 a.dim() ? a.size(0) : 0, b_name, b.dim() ? b.size(0) : 0, a_name, shape_str(a.shape()),
                                 b_name, shape_str(b.shape())));
}

Tensor as_model_input(const Tensor& x, const char* name, const char* op) {
  if (!x.defined() || x.dtype() != DType::int64) return x;
  constexpr int64_t kExactFloat = int64_t{1} << 24;  // every integer up to 2^24 is a float32
  const std::vector<int64_t> values = x.to_vector<int64_t>();
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i] > kExactFloat || values[i] < -kExactFloat)
      throw ValueError(
          fmt::format("{}: {} is int64 and element {} = {} is too large to pass to the layers exactly "
                      "(|value| <= 2^24 = {})",
                      op, name, i, values[i], kExactFloat));
  return x.to(DType::float32);
}

void check_finite(const Tensor& t, const char* name, const char* op) {
  if (!t.defined() || !is_floating(t.dtype())) return;
  const Tensor c = t.detach().contiguous();
  dispatch_floating(op, c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    const int64_t n = c.numel();
    const int64_t per_sample = c.dim() > 0 && c.size(0) > 0 ? n / c.size(0) : 1;
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(p[i]))
        throw ValueError(fmt::format("{}: {} contains {} at flat index {} (sample {}); clean or impute the data first",
                                     op, name, std::isnan(p[i]) ? "NaN" : "Inf", i, i / per_sample));
    }
  });
}

int64_t first_nonfinite(const Tensor& t) {
  if (!t.defined() || !is_floating(t.dtype())) return -1;
  const Tensor c = t.detach().contiguous();
  int64_t found = -1;
  dispatch_floating("check_finite", c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    for (int64_t i = 0, n = c.numel(); i < n && found < 0; ++i)
      if (!std::isfinite(p[i])) found = i;
  });
  return found;
}

void check_finite_outputs(const Tensor& out, const Tensor& params, const char* op) {
  const int64_t bad = first_nonfinite(out);
  if (bad < 0) return;
  const int64_t per_sample = out.dim() > 0 && out.size(0) > 0 ? out.numel() / out.size(0) : 1;
  if (const int64_t w = first_nonfinite(params); w >= 0)
    throw ValueError(fmt::format(
        "{}: the output for sample {} is not finite because the model's weights hold NaN or Inf (weight element "
        "{}); it was saved after training diverged: retrain with a lower learning rate",
        op, bad / per_sample, w));
  throw ValueError(fmt::format(
      "{}: the output for sample {} is not finite although its input is: the input values are too large for "
      "float32 arithmetic inside the network; scale or standardize them",
      op, bad / per_sample));
}

void check_input_shape(const Tensor& x, const Shape& expected, const char* op) {
  const Shape got(x.shape().begin() + (x.dim() > 0 ? 1 : 0), x.shape().end());
  if (x.dim() == 0 || got != expected)
    throw ShapeError(fmt::format("{}: the model expects input shape {} (without batch axis) but got x of shape {}", op,
                                 shape_str(expected), shape_str(x.shape())));
}

Tensor combine_sample_weights(const Tensor& y, const Tensor& sample_weight,
                              const std::map<int64_t, double>& class_weight, const char* op) {
  if (sample_weight.defined()) {
    check_same_samples(y, "y", sample_weight, "sample_weight", op);
    if (sample_weight.dim() != 1)
      throw ShapeError(
          fmt::format("{}: sample_weight must have shape (N,), got {}", op, shape_str(sample_weight.shape())));
    check_finite(sample_weight, "sample_weight", op);
  }
  if (class_weight.empty()) return sample_weight.defined() ? sample_weight.to(DType::float32) : Tensor();
  const Tensor classes = data::class_indices(y, op);
  const std::vector<int64_t> c = classes.to_vector<int64_t>();
  std::vector<float> w(c.size(), 1.0f);
  if (sample_weight.defined()) w = sample_weight.to_vector<float>();
  for (size_t i = 0; i < c.size(); ++i) {
    auto it = class_weight.find(c[i]);
    if (it != class_weight.end()) w[i] *= static_cast<float>(it->second);
  }
  return from_vector(w, {static_cast<int64_t>(w.size())});
}

}  // namespace deepfin::models::detail
