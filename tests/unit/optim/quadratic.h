#pragma once
// A small separable quadratic f(p) = 0.5 * sum a_i (p_i - c_i)^2 for optimizer tests:
// its gradient is a_i (p_i - c_i) and its minimum is p = c.
#include <cmath>
#include <functional>
#include <vector>

#include "deepfin/optim/optimizer.h"

namespace deepfin::testing {

struct Quadratic {
  std::vector<double> a, c;

  explicit Quadratic(int n) {
    for (int i = 0; i < n; ++i) {
      a.push_back(0.5 + 0.25 * (i % 5));
      c.push_back(std::sin(1.0 + i) * 2.0);
    }
  }
  std::vector<float> start() const { return std::vector<float>(a.size(), 0.5f); }
  double grad(size_t i, double p) const { return a[i] * (p - c[i]); }
  std::vector<float> grads(const std::vector<float>& p) const {
    std::vector<float> g(p.size());
    for (size_t i = 0; i < p.size(); ++i) g[i] = static_cast<float>(grad(i, p[i]));
    return g;
  }
  double distance_to_min(const std::vector<float>& p) const {
    double d = 0;
    for (size_t i = 0; i < p.size(); ++i) d = std::max(d, std::abs(p[i] - c[i]));
    return d;
  }
  // Runs `steps` optimizer steps from start(); returns the parameters after each step.
  std::vector<std::vector<float>> run(optim::Optimizer& opt, int steps, std::vector<float> p = {}) const {
    if (p.empty()) p = start();
    std::vector<std::vector<float>> trajectory;
    for (int s = 0; s < steps; ++s) {
      std::vector<float> g = grads(p);
      opt.apply_gradients(p.data(), g.data(), static_cast<int64_t>(p.size()));
      trajectory.push_back(p);
    }
    return trajectory;
  }
};

// A scalar reference rule: given (step index t from 0, element i, gradient g, param p) returns the new p,
// keeping its own per-element state.
using ScalarRule = std::function<double(int t, size_t i, double g, double p)>;

inline std::vector<std::vector<double>> run_reference(const Quadratic& q, int steps, const ScalarRule& rule) {
  std::vector<double> p(q.a.size(), 0.5);
  std::vector<std::vector<double>> trajectory;
  for (int t = 0; t < steps; ++t) {
    for (size_t i = 0; i < p.size(); ++i) p[i] = rule(t, i, q.grad(i, p[i]), p[i]);
    trajectory.push_back(p);
  }
  return trajectory;
}

// Max relative difference |x - y| / max(1, |y|) between two trajectories.
inline double max_rel_diff(const std::vector<std::vector<float>>& x, const std::vector<std::vector<double>>& y) {
  double worst = 0;
  for (size_t t = 0; t < x.size(); ++t)
    for (size_t i = 0; i < x[t].size(); ++i)
      worst = std::max(worst, std::abs(x[t][i] - y[t][i]) / std::max(1.0, std::abs(y[t][i])));
  return worst;
}

}  // namespace deepfin::testing
