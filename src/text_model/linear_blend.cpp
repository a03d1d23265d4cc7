// Fitting and applying the two-number stack of a linear and a neural text model.
#include "deepfin/text_model/linear_blend.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "deepfin/base/error.h"
#include "deepfin/ops/activations.h"
#include "deepfin/ops/elementwise.h"

namespace deepfin::text_model {
namespace {

void check_shapes(const Tensor& neural, const Tensor& decision) {
  if (neural.dim() != 2 || neural.shape() != decision.shape())
    throw ValueError(fmt::format("linear blend: neural probabilities {} and linear decision values {} differ",
                                 shape_str(neural.shape()), shape_str(decision.shape())));
}

}  // namespace

void check_blend(const LinearBlend& blend) {
  if (!(blend.scale > 0 && std::isfinite(blend.scale)) || !(blend.weight >= 0 && blend.weight <= 1))
    throw ValueError(
        fmt::format("linear blend: scale must be > 0 and weight in [0, 1], got {} and {}", blend.scale, blend.weight));
}

Tensor blend_probabilities(const Tensor& neural_probabilities, const Tensor& linear_decision,
                           const LinearBlend& blend) {
  check_shapes(neural_probabilities, linear_decision);
  check_blend(blend);
  const Tensor p = neural_probabilities.to(DType::float64);
  const Tensor linear = softmax(mul(linear_decision.to(DType::float64), blend.scale));
  return add(mul(p, 1.0 - blend.weight), mul(linear, blend.weight));
}

LinearBlend fit_blend(const Tensor& neural_probabilities, const Tensor& linear_decision,
                      const std::vector<int64_t>& truth) {
  check_shapes(neural_probabilities, linear_decision);
  const Tensor p = neural_probabilities.to(DType::float64).contiguous();
  const Tensor s = linear_decision.to(DType::float64).contiguous();
  const int64_t n = p.size(0), c = p.size(1);
  if (n == 0 || static_cast<int64_t>(truth.size()) != n)
    throw ValueError(fmt::format("linear blend: {} labels for {} held-out rows", truth.size(), n));
  for (int64_t y : truth)
    if (y < 0 || y >= c) throw ValueError(fmt::format("linear blend: class {} is outside [0, {})", y, c));
  // Only the probabilities of the true classes matter to the likelihood.
  std::vector<double> neural_true(static_cast<size_t>(n)), linear_true(static_cast<size_t>(n));
  LinearBlend best;
  double best_nll = std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < n; ++i) neural_true[static_cast<size_t>(i)] = p.data<double>()[i * c + truth[i]];
  for (int e = -2; e <= 5; ++e) {
    const double scale = std::ldexp(1.0, e);
    const Tensor soft = softmax(mul(s, scale)).contiguous();
    for (int64_t i = 0; i < n; ++i) linear_true[static_cast<size_t>(i)] = soft.data<double>()[i * c + truth[i]];
    for (int step = 0; step <= 20; ++step) {
      const double weight = step / 20.0;
      double nll = 0;
      for (size_t i = 0; i < neural_true.size(); ++i)
        nll -= std::log(std::max((1.0 - weight) * neural_true[i] + weight * linear_true[i], 1e-300));
      if (nll < best_nll - 1e-12) {
        best_nll = nll;
        best = {.scale = scale, .weight = weight};
      }
    }
  }
  return best;
}

}  // namespace deepfin::text_model
