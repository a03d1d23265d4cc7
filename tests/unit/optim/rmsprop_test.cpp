#include "deepfin/optim/rmsprop.h"

#include <gtest/gtest.h>

#include <cmath>

#include "quadratic.h"

namespace deepfin {
namespace {

using testing::max_rel_diff;
using testing::Quadratic;
using testing::run_reference;

// The Keras 3 RMSprop step per element, in double.
testing::ScalarRule rmsprop_ref(size_t n, double lr, double rho, double mu, double eps, bool centered) {
  auto v = std::make_shared<std::vector<double>>(n), b = std::make_shared<std::vector<double>>(n),
       a = std::make_shared<std::vector<double>>(n);
  return [=](int, size_t i, double g, double p) {
    (*v)[i] = rho * (*v)[i] + (1 - rho) * g * g;
    double denom = (*v)[i] + eps;
    if (centered) {
      (*a)[i] = rho * (*a)[i] + (1 - rho) * g;
      denom -= (*a)[i] * (*a)[i];
    }
    const double step = lr * g / std::sqrt(denom);
    if (mu > 0) {
      (*b)[i] = mu * (*b)[i] + step;
      return p - (*b)[i];
    }
    return p - step;
  };
}

TEST(RMSprop, PlainMatchesFormulaAndConverges) {
  Quadratic q(5);
  auto traj = q.run(*optim::RMSprop({.learning_rate = 0.01}), 20);
  EXPECT_LT(max_rel_diff(traj, run_reference(q, 20, rmsprop_ref(5, 0.01, 0.9, 0, 1e-7, false))), 1e-5);
  EXPECT_LT(q.distance_to_min(q.run(*optim::RMSprop({.learning_rate = 0.01}), 800).back()), 2e-2);
}

TEST(RMSprop, MomentumAndCenteredMatchFormula) {
  Quadratic q(5);
  for (bool centered : {false, true}) {
    for (double mu : {0.0, 0.7}) {
      auto traj = q.run(*optim::RMSprop({.learning_rate = 0.01, .momentum = mu, .centered = centered}), 20);
      auto ref = run_reference(q, 20, rmsprop_ref(5, 0.01, 0.9, mu, 1e-7, centered));
      EXPECT_LT(max_rel_diff(traj, ref), 1e-5) << "centered=" << centered << " momentum=" << mu;
    }
  }
}

TEST(RMSprop, RejectsBadRho) {
  EXPECT_THROW(optim::RMSprop({.rho = 1.0}), ValueError);
}

}  // namespace
}  // namespace deepfin
