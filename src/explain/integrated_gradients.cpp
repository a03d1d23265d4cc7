// Integrated gradients with batched path points: the (row, step) pairs of all
// rows are laid end to end and cut into chunks of batch_size, so each call of f
// (and each backward pass) sees as many points as the caller allows.
#include "deepfin/explain/integrated_gradients.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <utility>

#include "deepfin/autograd/node.h"

namespace deepfin::explain {
namespace {

constexpr const char* kWhere = "integrated_gradients";

struct Quadrature {
  std::vector<double> alphas;   // where on the path from baseline (0) to x (1)
  std::vector<double> weights;  // sum to 1
};

Quadrature quadrature(IntegrationRule rule, int64_t steps) {
  Quadrature q;
  const double h = 1.0 / static_cast<double>(steps);
  auto add = [&](double alpha, double weight) {
    q.alphas.push_back(alpha);
    q.weights.push_back(weight);
  };
  switch (rule) {
    case IntegrationRule::left_riemann:
      for (int64_t k = 0; k < steps; ++k) add(k * h, h);
      break;
    case IntegrationRule::right_riemann:
      for (int64_t k = 1; k <= steps; ++k) add(k * h, h);
      break;
    case IntegrationRule::midpoint:
      for (int64_t k = 0; k < steps; ++k) add((k + 0.5) * h, h);
      break;
    case IntegrationRule::trapezoid:
      for (int64_t k = 0; k <= steps; ++k) add(k * h, (k == 0 || k == steps) ? h / 2 : h);
      break;
  }
  return q;
}

// f's output for a batch of m points as doubles; ShapeError unless (m) or (m, 1).
std::vector<double> outputs_of(const Tensor& out, int64_t m) {
  const bool ok = out.defined() &&
                  ((out.dim() == 1 && out.size(0) == m) || (out.dim() == 2 && out.size(0) == m && out.size(1) == 1));
  if (!ok)
    throw ShapeError(fmt::format("{}: f returned shape {} for a batch of {} points; expected ({},) or ({}, 1)", kWhere,
                                 out.defined() ? shape_str(out.shape()) : std::string("(undefined)"), m, m, m));
  return out.to_vector<double>();
}

// Evaluates f without recording a graph, chunk by chunk, on rows of `points`
// (rows x features, row-major). `what` names the rows in error messages.
std::vector<double> evaluate(const DifferentiableFunction& f, const std::vector<double>& points, int64_t rows,
                             int64_t features, int64_t batch_size, const char* what) {
  NoGradGuard no_grad;
  std::vector<double> result;
  result.reserve(static_cast<size_t>(rows));
  for (int64_t start = 0; start < rows; start += batch_size) {
    const int64_t m = std::min(batch_size, rows - start);
    std::vector<float> chunk(points.begin() + start * features, points.begin() + (start + m) * features);
    const std::vector<double> out = outputs_of(f(from_vector(chunk, {m, features})), m);
    for (int64_t i = 0; i < m; ++i) {
      if (!std::isfinite(out[i]))
        throw ValueError(fmt::format("{}: f({} row {}) = {} is not finite", kWhere, what, start + i, out[i]));
      result.push_back(out[i]);
    }
  }
  return result;
}

// Detaches the .grad of every leaf that `out`'s graph reaches, except `own`, and
// re-attaches it on destruction: backward then accumulates into fresh buffers
// that are thrown away, and the caller's gradients (a model's arena) stay put.
class ForeignGradShield {
 public:
  ForeignGradShield(const Tensor& out, const std::shared_ptr<TensorImpl>& own) {
    if (!out.grad_fn()) return;
    std::unordered_set<Node*> seen{out.grad_fn().get()};
    std::unordered_set<TensorImpl*> leaves;
    std::vector<Node*> stack{out.grad_fn().get()};
    while (!stack.empty()) {
      Node* node = stack.back();
      stack.pop_back();
      for (const Edge& e : node->next_edges()) {
        if (e.leaf && e.leaf != own && leaves.insert(e.leaf.get()).second) {
          saved_.emplace_back(e.leaf, std::move(e.leaf->grad));
          e.leaf->grad.reset();
        }
        if (e.node && seen.insert(e.node.get()).second) stack.push_back(e.node.get());
      }
    }
  }
  ~ForeignGradShield() {
    for (auto& [leaf, grad] : saved_) leaf->grad = std::move(grad);
  }
  ForeignGradShield(const ForeignGradShield&) = delete;
  ForeignGradShield& operator=(const ForeignGradShield&) = delete;

 private:
  std::vector<std::pair<std::shared_ptr<TensorImpl>, std::shared_ptr<TensorImpl>>> saved_;
};

std::vector<double> finite_values(const Tensor& t, const char* name) {
  if (!is_floating(t.dtype()))
    throw DTypeError(fmt::format("{}: {} must be a floating tensor, got {}", kWhere, name, dtype_name(t.dtype())));
  std::vector<double> v = t.to_vector<double>();
  const int64_t width = t.dim() == 2 ? t.size(1) : t.numel();
  for (size_t k = 0; k < v.size(); ++k)
    if (!std::isfinite(v[k]))
      throw ValueError(fmt::format("{}: {} has a non-finite value {} at row {}, feature {}", kWhere, name, v[k],
                                   static_cast<int64_t>(k) / std::max<int64_t>(width, 1),
                                   static_cast<int64_t>(k) % std::max<int64_t>(width, 1)));
  return v;
}

}  // namespace

IntegrationRule integration_rule_from_string(const std::string& name) {
  if (name == "left") return IntegrationRule::left_riemann;
  if (name == "right") return IntegrationRule::right_riemann;
  if (name == "midpoint") return IntegrationRule::midpoint;
  if (name == "trapezoid") return IntegrationRule::trapezoid;
  throw ConfigError(
      fmt::format("unknown integration rule '{}'; expected one of: left, right, midpoint, trapezoid", name));
}

std::string to_string(IntegrationRule rule) {
  switch (rule) {
    case IntegrationRule::left_riemann:
      return "left";
    case IntegrationRule::right_riemann:
      return "right";
    case IntegrationRule::midpoint:
      return "midpoint";
    case IntegrationRule::trapezoid:
      return "trapezoid";
  }
  return "unknown";
}

double Attributions::max_abs_gap() const {
  double worst = 0;
  for (double g : completeness_gap) worst = std::max(worst, std::abs(g));
  return worst;
}

Attributions integrated_gradients(const DifferentiableFunction& f, const Tensor& x, const Tensor& baseline,
                                  const IntegratedGradientsOptions& options) {
  if (!f) throw ValueError(fmt::format("{}: f is empty", kWhere));
  if (options.steps < 1) throw ValueError(fmt::format("{}: steps must be >= 1, got {}", kWhere, options.steps));
  if (options.batch_size < 1)
    throw ValueError(fmt::format("{}: batch_size must be >= 1, got {}", kWhere, options.batch_size));
  if (!x.defined() || x.dim() != 2)
    throw ShapeError(fmt::format("{}: x must be (N, F), got {}", kWhere,
                                 x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor")));
  const int64_t n = x.size(0), features = x.size(1);
  const bool shared = baseline.defined() && baseline.dim() == 1 && baseline.size(0) == features;
  if (!shared && !(baseline.defined() && baseline.shape() == x.shape()))
    throw ShapeError(fmt::format("{}: baseline of shape {} does not fit x of shape {}; expected ({},) or {}", kWhere,
                                 baseline.defined() ? shape_str(baseline.shape()) : std::string("(undefined)"),
                                 shape_str(x.shape()), features, shape_str(x.shape())));
  if (!grad_enabled())
    throw ValueError(fmt::format("{}: gradient recording is off (called inside a NoGradGuard)", kWhere));

  const std::vector<double> xv = finite_values(x, "x");
  const std::vector<double> bv = finite_values(baseline, "baseline");
  auto base = [&](int64_t row, int64_t j) { return bv[(shared ? 0 : row * features) + j]; };

  Attributions result;
  result.output = evaluate(f, xv, n, features, options.batch_size, "x");
  result.baseline_output = shared && n > 0 ? std::vector<double>(n, evaluate(f, bv, 1, features, 1, "baseline")[0])
                                           : evaluate(f, bv, shared ? 0 : n, features, options.batch_size, "baseline");

  // Walk the (row, point) pairs in chunks; accumulate weighted path gradients per row.
  const Quadrature q = quadrature(options.rule, options.steps);
  const int64_t per_row = static_cast<int64_t>(q.alphas.size());
  const int64_t total = n * per_row;
  std::vector<double> integral(static_cast<size_t>(n * features), 0.0);
  for (int64_t start = 0; start < total; start += options.batch_size) {
    const int64_t m = std::min(options.batch_size, total - start);
    std::vector<float> points(static_cast<size_t>(m * features));
    for (int64_t p = 0; p < m; ++p) {
      const int64_t row = (start + p) / per_row;
      const double alpha = q.alphas[(start + p) % per_row];
      for (int64_t j = 0; j < features; ++j) {
        const double b = base(row, j);
        points[p * features + j] = static_cast<float>(b + alpha * (xv[row * features + j] - b));
      }
    }
    Tensor leaf = from_vector(points, {m, features});
    leaf.set_requires_grad(true);
    const Tensor out = f(leaf);
    outputs_of(out, m);
    if (!out.requires_grad()) continue;  // f does not depend on its input here: zero gradient
    {
      ForeignGradShield shield(out, leaf.impl_ptr());
      out.backward(ones_like(out));
    }
    const Tensor grad = leaf.grad();
    if (!grad.defined()) continue;
    const std::vector<double> g = grad.to_vector<double>();
    for (int64_t p = 0; p < m; ++p) {
      const int64_t row = (start + p) / per_row;
      const double w = q.weights[(start + p) % per_row];
      for (int64_t j = 0; j < features; ++j) integral[row * features + j] += w * g[p * features + j];
    }
  }

  std::vector<float> values(static_cast<size_t>(n * features));
  result.completeness_gap.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    double total_attribution = 0;
    for (int64_t j = 0; j < features; ++j) {
      const double v = (xv[i * features + j] - base(i, j)) * integral[i * features + j];
      if (!std::isfinite(v))
        throw ValueError(fmt::format("{}: the path gradient of row {}, feature {} is not finite", kWhere, i, j));
      values[i * features + j] = static_cast<float>(v);
      total_attribution += static_cast<double>(values[i * features + j]);
    }
    result.completeness_gap[i] = total_attribution - (result.output[i] - result.baseline_output[i]);
  }
  result.values = from_vector(values, {n, features});
  return result;
}

}  // namespace deepfin::explain
