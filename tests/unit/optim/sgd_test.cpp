#include "deepfin/optim/sgd.h"

#include <gtest/gtest.h>

#include "deepfin/base/threads.h"
#include "quadratic.h"

namespace deepfin {
namespace {

using testing::max_rel_diff;
using testing::Quadratic;
using testing::run_reference;

TEST(SGD, PlainStepsMatchScalarFormulaAndConverge) {
  Quadratic q(7);
  auto opt = optim::SGD({.learning_rate = 0.1});
  auto traj = q.run(*opt, 20);
  auto ref = run_reference(q, 20, [](int, size_t, double g, double p) { return p - 0.1 * g; });
  EXPECT_LT(max_rel_diff(traj, ref), 1e-5);
  EXPECT_EQ(opt->iterations(), 20);
  EXPECT_LT(q.distance_to_min(q.run(*optim::SGD({.learning_rate = 0.1}), 300).back()), 1e-3);
}

TEST(SGD, KerasMomentumMatchesPyTorchFormAndConverges) {
  Quadratic q(5);
  const double lr = 0.05, mu = 0.9;
  auto opt = optim::SGD({.learning_rate = lr, .momentum = mu});
  auto traj = q.run(*opt, 20);
  std::vector<double> b(5, 0.0);  // PyTorch: b = mu * b + g; p -= lr * b
  auto torch_ref = run_reference(q, 20, [&](int, size_t i, double g, double p) {
    b[i] = mu * b[i] + g;
    return p - lr * b[i];
  });
  EXPECT_LT(max_rel_diff(traj, torch_ref), 1e-5);
  EXPECT_LT(q.distance_to_min(q.run(*optim::SGD({.learning_rate = lr, .momentum = mu}), 300).back()), 1e-3);
}

TEST(SGD, NesterovMatchesPyTorchForm) {
  Quadratic q(6);
  const double lr = 0.05, mu = 0.8;
  auto opt = optim::SGD({.learning_rate = lr, .momentum = mu, .nesterov = true});
  auto traj = q.run(*opt, 20);
  std::vector<double> b(6, 0.0);  // PyTorch: b = mu * b + g; p -= lr * (g + mu * b)
  auto torch_ref = run_reference(q, 20, [&](int, size_t i, double g, double p) {
    b[i] = mu * b[i] + g;
    return p - lr * (g + mu * b[i]);
  });
  EXPECT_LT(max_rel_diff(traj, torch_ref), 1e-5);
}

TEST(SGD, LargeArenaAcrossThreadsMatchesScalarFormula) {
  set_num_threads(2);
  Quadratic q(100003);  // above kParallelGrain, odd size
  auto opt = optim::SGD({.learning_rate = 0.1, .momentum = 0.5});
  auto traj = q.run(*opt, 3);
  std::vector<double> v(q.a.size(), 0.0);
  auto ref = run_reference(q, 3, [&](int, size_t i, double g, double p) {
    v[i] = 0.5 * v[i] - 0.1 * g;
    return p + v[i];
  });
  EXPECT_LT(max_rel_diff(traj, ref), 1e-5);
}

TEST(SGD, RejectsBadOptions) {
  EXPECT_THROW(optim::SGD({.momentum = 1.5}), ValueError);
  EXPECT_THROW(optim::SGD({.learning_rate = -1.0}), ValueError);
  EXPECT_THROW(optim::SGD({.clipnorm = 1.0, .global_clipnorm = 1.0}), ValueError);
}

TEST(SGD, ArenaSizeChangeIsShapeError) {
  auto opt = optim::SGD({.momentum = 0.9});
  std::vector<float> p(4, 0.f), g(4, 1.f);
  opt->apply_gradients(p.data(), g.data(), 4);
  try {
    opt->apply_gradients(p.data(), g.data(), 3);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("SGD.apply_gradients"), std::string::npos);
  }
}

}  // namespace
}  // namespace deepfin
