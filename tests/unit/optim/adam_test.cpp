#include "deepfin/optim/adam.h"

#include <gtest/gtest.h>

#include <cmath>

#include "quadratic.h"

namespace deepfin {
namespace {

using testing::max_rel_diff;
using testing::Quadratic;
using testing::run_reference;

// The Keras 3 Adam step, written out per element in double.
struct AdamRef {
  double lr, b1, b2, eps, wd;
  bool amsgrad;
  std::vector<double> m, v, vmax;
  AdamRef(size_t n, double lr, double b1, double b2, double eps, double wd = 0, bool ams = false)
      : lr(lr), b1(b1), b2(b2), eps(eps), wd(wd), amsgrad(ams), m(n), v(n), vmax(n) {}
  double operator()(int t, size_t i, double g, double p) {
    p -= lr * wd * p;
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    vmax[i] = std::max(vmax[i], v[i]);
    const double alpha = lr * std::sqrt(1 - std::pow(b2, t + 1)) / (1 - std::pow(b1, t + 1));
    return p - alpha * m[i] / (std::sqrt(amsgrad ? vmax[i] : v[i]) + eps);
  }
};

TEST(Adam, StepsMatchKerasFormulaAndConverge) {
  Quadratic q(9);
  auto traj = q.run(*optim::Adam({.learning_rate = 0.01}), 20);
  AdamRef ref(9, 0.01, 0.9, 0.999, 1e-7);
  EXPECT_LT(max_rel_diff(traj, run_reference(q, 20, std::ref(ref))), 1e-5);
  EXPECT_LT(q.distance_to_min(q.run(*optim::Adam({.learning_rate = 0.05}), 600).back()), 1e-2);
}

TEST(Adam, CloseToPyTorchFormWhichPlacesEpsilonAfterBiasCorrection) {
  Quadratic q(4);
  auto traj = q.run(*optim::Adam({.learning_rate = 0.01, .epsilon = 1e-8}), 20);
  std::vector<double> m(4), v(4);
  auto torch_ref = run_reference(q, 20, [&](int t, size_t i, double g, double p) {
    m[i] = 0.9 * m[i] + 0.1 * g;
    v[i] = 0.999 * v[i] + 0.001 * g * g;
    const double bc1 = 1 - std::pow(0.9, t + 1), bc2 = 1 - std::pow(0.999, t + 1);
    return p - 0.01 / bc1 * m[i] / (std::sqrt(v[i]) / std::sqrt(bc2) + 1e-8);
  });
  EXPECT_LT(max_rel_diff(traj, torch_ref), 1e-5);
}

TEST(Adam, AmsgradMatchesFormula) {
  Quadratic q(5);
  auto traj = q.run(*optim::Adam({.learning_rate = 0.02, .beta_1 = 0.8, .amsgrad = true}), 20);
  AdamRef ref(5, 0.02, 0.8, 0.999, 1e-7, 0.0, true);
  EXPECT_LT(max_rel_diff(traj, run_reference(q, 20, std::ref(ref))), 1e-5);
}

TEST(AdamW, DecoupledWeightDecayMatchesFormula) {
  Quadratic q(6);
  auto opt = optim::AdamW({.learning_rate = 0.01, .weight_decay = 0.1});
  EXPECT_EQ(opt->class_name(), "AdamW");
  auto traj = q.run(*opt, 20);
  AdamRef ref(6, 0.01, 0.9, 0.999, 1e-7, 0.1);
  EXPECT_LT(max_rel_diff(traj, run_reference(q, 20, std::ref(ref))), 1e-5);
  // Weight decay really acts: the trajectory differs from plain Adam.
  auto plain = q.run(*optim::Adam({.learning_rate = 0.01}), 20);
  EXPECT_GT(std::abs(plain.back()[0] - traj.back()[0]), 1e-5);
}

TEST(Adam, RejectsBadBetas) {
  EXPECT_THROW(optim::Adam({.beta_1 = 1.0}), ValueError);
  EXPECT_THROW(optim::AdamW({.weight_decay = -0.1}), ValueError);
}

}  // namespace
}  // namespace deepfin
