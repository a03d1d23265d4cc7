#include "deepfin/nn/initializers.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <map>

#include "deepfin/core/random.h"

namespace deepfin::initializers {
namespace {

// Fills a new tensor with values drawn one by one (row-major) from `draw`.
template <class Draw>
Tensor fill(const Shape& shape, DType dtype, Draw draw) {
  Tensor t = Tensor::empty(shape, dtype);
  dispatch_floating("initializer", dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(draw());
  });
  return t;
}

// Normal truncated at two standard deviations, as Keras's TruncatedNormal.
double truncated_normal(Generator& gen, double stddev) {
  for (;;) {
    const double z = gen.normal();
    if (std::abs(z) <= 2.0) return z * stddev;
  }
}

// Keras VarianceScaling: scale / fan, "uniform" or "truncated_normal".
Initializer variance_scaling(double scale, const char* mode, bool uniform) {
  return [=](const Shape& shape, DType dtype) {
    const Fans f = compute_fans(shape);
    const std::string m = mode;
    const double n = m == "fan_in" ? f.fan_in : m == "fan_out" ? f.fan_out : (f.fan_in + f.fan_out) / 2.0;
    const double variance = scale / std::max(1.0, n);
    Generator& gen = default_generator();
    if (uniform) {
      const double limit = std::sqrt(3.0 * variance);
      return fill(shape, dtype, [&] { return gen.uniform(-limit, limit); });
    }
    // 0.8796... is the stddev of a unit normal truncated to [-2, 2].
    const double stddev = std::sqrt(variance) / 0.87962566103423978;
    return fill(shape, dtype, [&] { return truncated_normal(gen, stddev); });
  };
}

// Keras Orthogonal: QR of a normal matrix, made unique by the signs of R's diagonal.
// Gram-Schmidt on the columns of the taller orientation gives the same Q.
Tensor orthogonal(const Shape& shape, DType dtype) {
  if (shape.size() < 2)
    throw ValueError(fmt::format("orthogonal initializer needs a shape of rank >= 2, got {}", shape_str(shape)));
  const int64_t cols = shape.back();
  const int64_t rows = shape_numel(shape) / std::max<int64_t>(cols, 1);
  const int64_t tall = std::max(rows, cols), narrow = std::min(rows, cols);
  Generator& gen = default_generator();
  std::vector<double> a(static_cast<size_t>(tall * narrow));  // column-major: column j at a[j*tall]
  for (double& v : a) v = gen.normal();
  for (int64_t j = 0; j < narrow; ++j) {
    double* cj = &a[static_cast<size_t>(j * tall)];
    for (int64_t k = 0; k < j; ++k) {
      const double* ck = &a[static_cast<size_t>(k * tall)];
      double dot = 0.0;
      for (int64_t i = 0; i < tall; ++i) dot += ck[i] * cj[i];
      for (int64_t i = 0; i < tall; ++i) cj[i] -= dot * ck[i];
    }
    double norm = 0.0;
    for (int64_t i = 0; i < tall; ++i) norm += cj[i] * cj[i];
    norm = std::sqrt(norm);
    for (int64_t i = 0; i < tall; ++i) cj[i] /= norm;
  }
  std::vector<double> out(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[static_cast<size_t>(r * cols + c)] =
          rows >= cols ? a[static_cast<size_t>(c * tall + r)] : a[static_cast<size_t>(r * tall + c)];
  return from_vector(out, shape).to(dtype);
}

const std::map<std::string, Initializer>& table() {
  static const std::map<std::string, Initializer> t = {
      {"zeros", [](const Shape& s, DType d) { return zeros(s, d); }},
      {"ones", [](const Shape& s, DType d) { return ones(s, d); }},
      {"random_normal",
       [](const Shape& s, DType d) {
         Generator& gen = default_generator();
         return fill(s, d, [&] { return gen.normal(0.0, 0.05); });
       }},
      {"random_uniform",
       [](const Shape& s, DType d) {
         Generator& gen = default_generator();
         return fill(s, d, [&] { return gen.uniform(-0.05, 0.05); });
       }},
      {"glorot_uniform", variance_scaling(1.0, "fan_avg", true)},
      {"glorot_normal", variance_scaling(1.0, "fan_avg", false)},
      {"he_uniform", variance_scaling(2.0, "fan_in", true)},
      {"he_normal", variance_scaling(2.0, "fan_in", false)},
      {"lecun_uniform", variance_scaling(1.0, "fan_in", true)},
      {"lecun_normal", variance_scaling(1.0, "fan_in", false)},
      {"orthogonal", orthogonal},
  };
  return t;
}

}  // namespace

Fans compute_fans(const Shape& shape) {
  if (shape.empty()) return {1.0, 1.0};
  if (shape.size() == 1) return {static_cast<double>(shape[0]), static_cast<double>(shape[0])};
  double receptive = 1.0;
  for (size_t i = 0; i + 2 < shape.size(); ++i) receptive *= static_cast<double>(shape[i]);
  return {receptive * static_cast<double>(shape[shape.size() - 2]), receptive * static_cast<double>(shape.back())};
}

Initializer get(const std::string& name) {
  auto it = table().find(name);
  if (it == table().end())
    throw ConfigError(fmt::format("unknown initializer '{}'; known: {}", name, fmt::join(names(), ", ")));
  return it->second;
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& [name, fn] : table()) out.push_back(name);
  return out;
}

}  // namespace deepfin::initializers
