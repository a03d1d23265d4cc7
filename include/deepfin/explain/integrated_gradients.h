#pragma once
// Integrated gradients (Sundararajan, Taly & Yan 2017): the attribution of feature
// j for input x against a baseline x' is
//   IG_j(x) = (x_j - x'_j) * integral_0^1 df(x' + a (x - x'))/dx_j da,
// approximated by a quadrature rule over `steps` intervals. For a credit model,
// f is the pre-sigmoid output (log-odds), so attributions add up, row by row, to
// the change in log-odds from the baseline (the completeness property).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::explain {

enum class IntegrationRule { left_riemann, right_riemann, midpoint, trapezoid };

// "left", "right", "midpoint", "trapezoid"; ConfigError listing them otherwise.
IntegrationRule integration_rule_from_string(const std::string& name);
std::string to_string(IntegrationRule rule);

struct IntegratedGradientsOptions {
  int64_t steps = 64;  // quadrature intervals along the path (trapezoid evaluates steps + 1 points)
  IntegrationRule rule = IntegrationRule::trapezoid;
  int64_t batch_size = 2048;  // path points per call of f (points of several rows share a call)
};

// A differentiable function from an (M, F) float32 batch to M outputs, shaped (M)
// or (M, 1), e.g. a model's log-odds. It must treat rows independently.
using DifferentiableFunction = std::function<Tensor(const Tensor&)>;

struct Attributions {
  Tensor values;                         // (N, F) float32: attribution of feature j for row i
  std::vector<double> output;            // f(x_i)
  std::vector<double> baseline_output;   // f(baseline_i)
  std::vector<double> completeness_gap;  // sum_j values_ij - (output_i - baseline_output_i)
  double max_abs_gap() const;            // 0 for no rows
};

// x (N, F) of a floating type; baseline (F), shared by every row, or (N, F).
// ShapeError on a shape mismatch (naming both shapes) or if f returns the wrong
// shape; ValueError for steps < 1, batch_size < 1, non-finite inputs or outputs,
// or when called with gradient recording off (inside a NoGradGuard).
//
// Gradients never leak: the path points are a private leaf, and every other leaf
// that f's graph reaches (e.g. model parameters, whose .grad is a view of the
// model's gradient arena) has its .grad detached during each backward pass and
// re-attached afterwards, so parameter gradients are left exactly as they were.
Attributions integrated_gradients(const DifferentiableFunction& f, const Tensor& x, const Tensor& baseline,
                                  const IntegratedGradientsOptions& options = {});

}  // namespace deepfin::explain
